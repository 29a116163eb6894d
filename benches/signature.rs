//! The signature stage: news-like text (with its curly quotes, accents and currency signs) to
//! MinHash signatures and set sizes, the work the pipeline does on every document after parsing.
//!
//! * `signature/{oph,classic}/{64,128,256}`: one thread, word 5-grams;
//! * `signature_threads/{1,2}`: the parallel batch entry point on rayon pools of 1 and 2 threads
//!   (the ratio is the scaling on signatures).
//!
//! Throughput is in bytes of text.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use neardupe::{Algorithm, MinHashConfig, ShingleConfig, Sketcher};

mod common;

fn signature(c: &mut Criterion) {
    let docs = common::news_docs(256, 4 << 10);
    let bytes: u64 = docs.iter().map(|d| d.len() as u64).sum();
    let mut group = c.benchmark_group("signature");
    group.throughput(Throughput::Bytes(bytes));
    for algorithm in [Algorithm::OnePermutation, Algorithm::Classic] {
        group.sampling_mode(if algorithm == Algorithm::Classic { SamplingMode::Flat } else { SamplingMode::Auto });
        for num_perm in [64, 128, 256] {
            let minhash = MinHashConfig::builder().algorithm(algorithm).num_perm(num_perm).build().unwrap();
            let mut sketcher = Sketcher::new(ShingleConfig::default(), minhash);
            group.bench_with_input(BenchmarkId::new(algorithm.as_str(), num_perm), &docs, |b, docs| {
                let mut row = vec![0u32; num_perm];
                b.iter(|| docs.iter().map(|d| sketcher.sketch_into(black_box(d), &mut row)).sum::<u32>())
            });
        }
    }
    group.finish();
}

#[cfg(feature = "parallel")]
fn signature_threads(c: &mut Criterion) {
    let docs = common::news_docs(2048, 4 << 10);
    let bytes: u64 = docs.iter().map(|d| d.len() as u64).sum();
    let sketcher = Sketcher::new(ShingleConfig::default(), MinHashConfig::default());
    let mut group = c.benchmark_group("signature_threads");
    group.throughput(Throughput::Bytes(bytes));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        group.bench_with_input(BenchmarkId::from_parameter(threads), &docs, |b, docs| {
            b.iter(|| pool.install(|| sketcher.par_sketch_batch(docs).len()))
        });
    }
    group.finish();
}

#[cfg(not(feature = "parallel"))]
fn signature_threads(_: &mut Criterion) {}

criterion_group! {
    name = benches;
    config = common::quick();
    targets = signature, signature_threads
}
criterion_main!(benches);
