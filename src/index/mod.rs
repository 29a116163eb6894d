//! A persistent, memory-mapped, incremental index: dedupe new documents against an archive
//! without recomputing it.
//!
//! An index is a directory of immutable files and a `MANIFEST` that lists the live ones
//! (LSM-style):
//!
//! - **segments**, one per inserted batch (until merged): the batch's signatures, set sizes,
//!   text lengths, ids, days (with a window), its band tables (per band the sorted
//!   `(key, document)` pairs, for binary search) and the verified edges the batch added, as raw
//!   little-endian arrays that are memory-mapped and read in place;
//! - a **cluster file**: the cluster of every document and each cluster's representative, the
//!   persistent result of the union-find over all verified edges;
//! - a **filter file**: the boilerplate filter learnt from the first batch large enough (see
//!   [`Index::insert_batch`]), so that every later document is signed alike.
//!
//! Every file carries the parameter fingerprint (shingling, MinHash, banding, measure, threshold,
//! boilerplate filter: what makes two signatures comparable); opening refuses a
//! file made with other parameters and names them. Opening maps the files and checks their
//! headers and tables of contents without reading the bulk data, so it takes the same few
//! milliseconds for a million documents as for ten; [`Index::check`] reads everything and checks
//! the checksums.
//!
//! **Pinned files, verified copies.** The `MANIFEST` pins each file it lists: it holds the
//! length and checksum of the file's payload, and opening compares them with the file's header,
//! so a file replaced by another (one copied from another index with the same parameters, an
//! older file of this one) is an [`ErrorKind::Corrupt`] error naming it, before anything is read
//! from it. Damage inside a payload is found by reading it: by [`Index::check`], and by every
//! writer before it copies or rewrites a file ([`Index::compact`] checks every file, an
//! insertion the cluster file it rewrites and the segments it merges), so that a writer never
//! seals damaged data under a fresh checksum: it fails, naming the file, and leaves the index
//! unchanged. An index of format version 1 has no pins: it is read as it is, and its first
//! writer checks every file in full and then commits a manifest of version 2 that pins them.
//!
//! **Changes** ([`Index::insert_batch`], [`Index::compact`]) write new files (synced), then
//! replace the manifest by an atomic rename: a process killed at any moment leaves the previous
//! state readable, and the next writer removes the orphaned files. One writer at a time holds the
//! directory's `LOCK`; readers take no lock and never block ([`Index::open`] gives a read-only
//! view of the state committed when it was opened; [`Index`] is `Sync`, so many threads can
//! [`query`](Index::query) one value).
//!
//! **Ids are identities.** The index keeps ids unique: a batch with an id it holds is refused,
//! or skips or replaces that document ([`ExistingIds`], [`Index::insert_batch_with`]);
//! [`Index::remove`] removes documents by id, after which the clusters are those of a run over
//! the remaining documents; [`Index::lookup`] finds a document's cluster by id; and every change
//! reports the stored documents it moved to another cluster ([`Moved`]). See the `ids` module.
//!
//! **Clusters equal a full run.** A batch's new documents are looked up in every segment's band
//! tables and paired by the same rule as [`crate::lsh`] (which only ever adds edges as a bucket
//! grows), verified by the signature estimate, and then the clusters are recomputed from all
//! verified edges by the same linking as [`Deduper::run`] (guard and window included). So
//! building an index in any number of batches gives exactly the clusters of one run with
//! [`Verify::Estimate`] over the same documents with the same boilerplate filter (when the
//! filter was learnt from the first batch; documents stored before a later batch learnt it keep
//! signatures made without it, see [`Index::insert_batch`]). The index keeps signatures, not
//! texts: it verifies by the estimate (a configuration's `hybrid` becomes `estimate`; `exact` is
//! refused).
//!
//! ```
//! use neardupe::index::Index;
//! use neardupe::Config;
//!
//! let dir = tempfile::tempdir()?;
//! let story = "the central bank raised interest rates by a quarter point on tuesday citing \
//!              persistent inflation in services and a tight labour market across the region";
//! let mut index = Index::create(dir.path(), Config::builder().build()?)?;
//! index.insert_batch(&[("a", story), ("b", "an unrelated note about gardening in the spring")][..])?;
//! let copy = format!("Kathmandu: {story} (News Source: BBC)");
//! let added = index.insert_batch(&[("c", copy.as_str())][..])?;
//! assert!(!added.added[0].started, "c joined a's cluster");
//!
//! let reader = Index::open(dir.path())?; // read-only, lock-free
//! let best = &reader.query(story, 3)?[0];
//! assert_eq!((best.id.as_str(), best.duplicate), ("a", true));
//! assert_eq!(reader.cluster_of(neardupe::DocId(2))?, reader.cluster_of(neardupe::DocId(0))?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod clusters;
#[cfg(test)]
mod corrupt_tests;
mod failpoint;
#[cfg(test)]
mod hostile_tests;
mod ids;
#[cfg(test)]
mod ids_tests;
mod params;
mod segment;
mod store;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use xxhash_rust::xxh3::xxh3_64;

use crate::DocId;
use crate::boilerplate::{BoilerplateConfig, ShingleFilter};
use crate::cluster::{Clustering, Representative};
use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::format::index::{ClustersMeta, FilterEntry, Manifest, Pin};
use crate::format::{self, FileKind, Fingerprint};
use crate::graph::{Edge, UnionFind};
use crate::link;
use crate::lsh::{self, PAIRWISE_BUCKET};
use crate::minhash::{SignatureMatrix, SignatureRows};
use crate::pipeline::{Deduper, Progress};
use crate::results::Stats;
use crate::source::DocumentSource;
use crate::verify::{self, Criterion, Decision, Similarity, Verify};

use clusters::{ClusterFile, write_clusters};
use params::{config_of, differences, params_of, read_filter};
use segment::{Segment, SegmentData};

pub use ids::{ExistingIds, InsertOptions, Lookup, MissingIds, Moved, Removal, RemoveOptions, Removed};

/// An open index: read-only ([`Index::open`]) or the one writer ([`Index::create`],
/// [`Index::open_writable`]).
#[derive(Debug)]
pub struct Index {
    dir: PathBuf,
    config: Config,
    deduper: Deduper,
    fingerprint: Fingerprint,
    manifest: Manifest,
    segments: Vec<Segment>,
    clusters: ClusterFile,
    filter_bytes: u64,
    /// Whether the manifest pins its files (format version 2). A version-1 manifest's pins were
    /// read from the files' own headers, so the first writer verifies every file before it
    /// writes them into a manifest.
    pinned: bool,
    lock: Option<store::WriterLock>,
    /// The longest normalised text a query takes (see [`Index::set_max_text_bytes`]).
    max_text_bytes: usize,
    /// The id → document table, built on the first lookup (see [`Index::lookup`]).
    ids: std::sync::OnceLock<ids::IdTable>,
    /// Each cluster's members, built on the first call of [`Index::members`].
    members: std::sync::OnceLock<ids::Members>,
}

