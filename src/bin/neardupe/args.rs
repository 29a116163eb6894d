//! The command line: every command, its arguments and their help text (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use neardupe::boilerplate::BoilerplateConfig;
use neardupe::corpus::WarcId;
use neardupe::index::{ExistingIds, MissingIds};
use neardupe::output::ClusterFormat;
use neardupe::shingle::Tokenizer;
use neardupe::{Algorithm, DuplicateIds, Error, Guard, InputFormat, Representative, Similarity, Verify};

/// Find and cluster near-duplicate texts (syndicated news, web pages, LLM training data).
#[derive(Parser, Debug)]
#[command(name = "neardupe", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Assign every document a cluster id: one output line per document, in input order.
    Cluster {
        #[command(flatten)]
        run: RunArgs,
        #[command(flatten)]
        memory: MemoryArgs,
        /// Output file (`-` for standard output).
        #[arg(short = 'o', long, default_value = "-")]
        output: PathBuf,
        /// Output format: jsonl, csv or parquet (default: parquet for an output ending in
        /// `.parquet`, jsonl otherwise).
        #[arg(long = "format", value_parser = parse::<ClusterFormat>)]
        output_format: Option<ClusterFormat>,
    },
    /// Keep one document per cluster: copies the kept input records byte for byte (for
    /// directories of text files, lists the kept paths).
    Dedup {
        #[command(flatten)]
        run: RunArgs,
        #[command(flatten)]
        memory: MemoryArgs,
        /// Where the kept records go (`-` for standard output).
        #[arg(short = 'o', long, default_value = "-")]
        output: PathBuf,
        /// Where the removed records go.
        #[arg(long)]
        removed: Option<PathBuf>,
    },
    /// Explain one pair: shingle counts, estimated and exact Jaccard and containment, the LSH bands
    /// that collide, and whether the pair is linked under the given options.
    Explain {
        /// The first document's id (for text files: the path as listed by `cluster`).
        id1: String,
        /// The second document's id.
        id2: String,
        #[command(flatten)]
        run: RunArgs,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Exact ground truth by brute force: every pair whose exact Jaccard (or containment) of the
    /// same shingles as `cluster` (after the same learnt boilerplate filter; `--boilerplate off`
    /// for every shingle) reaches a threshold, and their connected components as a truth file for
    /// `eval`. Holds every document's shingle set in memory.
    Oracle {
        #[command(flatten)]
        run: RunArgs,
        /// Pairs whose exact Jaccard is at least this are linked.
        #[arg(long, required_unless_present = "containment")]
        jaccard: Option<f64>,
        /// Pairs whose exact containment (|A ∩ B| / min(|A|, |B|)) is at least this are linked too.
        #[arg(long)]
        containment: Option<f64>,
        /// Truth output: `{"id": ..., "cluster": ...}` per document, the connected components.
        #[arg(long)]
        truth_out: PathBuf,
        /// Pairs output: `{"a": id, "b": id, "jaccard": ..., "containment": ..., "intersection": ...}`
        /// per linked pair.
        #[arg(long)]
        pairs_out: Option<PathBuf>,
    },
    /// A persistent index: build it once, add new documents as they arrive (each joins a cluster or
    /// starts one), query it, compact it, export its clusters.
    Index {
        #[command(subcommand)]
        command: IndexCommand,
    },
    /// Score predicted clusters against a truth file: pairwise precision, recall, F1 and ARI.
    Eval {
        /// Truth JSONL: `{"id": ..., "cluster": ...}` per line.
        #[arg(long)]
        truth: PathBuf,
        /// Predicted JSONL, as written by `neardupe cluster`.
        #[arg(long)]
        pred: PathBuf,
        /// Ids that a file lists twice: refuse (an error naming both lines) or number (the n-th
        /// line with an id in one file is matched with the n-th line with it in the other).
        #[arg(long, default_value = "refuse", value_parser = parse::<DuplicateIds>)]
        duplicate_ids: DuplicateIds,
    },
    /// Generate a labelled syndicated-news corpus (originals, republished copies, distractors).
    Synth {
        /// Number of original stories.
        #[arg(long, default_value_t = 200)]
        stories: usize,
        /// Mean number of copies per story.
        #[arg(long, default_value_t = 2.0)]
        copies: f64,
        /// Fraction of stories that get a same-topic distractor.
        #[arg(long, default_value_t = 0.3)]
        distractors: f64,
        /// Copy tiers, comma-separated (default: the standard tiers; `all` for every tier).
        #[arg(long)]
        tiers: Option<String>,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Corpus output (JSONL).
        #[arg(short = 'o', long)]
        output: PathBuf,
        /// Truth output (JSONL).
        #[arg(long)]
        truth: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum IndexCommand {
    /// Create an index in DIR from the inputs, with the same options as `cluster` (the index
    /// verifies by the signature estimate: `--verify hybrid` becomes `estimate`).
    Build {
        #[command(flatten)]
        run: RunArgs,
        /// The index directory to create (must not hold an index yet).
        #[arg(short = 'o', long = "output")]
        dir: PathBuf,
    },
    /// Add the inputs' documents to the index in DIR, with its own parameters, and report for
    /// each new document the cluster it joined or that it starts one (one JSON object a line).
    Add {
        /// The index directory.
        dir: PathBuf,
        #[command(flatten)]
        input: InputArgs,
        /// Where the report goes (`-` for standard output).
        #[arg(short = 'o', long, default_value = "-")]
        output: PathBuf,
        /// A document whose id the index already holds: refuse (an error naming the id and its
        /// record; nothing is added), skip it, or replace the stored document (removed and the
        /// new one added in one commit).
        #[arg(long, default_value = "refuse", value_parser = parse::<ExistingIds>)]
        existing_ids: ExistingIds,
        /// Write the stored documents whose cluster the batch changed (another representative,
        /// or merged or split) to FILE, one JSON object a line.
        #[arg(long, value_name = "FILE")]
        changes: Option<PathBuf>,
    },
    /// Remove documents from the index in DIR by id, in one commit: the clusters afterwards are
    /// those of a run over the remaining documents.
    Remove {
        /// The index directory.
        dir: PathBuf,
        /// Ids to remove (with those of --ids).
        ids: Vec<String>,
        #[command(flatten)]
        list: IdList,
        /// An id the index does not hold: refuse (an error naming it; nothing is removed) or
        /// ignore it (counted).
        #[arg(long, default_value = "refuse", value_parser = parse::<MissingIds>)]
        missing: MissingIds,
        /// Write the remaining documents whose cluster the removal changed to FILE, one JSON
        /// object a line.
        #[arg(long, value_name = "FILE")]
        changes: Option<PathBuf>,
        /// Print nothing on success.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Look documents up by id: for each, whether the index holds it, its cluster, the
    /// cluster's representative and members (one JSON object a line).
    Get {
        /// The index directory.
        dir: PathBuf,
        /// Ids to look up (with those of --ids).
        ids: Vec<String>,
        #[command(flatten)]
        list: IdList,
        /// Where the lines go (`-` for standard output).
        #[arg(short = 'o', long, default_value = "-")]
        output: PathBuf,
    },
    /// For each input document, its best matches in the index in DIR (estimated Jaccard and
    /// containment, their clusters), without changing the index (one JSON object a line).
    Query {
        /// The index directory.
        dir: PathBuf,
        #[command(flatten)]
        input: InputArgs,
        /// The most matches listed per document (at least 1).
        #[arg(long, default_value_t = 5, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
        limit: usize,
        /// List only the matches that pass the index's threshold.
        #[arg(long)]
        duplicates_only: bool,
        /// Where the matches go (`-` for standard output).
        #[arg(short = 'o', long, default_value = "-")]
        output: PathBuf,
    },
    /// Print the index's counts, sizes and parameters as JSON.
    Stats {
        /// The index directory.
        dir: PathBuf,
    },
    /// Merge the index's segments into one (clusters do not change).
    Compact {
        /// The index directory.
        dir: PathBuf,
    },
    /// Write every document's cluster, as `cluster` does.
    Export {
        /// The index directory.
        dir: PathBuf,
        /// Output file (`-` for standard output).
        #[arg(short = 'o', long, default_value = "-")]
        output: PathBuf,
        /// Output format: jsonl, csv or parquet (default: parquet for an output ending in
        /// `.parquet`, jsonl otherwise).
        #[arg(long = "format", value_parser = parse::<ClusterFormat>)]
        output_format: Option<ClusterFormat>,
    },
    /// Read every file of the index and check its checksums.
    Check {
        /// The index directory.
        dir: PathBuf,
    },
}

/// A list of ids read from a file.
#[derive(Args, Debug)]
pub(crate) struct IdList {
    /// Read ids from FILE (`-` for standard input) as well.
    #[arg(long = "ids", value_name = "FILE")]
    pub(crate) file: Option<PathBuf>,
    /// How the --ids file lists ids: lines (one id a line, exactly; a trailing `\r` is
    /// removed) or jsonl (one object a line with an `id` field).
    #[arg(long, default_value = "lines", value_parser = parse::<IdsFormat>)]
    pub(crate) ids_format: IdsFormat,
}

/// How an id list is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IdsFormat {
    /// One id a line.
    Lines,
    /// One JSON object a line, with an `id` field.
    Jsonl,
}

impl std::str::FromStr for IdsFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<IdsFormat, Error> {
        match s {
            "lines" => Ok(IdsFormat::Lines),
            "jsonl" => Ok(IdsFormat::Jsonl),
            _ => Err(Error::config(format!("unknown id list format {s:?} (expected lines or jsonl)"))),
        }
    }
}

/// Where documents come from and how they are read (shared by every command that reads input).
#[derive(Args, Debug)]
pub(crate) struct InputArgs {
    /// Input files and directories (JSONL, Parquet, Arrow and WARC files, directories of text
    /// files, text files).
    #[arg(required = true)]
    pub(crate) inputs: Vec<PathBuf>,
    /// How inputs are read: auto (by first bytes and extension), jsonl, text, warc, parquet or
    /// arrow.
    #[arg(long, default_value = "auto", value_parser = parse::<InputFormat>)]
    pub(crate) input_format: InputFormat,
    /// JSONL field (or Parquet/Arrow column) with the text; a dotted name such as `meta.body`
    /// also reaches into nested objects.
    #[arg(long, default_value = "text")]
    pub(crate) text_field: String,
    /// JSONL field (or Parquet/Arrow column) with the id (records without it are named
    /// `line:N`, or `FILE:N` when several files are read); dotted names as for --text-field.
    #[arg(long, default_value = "id")]
    pub(crate) id_field: String,
    /// The header of WARC records that is their id: record-id (WARC-Record-ID) or target-uri
    /// (WARC-Target-URI).
    #[arg(long, default_value = "record-id", value_parser = parse::<WarcId>)]
    pub(crate) warc_id: WarcId,
    /// Documents with the id of an earlier document: refuse (an error naming both records) or
    /// number (renamed id~2, id~3, ..., with a warning).
    #[arg(long, default_value = "refuse", value_parser = parse::<DuplicateIds>)]
    pub(crate) duplicate_ids: DuplicateIds,
    /// Also read hidden files and directories (names starting with `.`, such as `.git`) inside
    /// directory inputs.
    #[arg(long)]
    pub(crate) hidden: bool,
    /// Split text files into records at this string (escapes \n, \t, \r and \\ are understood).
    #[arg(long)]
    pub(crate) delimiter: Option<String>,
    /// Only read files with these extensions from directories (comma-separated, e.g. `txt,md`).
    #[arg(long, value_delimiter = ',')]
    pub(crate) ext: Vec<String>,
    /// Skip invalid records (bad JSON or UTF-8, no text, too large, empty files) and unreadable
    /// files (permissions, dangling links), and count them.
    #[arg(long)]
    pub(crate) skip_invalid: bool,
    /// Replace invalid UTF-8 with U+FFFD instead of rejecting the record (legacy encodings).
    #[arg(long)]
    pub(crate) lossy_utf8: bool,
    /// The largest record accepted, in bytes (suffixes K, M, G: powers of 1024; 10M).
    #[arg(long, default_value_t = neardupe::corpus::DEFAULT_MAX_RECORD_BYTES, value_parser = parse_bytes::<usize>, value_name = "SIZE")]
    pub(crate) max_record_bytes: usize,
    /// Read input files instead of memory-mapping them.
    #[arg(long)]
    pub(crate) no_mmap: bool,
    /// Where spill files go: decompressed input, streams, and what a run under --memory writes
    /// (default: the system's temporary directory, TMPDIR). Spill files have no name: the system
    /// removes them when the run ends, however it ends.
    #[arg(long, value_name = "DIR")]
    pub(crate) tmp_dir: Option<PathBuf>,
    /// JSONL field (or Parquet/Arrow column) with each document's date (ISO 8601, RFC 2822, Unix
    /// seconds, `26-Feb-1987`; see --date-format; dotted names as for --text-field). Needed by
    /// --window, except for WARC records, dated by their WARC-Date.
    #[arg(long)]
    pub(crate) date_field: Option<String>,
    /// A strftime-style format for --date-field values (e.g. `%d/%m/%Y`).
    #[arg(long, requires = "date_field")]
    pub(crate) date_format: Option<String>,
    /// Worker threads (default: all cores; at most 4 per core).
    #[arg(long)]
    pub(crate) threads: Option<usize>,
    /// No progress bar and no summary.
    #[arg(short, long)]
    pub(crate) quiet: bool,
}

/// The memory limit of `cluster` and `dedup`.
#[derive(Args, Debug)]
pub(crate) struct MemoryArgs {
    /// The most memory (peak resident set) the run may use, such as 512M or 2G (powers of 1024),
    /// or `unlimited`. A run whose in-memory plan would exceed it writes its signatures and
    /// candidate edges to spill files in --tmp-dir and reads them back, with the same output; a
    /// limit too small to work is refused before any work. Default: three quarters of the
    /// machine's memory (or of the container's limit).
    #[arg(long, value_name = "SIZE", value_parser = parse_memory)]
    pub(crate) memory: Option<MemoryLimit>,
    /// Testing: the memory the plan counts as taken before the first document (default 160M),
    /// so that tests can make a small corpus spill.
    #[arg(long, hide = true, value_parser = parse_bytes::<u64>)]
    pub(crate) memory_baseline: Option<u64>,
}

/// A `--memory` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MemoryLimit {
    Bytes(u64),
    Unlimited,
}

