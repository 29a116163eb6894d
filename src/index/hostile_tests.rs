//! Hostile cases against the persistent index (issue 16, items 2, 8 and 9): what a broken disk,
//! a careless copy or an unlucky first batch does to an index. Each case asserts the error's kind
//! and message, and that nothing was lost: the files are unchanged where a writer refused, and
//! the index exports what it did before.
//!
//! - a writer refuses to copy or rewrite a file whose payload checksum does not match (`compact`
//!   and a merge after `add` a damaged segment, `add` a damaged cluster file), and `check` still
//!   reports the damage;
//! - a file copied in from another index with the same parameters is refused at open;
//! - an index of format version 1 opens, and its first writer verifies and pins its files;
//! - an index of format version 2 keeps signing with the tokeniser it was built with (`runs`),
//!   and its next commit records it;
//! - a query against many identical documents scores a bounded number of candidates and still
//!   ranks the true best match first;
//! - a first batch too small to learn the boilerplate filter warns, and a later batch learns it.
//!
//! A unit test module because it reads and re-seals files of the crate-private format; the
//! command-line cases are in `tests/hostile_index_cli.rs`. Runs with and without default features.

use std::path::Path;

use crate::format::index::Manifest;
use crate::format::{self, FORMAT_VERSION, FileKind};
use crate::index::Index;
use crate::lsh::PAIRWISE_BUCKET;
use crate::{Config, DocId};

#[path = "../../tests/common/small_index.rs"]
pub(super) mod small_index; // also used by `ids_tests`
use small_index::*;

/// Item 2: one byte of an id in a segment changed. `check` reports it; `compact` (which copies
/// every segment) refuses with the file's name and changes nothing, so `check` still reports it,
/// and restoring the byte gives back the index as it was.
#[test]
fn compact_refuses_a_corrupt_segment_and_leaves_the_index_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    build(tmp.path(), "doc", 1);
    let before = export(tmp.path());
    let name = file_named(tmp.path(), "segment-00000002");
    let good = damage(tmp.path(), &name, b"doc-05", b"doc-95");
    let damaged = files(tmp.path());

    let e = Index::open(tmp.path()).unwrap().check().unwrap_err();
    assert_corrupt(&e, &name, &["payload checksum mismatch"]);
    let mut index = Index::open_writable(tmp.path()).unwrap();
    let e = index.compact().unwrap_err();
    assert_corrupt(&e, &name, &["payload checksum mismatch", "not compacted, the index is unchanged"]);
    drop(index);
    assert_eq!(files(tmp.path()), damaged, "compact wrote nothing");
    let e = Index::open(tmp.path()).unwrap().check().unwrap_err();
    assert_corrupt(&e, &name, &["payload checksum mismatch"]);

    std::fs::write(tmp.path().join(&name), good).unwrap();
    Index::open(tmp.path()).unwrap().check().unwrap();
    assert_eq!(export(tmp.path()), before);
    let mut index = Index::open_writable(tmp.path()).unwrap();
    index.compact().unwrap();
    assert_eq!(index.stats().segments, 1);
    index.check().unwrap();
    drop(index);
    assert_eq!(export(tmp.path()), before);
}

/// Item 2: a damaged cluster file (one document's cluster label changed, which would end in a
/// false merge). `add` rewrites the cluster file, so it refuses before writing anything.
#[test]
fn add_refuses_a_damaged_cluster_file() {
    let tmp = tempfile::tempdir().unwrap();
    build(tmp.path(), "doc", 1);
    let before = export(tmp.path());
    let name = file_named(tmp.path(), "clusters-");
    // The labels come first in the payload: document 1's label (cluster 1, u32 LE) follows
    // document 0's (cluster 0). Make document 1 a member of cluster 0.
    let (header, payload) = {
        let bytes = std::fs::read(tmp.path().join(&name)).unwrap();
        let (h, p) = format::parse(&bytes, FileKind::Clusters).unwrap();
        (h, p.to_vec())
    };
    assert_eq!(&payload[..8], &[0, 0, 0, 0, 1, 0, 0, 0], "{header:?}");
    let path = tmp.path().join(&name);
    let good = std::fs::read(&path).unwrap();
    let mut bad = good.clone();
    let start = good.len() - payload.len();
    bad[start + 4] = 0;
    std::fs::write(&path, &bad).unwrap();
    let damaged = files(tmp.path());

    let mut index = Index::open_writable(tmp.path()).unwrap();
    let new = documents("new", 2, 2, 1);
    let e = index.insert_batch(&new[..]).unwrap_err();
    assert_corrupt(&e, &name, &["cluster file", "payload checksum mismatch", "the batch was not added"]);
    assert_eq!(index.len(), 24);
    drop(index);
    assert_eq!(files(tmp.path()), damaged, "add wrote nothing");
    let e = Index::open(tmp.path()).unwrap().check().unwrap_err();
    assert_corrupt(&e, &name, &["payload checksum mismatch"]);

    std::fs::write(&path, &good).unwrap();
    assert_eq!(export(tmp.path()), before);
    let mut index = Index::open_writable(tmp.path()).unwrap();
    let added = index.insert_batch(&new[..]).unwrap();
    assert_eq!(added.added.len(), 2);
    assert!(added.added.iter().all(|a| !a.started), "copies of stored stories join their clusters");
    index.check().unwrap();
    drop(index);
    assert_eq!(export(tmp.path())[..24], before[..]);
}

