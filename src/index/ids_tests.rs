//! Ids in the index against their oracles (issue 16, item 6):
//!
//! - a removal gives exactly the clusters of one run over the remaining documents (the index's
//!   deduper, so the same parameters and boilerplate filter), whatever is removed: the first
//!   member of large band buckets, members in the middle, a whole segment, everything;
//! - a lookup gives what a linear scan of the export gives, and `members` the scan's groups;
//! - a replacing batch gives what a removal and then an insertion give, in one commit;
//! - an existing id is refused with nothing written, or skipped;
//! - the changed-cluster report equals a comparison of the exports before and after, by id;
//! - an index holding an id twice (as older versions wrote) lists it, and a removal of the id
//!   removes every copy.
//!
//! A unit test module because it stores repeated ids through the crate-private insertion.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::error::ErrorKind;
use crate::index::{ExistingIds, Index, InsertOptions, MissingIds, RemoveOptions};
use crate::{Config, DocId, Guard, Similarity};

use super::hostile_tests::small_index::{config, export, files, story};

/// Documents that share most of their words: `n` variants of a few stories, variant `i` with
/// a varying number of words replaced, so that band buckets are large (more than 24 members)
/// and verification still refuses some of their pairs.
fn variants(prefix: &str, n: usize, seed: u64) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            let base = story(seed + (i % 3) as u64, 80);
            let mut words: Vec<String> = base.split(' ').map(str::to_string).collect();
            let changed = (i * 7) % 45;
            for w in 0..changed {
                let at = (w * 13 + i) % 80;
                words[at] = format!("x{i}y{w}");
            }
            (format!("{prefix}-{i:03}"), words.join(" "))
        })
        .collect()
}

/// `(id, cluster, representative)` of one run of `index`'s deduper over `docs`.
fn run_over(index: &Index, docs: &[(String, String)]) -> Vec<(String, u32, bool)> {
    let out = index.deduper().clone().run(docs).unwrap();
    (0..out.ids.len())
        .map(|i| DocId(i as u32))
        .map(|d| (out.ids[d.index()].clone(), out.clustering.cluster(d), out.clustering.is_representative(d)))
        .collect()
}

type Pairs = BTreeSet<(String, String)>;

/// The verified edges of a run over `docs` (banding and estimate verification, as the index
/// does) and those the index stores, as pairs of ids: a removal must re-find the pairs that large
/// buckets give the documents behind a removed member.
fn edge_sets(index: &Index, docs: &[(String, String)]) -> (Pairs, Pairs) {
    let signed = index.deduper().sign_source(docs, None, None).unwrap();
    let candidates = crate::lsh::band_edges(&signed.signatures, index.config().lsh());
    let run = crate::verify::verify_estimated(&candidates, &signed.signatures, &index.config().criterion());
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    let want = run.iter().map(|e| pair(&signed.ids[e.a.index()], &signed.ids[e.b.index()])).collect();
    let mut got = BTreeSet::new();
    for s in &index.segments {
        for e in s.edges(index.len()).unwrap() {
            got.insert(pair(index.document_id(e.a).unwrap(), index.document_id(e.b).unwrap()));
        }
    }
    (want, got)
}

fn assignments(index: &Index) -> Vec<(String, u32, bool)> {
    index.clusters().map(|a| a.map(|a| (a.id.to_string(), a.cluster, a.is_representative)).unwrap()).collect()
}

fn configs() -> Vec<(&'static str, Config)> {
    vec![
        ("guarded, boilerplate", config()),
        (
            "jaccard, no guard",
            Config::builder()
                .num_perm(64)
                .similarity(Similarity::Jaccard)
                .threshold(0.5)
                .guard(Guard::None)
                .build()
                .unwrap(),
        ),
    ]
}

fn build(dir: &Path, config: Config, docs: &[(String, String)]) -> Index {
    let mut index = Index::create(dir, config).unwrap();
    let third = docs.len() / 3;
    for batch in [&docs[..third], &docs[third..2 * third], &docs[2 * third..]] {
        index.insert_batch(batch).unwrap();
    }
    index
}

