//! The whole pipeline behind one builder-configured [`Deduper`]:
//! documents → shingles → signatures → band records → candidate edges → verified edges → clusters.
//!
//! Each stage is a pure function in its own module ([`crate::shingle`],
//! [`crate::minhash`], [`crate::lsh`], [`crate::verify`],
//! [`crate::cluster`]); this module strings them together, in parallel with the
//! `parallel` feature, and measures each stage.

use std::borrow::Cow;
use std::time::Instant;

use serde::Serialize;

use crate::DocId;
use crate::cluster::{Clustering, Edge, Representative, UnionFind};
use crate::corpus::{Corpus, Document};
use crate::error::{Error, Result};
use crate::lsh::{self, LshParams};
use crate::minhash::{Algorithm, MinHashConfig, MinHasher, SignatureMatrix};
use crate::shingle::{ShingleConfig, ShingleSet, ShingleUnit, Shingler};
use crate::sketch::Sketcher;
use crate::verify::{self, ExactSets, Verify};

/// The default similarity threshold, chosen by measurement (see the README).
pub const DEFAULT_THRESHOLD: f64 = 0.4;

/// Everything that decides which documents are near-duplicates. Build with [`Config::builder`].
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    shingle: ShingleConfig,
    minhash: MinHashConfig,
    threshold: f64,
    lsh: LshParams,
    verify: Verify,
    representative: Representative,
}

impl Config {
    /// A builder with the measured defaults: word 5-grams, 128-slot one-permutation MinHash,
    /// threshold [`DEFAULT_THRESHOLD`], banding optimised for the threshold, hybrid verification.
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
    /// The Jaccard threshold at which two documents are duplicates.
    pub fn threshold(&self) -> f64 {
        self.threshold
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
    threshold: f64,
    bands_rows: Option<(usize, usize)>,
    lsh_weights: Option<(f64, f64)>,
    verify: Verify,
    representative: Representative,
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
            threshold: DEFAULT_THRESHOLD,
            bands_rows: None,
            lsh_weights: None,
            verify: Verify::default(),
            representative: Representative::default(),
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
    /// The Jaccard threshold, in `(0, 1)`.
    pub fn threshold(mut self, t: f64) -> Self {
        self.threshold = t;
        self
    }
    /// Fixes the banding instead of deriving it from the threshold.
    pub fn bands_rows(mut self, bands: usize, rows: usize) -> Self {
        self.bands_rows = Some((bands, rows));
        self
    }
    /// The weights of false positives and false negatives when the banding is derived from the
    /// threshold. The default is `(0.1, 0.9)` with verification, which removes false positives
    /// anyway, so that few true pairs are missed, and `(0.5, 0.5)` with [`Verify::None`].
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
        let lsh = match self.bands_rows {
            Some((b, r)) => LshParams::new(b, r, self.num_perm)?,
            None => {
                let (fp, fneg) = self.lsh_weights.unwrap_or(match self.verify {
                    Verify::None => (0.5, 0.5),
                    Verify::Estimate | Verify::Exact | Verify::Hybrid => (0.1, 0.9),
                });
                if !(fp >= 0.0 && fneg >= 0.0 && fp + fneg > 0.0) {
                    return Err(Error::config(format!("LSH weights must be non-negative, got ({fp}, {fneg})")));
                }
                LshParams::optimal(self.threshold, self.num_perm, fp, fneg)?
            }
        };
        Ok(Config {
            shingle,
            minhash,
            threshold: self.threshold,
            lsh,
            verify: self.verify,
            representative: self.representative,
        })
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
        Ok(Document { id: Cow::Borrowed(id.as_ref()), text: Cow::Borrowed(text.as_ref()) })
    }
}

