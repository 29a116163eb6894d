//! LSH banding: band records of a signature matrix, and sorting them into candidate edges, on the
//! signatures of a generated syndicated-news corpus (so buckets hold real near-duplicates).
//! Throughput is in documents.

use std::hint::black_box;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use neardupe::{Config, lsh};

mod common;

fn lsh(c: &mut Criterion) {
    let mut group = c.benchmark_group("lsh");
    for stories in [500, 2000] {
        let docs = common::corpus(stories);
        let config = Config::builder().build().unwrap();
        let params = *config.lsh();
        let sigs = common::signatures(&docs, config);
        let n = sigs.len();
        group.throughput(Throughput::Elements(n as u64));

        group.bench_with_input(BenchmarkId::new("band_records", n), &sigs, |b, sigs| {
            b.iter(|| lsh::band_records(black_box(sigs), &params, 0).len())
        });
        #[cfg(feature = "parallel")]
        group.bench_with_input(BenchmarkId::new("par_band_records", n), &sigs, |b, sigs| {
            b.iter(|| lsh::par_band_records(black_box(sigs), &params, 0).len())
        });

        let records = lsh::band_records(&sigs, &params, 0);
        group.bench_with_input(BenchmarkId::new("candidate_edges", n), &records, |b, records| {
            b.iter_batched_ref(|| records.clone(), |r| lsh::candidate_edges(r).len(), BatchSize::LargeInput)
        });
        #[cfg(feature = "parallel")]
        group.bench_with_input(BenchmarkId::new("par_candidate_edges", n), &records, |b, records| {
            b.iter_batched_ref(|| records.clone(), |r| lsh::par_candidate_edges(r).len(), BatchSize::LargeInput)
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::quick();
    targets = lsh
}
criterion_main!(benches);