/// Item 2: a batch whose commit would merge a damaged segment (three segments of 20, 3 and 1
/// documents; a batch of 4 merges the last two with it) refuses before its commit.
#[test]
fn add_refuses_to_merge_a_damaged_segment() {
    let tmp = tempfile::tempdir().unwrap();
    build(tmp.path(), "doc", 1);
    let before = export(tmp.path());
    let name = file_named(tmp.path(), "segment-00000003");
    let good = damage(tmp.path(), &name, b"doc-21", b"doc-71");
    let damaged = files(tmp.path());
    let mut index = Index::open_writable(tmp.path()).unwrap();
    let new = documents("new", 4, 4, 100);
    let e = index.insert_batch(&new[..]).unwrap_err();
    assert_corrupt(&e, &name, &["payload checksum mismatch", "the batch was not added"]);
    drop(index);
    assert_eq!(files(tmp.path()), damaged);

    std::fs::write(tmp.path().join(&name), good).unwrap();
    let mut index = Index::open_writable(tmp.path()).unwrap();
    index.insert_batch(&new[..]).unwrap();
    assert_eq!(index.stats().segments, 2, "the last three merged");
    index.check().unwrap();
    drop(index);
    assert_eq!(export(tmp.path())[..24], before[..]);
}

/// Item 2: a segment copied in from another index with the same parameters and the same
/// document counts (so that its header, fingerprint and table of contents all fit) mixed two
/// indexes' stories and passed `stats`, `check` and `compact`. The manifest pins each file, so
/// opening refuses it, naming it; putting the right file back restores the index.
#[test]
fn a_segment_from_another_index_is_refused_at_open() {
    let (ours, theirs) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    build(ours.path(), "doc", 1);
    build(theirs.path(), "doc", 1_000);
    let before = export(ours.path());
    let name = file_named(ours.path(), "segment-00000002");
    assert_eq!(file_named(theirs.path(), "segment-00000002"), name, "the same file names");
    let good = std::fs::read(ours.path().join(&name)).unwrap();
    let foreign = std::fs::read(theirs.path().join(&name)).unwrap();
    assert_ne!(good, foreign);
    // The same parameters, filter and layout: only the contents differ.
    let (ha, _) = format::parse(&good, FileKind::Segment).unwrap();
    let (hb, _) = format::parse(&foreign, FileKind::Segment).unwrap();
    ha.fingerprint.ensure_same(&hb.fingerprint).unwrap();
    std::fs::write(ours.path().join(&name), &foreign).unwrap();
    let swapped = files(ours.path());

    for e in [Index::open(ours.path()).unwrap_err(), Index::open_writable(ours.path()).unwrap_err()] {
        assert_corrupt(&e, &name, &["not the file the MANIFEST lists", "copied from another index"]);
    }
    assert_eq!(files(ours.path()), swapped, "nothing removed or rewritten");

    std::fs::write(ours.path().join(&name), &good).unwrap();
    Index::open(ours.path()).unwrap().check().unwrap();
    assert_eq!(export(ours.path()), before);
}

