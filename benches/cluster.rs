//! Union-find and cluster numbering over random edges (a sparse random graph: many small
//! components and, at the higher edge density, one giant one). Throughput is in edges.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use neardupe::{Clustering, DocId, Edge, Representative, UnionFind};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

mod common;

fn random_edges(n: u32, m: usize, seed: u64) -> Vec<Edge> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..m).map(|_| Edge::new(DocId(rng.random_range(0..n)), DocId(rng.random_range(0..n)))).collect()
}

fn cluster(c: &mut Criterion) {
    let n: u32 = 1_000_000;
    let lengths: Vec<u64> = {
        let mut rng = ChaCha8Rng::seed_from_u64(common::SEED);
        (0..n).map(|_| rng.random_range(200..20_000)).collect()
    };
    let mut group = c.benchmark_group("cluster");
    // Iterations take 50-250 ms: flat sampling keeps 10 samples within the measurement time.
    group.sampling_mode(SamplingMode::Flat);
    // Half as many edges as documents (below the giant-component threshold) and twice as many.
    for m in [n as usize / 2, 2 * n as usize] {
        let edges = random_edges(n, m, common::SEED ^ m as u64);
        group.throughput(Throughput::Elements(m as u64));
        group.bench_with_input(BenchmarkId::new("union_find", m), &edges, |b, edges| {
            b.iter(|| {
                let mut uf = UnionFind::new(n as usize);
                let merged = edges.iter().filter(|e| uf.union(e.a.0, e.b.0)).count();
                black_box(merged)
            })
        });
        for (name, policy) in
            [("from_edges_first", Representative::First), ("from_edges_longest", Representative::Longest)]
        {
            group.bench_with_input(BenchmarkId::new(name, m), &edges, |b, edges| {
                b.iter(|| Clustering::from_edges(n as usize, black_box(edges), policy, &lengths).num_clusters())
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::heavy();
    targets = cluster
}
criterion_main!(benches);
