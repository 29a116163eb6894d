//! The small, valid ("pristine") indexes that `src/index/corrupt_tests.rs` and the `index_loader`
//! fuzz target corrupt: synthetic news items inserted in three batches that are not merged (three
//! segments), with a boilerplate filter and a cluster file.
//!
//! Included by path from both, so it uses nothing but `neardupe`, `tempfile` and `std`:
//! `#[path = "../../tests/common/pristine.rs"] mod pristine;` in `src/index/corrupt_tests.rs`
//! (a unit test module, which names the crate `neardupe` through `extern crate self`) and
//! `#[path = "../../tests/common/pristine.rs"] mod pristine;` in
//! `fuzz/fuzz_targets/index_loader.rs` (the fuzz crate is its own package).
#![allow(dead_code)] // each includer uses one recipe

use std::path::Path;

use neardupe::Config;
use neardupe::index::Index;

/// How a pristine index is made.
pub(crate) struct Recipe {
    /// The number of documents, `doc-00`, `doc-01`, ...
    pub(crate) documents: usize,
    /// Document `i` tells story `i % stories`, so most stories have copies (near-duplicates).
    pub(crate) stories: usize,
    /// The length of each story's synthetic text, in bytes.
    pub(crate) story_bytes: usize,
    /// Document `i` is published by `outlets[i % outlets.len()]`, under its name.
    pub(crate) outlets: &'static [&'static str],
    /// How each document's footer ends, after "Follow {outlet} for the latest news, ": the
    /// footers are the boilerplate.
    pub(crate) footer_end: &'static str,
    /// MinHash slots; `None` keeps the default.
    pub(crate) num_perm: Option<usize>,
    /// The first documents of the second and the third batch (decreasing batches, never merged).
    pub(crate) batches: [usize; 2],
}

/// The index of `src/index/corrupt_tests.rs`: 24 documents (8 stories, 3 outlets), 32 slots,
/// batches of 20, 3 and 1.
pub(crate) const CORRUPT: Recipe = Recipe {
    documents: 24,
    stories: 8,
    story_bytes: 200,
    outlets: &["Reuters", "AP", "BBC"],
    footer_end: "every day.",
    num_perm: Some(32),
    batches: [20, 23],
};

/// The index of the `index_loader` fuzz target: 40 documents (12 stories, 4 outlets), the default
/// configuration, batches of 24, 10 and 6.
pub(crate) const FUZZ: Recipe = Recipe {
    documents: 40,
    stories: 12,
    story_bytes: 280,
    outlets: &["Reuters", "AP", "AFP", "BBC"],
    footer_end: "sign up to our daily newsletter.",
    num_perm: None,
    batches: [24, 34],
};

/// About `bytes` of news-like text for story `seed`: words drawn by a fixed mixing function
/// (std only, so that the library's own unit tests can include this file too).
fn story_text(bytes: usize, seed: u64) -> String {
    const WORDS: &[&str] = &[
        "the",
        "minister",
        "said",
        "on",
        "tuesday",
        "that",
        "talks",
        "with",
        "union",
        "leaders",
        "would",
        "resume",
        "after",
        "a",
        "strike",
        "closed",
        "ports",
        "across",
        "the",
        "region",
        "officials",
        "warned",
        "prices",
        "could",
        "rise",
        "as",
        "shipments",
        "stall",
        "and",
        "exporters",
        "count",
        "losses",
        "police",
        "reported",
        "no",
        "arrests",
        "while",
        "crowds",
        "gathered",
        "outside",
        "parliament",
        "in",
        "the",
        "capital",
    ];
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5851_f42d_4c95_7f2d;
    let mut text = String::new();
    while text.len() < bytes {
        state ^= state >> 33;
        state = state.wrapping_mul(0xff51_afd7_ed55_8ccd);
        state ^= state >> 29;
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(WORDS[(state % WORDS.len() as u64) as usize]);
    }
    text
}

impl Recipe {
    /// The documents, `(id, text)`, in insertion order.
    pub(crate) fn documents(&self) -> Vec<(String, String)> {
        (0..self.documents)
            .map(|i| {
                let story = story_text(self.story_bytes, (i % self.stories) as u64);
                let outlet = self.outlets[i % self.outlets.len()];
                let text = format!("{outlet} — {story} Follow {outlet} for the latest news, {}", self.footer_end);
                (format!("doc-{i:02}"), text)
            })
            .collect()
    }

    /// Builds the index in a scratch directory and returns its files (name, bytes), sorted by
    /// name, `LOCK` left out: `MANIFEST`, the cluster file, the filter and three segments.
    pub(crate) fn build(&self) -> Vec<(String, Vec<u8>)> {
        let tmp = scratch();
        let mut config = Config::builder();
        if let Some(k) = self.num_perm {
            config = config.num_perm(k);
        }
        let mut index = Index::create(tmp.path(), config.build().unwrap()).unwrap();
        let docs = self.documents();
        let [second, third] = self.batches;
        for batch in [&docs[..second], &docs[second..third], &docs[third..]] {
            index.insert_batch(batch).unwrap();
        }
        let stats = index.stats();
        assert_eq!((stats.segments, stats.documents), (3, self.documents as u64), "{stats:?}");
        assert!(stats.duplicates > 0 && stats.boilerplate_shingles > 0, "{stats:?}");
        drop(index);
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|name| name != "LOCK")
            .map(|name| {
                let bytes = std::fs::read(tmp.path().join(&name)).unwrap();
                (name, bytes)
            })
            .collect();
        files.sort();
        assert_eq!(files.len(), 6, "MANIFEST, clusters, filter and three segments");
        files
    }
}

/// A temporary directory, in memory where the system has `/dev/shm` (the corruption sweeps write
/// thousands of small files).
pub(crate) fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir() }.unwrap()
}
