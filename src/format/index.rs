//! The metadata of an on-disk [`Index`](crate::index::Index): its manifest, where a segment's
//! arrays lie, and the summary of its cluster file. Bulk data is never here: it stays in raw
//! little-endian arrays that readers map (see [`SegmentToc`]).

use bincode::{Decode, Encode};

use super::{Fingerprint, FingerprintV2};

/// The payload of an index's `MANIFEST` (format version 3; version 2 is laid out alike but for
/// the fingerprint in its parameters, [`ManifestV2`]): the parameters, the live files, each
/// pinned, and the next document id.
///
/// Each listed file is **pinned**: the manifest holds its payload's length and checksum
/// ([`Pin`]), and opening compares them with the file's header (cheap: headers only), so a file
/// swapped in from another index with the same parameters is refused at open. The payload itself
/// is read in full by [`Index::check`](crate::index::Index::check) and by every writer that
/// copies or rewrites it.
///
/// With boilerplate learning on ([`IndexParams::boilerplate`]) and no `filter`, the filter is
/// *not yet learnt*: every stored document was signed without one, and the first batch large
/// enough learns it.
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
    pub clusters: FileEntry,
    /// The file holding the learnt boilerplate filter, if the index has one.
    pub filter: Option<FilterEntry>,
}

/// What a manifest holds of one file's contents: its payload's length and xxh3 checksum, as the
/// file's header states them when it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Encode, Decode)]
pub struct Pin {
    /// The payload's length in bytes.
    pub payload_len: u64,
    /// The xxh3 of the payload.
    pub payload_checksum: u64,
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
    /// Its payload.
    pub pin: Pin,
}

/// A listed file other than a segment: the cluster file.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct FileEntry {
    /// The file name, inside the index directory.
    pub file: String,
    /// Its payload.
    pub pin: Pin,
}

/// The boilerplate filter file, as the manifest lists it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct FilterEntry {
    /// The file name, inside the index directory.
    pub file: String,
    /// Its payload.
    pub pin: Pin,
    /// The first document signed with the filter: the documents before it were stored before a
    /// batch large enough to learn it came (0 when the first batch learnt it).
    pub first_doc: u64,
}

/// The payload of a `MANIFEST` of format version 2, read (never written) to open indexes of that
/// version: [`Manifest`] with parameters whose fingerprint has no tokeniser ([`IndexParamsV2`]).
#[derive(Clone, Debug, PartialEq, Encode, Decode)]
pub struct ManifestV2 {
    /// See [`Manifest::generation`].
    pub generation: u64,
    /// See [`Manifest::documents`].
    pub documents: u64,
    /// See [`Manifest::params`].
    pub params: IndexParamsV2,
    /// See [`Manifest::segments`].
    pub segments: Vec<SegmentEntry>,
    /// See [`Manifest::clusters`].
    pub clusters: FileEntry,
    /// See [`Manifest::filter`].
    pub filter: Option<FilterEntry>,
}

impl ManifestV2 {
    /// The same state in the current layout, the parameters with the `runs` tokeniser
    /// ([`FingerprintV2::upgraded`]).
    pub fn upgraded(self) -> Manifest {
        Manifest {
            generation: self.generation,
            documents: self.documents,
            params: self.params.upgraded(),
            segments: self.segments,
            clusters: self.clusters,
            filter: self.filter,
        }
    }
}

/// The payload of a `MANIFEST` of format version 1, read (never written) to open indexes of that
/// version: no pins, and the filter, if any, learnt from the first batch.
#[derive(Clone, Debug, PartialEq, Encode, Decode)]
pub struct ManifestV1 {
    /// See [`Manifest::generation`].
    pub generation: u64,
    /// See [`Manifest::documents`].
    pub documents: u64,
    /// See [`Manifest::params`].
    pub params: IndexParamsV2,
    /// The live segments.
    pub segments: Vec<SegmentEntryV1>,
    /// The cluster file's name.
    pub clusters: String,
    /// The filter file's name.
    pub filter: Option<String>,
}

/// A segment as a version-1 manifest lists it: [`SegmentEntry`] without its pin.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct SegmentEntryV1 {
    /// See [`SegmentEntry::file`].
    pub file: String,
    /// See [`SegmentEntry::first_doc`].
    pub first_doc: u64,
    /// See [`SegmentEntry::documents`].
    pub documents: u64,
    /// See [`SegmentEntry::bytes`].
    pub bytes: u64,
}

impl ManifestV1 {
    /// The same state in the current layout, every pin left at [`Pin::default`]: not a pin but a
    /// place for one, which a reader fills from each file's own header and a writer only writes
    /// after verifying the file in full.
    pub fn unpinned(self) -> Manifest {
        let unpinned = Pin::default();
        Manifest {
            generation: self.generation,
            documents: self.documents,
            params: self.params.upgraded(),
            segments: self
                .segments
                .into_iter()
                .map(|s| SegmentEntry {
                    file: s.file,
                    first_doc: s.first_doc,
                    documents: s.documents,
                    bytes: s.bytes,
                    pin: unpinned,
                })
                .collect(),
            clusters: FileEntry { file: self.clusters, pin: unpinned },
            filter: self.filter.map(|file| FilterEntry { file, pin: unpinned, first_doc: 0 }),
        }
    }
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
    /// How boilerplate is learnt, if it is (from the first batch with enough documents, see
    /// [`Index::insert_batch`](crate::index::Index::insert_batch)): the largest document
    /// frequency (IEEE bits), the fewest documents and the sample size.
    pub boilerplate: Option<(u64, u32, u64)>,
}

/// [`IndexParams`] as manifests of format versions 1 and 2 hold them: the fingerprint without
/// the tokeniser.
#[derive(Clone, Debug, PartialEq, Encode, Decode)]
pub struct IndexParamsV2 {
    /// See [`IndexParams::signatures`].
    pub signatures: FingerprintV2,
    /// See [`IndexParams::min_size_ratio_bits`].
    pub min_size_ratio_bits: u64,
    /// See [`IndexParams::verify`].
    pub verify: String,
    /// See [`IndexParams::guard`].
    pub guard: String,
    /// See [`IndexParams::window`].
    pub window: Option<u32>,
    /// See [`IndexParams::representative`].
    pub representative: String,
    /// See [`IndexParams::boilerplate`].
    pub boilerplate: Option<(u64, u32, u64)>,
}

impl IndexParamsV2 {
    /// The same parameters, with the tokeniser these versions signed with (`runs`).
    pub fn upgraded(self) -> IndexParams {
        IndexParams {
            signatures: self.signatures.upgraded(),
            min_size_ratio_bits: self.min_size_ratio_bits,
            verify: self.verify,
            guard: self.guard,
            window: self.window,
            representative: self.representative,
            boilerplate: self.boilerplate,
        }
    }
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
