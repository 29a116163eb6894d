//! Stored indexes of format versions 1, 2 and 3 (`tests/data/index-v1/`, `index-v2/` and
//! `index-v3/`, built by the same commands, in their READMEs) still open, pass `check`, answer
//! queries and export the clusters they were built with. A change that stops reading one must bump
//! the format version deliberately (see the READMEs). Version 2 differs from version 1 only in its
//! `MANIFEST`, which pins each file; version 3 names the tokeniser in its fingerprints (`scripts`;
//! versions 1 and 2 read as `runs`). All three hold the same documents and clusters (English text,
//! which both tokenisers cut alike). Runs with and without default features (memory-mapped and read
//! files).

use std::path::{Path, PathBuf};

use neardupe::index::Index;
use neardupe::shingle::Tokenizer;
use neardupe::{DocId, Similarity};

/// The fixture of format version 1 (never opened in place). The tests without a version in
/// their name are about it; those of version 2 take [`fixture_of`]`(2)`.
fn fixture() -> PathBuf {
    fixture_of(1)
}

/// The stored index of format version `version`.
fn fixture_of(version: u32) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/data/index-v{version}"))
}

/// The fixture's files (name, bytes), sorted by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    files.sort();
    files
}

/// A copy of the fixture in a temporary directory, so that nothing a test does can change the
/// stored files (`Index::open` only reads, but a copy costs 60 KB).
fn copy() -> tempfile::TempDir {
    copy_of(1)
}

/// A copy of the fixture of format version `version`.
fn copy_of(version: u32) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for (name, bytes) in files(&fixture_of(version)) {
        std::fs::write(tmp.path().join(name), bytes).unwrap();
    }
    tmp
}

/// Opens the copy in `dir`, with a message that points at the README when it no longer opens.
fn open(dir: &Path) -> Index {
    Index::open(dir).unwrap_or_else(|e| {
        panic!(
            "the stored index {} no longer opens: {e}\n\
             keep reading it or bump the format version deliberately (see its README.md)",
            dir.display()
        )
    })
}

/// Each line's `(id, cluster, representative)` from a file written by `neardupe index export`.
fn expected_clusters() -> Vec<(String, u32, bool)> {
    let text = std::fs::read_to_string(fixture().join("expected-clusters.jsonl")).unwrap();
    text.lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let cluster = u32::try_from(v["cluster"].as_u64().unwrap()).unwrap();
            (v["id"].as_str().unwrap().to_string(), cluster, v["representative"].as_bool().unwrap())
        })
        .collect()
}