#[test]
fn a_removal_gives_the_clusters_of_a_run_over_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    // 30 copies of one story first (buckets of 30 in every band), then the variants.
    let mut docs: Vec<(String, String)> = (0..30).map(|i| (format!("c-{i:02}"), story(500, 80))).collect();
    docs.extend(variants("v", 120, 3));
    let removals: Vec<Vec<usize>> = vec![
        vec![0],                       // the first member of every bucket of story 0
        vec![1, 2, 5, 30, 31, 32, 33], // heads and middles
        (40..80).collect(),            // the middle segment
        vec![149],                     // the last document
        (0..150).step_by(7).collect(), // spread out
    ];
    for (name, config) in configs() {
        let dir = tmp.path().join(name.replace([' ', ','], "_"));
        let mut index = build(&dir, config, &docs);
        assert_eq!(assignments(&index), run_over(&index, &docs), "{name}: built");
        assert_eq!(edge_sets(&index, &docs).0, edge_sets(&index, &docs).1, "{name}: edges");
        let mut rest: Vec<(String, String)> = docs.clone();
        for gone in &removals {
            let ids: Vec<String> =
                gone.iter().map(|&i| docs[i].0.clone()).filter(|id| rest.iter().any(|d| &d.0 == id)).collect();
            let removal = index.remove(&ids).unwrap();
            assert_eq!(removal.removed.len(), ids.len(), "{name}");
            rest.retain(|d| !ids.contains(&d.0));
            assert_eq!(index.len(), rest.len());
            assert_eq!(assignments(&index), run_over(&index, &rest), "{name}: after removing {ids:?}");
            let (want, got) = edge_sets(&index, &rest);
            assert_eq!(got, want, "{name}: edges after removing {ids:?}");
            assert_eq!(index.stats().edges, want.len() as u64, "{name}: no edge stored twice");
            index.check().unwrap();
            let reader = Index::open(&dir).unwrap();
            assert_eq!(assignments(&reader), assignments(&index), "{name}: committed");
            for id in &ids {
                assert!(reader.lookup(id).unwrap().is_none(), "{name}: {id} is gone");
            }
        }
        // Adding after removals, compacting: still a run over the rest.
        let more = variants("w", 40, 3);
        index.insert_batch(&more[..]).unwrap();
        rest.extend(more);
        assert_eq!(assignments(&index), run_over(&index, &rest), "{name}: removals then a batch");
        let (want, got) = edge_sets(&index, &rest);
        assert_eq!(got, want, "{name}: edges, removals then a batch");
        assert_eq!(index.stats().edges, want.len() as u64, "{name}: no edge stored twice");
        index.compact().unwrap();
        assert_eq!(assignments(&index), run_over(&index, &rest), "{name}: compacted");
        // Everything.
        let all: Vec<String> = rest.iter().map(|d| d.0.clone()).collect();
        index.remove(&all).unwrap();
        assert!(index.is_empty());
        assert_eq!(index.stats().clusters, 0);
        index.insert_batch(&docs[..]).unwrap();
        assert_eq!(assignments(&index), run_over(&index, &docs), "{name}: emptied and refilled");
    }
}

#[test]
fn a_missing_id_is_refused_and_nothing_is_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = variants("v", 30, 1);
    let mut index = build(tmp.path(), config(), &docs);
    let before = files(tmp.path());
    let e = index.remove(&["v-001", "nope"]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e.to_string().contains("\"nope\" is not in the index; nothing was removed"), "{e}");
    assert_eq!(files(tmp.path()), before);
    let ignore = RemoveOptions::new().missing(MissingIds::Ignore);
    let removal = index.remove_with(&["v-001", "nope"], &ignore).unwrap();
    assert_eq!(removal.missing, ["nope"]);
    assert_eq!(removal.removed.len(), 1);
    let nothing = index.remove(&[] as &[&str]).unwrap();
    assert!(nothing.removed.is_empty());
    let mut reader = Index::open(tmp.path()).unwrap();
    assert_eq!(reader.remove(&["v-002"]).unwrap_err().kind(), ErrorKind::ReadOnly);
    reader.check().unwrap();
}