/// Item 2, the other listed files: a cluster file or a filter from another index is refused at
/// open too.
#[test]
fn a_cluster_file_or_filter_from_another_index_is_refused_at_open() {
    let (ours, theirs) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    build(ours.path(), "doc", 1);
    // Another index whose stories repeat differently (other clusters) but with the same filter.
    let docs = documents("doc", 24, 6, 1);
    let mut other = Index::create(theirs.path(), config()).unwrap();
    for batch in [&docs[..20], &docs[20..23], &docs[23..]] {
        other.insert_batch(batch).unwrap();
    }
    drop(other);
    for prefix in ["clusters-", "filter-"] {
        let name = file_named(ours.path(), prefix);
        let good = std::fs::read(ours.path().join(&name)).unwrap();
        let foreign = std::fs::read(theirs.path().join(file_named(theirs.path(), prefix))).unwrap();
        if good == foreign {
            assert_eq!(prefix, "filter-", "the cluster files differ");
            continue;
        }
        std::fs::write(ours.path().join(&name), &foreign).unwrap();
        let e = Index::open(ours.path()).unwrap_err();
        assert_corrupt(&e, &name, &["not the file the MANIFEST lists"]);
        std::fs::write(ours.path().join(&name), &good).unwrap();
    }
    Index::open(ours.path()).unwrap().check().unwrap();
}

/// The stored index of format version 1, copied to a temporary directory.
fn version_1_copy() -> tempfile::TempDir {
    fixture_copy(1)
}

/// The stored index of format `version` (`tests/data/index-vN`), copied to a temporary directory.
fn fixture_copy(version: u32) -> tempfile::TempDir {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/data/index-v{version}"));
    let tmp = tempfile::tempdir().unwrap();
    for (name, bytes) in files(&fixture) {
        std::fs::write(tmp.path().join(name), bytes).unwrap();
    }
    tmp
}

/// The format version of `dir`'s `MANIFEST` and its decoded contents (when of this version).
fn manifest(dir: &Path) -> (u32, Option<Manifest>) {
    let bytes = std::fs::read(dir.join("MANIFEST")).unwrap();
    let (header, payload) = format::parse(&bytes, FileKind::Manifest).unwrap();
    let m = (header.version == FORMAT_VERSION)
        .then(|| bincode::decode_from_slice(payload, bincode::config::standard()).unwrap().0);
    (header.version, m)
}

/// The format change: an index of version 1 (no pins) still opens read-only and unchanged; its
/// first writer verifies every file in full (it is about to pin them) and commits a manifest of
/// version 2 that pins every file; the documents and clusters it held are kept.
#[test]
fn a_version_1_index_opens_and_its_first_writer_pins_it() {
    let tmp = version_1_copy();
    let stored = files(tmp.path());
    let before = export(tmp.path());
    assert_eq!(before.len(), 40);
    assert_eq!(manifest(tmp.path()).0, 1);
    Index::open(tmp.path()).unwrap().check().unwrap();
    assert_eq!(files(tmp.path()), stored, "reading changes nothing");

    let mut index = Index::open_writable(tmp.path()).unwrap();
    let story = index.document_id(DocId(33)).unwrap().to_string();
    assert_eq!(story, "s0063-c1");
    // An undated copy is refused by the window; a dated one goes in.
    let text = "A short dated note about gardening in spring, nothing like the stored news.";
    let batch = [(String::from("new-1"), text.to_string())];
    let days: &[i32] = &[19_000];
    let added = index.insert_batch(&DatedBatch { docs: &batch, days }).unwrap();
    assert_eq!(added.added.len(), 1);
    drop(index);
    let (version, m) = manifest(tmp.path());
    assert_eq!(version, FORMAT_VERSION);
    let m = m.unwrap();
    assert!(m.segments.iter().all(|s| s.pin.payload_len > 0 && s.pin.payload_checksum != 0), "{m:?}");
    assert!(m.clusters.pin.payload_len > 0, "{m:?}");
    let filter = m.filter.as_ref().unwrap();
    assert_eq!(filter.first_doc, 0);
    assert!(filter.pin.payload_len > 0);
    let after = export(tmp.path());
    assert_eq!(after[..40], before[..]);
    Index::open(tmp.path()).unwrap().check().unwrap();
}

