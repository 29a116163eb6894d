//! Verification of candidate edges: by signature agreement (the default, estimated Jaccard) and,
//! for comparison, by the exact Jaccard of shingle sets. The edges are the LSH candidates of a
//! generated syndicated-news corpus plus random pairs (mostly rejected). Throughput is in edges.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use neardupe::verify::{self, ExactSets};
use neardupe::{Config, Deduper, DocId, Edge};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

mod common;

fn verify(c: &mut Criterion) {
    let docs = common::corpus(1000);
    let config = Config::builder().build().unwrap();
    let criterion = config.criterion();
    let mut deduper = Deduper::new(config);
    let sigs = deduper.cluster(&docs).unwrap().signatures;
    let n = sigs.len() as u32;

    let mut edges = deduper.candidates(&sigs);
    let mut rng = ChaCha8Rng::seed_from_u64(common::SEED);
    let random = edges.len().max(50_000);
    edges.extend((0..random).filter_map(|_| {
        let (a, b) = (rng.random_range(0..n), rng.random_range(0..n));
        (a != b).then(|| Edge::new(DocId(a), DocId(b)))
    }));
    edges.sort_unstable();
    edges.dedup();

    let mut group = c.benchmark_group("verify");
    group.throughput(Throughput::Elements(edges.len() as u64));
    group.bench_with_input(BenchmarkId::new("estimated", edges.len()), &edges, |b, edges| {
        b.iter(|| verify::verify_estimated(black_box(edges), &sigs, &criterion).len())
    });
    #[cfg(feature = "parallel")]
    group.bench_with_input(BenchmarkId::new("par_estimated", edges.len()), &edges, |b, edges| {
        b.iter(|| verify::par_verify_estimated(black_box(edges), &sigs, &criterion).len())
    });

    // Exact: the shingle sets are built once outside the loop; only the set comparisons are timed.
    let held = verify::edge_documents(&edges);
    let sets = held.iter().map(|d| deduper.shingle_set(&docs[d.index()].1)).collect();
    let sets = ExactSets::new(held, sets);
    // An iteration takes about 250 ms: 10 flat samples need more than the default 2 s.
    group.sampling_mode(SamplingMode::Flat).measurement_time(Duration::from_secs(4));
    group.bench_with_input(BenchmarkId::new("exact", edges.len()), &edges, |b, edges| {
        b.iter(|| verify::verify_exact(black_box(edges), &sets, &criterion).len())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::quick();
    targets = verify
}
criterion_main!(benches);
