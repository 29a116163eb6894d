//! The persistent index (`neardupe::index`): opening it, querying one new article against it and
//! inserting a batch into it.
//!
//! - `index/open`: [`Index::open`] of the index (page cache warm; the cold figure comes from
//!   `benches/scripts/index_scale.py`, which drops the cache first).
//! - `index/query`: [`Index::query`] (limit 5, one thread) of one article that is not in the
//!   index: `near_copy` is a stored document republished with a dateline, one paragraph rewritten
//!   and a source line; `unrelated` is a new story (same topics and templates, other people,
//!   places and wording). Each iteration queries the next of 2,000 such texts. Criterion prints
//!   the mean and median, not tail latencies, so before its samples the bench times 2,000 single
//!   queries of each kind with `Instant` and prints their p50, p99 and maximum to stderr.
//! - `index/insert`: [`Index::insert_batch`] of 1,000 new documents (half near-copies of stored
//!   documents, half new stories) into a writable copy of an index, as documents per second.
//!   Setup (not timed) makes the copy; the time includes signing, candidate lookup,
//!   verification, re-linking, writing and syncing the new files, and the segment merges
//!   `insert_batch` triggers.
//!
//! By default the bench generates ~20k documents (`neardupe-synth`) and builds a small index in
//! a temporary directory, so `cargo bench --bench index` works on a fresh clone. To measure a
//! prebuilt index, e.g. the 1M-document one that `benches/scripts/index_scale.py` builds, name it
//! and the JSONL corpus it was built from (the index keeps signatures, not texts, so near-copies
//! are made from the corpus's documents):
//!
//! ```text
//! python3 benches/scripts/index_scale.py --sizes 1000000
//! NEARDUPE_BENCH_INDEX=/tmp/neardupe-index-scale/index-1000000 \
//! NEARDUPE_BENCH_CORPUS=/tmp/neardupe-index-scale/corpus-1000000.jsonl \
//!     cargo bench --bench index
//! ```
//!
//! The prebuilt index is never modified: `index/insert` then runs on the small generated index
//! and on a copy of the prebuilt one whose data files are hard links (index files are immutable:
//! a change writes new files and renames a new `MANIFEST` into place, and the writer only removes
//! the copy's own links), made next to it and removed afterwards; the bench checks that the
//! prebuilt index's `MANIFEST` is unchanged at the end.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use criterion::{BatchSize, BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use neardupe::index::Index;
use neardupe::{Config, Corpus, CorpusConfig};
use neardupe_synth::{self as synth, SynthConfig};
use tempfile::TempDir;

mod common;

/// Stories generated for the small index (about 3.3 documents a story: ~20k documents).
const SMALL_STORIES: usize = 6_000;
/// Texts of each query kind, and single queries timed for the percentiles.
const QUERIES: usize = 2_000;
/// Documents in an inserted batch.
const BATCH: usize = 1_000;
/// Matches asked of each query (the CLI's default).
const LIMIT: usize = 5;

/// An index to measure, with texts to make new articles from.
struct Target {
    dir: PathBuf,
    label: String,
    /// Texts of stored documents, spread over the index.
    stored: Vec<String>,
}

struct Fixture {
    /// The generated small index; also the one `index/insert` always measures.
    small: Target,
    /// The index of `NEARDUPE_BENCH_INDEX`, if set.
    prebuilt: Option<Target>,
    /// New stories (not in any index), for queries and batches.
    fresh: Vec<(String, String)>,
    _tmp: TempDir,
}

impl Fixture {
    /// The index the open and query groups measure: the prebuilt one if named, else the small.
    fn target(&self) -> &Target {
        self.prebuilt.as_ref().unwrap_or(&self.small)
    }
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let tmp = tempfile::tempdir().expect("temporary directory");
        let small = small_index(tmp.path());
        let prebuilt = std::env::var_os("NEARDUPE_BENCH_INDEX").map(|dir| prebuilt_index(PathBuf::from(dir)));
        let fresh = generate(QUERIES.max(BATCH), common::SEED ^ 0xf4e5);
        Fixture { small, prebuilt, fresh, _tmp: tmp }
    })
}