/// One stored document that matches a query.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Match {
    /// The stored document.
    pub doc: DocId,
    /// Its id.
    pub id: String,
    /// The estimated Jaccard similarity (share of agreeing signature slots).
    pub jaccard: f64,
    /// The estimated containment, |A∩B| / min(|A|, |B|), from the Jaccard estimate and the sizes.
    pub containment: f64,
    /// The similarity on the index's measure (the one compared with the threshold).
    pub similarity: f64,
    /// Whether the pair passes the index's threshold (would be linked) and, in an index with a
    /// time window queried with a date ([`query_at`](Index::query_at)), lies within the window.
    pub duplicate: bool,
    /// In an index with a time window queried with a date: whether the stored document's date
    /// is more than the window away from the query's (then it is not a duplicate, whatever its
    /// similarity). Always `false` otherwise.
    pub outside_window: bool,
    /// The stored document's cluster.
    pub cluster: u32,
    /// That cluster's representative (its id: [`Index::document_id`]).
    pub representative: DocId,
}

/// What happened to one inserted document.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Added {
    /// Its document id in the index.
    pub doc: DocId,
    /// Its id.
    pub id: String,
    /// Its cluster after the insertion.
    pub cluster: u32,
    /// The cluster's representative.
    pub representative: DocId,
    /// Whether it starts a cluster (it is the cluster's first document); otherwise it joined
    /// the cluster of an earlier document.
    pub started: bool,
}

/// The result of [`Index::insert_batch`].
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Insertion {
    /// The inserted documents, in input order.
    pub added: Vec<Added>,
    /// Records left out as invalid (with `skip_invalid`): how many, the first ones with why.
    pub skipped: crate::error::Skipped,
    /// Candidate pairs the batch's documents formed (with stored ones and each other).
    pub candidates: u64,
    /// Of those, the pairs that passed verification.
    pub verified_edges: u64,
    /// Merges refused by the chaining guard and the time window, over the whole index.
    pub guard_refusals: u64,
    /// See `guard_refusals`.
    pub window_refusals: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// What the caller should know although the batch went in: a boilerplate filter not learnt
    /// yet because the batch is too small, or learnt only now, after documents were stored
    /// without it (see [`Index::insert_batch`]).
    pub warnings: Vec<String>,
    /// With [`ExistingIds::Skip`], the batch's documents left out because the index already
    /// holds their ids (their ids, in input order).
    pub skipped_ids: Vec<String>,
    /// With [`ExistingIds::Replace`], the stored documents the batch replaced (removed in the
    /// same commit; their document ids are those before the batch).
    pub replaced: Vec<Removed>,
    /// The stored documents (still stored after the batch) whose cluster changed: see [`Moved`].
    pub moved: Vec<Moved>,
}

/// A document's cluster assignment, as [`Index::clusters`] lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Assignment<'a> {
    /// The document.
    pub doc: DocId,
    /// Its id.
    pub id: &'a str,
    /// Its cluster (numbered in order of each cluster's first document, as [`Clustering`]).
    pub cluster: u32,
    /// Whether it represents its cluster.
    pub is_representative: bool,
}

/// Sizes and counts of an index, from [`Index::stats`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct IndexStats {
    /// The manifest's generation (one more per committed change).
    pub generation: u64,
    /// Documents.
    pub documents: u64,
    /// Live segments.
    pub segments: u64,
    /// Clusters (singletons included).
    pub clusters: u64,
    /// Clusters with more than one document.
    pub duplicate_clusters: u64,
    /// Documents that are not their cluster's representative.
    pub duplicates: u64,
    /// Verified edges stored.
    pub edges: u64,
    /// Boilerplate shingles in the filter.
    pub boilerplate_shingles: u64,
    /// With boilerplate learning on, the documents signed without the filter: all of them while
    /// it is not learnt yet, those stored before the batch that learnt it afterwards (0 when the
    /// first batch learnt it, and without boilerplate learning).
    pub unfiltered_documents: u64,
    /// Bytes of all live files (manifest, segments, cluster file, filter).
    pub bytes: u64,
}

pub(crate) fn corrupt(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::Corrupt, msg)
}

/// A file of the index whose parameters differ from the index's (an [`ErrorKind::Incompatible`]
/// error from [`Fingerprint::ensure_same`]): the index's files disagree, so it is damaged.
fn inconsistent(e: Error) -> Error {
    if e.kind() == ErrorKind::Incompatible { e.with_kind(ErrorKind::Corrupt) } else { e }
}