#[test]
fn a_lookup_gives_what_a_scan_of_the_export_gives() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = variants("v", 90, 2);
    let index = build(tmp.path(), config(), &docs);
    let scan = assignments(&index);
    let mut groups: BTreeMap<u32, Vec<DocId>> = BTreeMap::new();
    for (d, (_, c, _)) in scan.iter().enumerate() {
        groups.entry(*c).or_default().push(DocId(d as u32));
    }
    for (d, (id, c, _)) in scan.iter().enumerate() {
        let found = index.lookup(id).unwrap().unwrap();
        assert_eq!((found.doc, found.cluster), (DocId(d as u32), *c), "{id}");
        let rep = groups[c].iter().find(|m| scan[m.index()].2).unwrap();
        assert_eq!(found.representative, *rep, "{id}");
        assert_eq!(index.members(*c).unwrap(), &groups[c][..], "{id}");
    }
    assert!(index.lookup("v-999").unwrap().is_none());
    assert!(index.lookup("").unwrap().is_none());
    assert_eq!(index.members(groups.len() as u32).unwrap_err().kind(), ErrorKind::NotFound);
    assert!(index.repeated_ids().unwrap().is_empty());
}

#[test]
fn an_existing_id_is_refused_skipped_or_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = variants("v", 60, 4);
    let mut index = build(&tmp.path().join("a"), config(), &docs);
    let before = files(&tmp.path().join("a"));
    let exported = export(&tmp.path().join("a"));
    // A batch with one new and two existing ids; v-010 gets another text.
    let batch: Vec<(String, String)> =
        vec![("new-1".into(), story(77, 60)), ("v-010".into(), story(78, 60)), ("v-020".into(), docs[20].1.clone())];

    let e = index.insert_batch(&batch[..]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DuplicateId);
    assert!(e.to_string().contains("record 2: id \"v-010\" is already in the index (document 10)"), "{e}");
    assert!(e.to_string().contains("nothing was added"), "{e}");
    assert_eq!(files(&tmp.path().join("a")), before, "nothing written");
    assert_eq!(export(&tmp.path().join("a")), exported);

    // Ids repeated inside the batch follow the batch rule (refused by default).
    let twice: Vec<(String, String)> = vec![("n".into(), story(1, 30)), ("n".into(), story(2, 30))];
    assert_eq!(index.insert_batch(&twice[..]).unwrap_err().kind(), ErrorKind::DuplicateId);
    assert_eq!(files(&tmp.path().join("a")), before, "nothing written");

    let skip = InsertOptions::new().existing_ids(ExistingIds::Skip);
    let done = index.insert_batch_with(&batch[..], &skip, None).unwrap();
    assert_eq!(done.skipped_ids, ["v-010", "v-020"]);
    assert_eq!(done.added.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["new-1"]);
    let mut all = docs.clone();
    all.push(batch[0].clone());
    assert_eq!(assignments(&index), run_over(&index, &all), "skip");
    // Everything skipped: nothing committed.
    let generation = index.stats().generation;
    let done = index.insert_batch_with(&batch[..1], &skip, None).unwrap();
    assert!(done.added.is_empty() && index.stats().generation == generation);

    // Replace == remove then add, and == a run over the rest then the batch.
    let replace = InsertOptions::new().existing_ids(ExistingIds::Replace);
    let generation = index.stats().generation;
    let done = index.insert_batch_with(&batch[1..], &replace, None).unwrap();
    assert_eq!(done.replaced.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["v-010", "v-020"]);
    assert_eq!(done.added.len(), 2);
    assert!(index.stats().generation > generation);
    all.retain(|d| d.0 != "v-010" && d.0 != "v-020");
    all.extend(batch[1..].iter().cloned());
    assert_eq!(assignments(&index), run_over(&index, &all), "replace");
    let mut other = build(&tmp.path().join("b"), config(), &docs);
    other.insert_batch(&batch[..1]).unwrap();
    other.remove(&["v-010", "v-020"]).unwrap();
    other.insert_batch(&batch[1..]).unwrap();
    assert_eq!(assignments(&index), assignments(&other), "replace == remove + add");
    index.check().unwrap();
    assert!(index.repeated_ids().unwrap().is_empty());
}

