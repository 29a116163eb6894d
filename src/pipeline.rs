//! The whole pipeline behind one builder-configured [`Deduper`]:
//! documents → shingles → signatures → band records → candidate edges → verified edges → clusters.
//!
//! Each stage is a pure function in its own module ([`crate::shingle`],
//! [`crate::minhash`], [`crate::lsh`], [`crate::verify`],
//! [`crate::cluster`]); this module strings them together, in parallel with the
//! `parallel` feature, and measures each stage.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use crate::DocId;
use crate::boilerplate::{self, BoilerplateConfig, BoilerplateCounter, ShingleFilter};
use crate::cluster::{Clustering, Edge, Guard, GuardedUnion, Representative, UnionFind};
use crate::corpus::{Corpus, Document};
use crate::error::{Error, Result};
use crate::lsh::{self, LshParams};
use crate::minhash::{Algorithm, MinHashConfig, MinHasher, SignatureMatrix, SignatureRows};
use crate::shingle::{ShingleConfig, ShingleSet, ShingleUnit, Shingler};
use crate::sketch::Sketcher;
use crate::verify::{self, Criterion, Decision, ExactSets, Similarity, Verify};

/// The default similarity threshold (on the default [`Similarity::Containment`] scale), chosen
/// by measurement (see the README).
pub const DEFAULT_THRESHOLD: f64 = 0.6;

/// The default containment guard: pairs whose smaller document has fewer shingles are judged by
/// Jaccard.
pub const DEFAULT_MIN_SHINGLES: u32 = 10;

/// The default smallest size ratio (smaller set / larger set) at which containment pairs are
/// searched for: a reprint cut to a quarter of its original is still found.
pub const DEFAULT_MIN_SIZE_RATIO: f64 = 0.25;

/// The probability with which the default banding makes a pair at the target similarity
/// collide in some band (when [`LSH_MIN_ROWS`] allow it).
pub const LSH_RECALL: f64 = 0.99;

/// The fewest rows per band of the default banding (see [`LshParams::for_recall`]): with 128
/// slots, containment's low targets get 64 bands of 2 rows.
pub const LSH_MIN_ROWS: usize = 2;

/// Everything that decides which documents are near-duplicates. Build with [`Config::builder`].
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    shingle: ShingleConfig,
    minhash: MinHashConfig,
    similarity: Similarity,
    threshold: f64,
    min_shingles: u32,
    min_size_ratio: f64,
    lsh: LshParams,
    verify: Verify,
    representative: Representative,
    boilerplate: Option<BoilerplateConfig>,
    guard: Guard,
    window: Option<u32>,
}

impl Config {
    /// A builder with the measured defaults: word 5-grams, 128-slot one-permutation MinHash,
    /// boilerplate learnt from the corpus, containment at [`DEFAULT_THRESHOLD`] (Jaccard below
    /// [`DEFAULT_MIN_SHINGLES`] shingles), banding aimed at pairs down to a size ratio of
    /// [`DEFAULT_MIN_SIZE_RATIO`] (probability [`LSH_RECALL`], at least [`LSH_MIN_ROWS`] rows),
    /// hybrid verification, the [`Guard::Representative`] chaining guard.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }
    /// Shingling.
    pub fn shingle(&self) -> &ShingleConfig {
        &self.shingle
    }
    /// MinHash parameters.
    pub fn minhash(&self) -> &MinHashConfig {
        &self.minhash
    }
    /// The similarity measure.
    pub fn similarity(&self) -> Similarity {
        self.similarity
    }
    /// The threshold, on the [`similarity`](Config::similarity)'s scale, at which two documents
    /// are duplicates.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }
    /// The decision rule: measure, threshold and containment guard.
    pub fn criterion(&self) -> Criterion {
        Criterion::new(self.similarity, self.threshold, self.min_shingles)
    }
    /// The Jaccard similarity the banding is built to catch: the threshold for Jaccard; for
    /// containment, the Jaccard of a pair at the threshold whose smaller set is
    /// `min_size_ratio` of the larger.
    pub fn lsh_target(&self) -> f64 {
        lsh_target(self.similarity, self.threshold, self.min_size_ratio)
    }
    /// How boilerplate is learnt, or `None` when it is kept.
    pub fn boilerplate(&self) -> Option<&BoilerplateConfig> {
        self.boilerplate.as_ref()
    }
    /// The size ratio down to which the banding aims to catch pairs at the threshold.
    pub fn min_size_ratio(&self) -> f64 {
        self.min_size_ratio
    }

    /// The chaining guard.
    pub fn guard(&self) -> Guard {
        self.guard
    }
    /// The time window in days, if any: documents further apart are never in one cluster.
    pub fn window(&self) -> Option<u32> {
        self.window
    }
    /// The banding.
    pub fn lsh(&self) -> &LshParams {
        &self.lsh
    }
    /// How candidates are verified.
    pub fn verify(&self) -> Verify {
        self.verify
    }
    /// The representative policy.
    pub fn representative(&self) -> Representative {
        self.representative
    }
}