impl Index {
    /// Creates an empty index in `dir` (made if missing) for `config`, and holds its writer lock.
    /// With boilerplate learning on, the filter is learnt from the first inserted batch with
    /// enough documents (see [`insert_batch`](Index::insert_batch)).
    ///
    /// Fails if `dir` already holds an index: [`ErrorKind::AlreadyExists`] when it has the same
    /// parameters, [`ErrorKind::Incompatible`] (naming the parameters that differ) otherwise;
    /// [`ErrorKind::Locked`] if a writer holds it; [`ErrorKind::Config`] for a configuration an
    /// index cannot keep ([`Verify::Exact`]).
    pub fn create(dir: impl AsRef<Path>, config: Config) -> Result<Index> {
        let dir = dir.as_ref();
        little_endian()?;
        let params = params_of(&config)?;
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, "cannot create index directory", e))?;
        let lock = store::WriterLock::acquire(dir)?;
        if store::has_manifest(dir) {
            let manifest = store::read_manifest(dir)?.manifest;
            let diff = differences(&params, &manifest.params);
            let (kind, why) = match diff.is_empty() {
                true => (ErrorKind::AlreadyExists, String::new()),
                false => (ErrorKind::Incompatible, format!(" with other parameters: {}", diff.join(", "))),
            };
            return Err(Error::new(kind, format!("{} already holds an index{why} (add to it instead)", dir.display())));
        }
        let config = config_of(&params)?;
        let fingerprint = Fingerprint::of(&config, None);
        let name = store::file_name("clusters", 1, 0);
        let clusters = write_clusters(dir, &name, &fingerprint, &[], &[], &[], &ClustersMeta::default())?;
        let manifest = Manifest { generation: 1, documents: 0, params, segments: Vec::new(), clusters, filter: None };
        store::write_manifest(dir, &fingerprint, &manifest)?;
        store::remove_unlisted(dir, &live_files(&manifest));
        Index::load(dir, Some(lock))
    }

    /// Opens the index in `dir` read-only, without any lock: the state committed when it is
    /// opened, whatever writers do afterwards.
    ///
    /// Fails with [`ErrorKind::NotFound`] if `dir` holds no index, [`ErrorKind::Corrupt`] if the
    /// index is damaged (a header, a table of contents, a file that is not the one the manifest
    /// pins), [`ErrorKind::Incompatible`] if a format version this build does not read wrote it.
    pub fn open(dir: impl AsRef<Path>) -> Result<Index> {
        let dir = dir.as_ref();
        // A writer may remove files between our reading the manifest and mapping them (when it
        // commits a merge); it has then replaced the manifest, which lists the files to map.
        let manifest = || std::fs::read(dir.join(store::MANIFEST)).ok();
        let mut retries = 8;
        loop {
            let before = manifest();
            match Index::load(dir, None) {
                Err(_) if retries > 0 && before.is_some() && manifest() != before => retries -= 1,
                other => return other,
            }
        }
    }

    /// Opens the index in `dir` for writing: takes its lock (failing at once, with
    /// [`ErrorKind::Locked`], if another writer holds it) and removes files left by a writer
    /// that died before committing. Fails as [`open`](Index::open) otherwise.
    pub fn open_writable(dir: impl AsRef<Path>) -> Result<Index> {
        let dir = dir.as_ref();
        if !store::has_manifest(dir) {
            return Err(store::not_an_index(dir));
        }
        let lock = store::WriterLock::acquire(dir)?;
        let index = Index::load(dir, Some(lock))?;
        store::remove_unlisted(dir, &live_files(&index.manifest));
        Ok(index)
    }

    fn load(dir: &Path, lock: Option<store::WriterLock>) -> Result<Index> {
        little_endian()?;
        let store::ReadManifest { manifest, fingerprint, pinned } = store::read_manifest(dir)?;
        Index::from_manifest(dir, manifest, &fingerprint, pinned, lock)
    }

    /// The index that `manifest` (committed or not yet) describes, its files mapped and checked
    /// as [`open`](Index::open) does.
    fn from_manifest(
        dir: &Path,
        mut manifest: Manifest,
        manifest_fingerprint: &Fingerprint,
        pinned: bool,
        lock: Option<store::WriterLock>,
    ) -> Result<Index> {
        let config = config_of(&manifest.params)?;
        for name in live_files(&manifest) {
            check_name(name)?;
        }
        let documents = manifest.documents;
        let (filter, filter_bytes) = match &mut manifest.filter {
            Some(entry) => {
                let (f, bytes, pin) = read_filter(dir, entry, &config, pinned).map_err(inconsistent)?;
                entry.pin = pin;
                if entry.first_doc > documents {
                    return Err(corrupt(format!(
                        "manifest: the filter applies from document {} of an index of {documents}",
                        entry.first_doc
                    )));
                }
                (Some(Arc::new(f)), bytes)
            }
            None => (None, 0),
        };
        let fingerprint = Fingerprint::of(&config, filter.as_deref());
        manifest_fingerprint
            .ensure_same(&fingerprint)
            .map_err(|e| inconsistent(e).with_path(&dir.join(store::MANIFEST)))?;
        let unfiltered = Fingerprint::of(&config, None);
        let filter_from = manifest.filter.as_ref().map(|f| f.first_doc);
        let bands = config.lsh().bands();
        let mut segments = Vec::with_capacity(manifest.segments.len());
        let mut next = 0u64;
        for entry in &mut manifest.segments {
            if entry.first_doc != next {
                return Err(corrupt(format!("manifest: segment {} does not start at document {next}", entry.file)));
            }
            let end = entry.first_doc.saturating_add(entry.documents);
            let signed = signed_with(&fingerprint, &unfiltered, filter_from, end);
            let s = Segment::open(dir, entry, signed, bands, pinned).map_err(inconsistent)?;
            entry.pin = s.pin();
            if config.window().is_some() && s.days().len() != s.len() {
                return Err(corrupt(format!("segment {}: the index has a window but the segment no days", s.name())));
            }
            if config.window().is_none() && !s.days().is_empty() {
                return Err(corrupt(format!("segment {}: the index has no window but the segment has days", s.name())));
            }
            next = next.saturating_add(entry.documents);
            segments.push(s);
        }
        if next != documents {
            return Err(corrupt(format!("manifest: segments hold {next} documents, not {documents}")));
        }
        let clusters =
            ClusterFile::open(dir, &manifest.clusters, &fingerprint, documents, pinned).map_err(inconsistent)?;
        manifest.clusters.pin = clusters.pin();
        let deduper = Deduper::new(config.clone()).with_filter(filter);
        Ok(Index {
            dir: dir.to_path_buf(),
            config,
            deduper,
            fingerprint,
            manifest,
            segments,
            clusters,
            filter_bytes,
            pinned,
            lock,
            max_text_bytes: crate::corpus::DEFAULT_MAX_RECORD_BYTES,
            ids: std::sync::OnceLock::new(),
            members: std::sync::OnceLock::new(),
        })
    }

    /// The index's configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The boilerplate filter documents are signed with, if the index has one.
    pub fn filter(&self) -> Option<&Arc<ShingleFilter>> {
        self.deduper.filter()
    }

    /// A deduper that signs and clusters exactly as the index does (its configuration and
    /// filter): a full run with it over the index's documents gives [`Index::clusters`] (unless
    /// the filter was learnt after the first batch: the documents stored before it were signed
    /// without one).
    pub fn deduper(&self) -> &Deduper {
        &self.deduper
    }

    /// The number of documents.
    pub fn len(&self) -> usize {
        self.manifest.documents as usize
    }

    /// Whether the index holds no documents.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Sets the longest text, once normalised, that [`query`](Index::query) and
    /// [`query_candidates`](Index::query_candidates) take, in bytes (default
    /// [`DEFAULT_MAX_RECORD_BYTES`](crate::corpus::DEFAULT_MAX_RECORD_BYTES), as a corpus's
    /// `max_record_bytes`): NFKC can make a text many times longer, and a query's memory is a
    /// multiple of its normalised length. A longer text is an error of kind
    /// [`RecordTooLarge`](ErrorKind::RecordTooLarge).
    pub fn set_max_text_bytes(&mut self, limit: usize) {
        self.max_text_bytes = limit;
    }

    /// The sketch of a query text, within the [limit](Index::set_max_text_bytes).
    fn sketch_query(&self, text: &str) -> Result<(Vec<u32>, u32)> {
        let mut sketcher = self.deduper.sketcher().with_max_text_bytes(Some(self.max_text_bytes));
        let mut row = vec![0u32; sketcher.num_perm()];
        let set_size = sketcher.try_sketch_into(text, &mut row)?;
        Ok((row, set_size))
    }

    /// Whether this value may change the index.
    pub fn is_writable(&self) -> bool {
        self.lock.is_some()
    }

    /// The id of document `doc` ([`ErrorKind::NotFound`] beyond the last document).
    pub fn document_id(&self, doc: DocId) -> Result<&str> {
        let (s, i) = self.locate(doc)?;
        s.id(i)
    }

    /// The cluster of document `doc` ([`ErrorKind::NotFound`] beyond the last document).
    pub fn cluster_of(&self, doc: DocId) -> Result<u32> {
        self.clusters.cluster(doc.index())
    }

    /// The stored date of `doc` (in an index with a time window).
    fn day_of(&self, doc: DocId) -> Result<i32> {
        let (segment, local) = self.locate(doc)?;
        segment
            .days()
            .get(local)
            .copied()
            .ok_or_else(|| corrupt(format!("segment {}: no date for document {}", segment.name(), doc.0)))
    }

    fn representative_of(&self, cluster: u32) -> Result<DocId> {
        self.clusters.representative(cluster)
    }

    fn locate(&self, doc: DocId) -> Result<(&Segment, usize)> {
        let i = doc.index();
        segment_of(&self.segments, i)
            .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("no document {i} in an index of {}", self.len())))
    }

    fn rows<'a>(&'a self, new: Option<&'a SignatureMatrix>) -> Rows<'a> {
        Rows { segments: &self.segments, first_new: self.len(), new, k: self.config.minhash().num_perm() }
    }

    /// The stored documents most similar to `text`: up to `limit` of its candidates (see
    /// [`query_candidates`](Index::query_candidates)), best first (those that pass the threshold,
    /// then by similarity on the index's measure, then by document), each with its estimated
    /// Jaccard and containment and its cluster. Read-only; call it from as many threads as you
    /// like.
    ///
    /// Its cost is bounded whatever the index holds: at most `bands × (PAIRWISE_BUCKET + 1)`
    /// candidates are scored (1,600 at the default 64 bands), each a comparison of two
    /// signatures, after `bands × segments` binary searches.
    ///
    /// A text longer than the [limit](Index::set_max_text_bytes) once normalised is an error of
    /// kind [`RecordTooLarge`](ErrorKind::RecordTooLarge).
    ///
    /// In an index with a time window, dates are not compared: use [`query_at`](Index::query_at).
    pub fn query(&self, text: &str, limit: usize) -> Result<Vec<Match>> {
        let (signature, set_size) = self.sketch_query(text)?;
        self.query_signature(&signature, set_size, None, limit)
    }

    /// [`query`](Index::query) of a text dated `day` (days since 1970-01-01, as
    /// [`Document::day`](crate::Document::day)). In an index with a time window, a stored
    /// document more than the window away from `day` is not a duplicate: its
    /// [`Match::outside_window`] is set (an insertion would also keep the whole cluster's date
    /// span within the window). In an index without a window, `day` is ignored.
    pub fn query_at(&self, text: &str, day: i32, limit: usize) -> Result<Vec<Match>> {
        let (signature, set_size) = self.sketch_query(text)?;
        self.query_signature(&signature, set_size, Some(day), limit)
    }

    /// [`query`](Index::query) for each of `texts`, in parallel.
    #[cfg(feature = "parallel")]
    pub fn par_query<T: AsRef<str> + Sync>(&self, texts: &[T], limit: usize) -> Result<Vec<Vec<Match>>> {
        use rayon::prelude::*;
        texts.par_iter().map(|t| self.query(t.as_ref(), limit)).collect()
    }

    /// The stored documents a [`query`](Index::query) of `text` scores, ascending: in each band,
    /// the first [`PAIRWISE_BUCKET`] (24) members of the bucket the text falls in (in document
    /// order) and its last member. These include every document that [`insert_batch`] would pair
    /// the text with if it were inserted next (the bucket rule of [`crate::lsh`]), so a query
    /// finds what an insertion would link. A bucket larger than that is mostly documents that
    /// agree with the text and with each other on that band (in an index of many identical
    /// documents, all of them): a true match collides with the text in most bands, and in the
    /// bands where it differs from the crowd its buckets are small. A stored document that
    /// collides with the text only in buckets of more than 25 members, each time behind the
    /// first 24, is not scored. At most `bands × 25` documents.
    ///
    /// [`insert_batch`]: Index::insert_batch
    pub fn query_candidates(&self, text: &str) -> Result<Vec<DocId>> {
        let (signature, set_size) = self.sketch_query(text)?;
        if set_size == 0 {
            return Ok(Vec::new());
        }
        Ok(self.candidates_of_signature(&signature)?.into_iter().map(DocId).collect())
    }

    /// See [`query_candidates`](Index::query_candidates).
    fn candidates_of_signature(&self, signature: &[u32]) -> Result<Vec<u32>> {
        let n = self.len();
        let mut docs: Vec<u32> = Vec::new();
        for (band, key) in self.config.lsh().band_keys(signature).enumerate() {
            let (mut room, mut last) = (PAIRWISE_BUCKET, None);
            for s in &self.segments {
                let members = s.bucket(band, key);
                docs.extend_from_slice(&members[..room.min(members.len())]);
                room -= room.min(members.len());
                last = members.last().copied().or(last);
            }
            docs.extend(last);
        }
        docs.sort_unstable();
        docs.dedup();
        if let Some(&d) = docs.last().filter(|&&d| d as usize >= n) {
            return Err(corrupt(format!("a band table lists document {d} of an index of {n}")));
        }
        Ok(docs)
    }

    fn query_signature(&self, signature: &[u32], set_size: u32, day: Option<i32>, limit: usize) -> Result<Vec<Match>> {
        if set_size == 0 || limit == 0 {
            return Ok(Vec::new());
        }
        let docs = self.candidates_of_signature(signature)?;
        let criterion = self.config.criterion();
        let containment = Criterion::new(Similarity::Containment, criterion.threshold(), 0);
        let rows = self.rows(None);
        let k = rows.num_perm();
        let mut scored = Vec::with_capacity(docs.len());
        for d in docs {
            let other = rows.set_size(d as usize);
            let agree = crate::hash::agreeing_slots(signature, rows.row(d as usize));
            let j = agree as f64 / k as f64;
            let outside = match (self.config.window(), day) {
                (Some(window), Some(day)) => {
                    let stored = self.day_of(DocId(d))?;
                    (i64::from(day) - i64::from(stored)).unsigned_abs() > u64::from(window)
                }
                _ => false,
            };
            let duplicate = !outside && criterion.decide(agree, k, set_size, other, 0.0) == Decision::Pass;
            scored.push((duplicate, criterion.from_jaccard(j, set_size, other), j, other, d, outside));
        }
        scored.sort_unstable_by(|x, y| y.0.cmp(&x.0).then(y.1.total_cmp(&x.1)).then(x.4.cmp(&y.4)));
        scored.truncate(limit);
        scored
            .into_iter()
            .map(|(duplicate, similarity, jaccard, other, d, outside_window)| {
                let doc = DocId(d);
                let cluster = self.cluster_of(doc)?;
                let rep = self.representative_of(cluster)?;
                Ok(Match {
                    doc,
                    id: self.document_id(doc)?.to_string(),
                    jaccard,
                    containment: containment.from_jaccard(jaccard, set_size, other),
                    similarity,
                    duplicate,
                    outside_window,
                    cluster,
                    representative: rep,
                })
            })
            .collect()
    }

    /// Every document's cluster, in document order.
    pub fn clusters(&self) -> impl Iterator<Item = Result<Assignment<'_>>> + '_ {
        (0..self.len()).map(move |i| {
            let doc = DocId(i as u32);
            let cluster = self.cluster_of(doc)?;
            Ok(Assignment {
                doc,
                id: self.document_id(doc)?,
                cluster,
                is_representative: self.representative_of(cluster)? == doc,
            })
        })
    }

    /// Counts and sizes.
    pub fn stats(&self) -> IndexStats {
        let manifest_bytes = std::fs::metadata(self.dir.join(store::MANIFEST)).map_or(0, |m| m.len());
        let clusters = self.clusters.num_clusters();
        let sizes = self.clusters.sizes();
        IndexStats {
            generation: self.manifest.generation,
            documents: self.manifest.documents,
            segments: self.segments.len() as u64,
            clusters,
            duplicate_clusters: sizes.iter().filter(|&&s| s > 1).count() as u64,
            duplicates: self.manifest.documents - clusters.min(self.manifest.documents),
            edges: self.segments.iter().map(|s| s.num_edges() as u64).sum(),
            boilerplate_shingles: self.filter().map_or(0, |f| f.len() as u64),
            unfiltered_documents: match (&self.manifest.params.boilerplate, &self.manifest.filter) {
                (_, Some(f)) => f.first_doc,
                (Some(_), None) => self.manifest.documents,
                (None, None) => 0,
            },
            bytes: manifest_bytes
                + self.segments.iter().map(Segment::file_bytes).sum::<u64>()
                + self.clusters.file_bytes()
                + self.filter_bytes,
        }
    }

    /// Reads every file in full and checks its checksum (opening checks only headers, pins and
    /// layouts, so that it does not read the bulk data).
    pub fn check(&self) -> Result<()> {
        if let Some(entry) = &self.manifest.filter {
            read_filter(&self.dir, entry, &self.config, true)?;
        }
        for s in &self.segments {
            s.check().map_err(|e| e.with_path(&self.dir.join(s.name())))?;
        }
        self.clusters.check().map_err(|e| self.clusters_error(e))?;
        let n = self.len();
        for s in &self.segments {
            s.edges(n)?.for_each(drop);
        }
        Ok(())
    }

    /// The generation of the next commit.
    fn next_generation(&self) -> Result<u64> {
        let g = self.manifest.generation;
        g.checked_add(1).ok_or_else(|| corrupt(format!("manifest: generation {g} has no successor")))
    }

    fn writer(&self) -> Result<()> {
        match self.lock {
            Some(_) => Ok(()),
            None => Err(Error::new(
                ErrorKind::ReadOnly,
                format!("{}: index opened read-only (open it writable to change it)", self.dir.display()),
            )),
        }
    }

    /// Inserts a batch: signs its documents (learning the boilerplate filter first, see below),
    /// finds their candidates among the stored documents and each other, verifies them, re-links
    /// the clusters and commits a new segment. Invalid records stop the batch with their error
    /// (nothing is committed) or, when the source says
    /// [`Invalid::Skip`](crate::source::Invalid::Skip), are left out and listed. After the commit
    /// the newest segments may be merged (see [`compact`](Index::compact)).
    ///
    /// **Verified before written.** The batch rewrites the cluster file (the clusters of the
    /// components it does not touch are copied from it) and may merge the newest segments after
    /// its commit; before anything is written, the payload checksums of that cluster file and of
    /// those segments are checked in full (and, on an index of format version 1, of every file,
    /// which the commit then pins). A mismatch fails with [`ErrorKind::Corrupt`] naming the file,
    /// and the index is unchanged. The other segments are read (their band tables, rows and
    /// edges) but not rewritten; damage there is found by [`check`](Index::check) and by the
    /// writer that next merges them.
    ///
    /// **Boilerplate.** With boilerplate learning configured, the filter is learnt from the first
    /// batch that has at least `min_docs` valid documents (the fewest a boilerplate shingle must
    /// be in, so that a smaller batch could only learn an empty filter), and kept for good. A
    /// smaller batch is stored signed without a filter, with a warning in
    /// [`Insertion::warnings`], and the filter stays *not yet learnt* in the manifest. The index
    /// keeps signatures, not texts, so documents stored before the filter is learnt cannot be
    /// signed again: they keep their unfiltered signatures, whose shingles include their
    /// boilerplate, and their estimated similarity to documents signed with the filter is lower
    /// than a full run's by about the share of boilerplate in their shingles (a copy with a long
    /// outlet footer may then be missed). The batch that learns the filter says so in a warning
    /// when documents were stored before it. Learning once from a batch of the minimum size was
    /// chosen over the alternatives: learning an empty filter from a tiny first batch (the old
    /// behaviour) loses the filter for good; waiting for more than `min_docs` would leave more
    /// documents unfiltered; re-learning later would change the signatures of later documents
    /// again.
    ///
    /// **Ids.** A document whose id the index already holds fails the batch with
    /// [`ErrorKind::DuplicateId`] naming the id and its record, and nothing is committed (see
    /// [`insert_batch_with`](Index::insert_batch_with) to skip or replace such documents); ids
    /// repeated inside the batch follow the source's [`DuplicateIds`](crate::DuplicateIds).
    ///
    /// Fails with [`ErrorKind::ReadOnly`] on an index opened with [`open`](Index::open), with
    /// the record's kind ([`ErrorKind::is_invalid_input`]) on an invalid record, with
    /// [`ErrorKind::Corrupt`] as above. An error in the merge after the commit is returned
    /// although the batch is committed (re-open the index to see it).
    pub fn insert_batch<S: DocumentSource + ?Sized>(&mut self, source: &S) -> Result<Insertion> {
        self.insert_batch_with_progress(source, None)
    }

    /// [`insert_batch`](Index::insert_batch) with progress reports while signing (and
    /// existing ids refused; see [`insert_batch_with`](Index::insert_batch_with)).
    pub fn insert_batch_with_progress<S: DocumentSource + ?Sized>(
        &mut self,
        source: &S,
        progress: Option<Progress<'_>>,
    ) -> Result<Insertion> {
        self.insert_batch_with(source, &InsertOptions::default(), progress)
    }

    /// Signs a batch: learns the boilerplate filter first when the index has none yet and the
    /// batch is large enough, then signs every record and applies the source's rule for ids
    /// repeated inside the batch ([`DocumentSource::duplicate_ids`]).
    fn sign_batch<S: DocumentSource + ?Sized>(
        &self,
        source: &S,
        progress: Option<Progress<'_>>,
    ) -> Result<(Batch, Insertion)> {
        let mut deduper = self.deduper.clone();
        let mut new_filter = None;
        let mut warnings = Vec::new();
        if let (None, Some((df, min_docs, sample))) = (&self.manifest.filter, self.manifest.params.boilerplate) {
            let bp = BoilerplateConfig::builder()
                .max_df(f64::from_bits(df))
                .min_docs(min_docs)
                .sample(usize::try_from(sample).unwrap_or(usize::MAX))
                .build()?;
            let needed = learning_sample(&bp);
            let (filter, counted) = match source.len() >= needed {
                true => deduper.learn_boilerplate(source, &bp)?,
                false => (ShingleFilter::default(), source.len()),
            };
            if counted >= needed {
                if !self.is_empty() {
                    warnings.push(format!(
                        "boilerplate filter learnt from this batch ({counted} documents, {} boilerplate shingles); \
                         the {} documents stored before it keep signatures made without it, so their \
                         similarity to documents that share boilerplate is underestimated",
                        filter.len(),
                        self.len()
                    ));
                }
                let filter = Arc::new(filter);
                deduper = deduper.with_filter(Some(filter.clone()));
                new_filter = Some(filter);
            } else if counted > 0 {
                warnings.push(format!(
                    "boilerplate filter not learnt yet: this batch has {counted} documents, fewer than the \
                     {needed} a boilerplate shingle must be in (`boilerplate_min_docs`); its documents are \
                     signed without a filter, and the first batch of at least {needed} documents learns it"
                ));
            }
        }
        let mut signed = deduper.sign_source(source, progress, None)?;
        crate::source::unique_ids(&mut signed.ids, &signed.records, source, source.duplicate_ids())?;
        let out = Insertion { skipped: std::mem::take(&mut signed.skipped), warnings, ..Insertion::default() };
        let batch = Batch {
            signatures: signed.signatures,
            lengths: signed.lengths,
            days: signed.days,
            ids: signed.ids,
            records: signed.records,
            filter: deduper.filter().cloned(),
            new_filter,
        };
        Ok((batch, out))
    }

    /// Adds a signed batch (not empty) and commits: candidates, verification, re-linking, the
    /// new segment, cluster file and manifest, then merges the newest segments. Fills `out`.
    fn commit_batch(&mut self, batch: Batch, out: &mut Insertion) -> Result<()> {
        let Batch { signatures: new, lengths, days, ids, filter, new_filter, .. } = batch;
        let n_old = self.len();
        let n = n_old + new.len();
        if n > u32::MAX as usize {
            return Err(Error::new(ErrorKind::Unsupported, format!("an index holds at most {} documents", u32::MAX)));
        }
        // Writers never copy what they have not verified: the cluster file this batch rewrites
        // and the segments merged after its commit (every file, before a version-1 index's first
        // pins).
        let mut sizes: Vec<u64> = self.segments.iter().map(|s| s.len() as u64).collect();
        sizes.push(new.len() as u64);
        let merged = tail_start(&sizes).min(self.segments.len());
        self.verify_before_writing(merged..self.segments.len(), true, "the batch was not added")?;

        let params = self.config.lsh();
        let bands = new_band_tables(&new, params, n_old as u32);
        let candidates = self.candidates_of(&bands, n_old)?;
        out.candidates = candidates.len() as u64;
        let rows = self.rows(Some(&new));
        let verified = self.verify_edges(candidates, &rows);
        out.verified_edges = verified.len() as u64;

        let Relinked { clustering, components, stats, edges: total_edges } =
            self.relink(&verified, &rows, &lengths, &days)?;
        out.guard_refusals = stats.guard_refusals;
        out.window_refusals = stats.window_refusals;

        // Commit: the filter (when learnt now), the segment, the cluster file, then the manifest.
        let generation = self.next_generation()?;
        let fingerprint = Fingerprint::of(&self.config, filter.as_deref());
        let mut manifest = self.manifest.clone();
        manifest.generation = generation;
        if let Some(f) = &new_filter {
            let file = store::file_name("filter", generation, 0);
            let payload: Vec<u8> = f.frequent().iter().flat_map(|h| h.to_le_bytes()).collect();
            let bytes = format::encode(FileKind::Filter, &fingerprint, &[], &payload)?;
            store::write_durable(&self.dir, &file, &[&bytes])?;
            let pin = Pin { payload_len: payload.len() as u64, payload_checksum: xxh3_64(&payload) };
            manifest.filter = Some(FilterEntry { file, pin, first_doc: n_old as u64 });
        }
        let data = SegmentData { first_doc: n_old as u64, signatures: new, lengths, days, ids, bands, edges: verified };
        let name = store::file_name("segment", generation, n_old as u64);
        manifest.segments.push(data.write(&self.dir, &name, &fingerprint)?);
        manifest.documents = n as u64;
        let meta = ClustersMeta {
            documents: n as u64,
            clusters: clustering.num_clusters() as u64,
            edges: total_edges,
            guard_refusals: stats.guard_refusals,
            window_refusals: stats.window_refusals,
        };
        let reps: Vec<u32> = clustering.representatives().iter().map(|d| d.0).collect();
        let name = store::file_name("clusters", generation, 0);
        manifest.clusters =
            write_clusters(&self.dir, &name, &fingerprint, clustering.clusters(), &reps, &components, &meta)?;
        store::write_manifest(&self.dir, &fingerprint, &manifest)?;
        self.reload()?;

        let first_of: Vec<u32> = first_members(&clustering);
        out.added = (n_old..n)
            .map(|i| {
                let c = clustering.clusters()[i];
                let id = data.ids[i - n_old].clone();
                Added {
                    doc: DocId(i as u32),
                    id,
                    cluster: c,
                    representative: DocId(reps[c as usize]),
                    started: first_of[c as usize] as usize == i,
                }
            })
            .collect();
        // The segments it merges were verified above, before the commit.
        self.merge_tail()
    }

    /// The candidate edges that pass the index's verification.
    fn verify_edges(&self, candidates: Vec<Edge>, rows: &Rows<'_>) -> Vec<Edge> {
        match self.config.verify() {
            Verify::None => candidates,
            _ => {
                #[cfg(feature = "parallel")]
                let v = verify::par_verify_estimated(&candidates, rows, &self.config.criterion());
                #[cfg(not(feature = "parallel"))]
                let v = verify::verify_estimated(&candidates, rows, &self.config.criterion());
                v
            }
        }
    }

    /// Checks in full, before a writer copies or rewrites them, the payloads of `segments` and,
    /// with `clusters`, of the cluster file; on an index whose manifest does not pin its files yet
    /// (format version 1), of every file, since the commit will pin them all. A mismatch is an
    /// [`ErrorKind::Corrupt`] error naming the file and saying `refused` (nothing is written).
    fn verify_before_writing(&self, segments: std::ops::Range<usize>, clusters: bool, refused: &str) -> Result<()> {
        let not_written = |e: Error| {
            let mut out = Error::new(e.kind(), format!("{}; {refused}, the index is unchanged", e.message()));
            if let Some(path) = &e.location().path {
                out = out.with_path(path);
            }
            out
        };
        if !self.pinned {
            return self.check().map_err(not_written);
        }
        for s in &self.segments[segments] {
            s.check().map_err(|e| not_written(e.with_path(&self.dir.join(s.name()))))?;
        }
        if clusters {
            self.clusters.check().map_err(|e| not_written(self.clusters_error(e)))?;
        }
        Ok(())
    }

    /// An error about the cluster file, named.
    fn clusters_error(&self, e: Error) -> Error {
        let e = match e.message().starts_with("cluster file") {
            true => e,
            false => Error::new(e.kind(), format!("cluster file: {}", e.message())),
        };
        e.with_path(&self.dir.join(&self.manifest.clusters.file))
    }

    /// The clusters of all documents once `new_edges` (verified edges of a batch being inserted,
    /// whose rows `rows` holds after the stored ones) join the stored edges: exactly those of
    /// [`link::link`] over all edges, computed only for the connected components of the edge
    /// graph that the new edges touch (a merge only looks at the two clusters it joins, so the
    /// other components keep their stored clusters). The cluster file keeps each document's
    /// component (a member's id), so finding them takes one pass over the stored edges.
    fn relink(&self, new_edges: &[Edge], rows: &Rows<'_>, new_lengths: &[u64], new_days: &[i32]) -> Result<Relinked> {
        let (n_old, n) = (self.len(), rows.len());
        let component = self.clusters.components()?;
        let old_root = self.clusters.roots()?;
        let mut touched = vec![false; n_old];
        for e in new_edges {
            for x in [e.a.index(), e.b.index()] {
                if x < n_old {
                    touched[component[x] as usize] = true;
                }
            }
        }
        let is_affected = |d: usize| d >= n_old || touched[component[d] as usize];
        let mut affected: Vec<Edge> = new_edges.to_vec();
        let mut edges = new_edges.len() as u64;
        for s in &self.segments {
            s.prefetch_edges();
            for e in s.edges(n_old)? {
                edges += 1;
                if is_affected(e.a.index()) {
                    affected.push(e);
                }
            }
        }
        let mut graph = UnionFind::new(n);
        for e in &affected {
            graph.union(e.a.0, e.b.0);
        }
        let components: Vec<u32> =
            (0..n).map(|d| if is_affected(d) { graph.find(d as u32) } else { component[d] }).collect();
        let days: Option<Vec<i32>> = self.config.window().map(|_| {
            let mut days: Vec<i32> = self.segments.iter().flat_map(|s| s.days().iter().copied()).collect();
            days.extend_from_slice(new_days);
            days
        });
        let link::LinkedSets { sets: mut uf, guard_refusals, window_refusals } =
            link::link_sets(&self.config, &affected, rows, days.as_deref());
        let stats = Stats { guard_refusals, window_refusals, ..Stats::default() };
        let lengths: Vec<u64> = match self.config.representative() {
            Representative::Longest => self
                .segments
                .iter()
                .flat_map(|s| s.lengths().iter().copied())
                .chain(new_lengths.iter().copied())
                .collect(),
            Representative::First => Vec::new(),
        };
        let root = |d: u32| if is_affected(d as usize) { uf.find(d) } else { old_root[d as usize] };
        let clustering = Clustering::from_roots(n, root, self.config.representative(), &lengths);
        Ok(Relinked { clustering, components, stats, edges })
    }

    /// Re-reads the committed state (keeping the lock) and removes superseded files.
    fn reload(&mut self) -> Result<()> {
        let lock = self.lock.take();
        *self = Index::load(&self.dir, lock)?;
        store::remove_unlisted(&self.dir, &live_files(&self.manifest));
        Ok(())
    }

    /// The candidate edges of a batch whose band tables are `bands` (documents from `n_old`):
    /// each new document's edges under [`lsh::push_member_edges`], its bucket's members being the
    /// stored documents with the same key (in every segment, in document order) and then the
    /// batch's. Sorted, without repeats.
    fn candidates_of(&self, bands: &[Vec<(u64, u32)>], n_old: usize) -> Result<Vec<Edge>> {
        let per_band = |(band, table): (usize, &Vec<(u64, u32)>)| -> Result<Vec<Edge>> {
            let mut edges = Vec::new();
            let mut head: Vec<DocId> = Vec::with_capacity(PAIRWISE_BUCKET);
            for bucket in table.chunk_by(|x, y| x.0 == y.0) {
                head.clear();
                let (mut count, mut previous) = (0usize, None);
                for s in &self.segments {
                    let docs = s.bucket(band, bucket[0].0);
                    if let Some(&bad) = docs.iter().find(|&&d| d as usize >= n_old) {
                        return Err(corrupt(format!("segment {}: band table lists document {bad}", s.name())));
                    }
                    let room = PAIRWISE_BUCKET - head.len();
                    head.extend(docs.iter().take(room).map(|&d| DocId(d)));
                    count += docs.len();
                    previous = docs.last().map(|&d| DocId(d)).or(previous);
                }
                for &(_, d) in bucket {
                    let doc = DocId(d);
                    lsh::push_member_edges(&head, previous, count, doc, &mut edges);
                    if head.len() < PAIRWISE_BUCKET {
                        head.push(doc);
                    }
                    previous = Some(doc);
                    count += 1;
                }
            }
            Ok(edges)
        };
        #[cfg(feature = "parallel")]
        let lists: Vec<Vec<Edge>> = {
            use rayon::prelude::*;
            bands.par_iter().enumerate().map(per_band).collect::<Result<_>>()?
        };
        #[cfg(not(feature = "parallel"))]
        let lists: Vec<Vec<Edge>> = bands.iter().enumerate().map(per_band).collect::<Result<_>>()?;
        let mut edges: Vec<Edge> = lists.concat();
        edges.sort_unstable();
        edges.dedup();
        Ok(edges)
    }

    /// Merges all segments into one (a no-op with fewer than two). Clusters do not change;
    /// queries look up one band table per band instead of one per segment.
    ///
    /// Verifies every file first, as [`check`](Index::check) does, since it copies every segment:
    /// a damaged file fails with [`ErrorKind::Corrupt`] naming it, and the index is unchanged.
    pub fn compact(&mut self) -> Result<()> {
        self.writer()?;
        self.verify_before_writing(0..self.segments.len(), true, "not compacted")?;
        self.merge_from(0)
    }

    /// Keeps the number of segments logarithmic in the number of documents (see
    /// [`tail_start`]). The caller has verified the segments it merges.
    fn merge_tail(&mut self) -> Result<()> {
        let sizes: Vec<u64> = self.segments.iter().map(|s| s.len() as u64).collect();
        self.merge_from(tail_start(&sizes))
    }

    /// Merges segments `from..` into one and commits. The caller has verified them (writers never
    /// copy what they have not verified).
    fn merge_from(&mut self, from: usize) -> Result<()> {
        if self.segments.len() < from + 2 {
            return Ok(());
        }
        let parts: Vec<&Segment> = self.segments[from..].iter().collect();
        let data = SegmentData::merge(&parts, self.config.minhash().num_perm(), self.config.lsh().bands(), self.len())?;
        let generation = self.next_generation()?;
        let name = store::file_name("segment", generation, data.first_doc);
        let unfiltered = Fingerprint::of(&self.config, None);
        let filter_from = self.manifest.filter.as_ref().map(|f| f.first_doc);
        let end = data.first_doc + data.signatures.len() as u64;
        let entry = data.write(&self.dir, &name, signed_with(&self.fingerprint, &unfiltered, filter_from, end))?;
        let mut manifest = self.manifest.clone();
        manifest.generation = generation;
        manifest.segments.truncate(from);
        manifest.segments.push(entry);
        store::write_manifest(&self.dir, &self.fingerprint, &manifest)?;
        self.reload()
    }
}