/// A version-1 index has no pins, so its first writer must verify what it is about to pin: a
/// damaged segment that the batch would not even merge is refused.
#[test]
fn a_version_1_index_with_a_damaged_file_is_not_pinned() {
    let tmp = version_1_copy();
    let name = file_named(tmp.path(), "segment-00000002");
    // An id in the first segment's payload.
    let index = Index::open(tmp.path()).unwrap();
    let id = index.document_id(DocId(3)).unwrap().to_string();
    drop(index);
    let mut to = id.clone().into_bytes();
    to[0] ^= 0x20;
    damage(tmp.path(), &name, id.as_bytes(), &to);
    let damaged = files(tmp.path());
    let mut index = Index::open_writable(tmp.path()).unwrap();
    let batch = [(String::from("new-1"), String::from("A short dated note about gardening in spring."))];
    let e = index.insert_batch(&DatedBatch { docs: &batch, days: &[19_000] }).unwrap_err();
    assert_corrupt(&e, &name, &["payload checksum mismatch", "the batch was not added"]);
    drop(index);
    assert_eq!(files(tmp.path()), damaged);
    assert_eq!(manifest(tmp.path()).0, 1, "still version 1");
}

/// A Chinese story and a reprint of it: the same text under another headline, dateline and
/// source line. Under the `scripts` tokeniser the reprint contains the story; under `runs` (a
/// sentence of Chinese is one word) they share no shingle.
const STORY_ZH: &str = "受连续四天强降雨影响，清河于周一凌晨在清河县城段决堤，县应急管理局表示，全县已有一万二千多名\
群众被紧急转移到安全地带。截至当天上午，县城低洼地区的洪水已经漫过一楼窗台，救援人员驾驶冲锋舟在老街附近的积水中来回穿梭。";

fn reprint_zh() -> String {
    format!("清河县遭遇特大洪水 万余群众连夜撤离\n\n【环球快讯】{STORY_ZH}\n\n（本文来源：华声新闻网）")
}

/// The format change of version 3: an index of version 2 was signed with the tokeniser now
/// called `runs`, and keeps it. It opens with it, its new documents and queries are signed with
/// it (a Chinese reprint does not join its story, as before), its next commit writes a manifest
/// of version 3 that says `runs`, and creating an index with the default tokeniser in its
/// directory names the difference. A new index with the defaults puts the reprint with its story.
#[test]
fn a_version_2_index_keeps_signing_with_the_runs_tokenizer() {
    use crate::shingle::Tokenizer;
    let tmp = fixture_copy(2);
    assert_eq!(manifest(tmp.path()).0, 2);
    assert_eq!(Index::open(tmp.path()).unwrap().config().shingle().tokenizer(), Tokenizer::Runs);
    // The parameters it was built with (`--window 7 --boilerplate-min-docs 4`), but the tokeniser.
    let learn = crate::boilerplate::BoilerplateConfig::builder().min_docs(4).build().unwrap();
    let built = |t| Config::builder().window_days(Some(7)).boilerplate(Some(learn)).tokenizer(t).build().unwrap();
    let e = Index::create(tmp.path(), built(Tokenizer::Runs)).unwrap_err();
    assert_eq!(e.kind(), crate::ErrorKind::AlreadyExists, "{e}");
    let e = Index::create(tmp.path(), built(Tokenizer::Scripts)).unwrap_err();
    assert_eq!(e.kind(), crate::ErrorKind::Incompatible, "{e}");
    assert!(e.to_string().ends_with("with other parameters: tokenizer: scripts vs runs (add to it instead)"), "{e}");

    let batch = [(String::from("zh-story"), STORY_ZH.to_string()), (String::from("zh-reprint"), reprint_zh())];
    let days: &[i32] = &[19_000, 19_001];
    let mut index = Index::open_writable(tmp.path()).unwrap();
    let added = index.insert_batch(&DatedBatch { docs: &batch, days }).unwrap();
    assert_eq!(added.added.len(), 2);
    let (story, reprint) = (DocId(40), DocId(41));
    assert_ne!(index.cluster_of(story).unwrap(), index.cluster_of(reprint).unwrap(), "signed with `runs`");
    drop(index);
    let (version, m) = manifest(tmp.path());
    assert_eq!(version, FORMAT_VERSION);
    assert_eq!(m.unwrap().params.signatures.tokenizer, "runs");
    let index = Index::open(tmp.path()).unwrap();
    index.check().unwrap();
    assert_eq!(index.config().shingle().tokenizer(), Tokenizer::Runs);
    let found = index.query(STORY_ZH, 1).unwrap();
    assert_eq!((found[0].doc, found[0].jaccard), (story, 1.0), "{found:?}");

    let fresh = tempfile::tempdir().unwrap();
    let mut index = Index::create(fresh.path(), Config::builder().window_days(Some(7)).build().unwrap()).unwrap();
    index.insert_batch(&DatedBatch { docs: &batch, days }).unwrap();
    assert_eq!(index.cluster_of(DocId(0)).unwrap(), index.cluster_of(DocId(1)).unwrap());
    drop(index);
    assert_eq!(manifest(fresh.path()).1.unwrap().params.signatures.tokenizer, "scripts");
}

