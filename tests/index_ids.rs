//! Ids in the persistent index, through the public API, on a synthetic news corpus with dates:
//! removals give exactly the clusters of one run over the remaining documents (with the
//! chaining guard, and with a time window), a replacing batch gives those of a run over the rest
//! and the batch, and lookups agree with the export.

use std::path::{Path, PathBuf};

use neardupe::index::{ExistingIds, Index, InsertOptions};
use neardupe::{Config, DocId, ErrorKind, Verify};
use neardupe_synth::{self as synth, SynthConfig, Tier};

#[path = "common/index_runs.rs"]
mod index_runs;
use index_runs::{assignments, full_run, open};

/// The corpus as JSONL lines `(id, line)`, dated.
fn corpus(stories: usize) -> Vec<(String, String)> {
    let config = SynthConfig::builder().stories(stories).seed(9).tiers(Tier::all()).build().unwrap();
    synth::generate(&config)
        .iter()
        .map(|d| (d.id.clone(), serde_json::json!({"id": d.id, "text": d.text, "date": d.date}).to_string()))
        .collect()
}

fn write(path: &Path, lines: &[&(String, String)]) -> PathBuf {
    let text: String = lines.iter().map(|(_, l)| format!("{l}\n")).collect();
    std::fs::write(path, text).unwrap();
    path.to_path_buf()
}

#[test]
fn removals_give_the_clusters_of_a_run_over_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = corpus(150);
    let configs = [
        ("defaults", Config::builder().verify(Verify::Estimate).build().unwrap()),
        ("window", Config::builder().window_days(Some(2)).verify(Verify::Estimate).build().unwrap()),
    ];
    for (name, config) in configs {
        let dir = tmp.path().join(name);
        let mut index = Index::create(&dir, config).unwrap();
        let half = docs.len() / 2;
        let all: Vec<&(String, String)> = docs.iter().collect();
        index.insert_batch(&open(&[write(&tmp.path().join("a.jsonl"), &all[..half])])).unwrap();
        index.insert_batch(&open(&[write(&tmp.path().join("b.jsonl"), &all[half..])])).unwrap();
        let mut rest: Vec<&(String, String)> = all.clone();
        // Originals (representatives of their clusters), then every fifth document.
        let originals: Vec<String> =
            docs.iter().filter(|d| d.0.ends_with("-orig")).take(20).map(|d| d.0.clone()).collect();
        let spread: Vec<String> =
            docs.iter().step_by(5).map(|d| d.0.clone()).filter(|id| !originals.contains(id)).collect();
        for gone in [originals, spread] {
            let removal = index.remove(&gone).unwrap();
            assert_eq!(removal.removed.len(), gone.len());
            assert!(!removal.moved.is_empty(), "{name}: removing representatives moves their members");
            rest.retain(|d| !gone.contains(&d.0));
            let path = write(&tmp.path().join("rest.jsonl"), &rest);
            assert_eq!(
                assignments(&index),
                full_run(&index, std::slice::from_ref(&path)),
                "{name}: a run over the rest"
            );
            let reader = Index::open(&dir).unwrap();
            reader.check().unwrap();
            assert_eq!(assignments(&reader), assignments(&index), "{name}: committed");
            assert!(gone.iter().all(|id| reader.lookup(id).unwrap().is_none()));
            assert_eq!(reader.stats().documents as usize, rest.len());
        }
        // Replacing: the stored documents go, the batch's come in, in one commit.
        let again: Vec<&(String, String)> = all[..40].iter().copied().filter(|d| rest.contains(d)).collect();
        let path = write(&tmp.path().join("again.jsonl"), &again);
        let e = index.insert_batch(&open(std::slice::from_ref(&path))).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::DuplicateId, "{e}");
        assert!(e.to_string().contains("again.jsonl"), "{e}");
        let replace = InsertOptions::new().existing_ids(ExistingIds::Replace);
        let done = index.insert_batch_with(&open(std::slice::from_ref(&path)), &replace, None).unwrap();
        assert_eq!((done.replaced.len(), done.added.len()), (again.len(), again.len()));
        rest.retain(|d| !again.contains(d));
        rest.extend(again.iter().copied());
        let path = write(&tmp.path().join("rest.jsonl"), &rest);
        assert_eq!(assignments(&index), full_run(&index, std::slice::from_ref(&path)), "{name}: replaced");
        // Lookups agree with the export.
        for (d, (id, cluster, _)) in assignments(&index).iter().enumerate() {
            let found = index.lookup(id).unwrap().unwrap();
            assert_eq!((found.doc, found.cluster), (DocId(d as u32), *cluster));
            assert!(index.members(*cluster).unwrap().contains(&found.doc));
        }
    }
}