/// Ids and `(old representative, stored members)` of each surviving document's cluster, by id.
fn shape(a: &[(String, u32, bool)], keep: &BTreeSet<String>) -> BTreeMap<String, (String, BTreeSet<String>)> {
    let mut rep: BTreeMap<u32, String> = BTreeMap::new();
    let mut members: BTreeMap<u32, BTreeSet<String>> = BTreeMap::new();
    for (id, c, r) in a {
        if *r {
            rep.insert(*c, id.clone());
        }
        if keep.contains(id) {
            members.entry(*c).or_default().insert(id.clone());
        }
    }
    a.iter()
        .filter(|x| keep.contains(&x.0))
        .map(|(id, c, _)| (id.clone(), (rep[c].clone(), members[c].clone())))
        .collect()
}

#[test]
fn the_changes_are_the_stored_documents_whose_cluster_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = variants("v", 90, 5);
    let mut index = build(tmp.path(), config(), &docs);
    let mut stored: BTreeSet<String> = docs.iter().map(|d| d.0.clone()).collect();
    let steps: Vec<Vec<&str>> = vec![vec!["v-000"], vec!["v-003", "v-004", "v-045"], vec!["v-001", "v-002"]];
    for gone in steps {
        let before = assignments(&index);
        let removal = index.remove(&gone).unwrap();
        for g in &gone {
            stored.remove(*g);
        }
        let after = assignments(&index);
        let (a, b) = (shape(&before, &stored), shape(&after, &stored));
        let want: BTreeSet<&String> = stored.iter().filter(|id| a[*id] != b[*id]).collect();
        let got: BTreeSet<&String> = removal.moved.iter().map(|m| &m.id).collect();
        assert_eq!(got, want, "removing {gone:?}");
        for m in &removal.moved {
            assert_eq!(m.old_representative, a[&m.id].0);
            assert_eq!(m.representative, b[&m.id].0);
        }
    }
    // A batch that bridges clusters moves the stored members of the one that loses its
    // representative.
    let before = assignments(&index);
    let batch = variants("z", 30, 5);
    let done = index.insert_batch(&batch[..]).unwrap();
    let after = assignments(&index);
    let (a, b) = (shape(&before, &stored), shape(&after, &stored));
    let want: BTreeSet<&String> = stored.iter().filter(|id| a[*id] != b[*id]).collect();
    let got: BTreeSet<&String> = done.moved.iter().map(|m| &m.id).collect();
    assert_eq!(got, want, "a batch");
}

#[test]
fn an_id_stored_twice_is_listed_and_removed_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = variants("v", 30, 6);
    let mut index = build(tmp.path(), config(), &docs);
    // As an older version would: the batch bypasses the check of stored ids.
    let again: Vec<(String, String)> = vec![("v-005".into(), story(99, 40)), ("v-007".into(), story(98, 40))];
    let (batch, mut out) = index.sign_batch(&again[..], None).unwrap();
    index.commit_batch(batch, &mut out).unwrap();
    let repeated = index.repeated_ids().unwrap();
    assert_eq!(
        repeated,
        [("v-005".to_string(), vec![DocId(5), DocId(30)]), ("v-007".to_string(), vec![DocId(7), DocId(31)])]
    );
    assert_eq!(index.lookup("v-005").unwrap().unwrap().doc, DocId(5), "the first");
    let removal = index.remove(&["v-005"]).unwrap();
    assert_eq!(removal.removed.iter().map(|r| r.doc).collect::<Vec<_>>(), [DocId(5), DocId(30)]);
    assert_eq!(index.repeated_ids().unwrap().len(), 1);
    let mut rest = docs.clone();
    rest.retain(|d| d.0 != "v-005");
    rest.push(again[1].clone());
    assert_eq!(assignments(&index).len(), rest.len());
}