/// Wall time of each stage, in seconds.
#[derive(Clone, Debug, Default, Serialize)]
pub struct StageSeconds {
    /// Opening and splitting the input (set by the caller that opened it).
    pub read: f64,
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
        s.read + s.sign + s.band + s.verify + s.union + s.write
    }
}

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
        Deduper { config, hasher }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// A fresh shingler for this configuration.
    pub fn shingler(&self) -> Shingler {
        Shingler::new(*self.config.shingle())
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
        let mut stats = Stats::default();
        let t = Instant::now();
        let signed = self.sign_source(source, skip_invalid, progress)?;
        stats.seconds.sign = t.elapsed().as_secs_f64();
        let SignedSource { parse_cpu, sketch_cpu, ids, records, lengths, signatures, skipped } = signed;
        stats.seconds.parse_cpu = parse_cpu.as_secs_f64();
        stats.seconds.sketch_cpu = sketch_cpu.as_secs_f64();

        let t = Instant::now();
        let candidates = self.candidates(&signatures);
        stats.seconds.band = t.elapsed().as_secs_f64();

        let t = Instant::now();
        let document = |i: usize| source.document(records[i]);
        let mut exact = ExactWork::default();
        let edges =
            self.verify_with(&candidates, &signatures, document, &|| source.release(0..source.len()), &mut exact)?;
        stats.seconds.verify = t.elapsed().as_secs_f64();

        let t = Instant::now();
        let clustering = Clustering::from_edges(ids.len(), &edges, self.config.representative, &lengths);
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
        Ok(Output { ids, records, clustering, edges, signatures, skipped, stats })
    }

    /// Stage: candidate edges of a signature matrix (one bucket table per band, star edges).
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
        let t = self.config.threshold;
        match self.config.verify {
            Verify::None => Ok(candidates.to_vec()),
            Verify::Estimate => {
                #[cfg(feature = "parallel")]
                return Ok(verify::par_verify_estimated(candidates, signatures, t));
                #[cfg(not(feature = "parallel"))]
                return Ok(verify::verify_estimated(candidates, signatures, t));
            }
            Verify::Exact => {
                self.verify_exact(candidates, &document, &mut UnionFind::new(signatures.len()), done_reading, work)
            }
            Verify::Hybrid => {
                let margin = verify::borderline_margin(t, signatures.num_perm());
                let (mut kept, borderline) = verify::split_by_estimate(candidates, signatures, t, margin);
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
        let t = self.config.threshold;
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
                let passed = verify::par_verify_exact(&open, &sets, t);
                (sets, passed)
            };
            #[cfg(not(feature = "parallel"))]
            let (sets, passed) = {
                let mut shingler = self.shingler();
                let sets: Vec<ShingleSet> = docs.iter().map(|d| set_of(&mut shingler, d)).collect::<Result<_>>()?;
                let sets = ExactSets::new(docs, sets);
                let passed = verify::verify_exact(&open, &sets, t);
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
    fn sign_source<S: DocumentSource + ?Sized>(
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
            signatures: SignatureMatrix::new(k),
            skipped: Vec::new(),
        };
        let mut chunk_rows = vec![0u32; CHUNK.min(n.max(1)) * k];
        let mut done_bytes = 0u64;
        for start in (0..n).step_by(CHUNK) {
            let end = (start + CHUNK).min(n);
            let rows = &mut chunk_rows[..(end - start) * k];
            source.prefetch(start..end);
            let results = self.sign_chunk(source, start, rows);
            for (j, r) in results.into_iter().enumerate() {
                match r {
                    Ok(d) => {
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

/// Counts of the exact verification work done.
#[derive(Default)]
struct ExactWork {
    pairs: u64,
    documents: u64,
}

struct SignedDoc {
    id: String,
    len: u64,
    set_size: u32,
    parse: std::time::Duration,
    sketch: std::time::Duration,
}

struct SignedSource {
    parse_cpu: std::time::Duration,
    sketch_cpu: std::time::Duration,
    ids: Vec<String>,
    records: Vec<usize>,
    lengths: Vec<u64>,
    signatures: SignatureMatrix,
    skipped: Vec<Error>,
}