/// Builds a [`Config`]; [`build`](ConfigBuilder::build) validates it and picks the banding.
#[derive(Clone, Debug)]
pub struct ConfigBuilder {
    unit: ShingleUnit,
    ngram: usize,
    nfkc: bool,
    algorithm: Algorithm,
    num_perm: usize,
    seed: u64,
    similarity: Similarity,
    threshold: f64,
    min_shingles: u32,
    min_size_ratio: f64,
    bands_rows: Option<(usize, usize)>,
    lsh_weights: Option<(f64, f64)>,
    verify: Verify,
    representative: Representative,
    boilerplate: Option<BoilerplateConfig>,
    guard: Guard,
    window: Option<u32>,
}

impl Default for ConfigBuilder {
    fn default() -> ConfigBuilder {
        let s = ShingleConfig::default();
        let m = MinHashConfig::default();
        ConfigBuilder {
            unit: s.unit(),
            ngram: s.size(),
            nfkc: s.nfkc(),
            algorithm: m.algorithm(),
            num_perm: m.num_perm(),
            seed: m.seed(),
            similarity: Similarity::default(),
            threshold: DEFAULT_THRESHOLD,
            min_shingles: DEFAULT_MIN_SHINGLES,
            min_size_ratio: DEFAULT_MIN_SIZE_RATIO,
            bands_rows: None,
            lsh_weights: None,
            verify: Verify::default(),
            representative: Representative::default(),
            boilerplate: Some(BoilerplateConfig::default()),
            guard: Guard::default(),
            window: None,
        }
    }
}

impl ConfigBuilder {
    /// Word n-gram shingles of `n` words.
    pub fn word_ngrams(mut self, n: usize) -> Self {
        self.unit = ShingleUnit::Words;
        self.ngram = n;
        self
    }
    /// Character n-gram shingles of `n` characters.
    pub fn char_ngrams(mut self, n: usize) -> Self {
        self.unit = ShingleUnit::Chars;
        self.ngram = n;
        self
    }
    /// NFKC-normalise text before shingling.
    pub fn nfkc(mut self, yes: bool) -> Self {
        self.nfkc = yes;
        self
    }
    /// The MinHash algorithm.
    pub fn algorithm(mut self, a: Algorithm) -> Self {
        self.algorithm = a;
        self
    }
    /// The number of signature slots.
    pub fn num_perm(mut self, n: usize) -> Self {
        self.num_perm = n;
        self
    }
    /// The hash seed.
    pub fn seed(mut self, s: u64) -> Self {
        self.seed = s;
        self
    }
    /// The similarity measure (default [`Similarity::Containment`]).
    pub fn similarity(mut self, s: Similarity) -> Self {
        self.similarity = s;
        self
    }
    /// The threshold on the similarity's scale, in `(0, 1)`.
    pub fn threshold(mut self, t: f64) -> Self {
        self.threshold = t;
        self
    }
    /// The containment guard: pairs whose smaller document has fewer shingles are judged by
    /// Jaccard (default [`DEFAULT_MIN_SHINGLES`]).
    pub fn min_shingles(mut self, n: u32) -> Self {
        self.min_shingles = n;
        self
    }
    /// The smallest size ratio (smaller / larger set) for which containment pairs are searched
    /// (default [`DEFAULT_MIN_SIZE_RATIO`]); lower finds shorter excerpts at more candidate cost.
    pub fn min_size_ratio(mut self, r: f64) -> Self {
        self.min_size_ratio = r;
        self
    }
    /// Learn boilerplate shingles from the corpus and leave them out (`Some`, the default), or
    /// keep every shingle (`None`).
    pub fn boilerplate(mut self, b: Option<BoilerplateConfig>) -> Self {
        self.boilerplate = b;
        self
    }
    /// The chaining guard (default [`Guard::Representative`]).
    pub fn guard(mut self, g: Guard) -> Self {
        self.guard = g;
        self
    }
    /// Never put documents more than `days` apart in one cluster (documents need dates: see
    /// [`crate::CorpusConfig`]'s date field).
    pub fn window_days(mut self, days: Option<u32>) -> Self {
        self.window = days;
        self
    }
    /// Fixes the banding instead of deriving it from the threshold.
    pub fn bands_rows(mut self, bands: usize, rows: usize) -> Self {
        self.bands_rows = Some((bands, rows));
        self
    }
    /// Derive the banding by weighing false positives against false negatives (the area under
    /// the S-curve below the target against the area above it) instead of the default: with
    /// verification, the banding with the most rows that still catches a pair at the target with
    /// probability [`LSH_RECALL`]; with [`Verify::None`], equal weights.
    pub fn lsh_weights(mut self, false_positive: f64, false_negative: f64) -> Self {
        self.lsh_weights = Some((false_positive, false_negative));
        self
    }
    /// How candidates are verified.
    pub fn verify(mut self, v: Verify) -> Self {
        self.verify = v;
        self
    }
    /// Which member represents a cluster.
    pub fn representative(mut self, r: Representative) -> Self {
        self.representative = r;
        self
    }
    /// Validates the values and picks the banding.
    pub fn build(self) -> Result<Config> {
        let shingle = match self.unit {
            ShingleUnit::Words => ShingleConfig::builder().words(self.ngram),
            ShingleUnit::Chars => ShingleConfig::builder().chars(self.ngram),
        }
        .nfkc(self.nfkc)
        .build()?;
        let minhash =
            MinHashConfig::builder().algorithm(self.algorithm).num_perm(self.num_perm).seed(self.seed).build()?;
        if !(self.threshold > 0.0 && self.threshold < 1.0) {
            return Err(Error::config(format!("threshold must be in (0, 1), got {}", self.threshold)));
        }
        if !(self.min_size_ratio > 0.0 && self.min_size_ratio <= 1.0) {
            return Err(Error::config(format!("minimum size ratio must be in (0, 1], got {}", self.min_size_ratio)));
        }
        if self.similarity == Similarity::Containment && self.verify == Verify::None {
            return Err(Error::config(
                "containment needs verification: its candidates include low-Jaccard pairs (use --verify hybrid, \
                 estimate or exact, or --similarity jaccard)",
            ));
        }
        let target = lsh_target(self.similarity, self.threshold, self.min_size_ratio);
        let lsh = match (self.bands_rows, self.lsh_weights, self.verify) {
            (Some((b, r)), _, _) => LshParams::new(b, r, self.num_perm)?,
            (None, Some((fp, fneg)), _) => {
                if !(fp >= 0.0 && fneg >= 0.0 && fp + fneg > 0.0) {
                    return Err(Error::config(format!("LSH weights must be non-negative, got ({fp}, {fneg})")));
                }
                LshParams::optimal(target, self.num_perm, fp, fneg)?
            }
            // Unverified candidates are the output: balance misses and false pairs.
            (None, None, Verify::None) => LshParams::optimal(target, self.num_perm, 0.5, 0.5)?,
            // Verified: a missed pair is lost for good, a false candidate costs one check.
            (None, None, _) => LshParams::for_recall(target, self.num_perm, LSH_RECALL, LSH_MIN_ROWS)?,
        };
        Ok(Config {
            shingle,
            minhash,
            similarity: self.similarity,
            threshold: self.threshold,
            min_shingles: self.min_shingles,
            min_size_ratio: self.min_size_ratio,
            lsh,
            verify: self.verify,
            representative: self.representative,
            boilerplate: self.boilerplate,
            guard: self.guard,
            window: self.window,
        })
    }
}