/// The first of the newest segments to merge, given every segment's size: like a binary
/// counter, the newest segments are merged while the one before them is no larger than they are
/// together, which keeps the number of segments logarithmic in the number of documents (each
/// document is rewritten about log2(documents / batch) times). `sizes.len() - 1` (or 0) when
/// nothing is merged.
fn tail_start(sizes: &[u64]) -> usize {
    let Some(last) = sizes.len().checked_sub(1) else { return 0 };
    let (mut from, mut tail) = (last, sizes[last]);
    while from >= 1 && sizes[from - 1] <= tail {
        from -= 1;
        tail += sizes[from];
    }
    from
}

/// The fewest valid documents a batch must have to learn the boilerplate filter: a boilerplate
/// shingle is in at least `max(min_docs, 2)` documents ([`BoilerplateConfig::cut`]), so a
/// smaller batch can only learn an empty filter. (When the sample is smaller still, no batch can
/// learn a shingle, and the first batch of `sample` documents learns the empty filter a run
/// would.)
fn learning_sample(bp: &BoilerplateConfig) -> usize {
    (bp.min_docs().max(2) as usize).min(bp.sample())
}

/// Refuses big-endian targets: index arrays are little-endian and read in place.
fn little_endian() -> Result<()> {
    if cfg!(target_endian = "big") {
        return Err(Error::new(
            ErrorKind::Unsupported,
            "neardupe indexes are little-endian arrays; this target is big-endian",
        ));
    }
    Ok(())
}

