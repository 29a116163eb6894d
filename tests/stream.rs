//! Streaming sources: a `Read`er or an iterator clusters exactly like the same documents in a
//! file or a slice, and a run reads each document at most once per pass.

use std::sync::atomic::{AtomicU32, Ordering};

use neardupe::{Config, Corpus, CorpusConfig, Deduper, Document, DocumentSource, Result};

fn sample() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/news-sample.jsonl")
}

fn assignments(out: &neardupe::Output) -> Vec<(String, u32, bool)> {
    let c = &out.clustering;
    (0..out.ids.len())
        .map(|i| (out.ids[i].clone(), c.clusters()[i], c.is_representative(neardupe::DocId(i as u32))))
        .collect()
}

#[test]
fn a_reader_clusters_like_the_file() {
    let file = Corpus::open(&[sample()], CorpusConfig::default()).unwrap();
    let expected = Deduper::new(Config::default()).run(&file).unwrap();
    let bytes = std::fs::read(sample()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let stream = Corpus::from_reader(&bytes[..], "<stdin>", CorpusConfig::default(), Some(dir.path())).unwrap();
    let got = Deduper::new(Config::default()).run(&stream).unwrap();
    assert_eq!(assignments(&got), assignments(&expected));
    assert!(expected.stats.duplicates > 50);
    // The spill file is unnamed: nothing is left in the directory, during or after the run.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_reader_names_itself_in_errors() {
    let bad = b"{\"id\": \"a\", \"text\": \"fine\"}\n{\"id\": \"b\", \"text\": 3}\n";
    let corpus = Corpus::from_reader(&bad[..], "<stdin>", CorpusConfig::default(), None).unwrap();
    let e = Deduper::new(Config::default()).run(&corpus).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("<stdin>") && msg.contains("line 2"), "{msg}");
}

#[test]
fn an_iterator_clusters_like_a_slice() {
    let file = Corpus::open(&[sample()], CorpusConfig::default()).unwrap();
    let docs: Vec<(String, String)> =
        file.documents().map(|d| d.map(|d| (d.id.into_owned(), d.text.into_owned()))).collect::<Result<_>>().unwrap();
    let expected = Deduper::new(Config::default()).cluster(&docs).unwrap();
    let got = Deduper::new(Config::default()).cluster_iter(docs.iter().map(|(i, t)| (i, t)), None).unwrap();
    assert_eq!(assignments(&got), assignments(&expected));
    let empty = Deduper::new(Config::default()).cluster_iter(std::iter::empty::<(&str, &str)>(), None).unwrap();
    assert!(empty.ids.is_empty() && empty.clustering.is_empty());
}

/// A source that counts how often each document is read.
struct Counting<'a> {
    docs: &'a [(String, String)],
    reads: Vec<AtomicU32>,
}

impl DocumentSource for Counting<'_> {
    fn len(&self) -> usize {
        self.docs.len()
    }
    fn document(&self, i: usize) -> Result<Document<'_>> {
        self.reads[i].fetch_add(1, Ordering::Relaxed);
        Ok(Document::new(self.docs[i].0.as_str(), self.docs[i].1.as_str()))
    }
}

#[test]
fn each_document_is_read_once_per_pass() {
    let file = Corpus::open(&[sample()], CorpusConfig::default()).unwrap();
    let docs: Vec<(String, String)> =
        file.documents().map(|d| d.map(|d| (d.id.into_owned(), d.text.into_owned()))).collect::<Result<_>>().unwrap();
    let source = Counting { docs: &docs, reads: docs.iter().map(|_| AtomicU32::new(0)).collect() };
    let out = Deduper::new(Config::default()).run(&source).unwrap();
    let reads: Vec<u32> = source.reads.iter().map(|r| r.load(Ordering::Relaxed)).collect();
    // Passes: two over the boilerplate sample (here every document), one to sign, and one chunk
    // of exact checks (fewer than 4,096 borderline pairs).
    assert!(out.stats.exact_checks < 4096);
    assert!(reads.iter().all(|&r| (1..=4).contains(&r)), "reads per document: {:?}", reads.iter().max());
    let signed_only =
        Deduper::new(Config::builder().boilerplate(None).verify(neardupe::Verify::Estimate).build().unwrap());
    let source = Counting { docs: &docs, reads: docs.iter().map(|_| AtomicU32::new(0)).collect() };
    signed_only.clone().run(&source).unwrap();
    assert!(source.reads.iter().all(|r| r.load(Ordering::Relaxed) == 1), "one pass, one read each");
}
