//! Integration tests of `neardupe index ...` on the bundled sample in data/: ten `add` batches
//! give exactly the clusters of one `cluster` run, `add` reports joined/started clusters, `query`
//! finds copies without changing the index, `stats`, `compact`, `export` and `check` work, and
//! bad uses fail with a clear message and a non-zero exit.

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::bin;

fn sample() -> PathBuf {
    common::data("news-sample.jsonl")
}

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "neardupe failed: {}", String::from_utf8_lossy(&o.stderr));
    o
}

fn neardupe(args: &[&str]) -> Output {
    bin().args(args).output().expect("the neardupe binary runs")
}

fn fails(args: &[&str]) -> String {
    let o = neardupe(args);
    assert_eq!(o.status.code(), Some(1), "expected exit 1 for {args:?}");
    let e = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!e.contains("panicked"), "panic for {args:?}: {e}");
    e
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The sample split into ten consecutive JSONL files.
fn ten_batches(dir: &Path) -> Vec<PathBuf> {
    let text = std::fs::read_to_string(sample()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    lines
        .chunks(lines.len().div_ceil(10))
        .enumerate()
        .map(|(i, chunk)| {
            let p = dir.join(format!("batch{i}.jsonl"));
            std::fs::write(&p, chunk.join("\n") + "\n").unwrap();
            p
        })
        .collect()
}

#[test]
fn ten_adds_equal_one_cluster_run() {
    let tmp = tempfile::tempdir().unwrap();
    let batches = ten_batches(tmp.path());
    assert_eq!(batches.len(), 10);
    // The index learns boilerplate from its first batch and `cluster` from all documents, so the
    // comparison keeps every shingle; the library test compares with the index's own filter.
    let opts = ["--boilerplate", "off", "--threads", "2"];
    let ix = tmp.path().join("ix");
    ok(neardupe(&[&["index", "build", "-q", "-o", s(&ix), s(&batches[0])][..], &opts[..]].concat()));
    let mut joined = 0;
    for b in &batches[1..] {
        let report = ok(neardupe(&["index", "add", "-q", s(&ix), s(b)]));
        let report = String::from_utf8(report.stdout).unwrap();
        assert_eq!(report.lines().count(), std::fs::read_to_string(b).unwrap().lines().count());
        for line in report.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(v["status"] == "joined" || v["status"] == "started", "{line}");
            joined += usize::from(v["status"] == "joined");
        }
    }
    let exported = tmp.path().join("export.jsonl");
    ok(neardupe(&["index", "export", s(&ix), "-o", s(&exported)]));
    let clustered = tmp.path().join("cluster.jsonl");
    let all: Vec<&str> = batches.iter().map(|p| s(p)).collect();
    ok(neardupe(&[&["cluster", "-q", "--verify", "estimate", "-o", s(&clustered)][..], &opts[..], &all[..]].concat()));
    let want = std::fs::read_to_string(&clustered).unwrap();
    assert_eq!(std::fs::read_to_string(&exported).unwrap(), want, "10 batches vs one `cluster` run");
    assert!(joined > 200, "most copies arrive after their original: {joined} joined");

    // Compacting changes no cluster; stats and check agree.
    ok(neardupe(&["index", "compact", s(&ix)]));
    ok(neardupe(&["index", "check", s(&ix)]));
    ok(neardupe(&["index", "export", s(&ix), "-o", s(&exported)]));
    assert_eq!(std::fs::read_to_string(&exported).unwrap(), want, "after compaction");
    let stats: serde_json::Value = serde_json::from_slice(&ok(neardupe(&["index", "stats", s(&ix)])).stdout).unwrap();
    assert_eq!(stats["stats"]["documents"], 515);
    assert_eq!(stats["stats"]["segments"], 1);
    assert!(stats["bytes_per_document"].as_f64().unwrap() > 500.0);
}

#[test]
fn query_finds_copies_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let ix = tmp.path().join("ix");
    ok(neardupe(&["index", "build", "-q", "-o", s(&ix), s(&sample())]));
    let manifest = std::fs::read(ix.join("MANIFEST")).unwrap();
    // A new copy of a stored story (dateline, attribution) and an unrelated note.
    let first: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(sample()).unwrap().lines().next().unwrap()).unwrap();
    let copy = format!("Kathmandu: {}\n(News Source: BBC)", first["text"].as_str().unwrap());
    let q = tmp.path().join("q.jsonl");
    let lines = [
        serde_json::json!({"id": "new-copy", "text": copy}).to_string(),
        serde_json::json!({"id": "unrelated", "text": "a short note about gardening in the spring rain"}).to_string(),
    ];
    std::fs::write(&q, lines.join("\n") + "\n").unwrap();
    let out = ok(neardupe(&["index", "query", "-q", s(&ix), s(&q), "--limit", "3"]));
    let out: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(out[0]["id"], "new-copy");
    let best = &out[0]["matches"][0];
    assert_eq!(best["id"], first["id"]);
    assert_eq!(best["duplicate"], true);
    assert!(best["containment"].as_f64().unwrap() > 0.9 && best["jaccard"].as_f64().unwrap() > 0.5, "{best}");
    assert!(out[1]["matches"].as_array().unwrap().iter().all(|m| m["duplicate"] == false), "{}", out[1]);
    assert_eq!(std::fs::read(ix.join("MANIFEST")).unwrap(), manifest, "query is read-only");
}

#[test]
fn bad_uses_fail_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    let ix = tmp.path().join("ix");
    let e = fails(&["index", "stats", s(&ix)]);
    assert!(e.contains("not a neardupe index"), "{e}");
    ok(neardupe(&["index", "build", "-q", "-o", s(&ix), s(&sample())]));
    let e = fails(&["index", "build", "-q", "--num-perm", "64", "-o", s(&ix), s(&sample())]);
    assert!(e.contains("already holds an index") && e.contains("num_perm: 64 vs 128"), "{e}");
    let e = fails(&["index", "build", "-q", "--verify", "exact", "-o", s(&tmp.path().join("x")), s(&sample())]);
    assert!(e.contains("signatures, not texts"), "{e}");
    // A bad record stops `add` with its location, and nothing is committed.
    let bad = tmp.path().join("bad.jsonl");
    std::fs::write(&bad, "{\"id\": \"ok\", \"text\": \"fine text here\"}\n{not json\n").unwrap();
    let before = std::fs::read(ix.join("MANIFEST")).unwrap();
    let e = fails(&["index", "add", "-q", s(&ix), s(&bad)]);
    assert!(e.contains("bad.jsonl") && e.contains("line 2"), "{e}");
    assert_eq!(std::fs::read(ix.join("MANIFEST")).unwrap(), before, "nothing committed");
    // A corrupt segment is named.
    let seg = std::fs::read_dir(&ix)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with("segment-"))
        .unwrap();
    let mut bytes = std::fs::read(&seg).unwrap();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&seg, bytes).unwrap();
    let e = fails(&["index", "stats", s(&ix)]);
    assert!(e.contains(seg.file_name().unwrap().to_str().unwrap()) && e.contains("truncated"), "{e}");
}