/// The manifest's live data files.
fn live_files(m: &Manifest) -> Vec<&str> {
    let mut v: Vec<&str> = m.segments.iter().map(|s| s.file.as_str()).collect();
    v.push(&m.clusters.file);
    v.extend(m.filter.as_ref().map(|f| f.file.as_str()));
    v
}

/// The fingerprint a segment's signatures were made with, given the end of its documents:
/// `filtered` (the index's) when any of them comes at or after `filter_from` (the first document
/// signed with the boilerplate filter; `None` without a filter), `unfiltered` otherwise. So a
/// segment stored before a late-learnt filter keeps the fingerprint it was written with, and a
/// segment merged across that boundary, which holds documents signed both ways, carries the
/// filter's (the manifest's [`FilterEntry::first_doc`] says which documents are which).
fn signed_with<'a>(
    filtered: &'a Fingerprint,
    unfiltered: &'a Fingerprint,
    filter_from: Option<u64>,
    end: u64,
) -> &'a Fingerprint {
    match filter_from {
        Some(first) if end > first => filtered,
        _ => unfiltered,
    }
}

/// A file name from a manifest must name a file inside the index directory.
fn check_name(name: &str) -> Result<()> {
    let plain = !name.is_empty()
        && name.ends_with(store::FILE_SUFFIX)
        && !name.starts_with('.')
        && !name.contains(['/', '\\', '\0', ':']);
    if plain { Ok(()) } else { Err(corrupt(format!("manifest: {name:?} is not an index file name"))) }
}