/// `n` generated documents (`neardupe-synth`, seed `seed`), ids prefixed so that they differ
/// from every stored id.
fn generate(n: usize, seed: u64) -> Vec<(String, String)> {
    let config = SynthConfig::builder().stories(n.div_ceil(3) + 10).seed(seed).build().expect("synth config");
    let mut docs: Vec<(String, String)> =
        synth::generate(&config).into_iter().map(|d| (format!("new-{seed:x}-{}", d.id), d.text)).collect();
    assert!(docs.len() >= n, "synth made {} documents, fewer than {n}", docs.len());
    docs.truncate(n);
    docs
}

/// Builds the small index in `dir/small` from generated documents.
fn small_index(dir: &Path) -> Target {
    let docs = common::corpus(SMALL_STORIES);
    let path = dir.join("small");
    let t = Instant::now();
    let mut index = Index::create(&path, Config::builder().build().expect("default config")).expect("create index");
    index.insert_batch(&docs[..]).expect("insert generated documents");
    eprintln!("index bench: built a {}-document index in {:.1} s", docs.len(), t.elapsed().as_secs_f64());
    let stride = (docs.len() / QUERIES).max(1);
    let stored = docs.iter().step_by(stride).take(QUERIES).map(|(_, t)| t.clone()).collect();
    Target { dir: path, label: format!("{}docs", docs.len()), stored }
}

/// The index of `NEARDUPE_BENCH_INDEX`, with texts from `NEARDUPE_BENCH_CORPUS`.
fn prebuilt_index(dir: PathBuf) -> Target {
    let index = Index::open(&dir).unwrap_or_else(|e| panic!("NEARDUPE_BENCH_INDEX: {e}"));
    let label = format!("{}docs", index.len());
    let stored = match std::env::var_os("NEARDUPE_BENCH_CORPUS") {
        Some(path) => {
            let corpus = Corpus::open(&[&path], CorpusConfig::builder().build().expect("corpus config"))
                .unwrap_or_else(|e| panic!("NEARDUPE_BENCH_CORPUS: {e}"));
            let stride = (corpus.len() / QUERIES).max(1);
            (0..corpus.len())
                .step_by(stride)
                .take(QUERIES)
                .map(|i| corpus.document(i).map(|d| d.text.into_owned()).expect("corpus record"))
                .collect()
        }
        None => {
            eprintln!(
                "index bench: NEARDUPE_BENCH_CORPUS is not set, so the near-copies are of generated stories that \
                 are probably not in {} (set it to the JSONL the index was built from)",
                dir.display()
            );
            generate(QUERIES, common::SEED ^ 0x5eed).into_iter().map(|(_, t)| t).collect()
        }
    };
    Target { dir, label, stored }
}

/// `text` as another outlet republishes it: a dateline before the first paragraph after the
/// headline, the middle paragraph rewritten and a source line at the end.
fn near_copy(text: &str, seed: u64) -> String {
    let mut paragraphs: Vec<String> = text.split("\n\n").map(str::to_string).collect();
    let n = paragraphs.len();
    if n >= 3 {
        let middle = n / 2;
        paragraphs[middle] = common::news_text(paragraphs[middle].len().clamp(80, 600), seed);
    }
    let first = usize::from(n >= 2);
    paragraphs[first].insert_str(0, "LONDON (Wire) — ");
    paragraphs.push("(News Source: Wire)".to_string());
    paragraphs.join("\n\n")
}

/// Near-copies of the target's stored documents.
fn near_copies(target: &Target) -> Vec<String> {
    target.stored.iter().enumerate().map(|(i, t)| near_copy(t, common::SEED ^ i as u64)).collect()
}

/// A batch of `BATCH` new documents: near-copies of stored documents and new stories.
fn batch(target: &Target, fresh: &[(String, String)]) -> Vec<(String, String)> {
    let copies = target.stored.iter().take(BATCH / 2).enumerate();
    let mut docs: Vec<(String, String)> =
        copies.map(|(i, t)| (format!("copy-{i}"), near_copy(t, common::SEED ^ !(i as u64)))).collect();
    docs.extend(fresh.iter().take(BATCH - docs.len()).cloned());
    docs
}

