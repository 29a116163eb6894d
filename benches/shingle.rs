//! Shingling throughput: word and character n-grams, with and without NFKC, on news-like text.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use neardupe::{ShingleConfig, Shingler};

mod common;

fn shingle(c: &mut Criterion) {
    let mut group = c.benchmark_group("shingle");
    // One short article, and a batch of articles (the usual corpus shape).
    let inputs = [("4KiB", common::news_docs(1, 4 << 10)), ("256x4KiB", common::news_docs(256, 4 << 10))];
    let configs = [
        ("words5", ShingleConfig::builder().words(5).build().unwrap()),
        ("words5+nfkc", ShingleConfig::builder().words(5).nfkc(true).build().unwrap()),
        ("words1", ShingleConfig::builder().words(1).build().unwrap()),
        ("chars5", ShingleConfig::builder().chars(5).build().unwrap()),
    ];
    for (size, docs) in &inputs {
        group.throughput(Throughput::Bytes(docs.iter().map(|d| d.len() as u64).sum()));
        for (name, config) in configs {
            group.bench_with_input(BenchmarkId::new(name, size), docs, |b, docs| {
                let mut shingler = Shingler::new(config);
                let mut out = Vec::new();
                b.iter(|| {
                    for d in docs {
                        out.clear();
                        shingler.shingle_into(black_box(d), &mut out);
                    }
                    black_box(out.len())
                });
            });
        }
    }
    // The set (sort + dedup) as exact verification needs it.
    let docs = &inputs[1].1;
    let mut shingler = Shingler::new(configs[0].1);
    group.bench_function(BenchmarkId::new("words5_set", inputs[1].0), |b| {
        b.iter(|| docs.iter().map(|d| shingler.shingle_set(black_box(d)).len()).sum::<usize>())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::quick();
    targets = shingle
}
criterion_main!(benches);