/// The Jaccard similarity of a pair at `threshold` on `similarity`'s scale whose smaller set is
/// `ratio` of the larger: `t·ρ / (1 + ρ − t·ρ)` for containment.
fn lsh_target(similarity: Similarity, threshold: f64, ratio: f64) -> f64 {
    match similarity {
        Similarity::Jaccard => threshold,
        Similarity::Containment => threshold * ratio / (1.0 + ratio - threshold * ratio),
    }
}

/// Anything the pipeline can read documents from: a [`Corpus`], a slice of `(id, text)` pairs, or
/// a user's own storage.
pub trait DocumentSource: Sync {
    /// The number of records.
    fn len(&self) -> usize;
    /// Whether there are no records.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Record `i` as a document, or why it is invalid.
    fn document(&self, i: usize) -> Result<Document<'_>>;
    /// A hint that records `records` are about to be read. Does nothing by default.
    fn prefetch(&self, records: std::ops::Range<usize>) {
        let _ = records;
    }
    /// A hint that records `records` have been read and their bytes need not stay in memory
    /// (they may still be read again). Does nothing by default.
    fn release(&self, records: std::ops::Range<usize>) {
        let _ = records;
    }
}

impl DocumentSource for Corpus {
    fn len(&self) -> usize {
        Corpus::len(self)
    }
    fn document(&self, i: usize) -> Result<Document<'_>> {
        Corpus::document(self, i)
    }
    fn prefetch(&self, records: std::ops::Range<usize>) {
        Corpus::prefetch(self, records)
    }
    fn release(&self, records: std::ops::Range<usize>) {
        Corpus::release(self, records)
    }
}

impl<I: AsRef<str> + Sync, T: AsRef<str> + Sync> DocumentSource for [(I, T)] {
    fn len(&self) -> usize {
        <[(I, T)]>::len(self)
    }
    fn document(&self, i: usize) -> Result<Document<'_>> {
        let (id, text) = &self[i];
        Ok(Document { id: Cow::Borrowed(id.as_ref()), text: Cow::Borrowed(text.as_ref()), day: None })
    }
}

/// Wall time of each stage, in seconds.
#[derive(Clone, Debug, Default, Serialize)]
pub struct StageSeconds {
    /// Opening and splitting the input (set by the caller that opened it).
    pub read: f64,
    /// Learning boilerplate shingles (two passes over a sample of the documents).
    pub boilerplate: f64,
    /// Parsing, shingling and signing (parsing is fused with signing: one pass over the text).
    pub sign: f64,
    /// Computing and sorting band records into candidate edges.
    pub band: f64,
    /// Verifying candidates.
    pub verify: f64,
    /// Union-find and numbering clusters.
    pub union: f64,
    /// Writing output (set by the caller that writes it).
    pub write: f64,
    /// Of `sign`: thread-seconds spent parsing records into documents (JSON decoding, UTF-8
    /// checks), summed over worker threads.
    pub parse_cpu: f64,
    /// Of `sign`: thread-seconds spent shingling and signing, summed over worker threads.
    pub sketch_cpu: f64,
}

