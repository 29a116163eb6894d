//! The whole pipeline behind one builder-configured [`Deduper`]:
//! documents → shingles → signatures → band records → candidate edges → verified edges → clusters.
//!
//! Each stage is a pure function in its own module ([`crate::shingle`],
//! [`crate::minhash`], [`crate::lsh`], [`crate::verify`],
//! [`crate::cluster`]); this module strings them together, in parallel with the
//! `parallel` feature, and measures each stage.

use std::sync::Arc;
use std::time::Instant;

use crate::DocId;
use crate::boilerplate::{self, BoilerplateConfig, BoilerplateCounter, ShingleFilter};
use crate::cluster::Clustering;
use crate::config::Config;
use crate::corpus::{Corpus, CorpusConfig, Document};
use crate::error::{Error, Result, Skipped};
use crate::graph::Edge;
use crate::link::{self, Linked};
use crate::lsh;
use crate::minhash::{MinHasher, SignatureMatrix, SignatureRows};
use crate::results::{ClusterSummary, GIANT_CLUSTER, Output, Stats};
use crate::shingle::{ShingleSet, Shingler};
use crate::sketch::Sketcher;
use crate::source::{DocumentSource, Invalid};
use crate::spill::{EdgeRuns, MemoryConfig, SignatureWriter, SpilledSignatures, SubsetRows, format_size};
use crate::verify::{self, Criterion, ExactSets, Verified};

/// Progress reports: documents done and text bytes done so far.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// Finds and clusters near-duplicates under one [`Config`].
#[derive(Clone, Debug)]
pub struct Deduper {
    config: Config,
    hasher: MinHasher,
    filter: Option<Arc<ShingleFilter>>,
    memory: MemoryConfig,
}

/// Documents are signed in chunks of this many, so that progress is reported and an error stops
/// the run early.
const CHUNK: usize = 8192;

impl Deduper {
    /// A deduper for `config`.
    pub fn new(config: Config) -> Deduper {
        let hasher = MinHasher::new(*config.minhash());
        Deduper { config, hasher, filter: None, memory: MemoryConfig::unlimited() }
    }

