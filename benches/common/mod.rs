//! Inputs shared by the benchmarks: news-like text and labelled corpora from `neardupe-synth`.
//!
//! Each bench file uses only some of these helpers.
#![allow(dead_code)]

use std::time::Duration;

use criterion::Criterion;
use neardupe::{Config, Deduper, SignatureMatrix};
use neardupe_synth::{self as synth, SynthConfig};

/// The seed of every generated input, so runs compare like with like.
pub(crate) const SEED: u64 = 0x00be_0c4e;

/// Criterion settings for the cheap stages: small samples so `cargo bench` stays short.
pub(crate) fn quick() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

/// Criterion settings for the heavy stages (whole corpora).
pub(crate) fn heavy() -> Criterion {
    Criterion::default().sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3))
}

/// About `bytes` bytes of news-like prose.
pub(crate) fn news_text(bytes: usize, seed: u64) -> String {
    synth::generate_text(bytes, seed)
}

/// `n` news-like documents of about `bytes` bytes each (all different stories).
pub(crate) fn news_docs(n: usize, bytes: usize) -> Vec<String> {
    (0..n as u64).map(|i| news_text(bytes, SEED ^ i.wrapping_mul(0x9e37_79b9_7f4a_7c15))).collect()
}

/// A syndicated-news corpus of `stories` stories, each with its republished near-copies, as
/// `(id, text)` pairs.
pub(crate) fn corpus(stories: usize) -> Vec<(String, String)> {
    let config = SynthConfig::builder().stories(stories).seed(SEED).build().expect("valid synth config");
    synth::generate(&config).into_iter().map(|d| (d.id, d.text)).collect()
}

/// The total text bytes of `docs`.
pub(crate) fn text_bytes(docs: &[(String, String)]) -> u64 {
    docs.iter().map(|(_, t)| t.len() as u64).sum()
}

/// The signatures of `docs` under `config`, computed by the pipeline.
pub(crate) fn signatures(docs: &[(String, String)], config: Config) -> SignatureMatrix {
    Deduper::new(config).cluster(docs).expect("generated documents are valid").signatures
}