/// What a run did: counts, the banding it used, and stage times.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Stats {
    /// Documents clustered (valid records).
    pub documents: u64,
    /// Bytes of input text.
    pub text_bytes: u64,
    /// Records skipped as invalid.
    pub skipped: u64,
    /// Documents with no shingles (never linked).
    pub empty_documents: u64,
    /// Candidate edges from LSH, after removing repeats.
    pub candidates: u64,
    /// Candidate pairs whose exact Jaccard was computed ([`Verify::Exact`], and the borderline
    /// pairs of [`Verify::Hybrid`] that were not already linked through other edges).
    pub exact_checks: u64,
    /// Documents re-read and shingled for exact checks (a document is counted once per chunk of
    /// checks it takes part in).
    pub exact_documents: u64,
    /// Edges that passed verification.
    pub verified_edges: u64,
    /// Boilerplate shingles learnt from the corpus and left out.
    pub boilerplate_shingles: u64,
    /// Documents counted to learn boilerplate.
    pub boilerplate_sample: u64,
    /// Verified edges that did not merge their clusters because the chaining guard refused.
    pub guard_refusals: u64,
    /// Verified edges that did not merge their clusters because the merged cluster would span
    /// more than the time window.
    pub window_refusals: u64,
    /// Clusters flagged as suspicious (see [`ClusterSummary`]).
    pub suspicious_clusters: u64,
    /// The largest clusters (up to ten), largest first.
    pub largest_clusters: Vec<ClusterSummary>,
    /// Clusters, singletons included.
    pub clusters: u64,
    /// Clusters of two or more documents.
    pub duplicate_clusters: u64,
    /// Documents that are not representatives.
    pub duplicates: u64,
    /// The size of the largest cluster.
    pub largest_cluster: u64,
    /// Bands used.
    pub bands: u64,
    /// Rows per band used.
    pub rows: u64,
    /// Seconds per stage.
    pub seconds: StageSeconds,
}

impl Stats {
    /// Total seconds over all stages.
    pub fn total_seconds(&self) -> f64 {
        let s = &self.seconds;
        s.read + s.boilerplate + s.sign + s.band + s.verify + s.union + s.write
    }
}

/// One cluster in [`Stats::largest_clusters`], with the flags that make it suspicious.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ClusterSummary {
    /// The cluster id.
    pub cluster: u32,
    /// The representative's document id.
    pub representative: String,
    /// The number of documents.
    pub size: u64,
    /// The lowest estimated similarity (on the configured measure) of a member to the
    /// representative.
    pub min_similarity: f64,
    /// Far larger than copies of one text usually are: at least [`GIANT_CLUSTER`] documents
    /// and 0.1% of the corpus.
    pub giant: bool,
    /// Some member's estimated similarity to the representative is below half the threshold:
    /// the cluster was chained together through intermediate documents.
    pub loose: bool,
}

/// The size from which a cluster is flagged as giant (see [`ClusterSummary::giant`]).
pub const GIANT_CLUSTER: u64 = 100;

/// The result of clustering: for each valid record, its id and cluster.
#[derive(Clone, Debug)]
pub struct Output {
    /// Document ids, in input order (skipped records left out).
    pub ids: Vec<String>,
    /// For each document, the index of its record in the source.
    pub records: Vec<usize>,
    /// Cluster assignments, parallel to `ids`.
    pub clustering: Clustering,
    /// The verified edges (indices into `ids`), sorted.
    pub edges: Vec<Edge>,
    /// The signatures, parallel to `ids`.
    pub signatures: SignatureMatrix,
    /// The boilerplate filter the signatures were made with, if any.
    pub filter: Option<Arc<ShingleFilter>>,
    /// Records skipped as invalid, with why.
    pub skipped: Vec<Error>,
    /// Counts and times.
    pub stats: Stats,
}

/// Progress reports: documents done and text bytes done so far.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// Finds and clusters near-duplicates under one [`Config`].
#[derive(Clone, Debug)]
pub struct Deduper {
    config: Config,
    hasher: MinHasher,
    filter: Option<Arc<ShingleFilter>>,
}

/// Documents are signed in chunks of this many, so that progress is reported and an error stops
/// the run early.
const CHUNK: usize = 8192;

/// Exact verification checks edges in chunks of this many, holding one chunk's shingle sets (and
/// one chunk's documents in memory).
const EXACT_CHUNK: usize = 4096;

impl Deduper {
    /// A deduper for `config`.
    pub fn new(config: Config) -> Deduper {
        let hasher = MinHasher::new(*config.minhash());
        Deduper { config, hasher, filter: None }
    }

    /// This deduper with a given boilerplate filter (for instance one learnt from another
    /// corpus, or saved with an index): [`run`](Deduper::run) then uses it instead of learning
    /// one. `None` goes back to learning (when the configuration asks for it).
    pub fn with_filter(mut self, filter: Option<Arc<ShingleFilter>>) -> Deduper {
        self.filter = filter;
        self
    }

    /// The boilerplate filter in use, if one was given.
    pub fn filter(&self) -> Option<&Arc<ShingleFilter>> {
        self.filter.as_ref()
    }

