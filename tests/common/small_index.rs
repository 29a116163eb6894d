//! A small index of 24 documents in three segments, and helpers to damage and inspect it:
//! shared by the index's hostile unit tests (`src/index/hostile_tests.rs`, which see the
//! crate-private format) and the command-line cases (`tests/hostile_index_cli.rs`).
#![allow(dead_code)] // each includer uses some of them

use std::path::Path;

use neardupe::index::Index;
use neardupe::{Config, Error, ErrorKind};

/// A footer every document ends with: the boilerplate.
pub(crate) const FOOTER: &str = "Follow Reuters for the latest news, sign up to our daily newsletter and get alerts.";

/// The text of story `seed`: `words` pseudo-words from a small generator (no dependence on the
/// synthetic-news crate), then the footer.
pub(crate) fn story(seed: u64, words: usize) -> String {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut out = String::new();
    for _ in 0..words {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.push_str(&format!("w{} ", x % 5_000));
    }
    out + FOOTER
}

/// `n` documents `{prefix}-{i}`, where document `i` tells story `seed + i % stories` (so stories
/// have copies when `stories < n`).
pub(crate) fn documents(prefix: &str, n: usize, stories: usize, seed: u64) -> Vec<(String, String)> {
    (0..n).map(|i| (format!("{prefix}-{i:02}"), story(seed + (i % stories) as u64, 60))).collect()
}

/// A small configuration: 32 slots, boilerplate learnt with a floor of 4 documents.
pub(crate) fn config() -> Config {
    let bp = neardupe::boilerplate::BoilerplateConfig::builder().min_docs(4).build().unwrap();
    Config::builder().num_perm(32).boilerplate(Some(bp)).build().unwrap()
}

/// An index of 24 documents in `dir` in three segments (batches of 20, 3 and 1 are not merged).
pub(crate) fn build(dir: &Path, prefix: &str, seed: u64) {
    let docs = documents(prefix, 24, 8, seed);
    let mut index = Index::create(dir, config()).unwrap();
    for batch in [&docs[..20], &docs[20..23], &docs[23..]] {
        index.insert_batch(batch).unwrap();
    }
    assert_eq!(index.stats().segments, 3);
}

/// The files of `dir` (name, bytes), sorted, the writer's `LOCK` left out.
pub(crate) fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name != "LOCK")
        .map(|name| {
            let bytes = std::fs::read(dir.join(&name)).unwrap();
            (name, bytes)
        })
        .collect();
    out.sort();
    out
}

/// What `index export` writes: each document's id, cluster and whether it represents it.
pub(crate) fn export(dir: &Path) -> Vec<(String, u32, bool)> {
    let index = Index::open(dir).unwrap();
    index
        .clusters()
        .map(|a| {
            let a = a.unwrap();
            (a.id.to_string(), a.cluster, a.is_representative)
        })
        .collect()
}

/// The name of the first file of `dir` whose name starts with `prefix`.
pub(crate) fn file_named(dir: &Path, prefix: &str) -> String {
    files(dir).into_iter().map(|(n, _)| n).find(|n| n.starts_with(prefix)).unwrap()
}

/// Changes one byte of `dir/name` at the first occurrence of `find` (which must be in its
/// payload) and returns the original bytes.
pub(crate) fn damage(dir: &Path, name: &str, find: &[u8], to: &[u8]) -> Vec<u8> {
    let path = dir.join(name);
    let good = std::fs::read(&path).unwrap();
    let at = good.windows(find.len()).position(|w| w == find).expect("bytes to damage");
    let mut bad = good.clone();
    bad[at..at + to.len()].copy_from_slice(to);
    std::fs::write(&path, bad).unwrap();
    good
}

/// Asserts that `e` is a `Corrupt` error whose text names `file` and says each of `words`.
pub(crate) fn assert_corrupt(e: &Error, file: &str, words: &[&str]) {
    assert_eq!(e.kind(), ErrorKind::Corrupt, "{e}");
    let text = e.to_string();
    assert!(text.contains(file), "{text:?} does not name {file}");
    for w in words {
        assert!(text.contains(w), "{text:?} does not say {w:?}");
    }
}