    /// This deduper with a memory limit: a run whose in-memory plan would exceed
    /// [`MemoryConfig::limit`] spills its signatures and candidate edges to files in
    /// [`MemoryConfig::tmp_dir`] (see [`crate::spill`]), with the same output. A limit too small for
    /// the corpus is refused before any work (an error of kind [`Config`](crate::ErrorKind::Config)
    /// naming the smallest limit that works). Unlimited by default: a program that embeds the
    /// library knows what else its process holds.
    ///
    /// ```
    /// use neardupe::{Config, Deduper, MemoryConfig};
    /// # fn main() -> neardupe::Result<()> {
    /// let memory = MemoryConfig::builder().limit(256 << 20).build()?;
    /// let mut deduper = Deduper::new(Config::default()).with_memory(memory);
    /// let out = deduper.cluster(&[("a", "the cat sat on the mat today"), ("b", "the cat sat on the mat today")])?;
    /// assert_eq!(out.stats.duplicates, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_memory(mut self, memory: MemoryConfig) -> Deduper {
        self.memory = memory;
        self
    }

    /// The memory limit and spill directory in use.
    pub fn memory(&self) -> &MemoryConfig {
        &self.memory
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
        match (&self.config.boilerplate(), &self.filter) {
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
        let (counted, cut, candidates) = self.count_sample(source, config, |cut| cut);
        Ok((ShingleFilter::from_frequent(boilerplate::frequent_shingles(candidates, cut)), counted))
    }

    /// The two counting passes of [`learn_boilerplate`](Deduper::learn_boilerplate) over the
    /// sample of `source`: the documents counted, the cut, and each counted document's distinct
    /// shingles whose counter reached `low(cut)`, concatenated.
    fn count_sample<S: DocumentSource + ?Sized>(
        &self,
        source: &S,
        config: &BoilerplateConfig,
        low: impl Fn(u32) -> u32,
    ) -> (usize, u32, Vec<u64>) {
        let records: Vec<usize> = config.sample_records(source.len()).collect();
        let counter = BoilerplateCounter::for_documents(records.len());
        let counted = self.over_sample(source, &records, |set| counter.add(set.as_slice())).len();
        let cut = config.cut(counted);
        let low = low(cut);
        let candidates = self.over_sample(source, &records, |set| counter.candidates_of(set.as_slice(), low)).concat();
        (counted, cut, candidates)
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
        let raw = || Shingler::new(*self.config.shingle()).with_max_text_bytes(source.max_text_bytes());
        let one = |shingler: &mut Shingler, i: &usize| -> Option<T> {
            let mut shingles = Vec::new();
            let shingled = source.document(*i).and_then(|doc| shingler.try_shingle_into(&doc.text, &mut shingles));
            // Each sampled document's pages at once: a read maps the pages around it too.
            source.release(*i..*i + 1);
            shingled.ok()?;
            Some(f(&ShingleSet::from_hashes(shingles)))
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
    pub fn cluster<I: AsRef<str> + Sync, T: AsRef<str> + Sync>(&mut self, docs: &[(I, T)]) -> Result<Output> {
        self.run(docs)
    }

    /// Clusters `(id, text)` pairs from any iterator without holding the texts in memory: they
    /// are spilled to an unnamed temporary file in `spill_dir` (see [`Corpus::from_documents`])
    /// and read back from there, so memory is what a run over a file needs (the signature
    /// matrix and the ids), and the clusters equal those of [`cluster`](Deduper::cluster) on the
    /// same documents.
    ///
    /// ```
    /// let stories = (0..50).map(|i| (format!("doc{i}"), format!("story {} was republished today", i % 5)));
    /// let mut deduper = neardupe::Deduper::new(neardupe::Config::builder().threshold(0.5).build()?);
    /// let out = deduper.cluster_iter(stories, None)?;
    /// assert_eq!(out.ids.len(), 50);
    /// # Ok::<(), neardupe::Error>(())
    /// ```
    pub fn cluster_iter<I, D, T>(&mut self, documents: I, spill_dir: Option<&std::path::Path>) -> Result<Output>
    where
        I: IntoIterator<Item = (D, T)>,
        D: AsRef<str>,
        T: AsRef<str>,
    {
        let corpus = Corpus::from_documents(documents, CorpusConfig::default(), spill_dir)?;
        self.run(&corpus)
    }

    /// Runs the whole pipeline over `source`. Invalid records stop the run with their error, or,
    /// when the source says [`Invalid::Skip`], are left out and listed in [`Output::skipped`].
    ///
    /// When the configuration learns boilerplate and this deduper has no filter yet, it learns
    /// one from `source` first and keeps it: signing a text through this deduper afterwards
    /// ([`sketcher`](Deduper::sketcher), [`shingle_set`](Deduper::shingle_set)) gives exactly
    /// the signature the run used, and later runs reuse the filter (call
    /// [`with_filter(None)`](Deduper::with_filter) to learn again).
    pub fn run<S: DocumentSource + ?Sized>(&mut self, source: &S) -> Result<Output> {
        self.run_with_progress(source, None)
    }

    /// [`run`](Deduper::run), reporting progress while signing.
    pub fn run_with_progress<S: DocumentSource + ?Sized>(
        &mut self,
        source: &S,
        progress: Option<Progress<'_>>,
    ) -> Result<Output> {
        // A limit too small for the corpus is refused before any work.
        self.memory_plan(source.len())?;
        let mut learnt = None;
        if let (Some(bp), None) = (self.config.boilerplate(), &self.filter) {
            let t = Instant::now();
            let (filter, counted) = self.learn_boilerplate(source, bp)?;
            learnt = Some((t.elapsed().as_secs_f64(), counted as u64));
            self.filter = Some(Arc::new(filter));
        }
        let mut out = self.run_with_filter(source, None, progress)?;
        if let Some((secs, counted)) = learnt {
            out.stats.seconds.boilerplate = secs;
            out.stats.boilerplate_sample = counted;
        }
        Ok(out)
    }

    /// Opens `paths` as [`Corpus::open`] does and runs on them as [`run_with_progress`]
    /// does, with the same output, but signs documents while compressed inputs are still being
    /// decompressed (see [`Corpus::open_with`]): the records of each file or part of a file as it
    /// arrives.
    ///
    /// When boilerplate is learnt, the documents that arrive first are signed under the
    /// boilerplate of the first documents (2,000 of them, or the
    /// [`sample`](BoilerplateConfig::sample) when it is smaller), noting which
    /// shingles near its cut each document holds. Once the corpus is open, boilerplate is learnt
    /// from it as [`run`](Deduper::run) learns it, and the documents that the difference touches
    /// are signed again (all of them, when a shingle far from the cut at the start turns out to be
    /// boilerplate: a corpus sorted by outlet, say). [`Stats::presigned`] and
    /// [`Stats::resigned`] count them; the time spent signing while opening is part of
    /// [`StageSeconds::read`](crate::StageSeconds::read).
    ///
    /// [`run_with_progress`]: Deduper::run_with_progress
    ///
    /// ```
    /// use neardupe::{Config, CorpusConfig, Deduper};
    /// # fn main() -> neardupe::Result<()> {
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("news.jsonl");
    /// # std::fs::write(&path, "{\"id\": \"a\", \"text\": \"the cat sat on the mat today\"}\n{\"id\": \"b\", \"text\": \"the cat sat on the mat today\"}\n").unwrap();
    /// let mut deduper = Deduper::new(Config::default());
    /// let (corpus, out) = deduper.open_and_run(&[&path], CorpusConfig::default(), None)?;
    /// assert_eq!((corpus.len(), out.stats.duplicates), (2, 1));
    /// # Ok(())
    /// # }
    /// ```
    pub fn open_and_run<P: AsRef<std::path::Path>>(
        &mut self,
        paths: &[P],
        config: CorpusConfig,
        progress: Option<Progress<'_>>,
    ) -> Result<(Corpus, Output)> {
        let mut presign = Presign::new(self);
        let corpus = Corpus::open_with(paths, config, &mut |corpus, _| {
            presign.arrived(corpus);
            Ok(())
        })?;
        let t = Instant::now();
        let presigned = presign.finish(&corpus)?;
        let finished = t.elapsed().as_secs_f64();
        let Some(presigned) = presigned else {
            let out = self.run_with_progress(&corpus, progress)?;
            return Ok((corpus, out));
        };
        let Presigned { signed, filter, learnt, resigned, while_opening } = presigned;
        if let Some(p) = progress {
            p(signed.records.len() as u64, signed.lengths.iter().sum());
        }
        if learnt.is_some() {
            self.filter = filter;
        }
        let mut out = self.run_with_filter(&corpus, Some(signed), None)?;
        // Signing after opening: the documents signed again and those that came last.
        out.stats.seconds.sign = finished;
        if let Some((secs, counted)) = learnt {
            out.stats.seconds.boilerplate = secs;
            out.stats.seconds.sign -= secs;
            out.stats.boilerplate_sample = counted as u64;
        }
        out.stats.presigned = while_opening;
        out.stats.resigned = resigned;
        Ok((corpus, out))
    }

    fn run_with_filter<S: DocumentSource + ?Sized>(
        &self,
        source: &S,
        signed: Option<SignedSource>,
        progress: Option<Progress<'_>>,
    ) -> Result<Output> {
        let mut stats = Stats::default();
        let plan = self.memory_plan(source.len())?;
        let t = Instant::now();
        let signed = match signed {
            Some(signed) => signed,
            None => self.sign_source(source, progress, plan.as_ref())?,
        };
        stats.seconds.sign = t.elapsed().as_secs_f64();
        let SignedSource { parse_cpu, sketch_cpu, mut ids, records, lengths, days, signatures, skipped, spill, .. } =
            signed;
        stats.renamed_ids = crate::source::unique_ids(&mut ids, &records, source, source.duplicate_ids())?;
        stats.seconds.parse_cpu = parse_cpu.as_secs_f64();
        stats.seconds.sketch_cpu = sketch_cpu.as_secs_f64();
        let days = (!days.is_empty()).then_some(days.as_slice());
        let input = StageInput { source, records: &records, ids: &ids, lengths: &lengths, days };
        let (clustering, edges) = match spill {
            None => self.stages(&input, &signatures, None, plan.as_ref(), &mut stats)?,
            Some(writer) => {
                let spilled = writer.finish()?;
                stats.spilled_bytes = spilled.file_bytes();
                self.stages(&input, &spilled, Some(&spilled), plan.as_ref(), &mut stats)?
            }
        };
        stats.documents = ids.len() as u64;
        stats.text_bytes = lengths.iter().sum();
        stats.skipped = skipped.len() as u64 + source.skipped();
        stats.seconds.read = source.open_seconds();
        stats.clusters = clustering.num_clusters() as u64;
        stats.duplicate_clusters = clustering.num_multi_clusters() as u64;
        stats.duplicates = clustering.num_duplicates() as u64;
        stats.largest_cluster = clustering.largest(1).first().map_or(0, |&(_, s)| s as u64);
        stats.bands = self.config.lsh().bands() as u64;
        stats.rows = self.config.lsh().rows() as u64;
        stats.boilerplate_shingles = self.filter.as_ref().map_or(0, |f| f.len() as u64);
        stats.memory_limit = self.memory.limit();
        Ok(Output { ids, records, clustering, edges, signatures, filter: self.filter.clone(), skipped, stats })
    }

    /// The stages after signing: candidates, verification and linking, over signatures in memory
    /// or spilled (`plan`), filling their part of `stats`.
    fn stages<R: SignatureRows>(
        &self,
        input: &StageInput<'_, impl DocumentSource + ?Sized>,
        signatures: &R,
        spilled: Option<&SpilledSignatures>,
        plan: Option<&SpillPlan>,
        stats: &mut Stats,
    ) -> Result<(Clustering, Vec<Edge>)> {
        let StageInput { source, records, ids, lengths, days } = *input;
        let t = Instant::now();
        let budget = plan.map_or_else(unlimited_budget, |p| p.budget);
        let mut runs = EdgeRuns::new(self.memory.tmp_dir());
        let candidates = lsh::band_edges_within(signatures, self.config.lsh(), budget, &mut runs)?;
        stats.seconds.band = t.elapsed().as_secs_f64();

        let t = Instant::now();
        let document = |i: usize| source.document(records[i]);
        // Each document read for an exact check is dropped from memory once its set is made: the
        // documents are spread over the input, and each read maps the pages around it too.
        let release = |i: usize| source.release(records[i]..records[i] + 1);
        let (verified, candidates) = if runs.is_empty() && spilled.is_none() {
            let n = candidates.len() as u64;
            (self.verify_with(Candidates::Slice(&candidates), signatures, document, &release)?, n)
        } else {
            // A chunk at a time: with spilled signatures, the rows of each chunk's documents are
            // read in file order, the chunk sized so that they take the plan's share.
            let chunk = plan.map_or(EDGE_CHUNK, |p| p.verify_chunk);
            stats.spilled_bytes += runs.bytes();
            let chunks: Box<dyn Iterator<Item = Result<Vec<Edge>>>> = if runs.is_empty() {
                Box::new(candidates.chunks(chunk).map(|c| Ok(c.to_vec())))
            } else {
                Box::new(runs.merge(candidates, chunk))
            };
            let mut count = 0;
            let verified =
                self.verify_with(Candidates::Chunks(chunks, spilled, &mut count), signatures, document, &release)?;
            (verified, count)
        };
        let mut edges = verified.edges;
        stats.seconds.verify = t.elapsed().as_secs_f64();

        let t = Instant::now();
        let Linked { clustering, guard_refusals, window_refusals } =
            link::link(&self.config, &edges, signatures, days, lengths);
        stats.guard_refusals = guard_refusals;
        stats.window_refusals = window_refusals;
        edges.retain(|e| clustering.cluster(e.a) == clustering.cluster(e.b));
        let criterion = self.config.criterion();
        let min_similarity = min_similarities(&clustering, signatures, &criterion);
        stats.largest_clusters = summarise(&clustering, ids, &min_similarity, &criterion);
        stats.suspicious_clusters = suspicious(&clustering, &min_similarity, &criterion);
        stats.seconds.union = t.elapsed().as_secs_f64();
        stats.empty_documents = (0..signatures.len()).filter(|&i| signatures.set_size(i) == 0).count() as u64;
        stats.candidates = candidates;
        stats.verified_edges = edges.len() as u64;
        stats.exact_checks = verified.exact_checks;
        stats.exact_documents = verified.exact_documents;
        Ok((clustering, edges))
    }

    /// How a run of `n` documents uses memory under this deduper's limit: `None` when everything
    /// fits in memory (or there is no limit), an error when the limit is too small to work.
    fn memory_plan(&self, n: usize) -> Result<Option<SpillPlan>> {
        let Some(limit) = self.memory.limit() else { return Ok(None) };
        SpillPlan::new(n as u64, self.hasher.num_perm() as u64, threads() as u64, limit, self.memory.baseline())
    }

    /// Stage: candidate edges of a signature matrix (one bucket table per band; see [`lsh::PAIRWISE_BUCKET`]).
    pub fn candidates(&self, signatures: &SignatureMatrix) -> Vec<Edge> {
        #[cfg(feature = "parallel")]
        return lsh::par_band_edges(signatures, self.config.lsh());
        #[cfg(not(feature = "parallel"))]
        return lsh::band_edges(signatures, self.config.lsh());
    }

    /// Stage: the candidates that pass verification ([`verify::verify_candidates`] under this
    /// configuration). `document(i)` gives document `i`'s text and is only called for
    /// [`Verify::Exact`](crate::Verify::Exact) and the borderline pairs of
    /// [`Verify::Hybrid`](crate::Verify::Hybrid).
    pub fn verify<'s>(
        &self,
        candidates: &[Edge],
        signatures: &SignatureMatrix,
        document: impl Fn(usize) -> Result<Document<'s>> + Sync,
    ) -> Result<Verified> {
        self.verify_with(Candidates::Slice(candidates), signatures, document, &|_| {})
    }

    /// [`verify`](Deduper::verify), calling `release` with each document read for an exact check
    /// once its shingle set is made.
    fn verify_with<'s, R: SignatureRows>(
        &self,
        candidates: Candidates<'_>,
        signatures: &R,
        document: impl Fn(usize) -> Result<Document<'s>> + Sync,
        release: &(dyn Fn(usize) + Sync),
    ) -> Result<Verified> {
        let criterion = self.config.criterion();
        let set_of = |shingler: &mut Shingler, d: &DocId| -> Result<ShingleSet> {
            let set = shingler.shingle_set(&document(d.index())?.text);
            release(d.index());
            Ok(set)
        };
        let exact_sets = |docs: Vec<DocId>| -> Result<ExactSets> {
            #[cfg(feature = "parallel")]
            let sets: Vec<ShingleSet> = {
                use rayon::prelude::*;
                docs.par_iter().map_init(|| self.shingler(), set_of).collect::<Result<_>>()?
            };
            #[cfg(not(feature = "parallel"))]
            let sets: Vec<ShingleSet> = {
                let mut shingler = self.shingler();
                docs.iter().map(|d| set_of(&mut shingler, d)).collect::<Result<_>>()?
            };
            Ok(ExactSets::new(docs, sets))
        };
        match candidates {
            Candidates::Slice(c) => {
                verify::verify_candidates(self.config.verify(), c, signatures, &criterion, exact_sets)
            }
            Candidates::Chunks(chunks, spilled, count) => {
                let rows_of = |chunk: &[Edge]| -> Result<Option<SubsetRows>> {
                    spilled.map(|s| s.subset(&verify::edge_documents(chunk))).transpose()
                };
                let (verified, n) = verify::verify_candidate_chunks(
                    self.config.verify(),
                    chunks,
                    signatures,
                    &criterion,
                    rows_of,
                    exact_sets,
                )?;
                *count = n;
                Ok(verified)
            }
        }
    }

    /// Stage: parse, shingle and sign every record of `source`, in chunks (in parallel within a
    /// chunk with the `parallel` feature).
    pub(crate) fn sign_source<S: DocumentSource + ?Sized>(
        &self,
        source: &S,
        progress: Option<Progress<'_>>,
        plan: Option<&SpillPlan>,
    ) -> Result<SignedSource> {
        self.check_dated(source)?;
        let mut out = SignedSource::new(self.hasher.num_perm(), source.len());
        if let Some(plan) = plan {
            out.spill = Some(SignatureWriter::new(self.hasher.num_perm(), self.memory.tmp_dir(), plan.resident)?);
        }
        let filter = self.filter.clone();
        self.sign_records(source, 0..source.len(), &Filters { filter, watch: None }, &mut out, progress)?;
        Ok(out)
    }

    /// Fails before any work, rather than on the first document, when a time window is set and
    /// `source` says its documents have no dates.
    fn check_dated<S: DocumentSource + ?Sized>(&self, source: &S) -> Result<()> {
        if self.config.window().is_some() && !source.dated() {
            return Err(Error::new(crate::ErrorKind::Config, "a time window needs dated documents")
                .with_hint("`window_days` needs dates: see `date_field`"));
        }
        Ok(())
    }

    /// Signs `records` of `source` under `filters`, appending them to `out` (invalid ones to its
    /// skipped records when the source skips them; otherwise the first ends the signing with
    /// its error).
    fn sign_records<S: DocumentSource + ?Sized>(
        &self,
        source: &S,
        records: std::ops::Range<usize>,
        filters: &Filters,
        out: &mut SignedSource,
        progress: Option<Progress<'_>>,
    ) -> Result<()> {
        let skip_invalid = source.invalid() == Invalid::Skip;
        let k = self.hasher.num_perm();
        let windowed = self.config.window().is_some();
        let mut chunk_rows = vec![0u32; CHUNK.min(records.len().max(1)) * k];
        let mut done_bytes = 0u64;
        for start in records.clone().step_by(CHUNK) {
            let end = (start + CHUNK).min(records.end);
            let rows = &mut chunk_rows[..(end - start) * k];
            source.prefetch(start..end);
            let results = self.sign_chunk(source, start, rows, filters);
            for (j, r) in results.into_iter().enumerate() {
                let r = r.and_then(|d| match (windowed, d.day) {
                    (true, None) => {
                        let e = Error::new(
                            crate::ErrorKind::MissingField,
                            format!("document {:?} has no date, and the time window needs one", d.id),
                        )
                        .with_hint("`window_days` needs every document's date: read it with `date_field`");
                        Err(match source.location(start + j) {
                            Some(l) => e.with_location(l),
                            None => e,
                        })
                    }
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
                        if filters.watch.is_some() {
                            out.watched.push(d.watched);
                        }
                        let row = &rows[j * k..(j + 1) * k];
                        match out.spill.as_mut() {
                            Some(w) => w.push(row, d.set_size)?,
                            None => out.signatures.push_empty(d.set_size).copy_from_slice(row),
                        }
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
        Ok(())
    }

    /// A sketcher for this configuration under `filters`, for documents of `source`.
    fn sketcher_for<S: DocumentSource + ?Sized>(&self, source: &S, filters: &Filters) -> Sketcher {
        let shingler = Shingler::new(*self.config.shingle())
            .with_filter(filters.filter.clone())
            .with_watch(filters.watch.clone())
            .with_max_text_bytes(source.max_text_bytes());
        Sketcher::with_hasher(shingler, self.hasher.clone())
    }

    fn sign_chunk<S: DocumentSource + ?Sized>(
        &self,
        source: &S,
        start: usize,
        rows: &mut [u32],
        filters: &Filters,
    ) -> Vec<Result<SignedDoc>> {
        let k = self.hasher.num_perm();
        let work = |sketcher: &mut Sketcher, (j, row): (usize, &mut [u32])| {
            let t0 = Instant::now();
            let doc = source.document(start + j)?;
            let t1 = Instant::now();
            let set_size = sketcher.try_sketch_into(&doc.text, row).map_err(|e| match source.location(start + j) {
                Some(l) => e.with_location(l),
                None => e,
            })?;
            let t2 = Instant::now();
            Ok(SignedDoc {
                id: doc.id.into_owned(),
                day: doc.day,
                len: doc.text.len() as u64,
                set_size,
                watched: sketcher.watched(),
                parse: t1 - t0,
                sketch: t2 - t1,
            })
        };
        let init = || self.sketcher_for(source, filters);
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

/// The boilerplate filter documents are signed under, and the shingles whose presence is noted
/// (see [`Shingler::watched`]).
#[derive(Clone, Debug, Default)]
struct Filters {
    filter: Option<Arc<ShingleFilter>>,
    watch: Option<Arc<ShingleFilter>>,
}

/// The most documents counted to learn the boilerplate that documents are signed under while a
/// corpus opens (a fifth of the default sample: its cut of 2% is 40 documents, with those from
/// 20 to 80 watched; the run's own boilerplate, learnt once the corpus is open, decides).
const EARLY_SAMPLE: usize = 2_000;

/// Signing documents while a corpus opens, for [`Deduper::open_and_run`].
struct Presign<'d> {
    deduper: &'d Deduper,
    /// How boilerplate is learnt, when it is and no filter is given: the filter in `filters` is
    /// then the one learnt from the first documents, to be checked once the corpus is open.
    boilerplate: Option<BoilerplateConfig>,
    /// `None` until the filter to sign with is known.
    filters: Option<Filters>,
    signed: SignedSource,
    /// Records signed (or skipped) so far.
    done: usize,
    /// Set when a record failed: the run signs again from the start, to fail or skip as it would.
    abandoned: bool,
}

/// What [`Presign::finish`] gives: every document signed under the run's filter.
struct Presigned {
    signed: SignedSource,
    filter: Option<Arc<ShingleFilter>>,
    /// The seconds the final boilerplate took to learn and the documents it counted, when it
    /// was learnt.
    learnt: Option<(f64, usize)>,
    /// Documents signed again.
    resigned: u64,
    /// Documents signed while the corpus was opening.
    while_opening: u64,
}

impl<'d> Presign<'d> {
    fn new(deduper: &'d Deduper) -> Presign<'d> {
        let boilerplate = match (deduper.config.boilerplate(), &deduper.filter) {
            (Some(bp), None) => Some(*bp),
            _ => None,
        };
        // Without boilerplate to learn, the filter is known from the start.
        let filters = boilerplate.is_none().then(|| Filters { filter: deduper.filter.clone(), watch: None });
        Presign {
            deduper,
            boilerplate,
            filters,
            signed: SignedSource::new(deduper.hasher.num_perm(), 0),
            done: 0,
            abandoned: false,
        }
    }

    /// Signs the records of `corpus` (open so far) not signed yet, once the filter is known.
    fn arrived(&mut self, corpus: &Corpus) {
        if self.abandoned {
            return;
        }
        if self.filters.is_none() {
            let Some(bp) = self.boilerplate else { return };
            let early = bp.sample().min(EARLY_SAMPLE);
            if corpus.len() < early {
                return;
            }
            let config = bp.with_sample(early);
            self.filters = Some(self.deduper.early_filters(corpus, &config));
        }
        let Some(filters) = &self.filters else { return };
        // Under a memory limit, signatures are only held while they would fit with the rest.
        if matches!(self.deduper.memory_plan(corpus.len()), Ok(Some(_)) | Err(_)) {
            self.abandoned = true;
            self.signed = SignedSource::new(self.deduper.hasher.num_perm(), 0);
            return;
        }
        let records = self.done..corpus.len();
        if self.deduper.sign_records(corpus, records, filters, &mut self.signed, None).is_err() {
            self.abandoned = true;
        }
        self.done = corpus.len();
    }

    /// Every document of the open `corpus` signed under the run's filter, or `None` when the run
    /// is better off signing from the start (nothing arrived while opening, or a record failed).
    fn finish(mut self, corpus: &Corpus) -> Result<Option<Presigned>> {
        if self.abandoned || self.done == 0 {
            return Ok(None);
        }
        let deduper = self.deduper;
        deduper.check_dated(corpus)?;
        let Some(early) = self.filters.take() else { return Ok(None) };
        let while_opening = self.signed.records.len() as u64;
        let Some(bp) = self.boilerplate else {
            // The filter was known from the start: sign the rest.
            deduper.sign_records(corpus, self.done..corpus.len(), &early, &mut self.signed, None)?;
            return Ok(Some(Presigned {
                signed: self.signed,
                filter: early.filter,
                learnt: None,
                resigned: 0,
                while_opening,
            }));
        };
        let t = Instant::now();
        let (filter, counted) = deduper.learn_boilerplate(corpus, &bp)?;
        let learnt = Some((t.elapsed().as_secs_f64(), counted));
        let filter = Arc::new(filter);
        let before = early.filter.as_deref().map_or(&[][..], ShingleFilter::frequent);
        // The documents whose signatures the new filter changes hold a shingle of the difference.
        let mut changed = 0u64;
        let mut outside = false;
        for h in symmetric_difference(before, filter.frequent()) {
            let bit = early.watch.as_ref().map_or(0, |w| w.mask_bit(h));
            outside |= bit == 0;
            changed |= bit;
        }
        if outside {
            // A shingle no document was watched for: sign every document again.
            return Ok(None);
        }
        let last = Filters { filter: Some(Arc::clone(&filter)), watch: None };
        let resigned = deduper.resign(corpus, &mut self.signed, changed, &last)?;
        deduper.sign_records(corpus, self.done..corpus.len(), &last, &mut self.signed, None)?;
        Ok(Some(Presigned { signed: self.signed, filter: Some(filter), learnt, resigned, while_opening }))
    }
}

/// What the stages after signing read besides the signatures.
struct StageInput<'a, S: ?Sized> {
    source: &'a S,
    records: &'a [usize],
    ids: &'a [String],
    lengths: &'a [u64],
    days: Option<&'a [i32]>,
}

impl<S: ?Sized> Clone for StageInput<'_, S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S: ?Sized> Copy for StageInput<'_, S> {}

/// Candidates to verify: all in memory, or a chunk at a time (merged from spilled runs, say),
/// verified against the rows of each chunk's documents read from spilled signatures when there
/// are, their number written to the counter.
enum Candidates<'a> {
    Slice(&'a [Edge]),
    Chunks(Box<dyn Iterator<Item = Result<Vec<Edge>>> + 'a>, Option<&'a SpilledSignatures>, &'a mut u64),
}

/// Candidate edges read from spilled runs at a time.
const EDGE_CHUNK: usize = 1 << 18;

fn threads() -> usize {
    #[cfg(feature = "parallel")]
    return rayon::current_num_threads();
    #[cfg(not(feature = "parallel"))]
    return 1;
}

/// The band stage's budget without a limit: the bands of a group (at least one per thread) at a
/// time, every edge in memory.
fn unlimited_budget() -> lsh::BandBudget {
    lsh::BandBudget { bands_at_once: lsh::BANDS_AT_ONCE.max(threads()), max_edges: usize::MAX }
}

/// Heap bytes per document held for the whole run whatever the plan: its record span (32), id
/// (24 + its bytes, taken as 48), text length, record index, set size and day (24), and the
/// clustering's arrays (16).
const KEPT_PER_DOCUMENT: u64 = 144;

/// The least of the signature spill file kept mapped, and the fewest candidate edges kept in
/// memory, under a limit.
const MIN_RESIDENT: u64 = 64 << 10;
const MIN_EDGES: u64 = 1 << 12;

/// How a run that spills uses memory (see [`Deduper::with_memory`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct SpillPlan {
    /// The band stage's tables and edges in memory.
    budget: lsh::BandBudget,
    /// The most bytes of the signature spill file mapped at once.
    resident: u64,
    /// Candidates verified at a time (the rows of their documents read into memory).
    verify_chunk: usize,
}

impl SpillPlan {
    /// The plan for `n` documents of `k` slots on `threads` threads under `limit`: `None` when
    /// the in-memory run fits.
    fn new(n: u64, k: u64, threads: u64, limit: u64, baseline: u64) -> Result<Option<SpillPlan>> {
        let kept = baseline + n * KEPT_PER_DOCUMENT;
        // In memory: the signatures, a band table per thread, a group of bands' edges and the
        // candidates (measured: about 8 a document at the defaults; 16 allowed).
        let in_memory = kept + n * (4 * k + 4) + n * 16 * threads.max(lsh::BANDS_AT_ONCE as u64) + n * 16 * 8;
        if in_memory <= limit {
            return Ok(None);
        }
        // Spilled: set sizes, one band's table and its edges, the smallest mapped share of the
        // signatures and of the edges.
        let per_band = n * (16 + 16);
        let floor = kept + n * 4 + per_band + MIN_RESIDENT + MIN_EDGES * 16;
        if limit < floor {
            return Err(Error::new(
                crate::ErrorKind::Config,
                format!(
                    "memory limit {} is too small for {n} documents: the smallest limit that works is {}",
                    format_size(limit),
                    format_size(crate::spill::round_up_shown(floor))
                ),
            )
            .with_hint("raise `memory_limit`"));
        }
        if !cfg!(feature = "mmap") {
            return Err(crate::spill::needs_mmap());
        }
        let spare = limit - kept - n * 4;
        let resident = (spare / 8).clamp(MIN_RESIDENT, 512 << 20);
        let bands_at_once = ((spare / 2) / per_band.max(1)).clamp(1, lsh::BANDS_AT_ONCE.max(threads as usize) as u64);
        let edges = spare.saturating_sub(resident + bands_at_once * per_band);
        let max_edges = (edges / 16).max(MIN_EDGES) as usize;
        let verify_chunk = (resident / (2 * (4 * k + 4))).clamp(1 << 10, EDGE_CHUNK as u64) as usize;
        Ok(Some(SpillPlan {
            budget: lsh::BandBudget { bands_at_once: bands_at_once as usize, max_edges },
            resident,
            verify_chunk,
        }))
    }
}

/// The elements of exactly one of two sorted lists.
fn symmetric_difference(a: &[u64], b: &[u64]) -> Vec<u64> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => (i, j) = (i + 1, j + 1),
            (Some(x), Some(y)) if x < y => (out.push(*x), i += 1).1,
            (Some(_), Some(y)) => (out.push(*y), j += 1).1,
            (Some(x), None) => (out.push(*x), i += 1).1,
            (None, Some(y)) => (out.push(*y), j += 1).1,
            (None, None) => break,
        }
    }
    out
}

impl Deduper {
    /// The boilerplate filter learnt from `source` (the first documents of a corpus still
    /// opening) as [`learn_boilerplate`](Deduper::learn_boilerplate) learns it, and the shingles to
    /// watch: those counted from half the cut to twice it, whose side of the cut a larger sample
    /// may change.
    fn early_filters<S: DocumentSource + ?Sized>(&self, source: &S, config: &BoilerplateConfig) -> Filters {
        let low = |cut: u32| cut.div_ceil(2).max(2);
        let (_, cut, mut candidates) = self.count_sample(source, config, low);
        let low = low(cut);
        candidates.sort_unstable();
        let (mut frequent, mut near) = (Vec::new(), Vec::new());
        for run in candidates.chunk_by(|a, b| a == b) {
            let n = run.len() as u64;
            if n >= u64::from(cut) {
                frequent.push(run[0]);
            }
            if n >= u64::from(low) && n < 2 * u64::from(cut) {
                near.push(run[0]);
            }
        }
        Filters {
            filter: Some(Arc::new(ShingleFilter::from_frequent(frequent))),
            watch: Some(Arc::new(ShingleFilter::from_frequent(near))),
        }
    }

    /// Signs again, under `filters`, the documents of `signed` whose watched mask meets
    /// `changed`; returns how many.
    fn resign<S: DocumentSource + ?Sized>(
        &self,
        source: &S,
        signed: &mut SignedSource,
        changed: u64,
        filters: &Filters,
    ) -> Result<u64> {
        if changed == 0 {
            return Ok(0);
        }
        let touched: Vec<usize> = (0..signed.records.len()).filter(|&j| signed.watched[j] & changed != 0).collect();
        let k = self.hasher.num_perm();
        let records = &signed.records;
        let work = |sketcher: &mut Sketcher, &j: &usize| -> Result<(usize, Vec<u32>, u32)> {
            let doc = source.document(records[j])?;
            let mut row = vec![0u32; k];
            let set_size = sketcher.try_sketch_into(&doc.text, &mut row)?;
            Ok((j, row, set_size))
        };
        let init = || self.sketcher_for(source, filters);
        // Small chunks: each document read maps a page-cache folio of up to 64 KiB around it.
        for chunk in touched.chunks(1024) {
            #[cfg(feature = "parallel")]
            let rows: Vec<(usize, Vec<u32>, u32)> = {
                use rayon::prelude::*;
                chunk.par_iter().map_init(init, work).collect::<Result<_>>()?
            };
            #[cfg(not(feature = "parallel"))]
            let rows: Vec<(usize, Vec<u32>, u32)> = {
                let mut sketcher = init();
                chunk.iter().map(|j| work(&mut sketcher, j)).collect::<Result<_>>()?
            };
            for (j, row, set_size) in rows {
                signed.signatures.replace(j, &row, set_size);
            }
            // Scattered reads of a mapped file map a whole page-cache folio around each
            // document: released after each chunk, as after each chunk of exact checks.
            source.release(0..source.len());
        }
        Ok(touched.len() as u64)
    }
}

struct SignedDoc {
    id: String,
    day: Option<i32>,
    len: u64,
    set_size: u32,
    /// The document's mask of the watched shingles (0 without a watch).
    watched: u64,
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
    pub(crate) skipped: Skipped,
    /// Each signed document's mask of watched shingles (see [`Filters`]).
    pub(crate) watched: Vec<u64>,
    /// Where the signatures go instead of `signatures` when the run spills.
    pub(crate) spill: Option<SignatureWriter>,
}

impl SignedSource {
    /// Nothing signed yet, room for `n` documents of `k` slots.
    fn new(k: usize, n: usize) -> SignedSource {
        SignedSource {
            parse_cpu: Default::default(),
            sketch_cpu: Default::default(),
            ids: Vec::with_capacity(n),
            records: Vec::with_capacity(n),
            lengths: Vec::with_capacity(n),
            days: Vec::new(),
            signatures: SignatureMatrix::new(k),
            skipped: Skipped::default(),
            watched: Vec::with_capacity(n),
            spill: None,
        }
    }
}

/// Each cluster's lowest estimated similarity of a member to its representative (1 for
/// singletons).
fn min_similarities<R: SignatureRows>(clustering: &Clustering, signatures: &R, criterion: &Criterion) -> Vec<f64> {
    let rep = clustering.representatives();
    let mut min = vec![1.0f64; rep.len()];
    let k = signatures.num_perm().max(1) as f64;
    for i in 0..clustering.len() {
        let c = clustering.clusters()[i] as usize;
        let r = rep[c].index();
        if r != i {
            let j = crate::hash::agreeing_slots(signatures.row(i), signatures.row(r)) as f64 / k;
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
            representative: ids[rep[c as usize].index()].clone(),
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

#[cfg(all(test, feature = "gzip", feature = "mmap"))]
mod presign_tests;