    /// This deduper with the boilerplate of `source` learnt, as [`run`](Deduper::run) does first:
    /// for callers that shingle or sign documents of that source themselves (explaining a pair,
    /// an exact oracle). Unchanged when the configuration keeps boilerplate or a filter is set.
    pub fn with_boilerplate_of<S: DocumentSource + ?Sized>(&self, source: &S) -> Result<Deduper> {
        match (&self.config.boilerplate, &self.filter) {
            (Some(bp), None) => {
                let (filter, _) = self.learn_boilerplate(source, bp)?;
                Ok(self.clone().with_filter(Some(Arc::new(filter))))
            }
            _ => Ok(self.clone()),
        }
    }

    /// Stage: learns the boilerplate shingles of `source` (see [`crate::boilerplate`]): two
    /// passes over an evenly spaced sample of its records, invalid records left out. Returns the
    /// filter and the number of documents counted.
    pub fn learn_boilerplate<S: DocumentSource + ?Sized>(
        &self,
        source: &S,
        config: &BoilerplateConfig,
    ) -> Result<(ShingleFilter, usize)> {
        let records: Vec<usize> = config.sample_records(source.len()).collect();
        let counter = BoilerplateCounter::for_documents(records.len());
        let counted = self.over_sample(source, &records, |set| counter.add(set.as_slice())).len();
        let cut = config.cut(counted);
        let candidates: Vec<u64> =
            self.over_sample(source, &records, |set| counter.candidates_of(set.as_slice(), cut)).concat();
        Ok((ShingleFilter::from_frequent(boilerplate::frequent_shingles(candidates, cut)), counted))
    }

    /// `f` of the unfiltered shingle set of each valid record of `records` (sorted), in chunks
    /// whose pages are released after use so that a sample spread over a mapped file does not
    /// keep all of it resident.
    fn over_sample<S: DocumentSource + ?Sized, T: Send>(
        &self,
        source: &S,
        records: &[usize],
        f: impl Fn(&ShingleSet) -> T + Sync,
    ) -> Vec<T> {
        let raw = || Shingler::new(*self.config.shingle());
        let one = |shingler: &mut Shingler, i: &usize| -> Option<T> {
            source.document(*i).ok().map(|d| f(&shingler.shingle_set(&d.text)))
        };
        let mut out = Vec::with_capacity(records.len());
        for chunk in records.chunks(1024) {
            #[cfg(feature = "parallel")]
            {
                use rayon::prelude::*;
                out.par_extend(chunk.par_iter().map_init(raw, one).flatten());
            }
            #[cfg(not(feature = "parallel"))]
            {
                let mut shingler = raw();
                out.extend(chunk.iter().filter_map(|i| one(&mut shingler, i)));
            }
            if let (Some(&first), Some(&last)) = (chunk.first(), chunk.last()) {
                source.release(first..last + 1);
            }
        }
        out
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// A fresh shingler for this configuration (with the boilerplate filter, if one is set).
    pub fn shingler(&self) -> Shingler {
        Shingler::new(*self.config.shingle()).with_filter(self.filter.clone())
    }

    /// A fresh sketcher (shingling and signing) for this configuration.
    pub fn sketcher(&self) -> Sketcher {
        Sketcher::with_hasher(self.shingler(), self.hasher.clone())
    }

    /// The shingle set of one text.
    pub fn shingle_set(&self, text: &str) -> ShingleSet {
        self.shingler().shingle_set(text)
    }

    /// Clusters `(id, text)` pairs; see [`Deduper::run`].
    pub fn cluster<I: AsRef<str> + Sync, T: AsRef<str> + Sync>(&self, docs: &[(I, T)]) -> Result<Output> {
        self.run(docs, false, None)
    }

    /// Runs the whole pipeline over `source`. Invalid records stop the run with their error, or,
    /// with `skip_invalid`, are left out and listed in [`Output::skipped`].
    pub fn run<S: DocumentSource + ?Sized>(
        &self,
        source: &S,
        skip_invalid: bool,
        progress: Option<Progress<'_>>,
    ) -> Result<Output> {
        match (&self.config.boilerplate, &self.filter) {
            (Some(bp), None) => {
                let t = Instant::now();
                let (filter, counted) = self.learn_boilerplate(source, bp)?;
                let secs = t.elapsed().as_secs_f64();
                let with = self.clone().with_filter(Some(Arc::new(filter)));
                let mut out = with.run_with_filter(source, skip_invalid, progress)?;
                out.stats.seconds.boilerplate = secs;
                out.stats.boilerplate_sample = counted as u64;
                Ok(out)
            }
            _ => self.run_with_filter(source, skip_invalid, progress),
        }
    }

    fn run_with_filter<S: DocumentSource + ?Sized>(
        &self,
        source: &S,
        skip_invalid: bool,
        progress: Option<Progress<'_>>,
    ) -> Result<Output> {
        let mut stats = Stats::default();
        let t = Instant::now();
        let signed = self.sign_source(source, skip_invalid, progress)?;
        stats.seconds.sign = t.elapsed().as_secs_f64();
        let SignedSource { parse_cpu, sketch_cpu, ids, records, lengths, days, signatures, skipped } = signed;
        stats.seconds.parse_cpu = parse_cpu.as_secs_f64();
        stats.seconds.sketch_cpu = sketch_cpu.as_secs_f64();

        let t = Instant::now();
        let candidates = self.candidates(&signatures);
        stats.seconds.band = t.elapsed().as_secs_f64();

        let t = Instant::now();
        let document = |i: usize| source.document(records[i]);
        let mut exact = ExactWork::default();
        let mut edges =
            self.verify_with(&candidates, &signatures, document, &|| source.release(0..source.len()), &mut exact)?;
        stats.seconds.verify = t.elapsed().as_secs_f64();

        let t = Instant::now();
        let days = (!days.is_empty()).then_some(days.as_slice());
        let clustering = link(&self.config, &edges, &signatures, days, &lengths, &mut stats);
        edges.retain(|e| clustering.cluster(e.a.index()) == clustering.cluster(e.b.index()));
        let criterion = self.config.criterion();
        let min_similarity = min_similarities(&clustering, &signatures, &criterion);
        stats.largest_clusters = summarise(&clustering, &ids, &min_similarity, &criterion);
        stats.suspicious_clusters = suspicious(&clustering, &min_similarity, &criterion);
        stats.seconds.union = t.elapsed().as_secs_f64();

        stats.documents = ids.len() as u64;
        stats.text_bytes = lengths.iter().sum();
        stats.skipped = skipped.len() as u64;
        stats.empty_documents = signatures.set_sizes().iter().filter(|&&s| s == 0).count() as u64;
        stats.candidates = candidates.len() as u64;
        stats.verified_edges = edges.len() as u64;
        stats.exact_checks = exact.pairs;
        stats.exact_documents = exact.documents;
        stats.clusters = clustering.num_clusters() as u64;
        stats.duplicate_clusters = clustering.num_multi_clusters() as u64;
        stats.duplicates = clustering.num_duplicates() as u64;
        stats.largest_cluster = clustering.largest(1).first().map_or(0, |&(_, s)| s as u64);
        stats.bands = self.config.lsh.bands() as u64;
        stats.rows = self.config.lsh.rows() as u64;
        stats.boilerplate_shingles = self.filter.as_ref().map_or(0, |f| f.len() as u64);
        Ok(Output { ids, records, clustering, edges, signatures, filter: self.filter.clone(), skipped, stats })
    }

    /// Stage: candidate edges of a signature matrix (one bucket table per band; see [`lsh::PAIRWISE_BUCKET`]).
    pub fn candidates(&self, signatures: &SignatureMatrix) -> Vec<Edge> {
        #[cfg(feature = "parallel")]
        return lsh::par_band_edges(signatures, &self.config.lsh);
        #[cfg(not(feature = "parallel"))]
        return lsh::band_edges(signatures, &self.config.lsh);
    }

    /// Stage: the candidates that pass verification. `document(i)` gives document `i`'s text and
    /// is only called for [`Verify::Exact`] and the borderline pairs of
    /// [`Verify::Hybrid`].
    pub fn verify<'s>(
        &self,
        candidates: &[Edge],
        signatures: &SignatureMatrix,
        document: impl Fn(usize) -> Result<Document<'s>> + Sync,
    ) -> Result<Vec<Edge>> {
        self.verify_with(candidates, signatures, document, &|| {}, &mut ExactWork::default())
    }

