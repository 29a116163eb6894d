//! The metadata of an on-disk [`Index`](crate::index::Index): its manifest, where a segment's
//! arrays lie, and the summary of its cluster file. Bulk data is never here: it stays in raw
//! little-endian arrays that readers map (see [`SegmentToc`]).

use bincode::{Decode, Encode};

use super::Fingerprint;

/// The payload of an index's `MANIFEST`: the parameters, the live files and the next document id.
#[derive(Clone, Debug, PartialEq, Encode, Decode)]
pub struct Manifest {
    /// Increases by one with every committed change.
    pub generation: u64,
    /// The number of documents (the next document id).
    pub documents: u64,
    /// The parameters the index was created with.
    pub params: IndexParams,
    /// The live segments, in document order: each starts where the previous one ends.
    pub segments: Vec<SegmentEntry>,
    /// The file holding the cluster assignments of all documents.
    pub clusters: String,
    /// The file holding the learnt boilerplate filter, if the index has one.
    pub filter: Option<String>,
}

/// One live segment, as the manifest lists it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct SegmentEntry {
    /// The file name, inside the index directory.
    pub file: String,
    /// The id of its first document.
    pub first_doc: u64,
    /// Its number of documents.
    pub documents: u64,
    /// The file's size in bytes.
    pub bytes: u64,
}

/// Every parameter of an index's configuration (see [`crate::Config`]), so that an index
/// re-opened anywhere signs and clusters alike: those that make signatures comparable (its
/// [`Fingerprint`], without the filter, which is a file of its own) and those that decide the
/// clusters.
#[derive(Clone, Debug, PartialEq, Encode, Decode)]
pub struct IndexParams {
    /// Shingling, hashing, banding, similarity and threshold.
    pub signatures: Fingerprint,
    /// The size ratio the banding aims at, as IEEE bits.
    pub min_size_ratio_bits: u64,
    /// `estimate` or `none`.
    pub verify: String,
    /// `none` or `representative`.
    pub guard: String,
    /// The time window in days, if any.
    pub window: Option<u32>,
    /// `first` or `longest`.
    pub representative: String,
    /// How boilerplate is learnt from the first batch, if it is: the largest document frequency
    /// (IEEE bits), the fewest documents and the sample size.
    pub boilerplate: Option<(u64, u32, u64)>,
}

/// Where one array lies in a payload: byte offset (a multiple of 8) and length in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Encode, Decode)]
pub struct Span {
    /// Offset from the start of the payload.
    pub offset: u64,
    /// Length in bytes.
    pub len: u64,
}

/// A segment's table of contents (its header's metadata).
///
/// The payload holds, each at its [`Span`]: the signatures (`documents × num_perm` u32, row
/// major), the set sizes (u32 per document), the text lengths (u64), the days (i32, only with a
/// window), the id offsets (`documents + 1` u64 into the id bytes), the id bytes (UTF-8), the
/// band keys and band documents (`bands × band_len` u64 and u32: for each band the
/// `(key, document)` pairs of the documents with shingles, sorted), and the verified edges this
/// segment added (`edges × 2` u32, global document ids).
#[derive(Clone, Debug, PartialEq, Eq, Default, Encode, Decode)]
pub struct SegmentToc {
    /// The id of its first document.
    pub first_doc: u64,
    /// Its number of documents.
    pub documents: u64,
    /// Slots per signature.
    pub num_perm: u32,
    /// Bands of its band tables.
    pub bands: u32,
    /// Entries per band (the documents with at least one shingle).
    pub band_len: u64,
    /// Verified edges.
    pub edges: u64,
    /// Signature rows.
    pub signatures: Span,
    /// Set sizes.
    pub set_sizes: Span,
    /// Text lengths.
    pub lengths: Span,
    /// Days (empty without a window).
    pub days: Span,
    /// Id offsets.
    pub id_offsets: Span,
    /// Id bytes.
    pub id_bytes: Span,
    /// Band keys.
    pub band_keys: Span,
    /// Band documents.
    pub band_docs: Span,
    /// Edges.
    pub edges_span: Span,
}

/// The metadata of a cluster file, whose payload holds, each 8-aligned: the cluster of each
/// document (u32), the representative of each cluster (u32), and each document's connected
/// component in the graph of verified edges (u32, the id of one of its members), so that a batch
/// re-links only the components it touches.
#[derive(Clone, Debug, PartialEq, Eq, Default, Encode, Decode)]
pub struct ClustersMeta {
    /// Documents covered.
    pub documents: u64,
    /// Clusters (singletons included).
    pub clusters: u64,
    /// Verified edges over all segments.
    pub edges: u64,
    /// Merges the chaining guard refused while re-linking the components the last change touched.
    pub guard_refusals: u64,
    /// Merges the time window refused, likewise.
    pub window_refusals: u64,
}
