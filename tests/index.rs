//! The persistent index against its oracle, one full run: an index built batch by batch gives
//! exactly the clusters of one run over the same documents (same configuration with estimate
//! verification, same boilerplate filter), across compaction, merging and re-opening; queries
//! find the stored copies; bad uses are clear errors.

use std::path::Path;

use neardupe::index::Index;
use neardupe::{Config, DocId, ErrorKind, Guard, Similarity, Verify};
use neardupe_synth::{self as synth, SynthConfig, Tier};

#[path = "common/index_runs.rs"]
mod index_runs;
use index_runs::{assignments, full_run, open};

/// A synthetic news corpus (all hard tiers, outlet boilerplate) as JSONL files of `batches`
/// consecutive slices, with dates.
fn corpus_files(dir: &Path, stories: usize, batches: usize) -> Vec<std::path::PathBuf> {
    let config = SynthConfig::builder().stories(stories).seed(5).tiers(Tier::all()).build().unwrap();
    let docs = synth::generate(&config);
    let per = docs.len().div_ceil(batches);
    docs.chunks(per)
        .enumerate()
        .map(|(b, chunk)| {
            let path = dir.join(format!("batch{b:02}.jsonl"));
            let mut text = String::new();
            for d in chunk {
                text.push_str(&serde_json::json!({"id": d.id, "text": d.text, "date": d.date}).to_string());
                text.push('\n');
            }
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect()
}

#[test]
fn ten_batches_give_the_clusters_of_one_run() {
    let configs = [
        ("defaults", Config::builder().verify(Verify::Estimate).build().unwrap()),
        (
            "jaccard, no guard, no boilerplate",
            Config::builder()
                .similarity(Similarity::Jaccard)
                .threshold(0.5)
                .guard(Guard::None)
                .boilerplate(None)
                .verify(Verify::Estimate)
                .build()
                .unwrap(),
        ),
        ("window of 2 days", Config::builder().window_days(Some(2)).verify(Verify::Estimate).build().unwrap()),
    ];
    let tmp = tempfile::tempdir().unwrap();
    let paths = corpus_files(tmp.path(), 250, 10);
    assert_eq!(paths.len(), 10);
    for (name, config) in configs {
        let dir = tmp.path().join(name.replace([' ', ','], "_"));
        let mut index = Index::create(&dir, config.clone()).unwrap();
        let mut joined = 0;
        for (b, p) in paths.iter().enumerate() {
            let added = index.insert_batch(&open(std::slice::from_ref(p))).unwrap();
            joined += added.added.iter().filter(|a| !a.started).count();
            // After every batch, not only the last: a batch re-links only the components it
            // touches, and the rest must still be what a run over everything so far gives.
            assert_eq!(assignments(&index), full_run(&index, &paths[..=b]), "{name}: after batch {b}");
        }
        assert!(index.stats().segments < 10, "{name}: batches were merged ({:?})", index.stats());
        let want = full_run(&index, &paths);
        let duplicates = want.iter().filter(|x| !x.2).count();
        assert!(duplicates > 300, "{name}: the corpus has copies ({duplicates})");
        // Each report is the state at its insertion: a later document can still bridge a starter
        // into an older cluster, or (guard, window: best edges first) take a member elsewhere.
        assert!(joined.abs_diff(duplicates) * 100 <= duplicates * 5, "{name}: {joined} joined, {duplicates}");
        assert_eq!(assignments(&index), want, "{name}: 10 batches vs one run");
        // Compacting and re-opening change nothing.
        index.compact().unwrap();
        assert_eq!(index.stats().segments, 1);
        drop(index);
        let reader = Index::open(&dir).unwrap();
        reader.check().unwrap();
        assert_eq!(assignments(&reader), want, "{name}: after compaction and re-opening");
        // The same documents in one batch: the same clusters again.
        let one = tmp.path().join(format!("{}-one", name.replace([' ', ','], "_")));
        let mut single = Index::create(&one, config.clone()).unwrap();
        single.insert_batch(&open(&paths[..1])).unwrap();
        let mut rest = Index::open_writable(&one).unwrap_err(); // the lock is held
        assert!(rest.to_string().contains("another process"), "{rest}");
        assert_eq!(rest.kind(), ErrorKind::Locked, "{rest}");
        single.insert_batch(&open(&paths[1..])).unwrap();
        drop(single);
        let single = Index::open(&one).unwrap();
        rest = Index::create(&one, Config::builder().num_perm(64).build().unwrap()).unwrap_err();
        assert!(rest.to_string().contains("num_perm: 64 vs 128"), "{rest}");
        assert_eq!(rest.kind(), ErrorKind::Incompatible, "{rest}");
        rest = Index::create(&one, config).unwrap_err();
        assert_eq!(rest.kind(), ErrorKind::AlreadyExists, "{rest}");
        assert_eq!(assignments(&single), full_run(&single, &paths), "{name}: 2 batches vs one run");
    }
}

#[test]
fn queries_find_stored_copies_and_readers_share_an_index() {
    let tmp = tempfile::tempdir().unwrap();
    let config = SynthConfig::builder().stories(120).seed(9).tiers(Tier::standard()).build().unwrap();
    let docs = synth::generate(&config);
    let pairs: Vec<(String, String)> = docs.iter().map(|d| (d.id.clone(), d.text.clone())).collect();
    let mut index = Index::create(tmp.path().join("ix"), Config::builder().build().unwrap()).unwrap();
    index.insert_batch(&pairs[..]).unwrap();
    let mut read_only = Index::open(tmp.path().join("ix")).unwrap();
    let e = read_only.insert_batch(&pairs[..1]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ReadOnly, "{e}");
    assert_eq!(read_only.compact().unwrap_err().kind(), ErrorKind::ReadOnly);
    assert_eq!(read_only.len(), pairs.len(), "unchanged");
    let reader = read_only;
    // Every stored document finds itself first, and its cluster mates among its matches.
    std::thread::scope(|s| {
        for part in pairs.chunks(pairs.len().div_ceil(4)) {
            let reader = &reader;
            let docs = &docs;
            s.spawn(move || {
                for (id, text) in part {
                    let found = reader.query(text, 10).unwrap();
                    assert!(found[0].duplicate && found[0].similarity == 1.0);
                    let me = found.iter().find(|m| &m.id == id).expect("finds itself");
                    assert_eq!(me.jaccard, 1.0);
                    let at = docs.iter().position(|d| &d.id == id).unwrap();
                    assert_eq!(me.cluster, reader.cluster_of(DocId(at as u32)).unwrap());
                    assert!(found.iter().all(|m| !m.duplicate || m.similarity >= 0.6 - 1e-9));
                    assert!(
                        found
                            .windows(2)
                            .all(|w| (w[0].duplicate, w[0].similarity) >= (w[1].duplicate, w[1].similarity))
                    );
                }
            });
        }
    });
    // A new copy of a stored original matches it; an unrelated text matches nothing.
    let original = docs.iter().find(|d| d.id.ends_with("-orig")).unwrap();
    let copy = format!("Kathmandu: {}\n\n(News Source: BBC)", original.text);
    let found = reader.query(&copy, 3).unwrap();
    assert!(found.iter().any(|m| m.id == original.id && m.duplicate), "{found:?}");
    let none = reader.query(&synth::generate_text(3000, 77), 3).unwrap();
    assert!(none.iter().all(|m| !m.duplicate), "{none:?}");
}

#[test]
fn bad_uses_and_files_are_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let e = Index::open(tmp.path()).unwrap_err();
    assert!(e.to_string().contains("not a neardupe index"), "{e}");
    assert_eq!(e.kind(), ErrorKind::NotFound);
    for missing in [Index::open(tmp.path().join("nowhere")), Index::open_writable(tmp.path().join("nowhere"))] {
        let e = missing.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
        assert!(e.to_string().contains("nowhere is not a neardupe index"), "{e}");
    }
    assert!(!tmp.path().join("nowhere").exists(), "opening made nothing");
    let e = Index::create(tmp.path().join("x"), Config::builder().verify(Verify::Exact).build().unwrap()).unwrap_err();
    assert!(e.to_string().contains("estimate"), "{e}");
    assert_eq!((e.kind(), e.options().collect::<Vec<_>>()), (ErrorKind::Config, vec!["verify"]), "{e}");
    let dir = tmp.path().join("ix");
    let mut index = Index::create(&dir, Config::builder().build().unwrap()).unwrap();
    let texts: Vec<(String, String)> =
        (0..40).map(|i| (format!("d{i}"), synth::generate_text(800, i as u64 % 20))).collect();
    index.insert_batch(&texts[..]).unwrap();
    assert_eq!(index.document_id(DocId(39)).unwrap(), "d39");
    for e in [index.document_id(DocId(40)).unwrap_err(), index.cluster_of(DocId(40)).unwrap_err()] {
        assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
        assert!(e.to_string().contains("no document 40 in an index of 40"), "{e}");
    }
    drop(index);
    // Truncate or flip a byte of each file: opening (or checking) says which file is bad.
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name == "LOCK" {
            continue;
        }
        let good = std::fs::read(&path).unwrap();
        for cut in [0, 7, good.len() / 2, good.len() - 1] {
            std::fs::write(&path, &good[..cut]).unwrap();
            let e = Index::open(&dir).and_then(|i| i.check()).unwrap_err();
            assert!(e.to_string().contains(&name) || name == "MANIFEST", "{name} cut at {cut}: {e}");
            assert_eq!(e.kind(), ErrorKind::Corrupt, "{name} cut at {cut}: {e}");
        }
        let mut flipped = good.clone();
        let at = good.len() - 3;
        flipped[at] ^= 0x40;
        std::fs::write(&path, &flipped).unwrap();
        let e =
            Index::open(&dir).and_then(|i| i.check()).expect_err(&format!("{name}: flipped byte {at} went unnoticed"));
        assert_eq!(e.kind(), ErrorKind::Corrupt, "{name}: flipped byte {at}: {e}");
        std::fs::write(&path, &good).unwrap();
    }
    Index::open(&dir).unwrap().check().unwrap();
}

#[test]
fn readers_opening_while_a_writer_merges_never_fail() {
    // Every batch commits, and most merge segments and remove the files the previous manifest
    // listed: a reader that read that manifest finds them gone and must read the new one.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ix");
    let config = Config::builder().num_perm(32).boilerplate(None).build().unwrap();
    let mut index = Index::create(&dir, config).unwrap();
    let texts: Vec<(String, String)> =
        (0..120).map(|i| (format!("d{i}"), synth::generate_text(300, i as u64 % 30))).collect();
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                let mut opened = 0;
                while !done.load(std::sync::atomic::Ordering::Relaxed) || opened == 0 {
                    let reader = Index::open(&dir).unwrap_or_else(|e| panic!("{:?}: {e}", e.kind()));
                    reader.query(&texts[0].1, 3).unwrap();
                    opened += 1;
                }
            });
        }
        for batch in texts.chunks(2) {
            index.insert_batch(batch).unwrap();
        }
        done.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    assert_eq!(Index::open(&dir).unwrap().len(), 120);
}