/// Parses a size with an optional binary suffix (`512M`, `2G`, `1.5GiB`, `4096`).
pub(crate) fn parse_bytes<T: TryFrom<u64>>(s: &str) -> std::result::Result<T, String> {
    let bytes = parse_size::Config::new()
        .with_binary()
        .parse_size(s.trim())
        .map_err(|e| format!("{e}: give a size such as 4096, 512K, 10M or 2G (powers of 1024)"))?;
    T::try_from(bytes).map_err(|_| format!("{s} is too large"))
}

fn parse_memory(s: &str) -> std::result::Result<MemoryLimit, String> {
    if s.eq_ignore_ascii_case("unlimited") || s.eq_ignore_ascii_case("none") {
        return Ok(MemoryLimit::Unlimited);
    }
    parse_bytes::<u64>(s).map(MemoryLimit::Bytes)
}

/// Options shared by the commands that run the pipeline.
#[derive(Args, Debug)]
pub(crate) struct RunArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// Similarity at which two documents are near-duplicates, on the --similarity scale.
    #[arg(long, default_value_t = neardupe::DEFAULT_THRESHOLD)]
    pub(crate) threshold: f64,
    /// Similarity measure: containment (|A∩B| / min(|A|,|B|): also finds reprints cut to their
    /// first paragraphs and copies after a long preface) or jaccard (|A∩B| / |A∪B|: the two texts
    /// are mostly the same text).
    #[arg(long, default_value = "containment", value_parser = parse::<Similarity>)]
    pub(crate) similarity: Similarity,
    /// Containment guard: pairs whose smaller document has fewer shingles are judged by Jaccard,
    /// so that a very short text does not join every document it occurs in.
    #[arg(long, default_value_t = neardupe::DEFAULT_MIN_SHINGLES)]
    pub(crate) min_shingles: u32,
    /// Containment: the smallest size ratio (smaller / larger document) searched for; lower finds
    /// shorter excerpts at a higher candidate cost.
    #[arg(long, default_value_t = neardupe::DEFAULT_MIN_SIZE_RATIO)]
    pub(crate) min_size_ratio: f64,
    /// Boilerplate: learn shingles that occur in very many documents (footers, "Read more",
    /// copyright lines) from the corpus and leave them out (on), or keep every shingle (off).
    #[arg(long, default_value = "on", value_parser = ["on", "off"])]
    pub(crate) boilerplate: String,
    /// Boilerplate: the document frequency (fraction of documents) from which a shingle is
    /// boilerplate.
    #[arg(long, default_value_t = BoilerplateConfig::default().max_df())]
    pub(crate) boilerplate_df: f64,
    /// Boilerplate: the fewest documents a boilerplate shingle occurs in.
    #[arg(long, default_value_t = BoilerplateConfig::default().min_docs())]
    pub(crate) boilerplate_min_docs: u32,
    /// Boilerplate: the most documents (evenly spaced) counted to learn it.
    #[arg(long, default_value_t = BoilerplateConfig::default().sample())]
    pub(crate) boilerplate_sample: usize,
    /// Chaining guard: none (every verified pair links its clusters) or representative (two
    /// clusters merge only if their cores, the members with the most shingles, are similar, and
    /// every member stays similar to the merged cluster's core).
    #[arg(long, default_value = "representative", value_parser = parse::<Guard>)]
    pub(crate) guard: Guard,
    /// Never put documents more than this many days apart in one cluster (needs --date-field, or
    /// WARC input).
    #[arg(long)]
    pub(crate) window: Option<u32>,
    /// Number of MinHash slots (permutations).
    #[arg(long, default_value_t = neardupe::minhash::DEFAULT_NUM_PERM)]
    pub(crate) num_perm: usize,
    /// Word n-gram size.
    #[arg(long, default_value_t = neardupe::shingle::DEFAULT_WORD_NGRAM, conflicts_with = "char_ngrams")]
    pub(crate) ngram: usize,
    /// Use character n-grams of this size instead of word n-grams.
    #[arg(long)]
    pub(crate) char_ngrams: Option<usize>,
    /// Apply Unicode NFKC normalisation before shingling.
    #[arg(long)]
    pub(crate) nfkc: bool,
    /// How word shingles cut text into words: scripts (each character of Chinese, Japanese, Thai,
    /// Lao, Khmer, Burmese... is a word) or runs (every run of letters and digits is a word, whatever
    /// the script: the tokeniser of neardupe's format version 2 and before).
    #[arg(long, default_value = "scripts", value_parser = parse::<Tokenizer>)]
    pub(crate) tokenizer: Tokenizer,
    /// Hash seed.
    #[arg(long, default_value_t = neardupe::minhash::DEFAULT_SEED)]
    pub(crate) seed: u64,
    /// MinHash algorithm: oph (one-permutation hashing, fast) or classic.
    #[arg(long, default_value = "oph", value_parser = parse::<Algorithm>)]
    pub(crate) algorithm: Algorithm,
    /// LSH bands (with --rows; default: optimised for the threshold).
    #[arg(long, requires = "rows")]
    pub(crate) bands: Option<usize>,
    /// LSH rows per band (with --bands).
    #[arg(long, requires = "bands")]
    pub(crate) rows: Option<usize>,
    /// Candidate verification: hybrid (the signature estimate, and exact Jaccard for pairs within
    /// three standard errors of the threshold), estimate, exact (shingle sets) or none.
    #[arg(long, default_value = "hybrid", value_parser = parse::<Verify>)]
    pub(crate) verify: Verify,
    /// Which cluster member is kept: first (input order) or longest.
    #[arg(long, default_value = "first", value_parser = parse::<Representative>)]
    pub(crate) representative: Representative,
    /// Write run statistics as JSON to this file.
    #[arg(long)]
    pub(crate) stats_json: Option<PathBuf>,
}

/// A clap value parser for the library's `FromStr` types: the error's message, without the kind.
pub(crate) fn parse<T: std::str::FromStr<Err = Error>>(s: &str) -> std::result::Result<T, String> {
    s.parse().map_err(|e: Error| e.message().to_string())
}