/// A writable copy of the index in `src`, in a new temporary directory next to it: `MANIFEST`
/// copied, data files hard-linked (copied where linking fails), `LOCK` left out. Linking is safe
/// because index files are never modified: a change writes files under new names and renames a
/// new `MANIFEST` into place, and removing a superseded file removes only the copy's link.
fn copy_index(src: &Path) -> TempDir {
    let parent = src.parent().unwrap_or(Path::new("."));
    let tmp = tempfile::Builder::new().prefix(".neardupe-bench-").tempdir_in(parent).expect("temporary directory");
    for entry in std::fs::read_dir(src).expect("index directory") {
        let entry = entry.expect("index directory entry");
        let name = entry.file_name();
        if name == "LOCK" || !entry.file_type().expect("file type").is_file() {
            continue;
        }
        let to = tmp.path().join(&name);
        if name == "MANIFEST" || std::fs::hard_link(entry.path(), &to).is_err() {
            std::fs::copy(entry.path(), &to).expect("copy index file");
        }
    }
    tmp
}

/// The p-th percentile (nearest rank) of sorted `v`.
fn percentile(v: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0 * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

/// Times `QUERIES` single queries of each kind and prints their percentiles to stderr.
fn latencies(index: &Index, kinds: &[(&str, &[String])]) {
    for &(kind, texts) in kinds {
        for t in texts.iter().take(100) {
            black_box(index.query(t, LIMIT).expect("query"));
        }
        let mut micros = Vec::with_capacity(texts.len());
        let mut found = 0usize;
        for t in texts {
            let start = Instant::now();
            let matches = index.query(t, LIMIT).expect("query");
            micros.push(start.elapsed().as_secs_f64() * 1e6);
            found += usize::from(matches.first().is_some_and(|m| m.duplicate));
        }
        micros.sort_by(f64::total_cmp);
        eprintln!(
            "index/query/{kind} against {} documents, {} single queries (1 thread, warm): p50 {:.0} µs, \
             p99 {:.0} µs, max {:.0} µs, mean {:.0} µs; {found} had a duplicate in the index",
            index.len(),
            micros.len(),
            percentile(&micros, 50.0),
            percentile(&micros, 99.0),
            micros[micros.len() - 1],
            micros.iter().sum::<f64>() / micros.len() as f64,
        );
    }
}

fn open(c: &mut Criterion) {
    let target = fixture().target();
    let mut group = c.benchmark_group("index/open");
    group.bench_with_input(BenchmarkId::from_parameter(&target.label), &target.dir, |b, dir| {
        b.iter_with_large_drop(|| Index::open(dir).expect("open index"))
    });
    group.finish();
}

fn query(c: &mut Criterion) {
    let fx = fixture();
    let target = fx.target();
    let index = Index::open(&target.dir).expect("open index");
    let copies = near_copies(target);
    let unrelated: Vec<String> = fx.fresh.iter().take(QUERIES).map(|(_, t)| t.clone()).collect();
    let kinds: [(&str, &[String]); 2] = [("near_copy", &copies), ("unrelated", &unrelated)];
    latencies(&index, &kinds);

    let mut group = c.benchmark_group("index/query");
    group.throughput(Throughput::Elements(1));
    for (kind, texts) in kinds {
        group.bench_with_input(BenchmarkId::new(kind, &target.label), texts, |b, texts| {
            let mut next = texts.iter().cycle();
            b.iter(|| index.query(next.next().expect("texts"), LIMIT).expect("query"))
        });
    }
    group.finish();
}

fn insert(c: &mut Criterion) {
    let fx = fixture();
    let mut group = c.benchmark_group("index/insert");
    // An iteration takes from tens of milliseconds to seconds: one per sample.
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Elements(BATCH as u64));
    for target in std::iter::once(&fx.small).chain(&fx.prebuilt) {
        let manifest = std::fs::read(target.dir.join("MANIFEST")).expect("read MANIFEST");
        let docs = batch(target, &fx.fresh);
        let id = BenchmarkId::new(format!("batch{BATCH}"), format!("into_{}", target.label));
        group.bench_with_input(id, &docs, |b, docs| {
            b.iter_batched(
                || {
                    let copy = copy_index(&target.dir);
                    let index = Index::open_writable(copy.path()).expect("open the copy writable");
                    (copy, index)
                },
                |(copy, mut index)| {
                    let done = index.insert_batch(&docs[..]).expect("insert batch");
                    (done, index, copy)
                },
                BatchSize::PerIteration,
            )
        });
        let after = std::fs::read(target.dir.join("MANIFEST")).expect("read MANIFEST");
        assert!(after == manifest, "{} changed during the bench", target.dir.display());
    }
    group.finish();
}

criterion_group! {
    name = reads;
    config = common::quick();
    targets = open, query
}
criterion_group! {
    name = writes;
    config = common::heavy();
    targets = insert
}
criterion_main!(reads, writes);