    /// [`verify`](Deduper::verify), calling `done_reading` after each chunk of exact checks.
    fn verify_with<'s>(
        &self,
        candidates: &[Edge],
        signatures: &SignatureMatrix,
        document: impl Fn(usize) -> Result<Document<'s>> + Sync,
        done_reading: &dyn Fn(),
        work: &mut ExactWork,
    ) -> Result<Vec<Edge>> {
        let criterion = self.config.criterion();
        match self.config.verify {
            Verify::None => Ok(candidates.to_vec()),
            Verify::Estimate => {
                #[cfg(feature = "parallel")]
                return Ok(verify::par_verify_estimated(candidates, signatures, &criterion));
                #[cfg(not(feature = "parallel"))]
                return Ok(verify::verify_estimated(candidates, signatures, &criterion));
            }
            Verify::Exact => {
                self.verify_exact(candidates, &document, &mut UnionFind::new(signatures.len()), done_reading, work)
            }
            Verify::Hybrid => {
                let (mut kept, borderline) = verify::split_by_estimate(candidates, signatures, &criterion);
                let mut linked = UnionFind::new(signatures.len());
                for e in &kept {
                    linked.union(e.a.0, e.b.0);
                }
                kept.extend(self.verify_exact(&borderline, &document, &mut linked, done_reading, work)?);
                kept.sort_unstable();
                Ok(kept)
            }
        }
    }

    /// The edges whose exact Jaccard reaches the threshold, re-shingling only their documents.
    ///
    /// Edges are checked in chunks, in order, so that only one chunk's shingle sets are held at
    /// a time. `linked` holds the edges accepted so far: an edge whose documents it already
    /// connects is not checked (it could not change any cluster) and not returned, which saves
    /// most of the work inside clusters of several copies.
    fn verify_exact<'s>(
        &self,
        edges: &[Edge],
        document: &(impl Fn(usize) -> Result<Document<'s>> + Sync),
        linked: &mut UnionFind,
        done_reading: &dyn Fn(),
        work: &mut ExactWork,
    ) -> Result<Vec<Edge>> {
        let criterion = self.config.criterion();
        let mut kept = Vec::new();
        for chunk in edges.chunks(EXACT_CHUNK) {
            let open = verify::unlinked(chunk, linked);
            let docs = verify::edge_documents(&open);
            work.pairs += open.len() as u64;
            work.documents += docs.len() as u64;
            let set_of = |shingler: &mut Shingler, d: &DocId| -> Result<ShingleSet> {
                let doc = document(d.index())?;
                Ok(shingler.shingle_set(&doc.text))
            };
            #[cfg(feature = "parallel")]
            let (sets, passed) = {
                use rayon::prelude::*;
                let sets: Vec<ShingleSet> =
                    docs.par_iter().map_init(|| self.shingler(), set_of).collect::<Result<_>>()?;
                let sets = ExactSets::new(docs, sets);
                let passed = verify::par_verify_exact(&open, &sets, &criterion);
                (sets, passed)
            };
            #[cfg(not(feature = "parallel"))]
            let (sets, passed) = {
                let mut shingler = self.shingler();
                let sets: Vec<ShingleSet> = docs.iter().map(|d| set_of(&mut shingler, d)).collect::<Result<_>>()?;
                let sets = ExactSets::new(docs, sets);
                let passed = verify::verify_exact(&open, &sets, &criterion);
                (sets, passed)
            };
            drop(sets);
            done_reading();
            for e in &passed {
                linked.union(e.a.0, e.b.0);
            }
            kept.extend(passed);
        }
        Ok(kept)
    }

    /// Stage: parse, shingle and sign every record of `source`, in chunks (in parallel within a
    /// chunk with the `parallel` feature).
    pub(crate) fn sign_source<S: DocumentSource + ?Sized>(
        &self,
        source: &S,
        skip_invalid: bool,
        progress: Option<Progress<'_>>,
    ) -> Result<SignedSource> {
        let n = source.len();
        let k = self.hasher.num_perm();
        let mut out = SignedSource {
            parse_cpu: Default::default(),
            sketch_cpu: Default::default(),
            ids: Vec::with_capacity(n),
            records: Vec::with_capacity(n),
            lengths: Vec::with_capacity(n),
            days: Vec::new(),
            signatures: SignatureMatrix::new(k),
            skipped: Vec::new(),
        };
        let windowed = self.config.window.is_some();
        let mut chunk_rows = vec![0u32; CHUNK.min(n.max(1)) * k];
        let mut done_bytes = 0u64;
        for start in (0..n).step_by(CHUNK) {
            let end = (start + CHUNK).min(n);
            let rows = &mut chunk_rows[..(end - start) * k];
            source.prefetch(start..end);
            let results = self.sign_chunk(source, start, rows);
            for (j, r) in results.into_iter().enumerate() {
                let r = r.and_then(|d| match (windowed, d.day) {
                    (true, None) => Err(Error::new(
                        crate::ErrorKind::MissingField,
                        format!("document {:?} has no date: --window needs --date-field", d.id),
                    )),
                    _ => Ok(d),
                });
                match r {
                    Ok(d) => {
                        if let (true, Some(day)) = (windowed, d.day) {
                            out.days.push(day);
                        }
                        done_bytes += d.len;
                        out.parse_cpu += d.parse;
                        out.sketch_cpu += d.sketch;
                        out.ids.push(d.id);
                        out.records.push(start + j);
                        out.lengths.push(d.len);
                        out.signatures.push_empty(d.set_size).copy_from_slice(&rows[j * k..(j + 1) * k]);
                    }
                    Err(e) if skip_invalid => out.skipped.push(e),
                    Err(e) => return Err(e),
                }
            }
            source.release(start..end);
            if let Some(p) = progress {
                p(end as u64, done_bytes);
            }
        }
        Ok(out)
    }

    fn sign_chunk<S: DocumentSource + ?Sized>(
        &self,
        source: &S,
        start: usize,
        rows: &mut [u32],
    ) -> Vec<Result<SignedDoc>> {
        let k = self.hasher.num_perm();
        let work = |sketcher: &mut Sketcher, (j, row): (usize, &mut [u32])| {
            let t0 = Instant::now();
            let doc = source.document(start + j)?;
            let t1 = Instant::now();
            let set_size = sketcher.sketch_into(&doc.text, row);
            let t2 = Instant::now();
            Ok(SignedDoc {
                id: doc.id.into_owned(),
                day: doc.day,
                len: doc.text.len() as u64,
                set_size,
                parse: t1 - t0,
                sketch: t2 - t1,
            })
        };
        let init = || self.sketcher();
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            rows.par_chunks_mut(k).enumerate().map_init(init, work).collect()
        }
        #[cfg(not(feature = "parallel"))]
        {
            let mut state = init();
            rows.chunks_mut(k).enumerate().map(|x| work(&mut state, x)).collect()
        }
    }
}