/// `(id, text)` documents with a day each, for the windowed version-1 index.
struct DatedBatch<'a> {
    docs: &'a [(String, String)],
    days: &'a [i32],
}

impl neardupe::source::DocumentSource for DatedBatch<'_> {
    fn len(&self) -> usize {
        self.docs.len()
    }

    fn document(&self, i: usize) -> neardupe::Result<neardupe::Document<'_>> {
        let (id, text) = &self.docs[i];
        Ok(neardupe::Document::new(id.as_str(), text.as_str()).with_day(Some(self.days[i])))
    }
}

/// Item 8: 20,000 identical documents, then a few others. Every query's buckets hold the 20,000,
/// yet a query scores at most `bands × (PAIRWISE_BUCKET + 1)` candidates (counted, not timed), and
/// the true best match still comes first: the crowd itself for its own text, and a document
/// stored after the crowd for a near copy of it.
#[test]
fn query_on_many_identical_documents_is_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let config = Config::builder().boilerplate(None).build().unwrap();
    let bands = config.lsh().bands();
    let crowd = story(7, 80);
    let mut index = Index::create(tmp.path(), config).unwrap();
    let docs: Vec<(String, &str)> = (0..20_000).map(|i| (format!("same-{i}"), crowd.as_str())).collect();
    index.insert_batch(&docs[..]).unwrap();
    // A variant of the crowd's text (its first quarter rewritten) and an unrelated story.
    let words: Vec<&str> = crowd.split(' ').collect();
    let variant: String = words
        .iter()
        .enumerate()
        .map(|(i, w)| if i < 20 { format!("v{i}") } else { w.to_string() })
        .collect::<Vec<_>>()
        .join(" ");
    let other = story(8, 80);
    let others = [("variant", variant.as_str()), ("other", other.as_str())];
    index.insert_batch(&others[..]).unwrap();
    assert_eq!(index.len(), 20_002);
    let bound = bands * (PAIRWISE_BUCKET + 1);

    let candidates = index.query_candidates(&crowd).unwrap();
    assert!(candidates.len() <= bound, "{} candidates, more than {bound}", candidates.len());
    assert!(candidates.contains(&DocId(0)));
    let found = index.query(&crowd, 5).unwrap();
    assert_eq!(found.len(), 5);
    assert_eq!((found[0].doc, found[0].jaccard, found[0].duplicate), (DocId(0), 1.0, true), "{found:?}");
    assert!(found.iter().all(|m| m.jaccard == 1.0 && m.cluster == found[0].cluster), "{found:?}");

    // A near copy of the variant: closer to it than to the crowd, which shares most of its bands.
    let query = variant.replacen("v4", "x4", 1);
    let candidates = index.query_candidates(&query).unwrap();
    assert!(candidates.len() <= bound, "{} candidates", candidates.len());
    let found = index.query(&query, 3).unwrap();
    assert_eq!(found[0].id, "variant", "{found:?}");
    assert!(found[0].jaccard > found[1].jaccard, "{found:?}");

    let found = index.query(&other.replacen("w", "x", 1), 3).unwrap();
    assert_eq!((found[0].id.as_str(), found[0].duplicate), ("other", true), "{found:?}");
    assert!(index.query_candidates(&other).unwrap().len() <= bound);
}

