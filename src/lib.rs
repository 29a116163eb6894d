//! neardupe finds and clusters near-duplicate texts in large corpora: every republished copy of a
//! story in one cluster, different stories apart.
//!
//! ```
//! use neardupe::{Config, Deduper, DocId};
//!
//! let story = "North Korea's leader Kim Jong Un has reportedly started his journey to Vladivostok \
//!              for a summit with Russia's President Vladimir Putin. The armoured train that Kim \
//!              uses for foreign visits appears to have departed Pyongyang, South Korean media said.";
//! let copy = format!("Kathmandu: {story} (News Source: BBC)");
//! let other = "The central bank left interest rates unchanged on Thursday, saying inflation was \
//!              falling faster than expected and that growth would pick up later in the year.";
//! let docs = [("bbc", story.to_string()), ("kathmandu-post", copy), ("markets", other.to_string())];
//!
//! let mut deduper = Deduper::new(Config::builder().threshold(0.5).build()?);
//! let out = deduper.cluster(&docs)?;
//! let (bbc, copy, markets) = (DocId(0), DocId(1), DocId(2));
//! assert_eq!(out.clustering.cluster(bbc), out.clustering.cluster(copy)); // the copy joins the story
//! assert_ne!(out.clustering.cluster(bbc), out.clustering.cluster(markets)); // another story stays apart
//! assert_eq!(out.clustering.representative(out.clustering.cluster(copy)), bbc);
//! # Ok::<(), neardupe::Error>(())
//! ```
//!
//! # The pipeline
//!
//! Each stage is a pure, batch-shaped public function in its own module, so it runs the same
//! in-process, in Python, or inside the map and shuffle steps of a distributed engine; composing
//! them in order gives exactly the clusters of [`Deduper::run`] (`tests/stages.rs`). A module uses
//! only modules below it in this list (`tests/layers.rs`):
//!
//! 0. Leaves shared by every stage: [`error`], [`date`], [`hash`] (a finaliser, distinct counting,
//!    agreeing signature slots), [`graph`] ([`Edge`]s between [`DocId`]s, [`UnionFind`]) and
//!    [`compression`] (gzip, zstd, bzip2 and xz streams, told by their magic bytes).
//! 1. [`corpus`]: memory-mapped JSONL files (with nested fields), WARC files, Parquet and Arrow
//!    tables, directories of text files, delimited text files and streams, plain or compressed,
//!    cut into records and parsed into borrowed [`Document`]s (with a [`date`] when a date field
//!    is read).
//! 2. [`shingle`]: Unicode lowercasing, punctuation and whitespace folding, optional NFKC, word or
//!    character n-grams hashed to `u64` (words by a word-at-a-time tokeniser that hashes ASCII
//!    words in place, and cuts scripts written without spaces, such as Chinese, Japanese and
//!    Thai, into one word per character: [`shingle::Tokenizer`]). [`boilerplate`] learns the shingles that occur in very many documents
//!    (footers, promotions) from a sample of the corpus; the shingler leaves them out.
//! 3. [`minhash`]: signatures by one-permutation hashing with optimal densification (default) or the
//!    classic k-permutation scheme, into a [`SignatureMatrix`]. [`sketch`]'s [`Sketcher`] fuses
//!    stages 2 and 3: text in, signature and set size out, with reused buffers.
//! 4. [`lsh`]: band keys and candidate edges per bucket, band by band in process, or as sorted
//!    `(band, key, doc)` records for a distributed shuffle.
//! 5. [`verify`]: candidates kept when their estimated (or exact) similarity reaches the threshold:
//!    containment by default (a reprint cut to its first paragraphs is a copy), or Jaccard.
//! 6. [`cluster`]: union-find clusterings, the chaining guard and the time window, deterministic
//!    cluster ids and representatives; [`config`] gathers every stage's parameters in a
//!    [`Config`]; [`link`] links verified edges into clusters under it, best first.
//!
//! Above the stages: [`source`] (the [`DocumentSource`] trait a run reads from), [`results`]
//! ([`Output`], [`Stats`]), [`Deduper`] (the orchestration: chunked parallel signing, exact checks
//! in bounded chunks, stage times), [`explain`] (one pair's numbers), [`oracle`] (every pair whose
//! exact Jaccard or containment reaches a threshold, by brute force: ground truth for unlabelled
//! corpora), [`index`] (the same stages, persistent and incremental: an on-disk index of
//! immutable, memory-mapped segments that a process opens in milliseconds, queries from many
//! threads and extends batch by batch, with exactly the clusters of one run over all its
//! documents) and [`output`] (cluster files, kept and removed records, atomic replacement).
//!
//! The labelled synthetic corpora of the tests and benchmarks, and the scorer of clusters against
//! a truth file, are the workspace's other crate, `neardupe-synth` (`crates/synth`), so that the
//! library does not depend on `rand`.
//!
//! # Features
//!
//! A program that embeds neardupe turns default features off and names the ones it wants:
//!
//! ```toml
//! neardupe = { version = "0.1", default-features = false, features = ["mmap", "parallel"] }
//! ```
//!
//! * `mmap` (default): memory-map input files and index files with memmap2 instead of reading
//!   them (opening a large index goes from milliseconds to tens of milliseconds without it).
//! * `parallel` (default): rayon parallelism in signing, band sorting and verification, and the
//!   `par_*` stage functions. Without it every stage runs on the calling thread.
//! * `cli` (default, so that `cargo install neardupe` builds the binary): the `neardupe` binary
//!   (clap, indicatif, and the `neardupe-synth` generator and scorer for its `synth` and `eval`
//!   commands). A library build never needs it.
//! * `compression` (in `cli`, so on by default; off in the minimal build): compressed input and
//!   output, as the four features `gzip` (flate2 on the `zlib-rs` backend, Rust), `zstd` (the
//!   reference C library), `bzip2` (Rust backend) and `xz` (liblzma, C), each of which can be
//!   asked for alone. Compressed input files are told by their first bytes and decompressed into
//!   spill files, several at once (see [`corpus`] and [`compression`]); a build without a format
//!   refuses its files with an error that names the feature.
//! * `parquet` (with `cli`): Parquet files and Arrow IPC files and streams as corpus input (only
//!   the wanted columns, a batch of rows at a time; see [`corpus`]), and Parquet cluster output
//!   ([`output::ClusterFormat::Parquet`]). Without it such files are an error of kind
//!   [`ErrorKind::Unsupported`]. WARC input needs no feature.
//! * `serde`: `serde::Serialize` for results: [`Clustering`], [`link::Linked`], index matches and
//!   assignments, [`Explanation`], [`Stats`].
//! * `failpoints` (testing only, never in a library user's build): numbered failure points in the
//!   index's durable-write steps (each temporary file's creation, write, flush and sync, each
//!   rename into place and directory sync, each removal of a dead file). With
//!   `NEARDUPE_FAILPOINT=N` in the environment the process ends at once (`_exit`, no cleanup, as
//!   a crash would end it) at the N-th step it reaches; `NEARDUPE_FAILPOINT=count` prints each
//!   step to standard error. The kill tests (`tests/index_kill.rs`) need it.
//!
//! # Errors
//!
//! Every fallible function returns [`Result`] with the crate's [`Error`], whose
//! [`kind`](Error::kind) is an [`ErrorKind`] and whose message names the file, line and byte offset
//! of bad input. Nothing panics on user data.