/// Stage: clusters from verified edges. Plain union-find, or, with a chaining guard or a time
/// window, a [`GuardedUnion`] fed the edges best first (highest estimated similarity, ties by
/// edge). Depends only on the set of edges, so an index that found its edges batch by batch
/// gets the clusters of one run.
pub(crate) fn link<S: SignatureRows + ?Sized>(
    config: &Config,
    edges: &[Edge],
    signatures: &S,
    days: Option<&[i32]>,
    lengths: &[u64],
    stats: &mut Stats,
) -> Clustering {
    let mut uf = link_union(config, edges, signatures, days, stats);
    Clustering::from_union_find(&mut uf, config.representative, lengths)
}

/// The union-find state of [`link`], before clusters are numbered.
///
/// The result on a set of edges is the union of its results on each connected component of the
/// edge graph (a merge only looks at the two clusters it joins), which is what lets an index
/// re-link only the components a batch touches.
pub(crate) fn link_union<S: SignatureRows + ?Sized>(
    config: &Config,
    edges: &[Edge],
    signatures: &S,
    days: Option<&[i32]>,
    stats: &mut Stats,
) -> UnionFind {
    let n = signatures.num_rows();
    if config.guard == Guard::None && config.window.is_none() {
        let mut uf = UnionFind::new(n);
        for e in edges {
            uf.union(e.a.0, e.b.0);
        }
        return uf;
    }
    let agree =
        |x: u32, y: u32| verify::agreeing_slots(signatures.signature(x as usize), signatures.signature(y as usize));
    let mut order: Vec<(usize, Edge)> = edges.iter().map(|e| (agree(e.a.0, e.b.0), *e)).collect();
    order.sort_unstable_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
    let criterion = config.criterion();
    let guard = config.guard;
    let mut union = GuardedUnion::new(n, days);
    for (_, e) in order {
        union.link(
            e.a.0,
            e.b.0,
            config.window,
            |d| u64::from(signatures.shingles(d as usize)),
            |x, y| match guard {
                Guard::None => true,
                Guard::Representative => {
                    let (sx, sy) = (signatures.shingles(x as usize), signatures.shingles(y as usize));
                    let k = signatures.slots();
                    criterion.decide(agree(x, y), k, sx, sy, verify::BORDERLINE_SE) != Decision::Fail
                }
            },
        );
    }
    stats.guard_refusals = union.guard_refusals;
    stats.window_refusals = union.window_refusals;
    union.into_union_find()
}