/// Item 9: a first batch smaller than the boilerplate floor (`min_docs`, 20 by default) learnt
/// an empty filter for good, silently. Now it warns and stores its documents unfiltered; the
/// first batch of at least 20 documents learns the filter (and says that the documents before it
/// keep their unfiltered signatures); later batches use it without a warning.
#[test]
fn a_small_first_batch_warns_and_a_later_batch_learns_the_filter() {
    let tmp = tempfile::tempdir().unwrap();
    let config = Config::builder().num_perm(64).build().unwrap();
    let mut index = Index::create(tmp.path(), config).unwrap();
    let docs = documents("doc", 60, 60, 10);

    let first = index.insert_batch(&docs[..10]).unwrap();
    assert_eq!(first.added.len(), 10);
    assert_eq!(first.warnings.len(), 1, "{:?}", first.warnings);
    let w = &first.warnings[0];
    assert!(w.contains("boilerplate filter not learnt yet") && w.contains("10 documents"), "{w}");
    assert!(w.contains("fewer than the 20"), "{w}");
    assert!(index.filter().is_none());
    assert_eq!((index.stats().boilerplate_shingles, index.stats().unfiltered_documents), (0, 10));
    let before = export(tmp.path());

    let second = index.insert_batch(&docs[10..40]).unwrap();
    assert_eq!(second.warnings.len(), 1, "{:?}", second.warnings);
    let w = &second.warnings[0];
    assert!(w.contains("boilerplate filter learnt from this batch (30 documents"), "{w}");
    assert!(w.contains("the 10 documents stored before it keep signatures made without it"), "{w}");
    let filter = index.filter().unwrap().clone();
    assert!(!filter.is_empty(), "the footer is boilerplate");
    assert_eq!(index.stats().unfiltered_documents, 10);

    let third = index.insert_batch(&docs[40..]).unwrap();
    assert!(third.warnings.is_empty(), "{:?}", third.warnings);
    index.check().unwrap();
    drop(index);

    // Re-opened: the filter is kept, and applies from document 10.
    let index = Index::open(tmp.path()).unwrap();
    assert_eq!(index.filter().map(|f| &**f), Some(&*filter));
    assert_eq!(manifest(tmp.path()).1.unwrap().filter.unwrap().first_doc, 10);
    assert_eq!(index.len(), 60);
    assert_eq!(export(tmp.path())[..10], before[..]);
    // A copy of a later document with another outlet's footer is found: the filter left the
    // shared footer out of both signatures.
    let copy = docs[50].1.replace(FOOTER, "Read more at the Associated Press website today.");
    let found = index.query(&copy, 1).unwrap();
    assert_eq!((found[0].id.as_str(), found[0].duplicate), ("doc-50", true), "{found:?}");
    let found = index.query(&docs[5].1, 1).unwrap();
    assert_eq!(found[0].id, "doc-05", "an unfiltered document is still found by its own text: {found:?}");
}

/// The stored fixtures are of versions 1, 2 and 3 (`tests/index_fixture.rs` reads them all),
/// and the `MANIFEST` of versions 2 and 3 pins every file it lists: each file's header states the
/// payload the manifest pins, and its payload has that checksum.
#[test]
fn versions_2_and_3_pin_every_file() {
    let fixture = |v: u32| Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/data/index-v{v}"));
    assert_eq!((manifest(&fixture(1)).0, manifest(&fixture(2)).0, manifest(&fixture(3)).0), (1, 2, 3));
    for version in [2, 3] {
        let dir = fixture(version);
        let bytes = std::fs::read(dir.join("MANIFEST")).unwrap();
        let (_, payload) = format::parse(&bytes, FileKind::Manifest).unwrap();
        let m: Manifest = match version {
            2 => format::decode_meta::<crate::format::index::ManifestV2>(payload, "manifest").unwrap().upgraded(),
            _ => format::decode_meta(payload, "manifest").unwrap(),
        };
        assert_eq!(m.documents, 40);
        let tokenizer = if version == 2 { "runs" } else { "scripts" };
        assert_eq!(m.params.signatures.tokenizer, tokenizer);
        let filter = m.filter.clone().unwrap();
        assert_eq!(filter.first_doc, 0, "learnt from the first batch");
        let mut listed: Vec<(String, FileKind, crate::format::index::Pin)> =
            m.segments.iter().map(|s| (s.file.clone(), FileKind::Segment, s.pin)).collect();
        listed.push((m.clusters.file.clone(), FileKind::Clusters, m.clusters.pin));
        listed.push((filter.file, FileKind::Filter, filter.pin));
        assert_eq!(listed.len(), 4);
        for (name, kind, pin) in listed {
            let bytes = std::fs::read(dir.join(&name)).unwrap();
            let (header, payload) = format::parse(&bytes, kind).unwrap();
            assert_eq!(header.version, version, "{name}");
            assert_eq!(header.fingerprint.tokenizer, tokenizer, "{name}");
            let pinned = (pin.payload_len, pin.payload_checksum);
            assert_eq!((header.payload_len, header.payload_checksum), pinned, "{name}");
            assert_eq!(payload.len() as u64, pin.payload_len, "{name}");
        }
    }
}
