//! What a run returns: [`Output`] (ids, clusters, edges, signatures) and [`Stats`] (counts, the
//! banding used, seconds per stage, the largest and suspicious clusters).

use std::sync::Arc;

use crate::boilerplate::ShingleFilter;
use crate::cluster::Clustering;
use crate::error::Skipped;
use crate::graph::Edge;
use crate::minhash::SignatureMatrix;

/// Wall time of each stage, in seconds.
#[derive(Clone, Debug, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct StageSeconds {
    /// Opening and splitting the input (from [`DocumentSource::open_seconds`](crate::DocumentSource::open_seconds)).
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
#[derive(Clone, Debug, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Stats {
    /// Documents clustered (valid records).
    pub documents: u64,
    /// Bytes of input text.
    pub text_bytes: u64,
    /// Records skipped as invalid (and files left out while opening: see
    /// [`Corpus::skipped`](crate::Corpus::skipped)).
    pub skipped: u64,
    /// Documents whose id an earlier document had, renamed `id~2`, `id~3`, ... (only with
    /// [`DuplicateIds::Number`](crate::corpus::DuplicateIds::Number); by default such a run fails).
    pub renamed_ids: u64,
    /// Documents with no shingles (never linked).
    pub empty_documents: u64,
    /// Candidate edges from LSH, after removing repeats.
    pub candidates: u64,
    /// Candidate pairs whose exact Jaccard was computed ([`Verify::Exact`](crate::Verify::Exact),
    /// and the borderline pairs of [`Verify::Hybrid`](crate::Verify::Hybrid) that were not
    /// already linked through other edges).
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
    /// Documents signed while the input was still being decompressed
    /// ([`Deduper::open_and_run`](crate::Deduper::open_and_run)); their time is part of
    /// [`StageSeconds::read`].
    pub presigned: u64,
    /// Of those, documents signed again because the boilerplate learnt from the whole corpus
    /// differed, for them, from the one learnt from its start.
    pub resigned: u64,
    /// Bytes written to spill files (signatures and candidate-edge runs) by a run that did not
    /// fit its memory limit; 0 for a run in memory.
    pub spilled_bytes: u64,
    /// The memory limit of the run, if any (see [`Deduper::with_memory`](crate::Deduper::with_memory)).
    pub memory_limit: Option<u64>,
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
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
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
#[non_exhaustive]
pub struct Output {
    /// Document ids, in input order (skipped records left out).
    pub ids: Vec<String>,
    /// For each document, the index of its record in the source.
    pub records: Vec<usize>,
    /// Cluster assignments, parallel to `ids`.
    pub clustering: Clustering,
    /// The verified edges (indices into `ids`), sorted.
    pub edges: Vec<Edge>,
    /// The signatures, parallel to `ids`; empty (no rows) when the run spilled them
    /// ([`Stats::spilled_bytes`]), whose rows were read from the spill file and not kept.
    pub signatures: SignatureMatrix,
    /// The boilerplate filter the signatures were made with, if any.
    pub filter: Option<Arc<ShingleFilter>>,
    /// Records skipped as invalid: how many, and the first ones with why.
    pub skipped: Skipped,
    /// Counts and times.
    pub stats: Stats,
}
