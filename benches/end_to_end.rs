//! The whole pipeline on a generated syndicated-news corpus (stories and their republished
//! near-copies): `Deduper::cluster` over in-memory `(id, text)` pairs, and `Corpus::open` plus
//! `Deduper::run` over the same documents written to a temporary JSONL file (memory-mapped and
//! read). Throughput is in bytes of text (in memory) or of the file (JSONL).

use std::io::Write;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use neardupe::{Config, Corpus, CorpusConfig, Deduper};

mod common;

fn end_to_end(c: &mut Criterion) {
    let docs = common::corpus(1000);
    let deduper = Deduper::new(Config::builder().build().unwrap());
    let label = format!("{}docs", docs.len());

    let mut group = c.benchmark_group("end_to_end");
    // Iterations take 100-200 ms: flat sampling keeps 10 samples within the measurement time.
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Bytes(common::text_bytes(&docs)));
    group.bench_with_input(BenchmarkId::new("cluster", &label), &docs, |b, docs| {
        b.iter(|| deduper.clone().cluster(docs).unwrap().stats.clusters)
    });

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corpus.jsonl");
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        for (id, text) in &docs {
            serde_json::to_writer(&mut w, &serde_json::json!({ "id": id, "text": text })).unwrap();
            w.write_all(b"\n").unwrap();
        }
        w.flush().unwrap();
    }
    group.throughput(Throughput::Bytes(std::fs::metadata(&path).unwrap().len()));
    for mmap in [true, false] {
        let name = if mmap { "jsonl_mmap" } else { "jsonl_read" };
        group.bench_with_input(BenchmarkId::new(name, &label), &path, |b, path| {
            b.iter(|| {
                let corpus = Corpus::open(&[path], CorpusConfig::builder().mmap(mmap).build().unwrap()).unwrap();
                deduper.clone().run(&corpus).unwrap().stats.clusters
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::heavy();
    targets = end_to_end
}
criterion_main!(benches);