/// Counts of the exact verification work done.
#[derive(Default)]
struct ExactWork {
    pairs: u64,
    documents: u64,
}

struct SignedDoc {
    id: String,
    day: Option<i32>,
    len: u64,
    set_size: u32,
    parse: std::time::Duration,
    sketch: std::time::Duration,
}

pub(crate) struct SignedSource {
    pub(crate) parse_cpu: std::time::Duration,
    pub(crate) sketch_cpu: std::time::Duration,
    pub(crate) ids: Vec<String>,
    pub(crate) records: Vec<usize>,
    pub(crate) lengths: Vec<u64>,
    /// Days of the documents, when a window applies.
    pub(crate) days: Vec<i32>,
    pub(crate) signatures: SignatureMatrix,
    pub(crate) skipped: Vec<Error>,
}

/// Each cluster's lowest estimated similarity of a member to its representative (1 for
/// singletons).
fn min_similarities(clustering: &Clustering, signatures: &SignatureMatrix, criterion: &Criterion) -> Vec<f64> {
    let rep = clustering.representatives();
    let mut min = vec![1.0f64; rep.len()];
    let k = signatures.num_perm().max(1) as f64;
    for i in 0..clustering.len() {
        let c = clustering.cluster(i) as usize;
        let r = rep[c] as usize;
        if r != i {
            let j = verify::agreeing_slots(signatures.row(i), signatures.row(r)) as f64 / k;
            let s = criterion.from_jaccard(j, signatures.set_size(i), signatures.set_size(r));
            min[c] = min[c].min(s);
        }
    }
    min
}

fn is_giant(size: u64, documents: usize) -> bool {
    size >= GIANT_CLUSTER && size * 1000 >= documents as u64
}

/// The ten largest clusters with their flags, given each cluster's [`min_similarities`].
fn summarise(clustering: &Clustering, ids: &[String], min: &[f64], criterion: &Criterion) -> Vec<ClusterSummary> {
    let rep = clustering.representatives();
    clustering
        .largest(10)
        .into_iter()
        .filter(|&(_, size)| size > 1)
        .map(|(c, size)| ClusterSummary {
            cluster: c,
            representative: ids[rep[c as usize] as usize].clone(),
            size: u64::from(size),
            min_similarity: min[c as usize],
            giant: is_giant(u64::from(size), clustering.len()),
            loose: min[c as usize] < criterion.threshold() / 2.0,
        })
        .collect()
}

/// The number of giant or loose clusters, given each cluster's [`min_similarities`].
fn suspicious(clustering: &Clustering, min: &[f64], criterion: &Criterion) -> u64 {
    (0..clustering.num_clusters() as u32)
        .filter(|&c| {
            let size = u64::from(clustering.cluster_size(c));
            size > 1 && (is_giant(size, clustering.len()) || min[c as usize] < criterion.threshold() / 2.0)
        })
        .count() as u64
}