/// The stored query records, `(id, text)`.
fn queries() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(fixture().join("queries.jsonl")).unwrap();
    text.lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            (v["id"].as_str().unwrap().to_string(), v["text"].as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn opens_checks_and_reads_its_parameters_and_counts() {
    let tmp = copy();
    let index = open(tmp.path());
    index.check().unwrap();
    assert!(!index.is_writable());
    assert_eq!(index.len(), 40);

    let stats = index.stats();
    assert_eq!(stats.generation, 3, "{stats:?}");
    assert_eq!((stats.documents, stats.segments), (40, 2), "{stats:?}");
    assert_eq!((stats.clusters, stats.duplicates, stats.edges), (35, 5, 5), "{stats:?}");
    assert_eq!(stats.boilerplate_shingles, 23, "{stats:?}");
    assert_eq!(index.filter().map(|f| f.len()), Some(23));

    let config = index.config();
    assert_eq!(config.similarity(), Similarity::Containment);
    assert_eq!(config.threshold(), 0.6);
    assert_eq!(config.window(), Some(7));
    assert_eq!(config.minhash().num_perm(), 128);
    assert_eq!((config.lsh().bands(), config.lsh().rows()), (64, 2));
}

#[test]
fn exported_clusters_equal_the_file_written_when_it_was_built() {
    let tmp = copy();
    let index = open(tmp.path());
    let got: Vec<(String, u32, bool)> = index
        .clusters()
        .map(|a| {
            let a = a.unwrap();
            (a.id.to_string(), a.cluster, a.is_representative)
        })
        .collect();
    let expected = expected_clusters();
    assert_eq!(expected.len(), 40);
    assert_eq!(got, expected);
    for (i, (id, cluster, _)) in expected.iter().enumerate() {
        let doc = DocId(i as u32);
        assert_eq!(index.document_id(doc).unwrap(), id);
        assert_eq!(index.cluster_of(doc).unwrap(), *cluster);
    }
}

#[test]
fn a_stored_text_finds_itself_and_a_copy_finds_its_story() {
    let tmp = copy();
    let index = open(tmp.path());
    let expected = expected_clusters();
    let cluster_of = |id: &str| expected.iter().find(|(x, _, _)| x == id).unwrap().1;
    let queries = queries();
    let [(stored_id, stored_text), (copy_id, copy_text)] = &queries[..] else { panic!("two queries") };
    assert_eq!((stored_id.as_str(), copy_id.as_str()), ("s0063-c1", "s0063-orig"));
    let story = cluster_of("s0063-c1");
    assert_eq!(cluster_of("s0063-c2"), story, "the two stored copies of the story share a cluster");

    // The text of a stored document: its own signature agrees on every slot.
    let found = index.query(stored_text, 5).unwrap();
    let best = &found[0];
    assert_eq!((best.id.as_str(), best.doc), ("s0063-c1", DocId(33)), "{found:?}");
    assert!(
        best.jaccard == 1.0 && best.similarity == 1.0,
        "the stored signature of s0063-c1 differs from a fresh one of its text: shingling, hashing \
         or MinHash changed without a format version or fingerprint change ({best:?})"
    );
    assert!(best.duplicate);
    assert_eq!(best.cluster, story);
    assert_eq!(index.document_id(best.representative).unwrap(), "s0063-c2");
    assert!(found.iter().any(|m| m.id == "s0063-c2" && m.duplicate && m.cluster == story), "{found:?}");

    // A copy of the same story that is not in the index matches both stored copies.
    let found = index.query(copy_text, 5).unwrap();
    let duplicates: Vec<&str> = found.iter().filter(|m| m.duplicate).map(|m| m.id.as_str()).collect();
    assert_eq!(duplicates, ["s0063-c1", "s0063-c2"], "{found:?}");
    assert!(found.iter().filter(|m| m.duplicate).all(|m| m.cluster == story));
    assert!(found[0].similarity > 0.9, "{found:?}");
}

#[test]
fn reading_changes_no_file() {
    assert_reading_changes_no_file(1);
}

/// Opens a copy of the fixture of `version`, checks, exports and queries it, and asserts that
/// no file changed.
fn assert_reading_changes_no_file(version: u32) {
    let tmp = copy_of(version);
    {
        let index = open(tmp.path());
        index.check().unwrap();
        for a in index.clusters() {
            a.unwrap();
        }
        for (_, text) in queries() {
            index.query(&text, 5).unwrap();
        }
    }
    assert_eq!(files(tmp.path()), files(&fixture_of(version)));
}

/// An index's counts: generation, documents, segments, clusters, clusters of more than one
/// document, duplicates, edges.
fn counts(i: &Index) -> (u64, u64, u64, u64, u64, u64, u64) {
    let s = i.stats();
    (s.generation, s.documents, s.segments, s.clusters, s.duplicate_clusters, s.duplicates, s.edges)
}

/// Each document's `(id, cluster, representative)`, as `neardupe index export` writes them.
fn export(i: &Index) -> Vec<(String, u32, bool)> {
    i.clusters().map(|x| x.unwrap()).map(|x| (x.id.to_string(), x.cluster, x.is_representative)).collect()
}

/// Version 2 opens, checks, exports and answers exactly as version 1 does: the same documents,
/// clusters, filter and parameters, read through a manifest of the new layout.
#[test]
fn version_2_reads_as_version_1_does() {
    let (v1, v2) = (copy_of(1), copy_of(2));
    let (a, b) = (open(v1.path()), open(v2.path()));
    b.check().unwrap();
    assert_eq!(counts(&b), counts(&a));
    assert_eq!(counts(&b), (3, 40, 2, 35, 5, 5, 5));
    assert_eq!(b.filter().map(|f| f.len()), Some(23));
    assert_eq!(format!("{:?}", a.config()), format!("{:?}", b.config()));
    assert_eq!(export(&b), export(&a));
    assert_eq!(export(&b), expected_clusters());
    let stored = std::fs::read(fixture_of(2).join("expected-clusters.jsonl")).unwrap();
    assert_eq!(stored, std::fs::read(fixture().join("expected-clusters.jsonl")).unwrap());
    for (_, text) in queries() {
        assert_eq!(a.query(&text, 5).unwrap(), b.query(&text, 5).unwrap());
    }
    let found = b.query(&queries()[0].1, 1).unwrap();
    assert_eq!((found[0].id.as_str(), found[0].jaccard), ("s0063-c1", 1.0), "{found:?}");
}

#[test]
fn version_2_reading_changes_no_file() {
    assert_reading_changes_no_file(2);
}

/// Version 3 opens, checks, exports and answers as versions 1 and 2 do: the same documents,
/// clusters, filter and parameters but the tokeniser, which it names (`scripts`) where the older
/// versions are read as `runs`. Both cut the fixture's English text alike, so the stored
/// signatures are the same and a query scores the same against each.
#[test]
fn version_3_reads_as_version_1_does_but_for_the_tokenizer() {
    let (v1, v2, v3) = (copy_of(1), copy_of(2), copy_of(3));
    let (a, b, c) = (open(v1.path()), open(v2.path()), open(v3.path()));
    c.check().unwrap();
    assert_eq!(a.config().shingle().tokenizer(), Tokenizer::Runs);
    assert_eq!(b.config().shingle().tokenizer(), Tokenizer::Runs);
    assert_eq!(c.config().shingle().tokenizer(), Tokenizer::Scripts);
    let scripts = format!("{:?}", a.config()).replace("tokenizer: Runs", "tokenizer: Scripts");
    assert_eq!(format!("{:?}", c.config()), scripts);
    assert_eq!(counts(&c), (3, 40, 2, 35, 5, 5, 5));
    assert_eq!(c.filter().map(|f| f.len()), Some(23));
    assert_eq!(export(&c), expected_clusters());
    let stored = std::fs::read(fixture_of(3).join("expected-clusters.jsonl")).unwrap();
    assert_eq!(stored, std::fs::read(fixture().join("expected-clusters.jsonl")).unwrap());
    for (_, text) in queries() {
        assert_eq!(a.query(&text, 5).unwrap(), c.query(&text, 5).unwrap());
    }
    let found = c.query(&queries()[0].1, 1).unwrap();
    assert_eq!((found[0].id.as_str(), found[0].jaccard), ("s0063-c1", 1.0), "{found:?}");
}

#[test]
fn version_3_reading_changes_no_file() {
    assert_reading_changes_no_file(3);
}