#![deny(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// Lets files shared with the tests and fuzz targets (tests/common/pristine.rs) name the crate
// `neardupe` from the unit tests too.
#[cfg(test)]
extern crate self as neardupe;

pub mod boilerplate;
pub mod cluster;
pub mod compression;
pub mod config;
pub mod corpus;
pub mod date;
pub mod error;
pub mod explain;
/// The on-disk layout: crate-private, public only to the fuzz targets (`cfg(fuzzing)`).
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod format;
#[cfg(not(fuzzing))]
mod format;
pub mod graph;
pub mod hash;
pub mod index;
pub mod link;
pub mod lsh;
pub mod minhash;
mod names;
pub mod oracle;
pub mod output;
mod pipeline;
pub mod results;
pub mod shingle;
pub mod sketch;
pub mod source;
pub mod spill;
/// The tokeniser's scanners: crate-private, public only to the fuzz targets (`cfg(fuzzing)`).
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod tokenize;
#[cfg(not(fuzzing))]
mod tokenize;
pub mod verify;

pub use cluster::{Clustering, Guard, Representative};
pub use config::{
    Config, ConfigBuilder, DEFAULT_MIN_SHINGLES, DEFAULT_MIN_SIZE_RATIO, DEFAULT_THRESHOLD, LSH_MIN_ROWS, LSH_RECALL,
};
pub use corpus::{Corpus, CorpusConfig, Document, DuplicateIds, InputFormat, WarcId};
pub use error::{Error, ErrorKind, Result, Skipped};
pub use explain::Explanation;
pub use graph::{Edge, UnionFind};
pub use lsh::LshParams;
pub use minhash::{Algorithm, MinHashConfig, MinHasher, Signature, SignatureMatrix};
pub use pipeline::{Deduper, Progress};
pub use results::{ClusterSummary, GIANT_CLUSTER, Output, StageSeconds, Stats};
pub use shingle::{ShingleConfig, ShingleSet, Shingler};
pub use sketch::{Sketch, Sketcher};
pub use source::DocumentSource;
pub use spill::MemoryConfig;
pub use verify::{Criterion, Similarity, Verify};

/// A document's position in a batch: `0, 1, 2, ...` in input order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize), serde(transparent))]
pub struct DocId(pub u32);

impl DocId {
    /// The id as an index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
