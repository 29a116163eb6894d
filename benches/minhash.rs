//! MinHash signing throughput: 64, 128 and 256 slots, classic and one-permutation hashing, over
//! the word 5-gram shingles of news-like articles. Throughput is in bytes of the articles' text,
//! so the figures compare with the other stages; shingling is done outside the timed loop.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use neardupe::{Algorithm, MinHashConfig, MinHasher, ShingleConfig, Shingler};

mod common;

fn minhash(c: &mut Criterion) {
    let docs = common::news_docs(128, 4 << 10);
    let bytes: u64 = docs.iter().map(|d| d.len() as u64).sum();
    let mut shingler = Shingler::new(ShingleConfig::default());
    let sets: Vec<Vec<u64>> = docs.iter().map(|d| shingler.shingle_set(d).as_slice().to_vec()).collect();

    let mut group = c.benchmark_group("minhash");
    group.throughput(Throughput::Bytes(bytes));
    for algorithm in [Algorithm::Classic, Algorithm::OnePermutation] {
        // Classic signing takes 20-100 ms an iteration: flat sampling keeps within the time.
        group.sampling_mode(if algorithm == Algorithm::Classic { SamplingMode::Flat } else { SamplingMode::Auto });
        for num_perm in [64, 128, 256] {
            let config = MinHashConfig::builder().algorithm(algorithm).num_perm(num_perm).build().unwrap();
            let hasher = MinHasher::new(config);
            group.bench_with_input(BenchmarkId::new(algorithm.as_str(), num_perm), &sets, |b, sets| {
                let mut row = vec![0u32; num_perm];
                b.iter(|| {
                    for s in sets {
                        hasher.sign_into(black_box(s), &mut row);
                    }
                    black_box(row[0])
                });
            });
        }
    }
    // The batch entry points (matrix building; parallel with the `parallel` feature).
    let hasher = MinHasher::new(MinHashConfig::default());
    group.bench_function("oph_128_sign_batch", |b| {
        b.iter(|| hasher.sign_batch(sets.iter().map(|s| s.as_slice())).len())
    });
    #[cfg(feature = "parallel")]
    group.bench_function("oph_128_par_sign_batch", |b| b.iter(|| hasher.par_sign_batch(&sets).len()));
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::quick();
    targets = minhash
}
criterion_main!(benches);
