//! Tokeniser throughput by script: word 1-grams (the tokeniser, a word hash and one multiply a
//! word) on 1 MiB of English, of French and German (Latin-1 letters in one word of five), and of
//! each script of `data/multilingual.jsonl`.
//!
//! `cargo bench --bench tokenize`; the README's *Scripts* section has the figures before and
//! after the per-script tokeniser.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use neardupe::{ShingleConfig, Shingler};

mod common;

/// The least bytes of each input.
const BYTES: usize = 1 << 20;

/// The texts of `data/multilingual.jsonl` by language, each repeated to about [`BYTES`].
fn by_language() -> BTreeMap<String, Vec<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/multilingual.jsonl");
    let text = std::fs::read_to_string(&path).expect("data/multilingual.jsonl");
    let mut langs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let lang = v["lang"].as_str().expect("lang").to_string();
        langs.entry(lang).or_default().push(v["text"].as_str().expect("text").to_string());
    }
    for docs in langs.values_mut() {
        let one: Vec<String> = docs.clone();
        while docs.iter().map(String::len).sum::<usize>() < BYTES {
            docs.extend(one.iter().cloned());
        }
    }
    langs
}

fn tokenize(c: &mut Criterion) {
    let mut group = c.benchmark_group("tokenize");
    let mut inputs: Vec<(String, Vec<String>)> = vec![("ascii".to_string(), common::news_docs(256, 4 << 10))];
    let mut langs = by_language();
    let latin1: Vec<String> = ["fr", "de"].iter().flat_map(|l| langs.remove(*l).unwrap_or_default()).collect();
    inputs.push(("latin1".to_string(), latin1));
    for lang in ["zh", "ja", "th", "ko", "ru", "ar", "ne"] {
        inputs.push((lang.to_string(), langs.remove(lang).unwrap_or_default()));
    }
    let words1 = ShingleConfig::builder().words(1).build().unwrap();
    for (name, docs) in &inputs {
        group.throughput(Throughput::Bytes(docs.iter().map(|d| d.len() as u64).sum()));
        group.bench_with_input(BenchmarkId::new("words1", name), docs, |b, docs| {
            let mut shingler = Shingler::new(words1);
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
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::quick();
    targets = tokenize
}
criterion_main!(benches);