/// Each new document's band entries, one sorted table per band (documents with shingles only).
fn new_band_tables(new: &SignatureMatrix, params: &crate::LshParams, first: u32) -> Vec<Vec<(u64, u32)>> {
    let one = |band: usize| {
        let mut t: Vec<(u64, u32)> = (0..new.len())
            .filter(|&i| new.set_size(i) != 0)
            .map(|i| (params.band_key(band, new.row(i)), first + i as u32))
            .collect();
        t.sort_unstable();
        t
    };
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        (0..params.bands()).into_par_iter().map(one).collect()
    }
    #[cfg(not(feature = "parallel"))]
    (0..params.bands()).map(one).collect()
}

/// Each cluster's first document.
fn first_members(c: &Clustering) -> Vec<u32> {
    let mut first = vec![u32::MAX; c.num_clusters()];
    for i in (0..c.len()).rev() {
        first[c.clusters()[i] as usize] = i as u32;
    }
    first
}

/// A signed batch, before it is added.
struct Batch {
    signatures: SignatureMatrix,
    lengths: Vec<u64>,
    days: Vec<i32>,
    ids: Vec<String>,
    /// Each document's record in the source (for messages).
    records: Vec<usize>,
    /// The filter its documents were signed with.
    filter: Option<Arc<ShingleFilter>>,
    /// The filter, when this batch learnt it.
    new_filter: Option<Arc<ShingleFilter>>,
}

