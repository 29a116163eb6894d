//! The boilerplate stage: learning boilerplate shingles from a corpus (two counting passes over
//! the sample) and applying the learnt filter to one document's shingles. Throughput is in bytes
//! of text.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use neardupe::boilerplate::BoilerplateConfig;
use neardupe::{Config, Deduper, Shingler};

mod common;

fn boilerplate(c: &mut Criterion) {
    let docs = common::corpus(1000);
    let bytes: u64 = docs.iter().map(|(_, t)| t.len() as u64).sum();
    let deduper = Deduper::new(Config::builder().build().unwrap());
    let config = BoilerplateConfig::default();
    let mut group = c.benchmark_group("boilerplate");
    group.throughput(Throughput::Bytes(bytes));
    group.bench_with_input(BenchmarkId::new("learn", docs.len()), &docs, |b, docs| {
        b.iter(|| deduper.learn_boilerplate(black_box(docs.as_slice()), &config).unwrap().0.len())
    });
    // Applying a learnt filter while shingling, against shingling without one.
    let (filter, _) = deduper.learn_boilerplate(docs.as_slice(), &config).unwrap();
    let filter = std::sync::Arc::new(filter);
    for (name, with) in [("shingle", None), ("shingle+filter", Some(filter))] {
        group.bench_with_input(BenchmarkId::new(name, docs.len()), &docs, |b, docs| {
            let mut shingler = Shingler::default().with_filter(with.clone());
            let mut out = Vec::new();
            b.iter(|| {
                for (_, text) in docs {
                    out.clear();
                    shingler.shingle_into(black_box(text), &mut out);
                }
                out.len()
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::quick();
    targets = boilerplate
}
criterion_main!(benches);