/// What [`Index::relink`] computes.
struct Relinked {
    clustering: Clustering,
    /// Each document's edge-graph component.
    components: Vec<u32>,
    /// Refusals by the guard and the window in the re-linked components.
    stats: Stats,
    /// All verified edges.
    edges: u64,
}

/// Signature rows of the stored segments, then of a batch being inserted.
struct Rows<'a> {
    segments: &'a [Segment],
    first_new: usize,
    new: Option<&'a SignatureMatrix>,
    k: usize,
}

/// The segment holding document `i` and its position there.
fn segment_of(segments: &[Segment], i: usize) -> Option<(&Segment, usize)> {
    let at = segments.partition_point(|s| s.first_doc() <= i).checked_sub(1)?;
    let s = &segments[at];
    (i < s.first_doc() + s.len()).then(|| (s, i - s.first_doc()))
}

impl SignatureRows for Rows<'_> {
    fn num_perm(&self) -> usize {
        self.k
    }
    fn len(&self) -> usize {
        self.first_new + self.new.map_or(0, SignatureMatrix::len)
    }
    fn row(&self, i: usize) -> &[u32] {
        match self.new {
            Some(m) if i >= self.first_new => m.row(i - self.first_new),
            _ => segment_of(self.segments, i).map_or(&[], |(s, j)| s.row(j)),
        }
    }
    fn set_size(&self, i: usize) -> u32 {
        match self.new {
            Some(m) if i >= self.first_new => m.set_size(i - self.first_new),
            _ => segment_of(self.segments, i).map_or(0, |(s, j)| s.set_sizes()[j]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{learning_sample, tail_start};
    use crate::boilerplate::BoilerplateConfig;

    #[test]
    fn the_tail_merges_like_a_binary_counter() {
        assert_eq!(tail_start(&[]), 0);
        assert_eq!(tail_start(&[5]), 0);
        assert_eq!(tail_start(&[20, 3, 1]), 2, "nothing to merge");
        assert_eq!(tail_start(&[20, 3, 1, 4]), 1, "4 >= 1 then 5 >= 3, not 8 >= 20");
        assert_eq!(tail_start(&[4, 4]), 0);
    }

    #[test]
    fn a_filter_is_learnt_from_min_docs_documents() {
        let bp = |min_docs, sample| BoilerplateConfig::builder().min_docs(min_docs).sample(sample).build().unwrap();
        assert_eq!(learning_sample(&BoilerplateConfig::default()), 20);
        assert_eq!(learning_sample(&bp(4, 10_000)), 4);
        assert_eq!(learning_sample(&bp(0, 10_000)), 2, "a shingle is in at least two documents");
        assert_eq!(learning_sample(&bp(50, 10)), 10, "no batch can learn more than an empty filter");
    }
}
