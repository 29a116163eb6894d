//! A corrupt index is an error, never a panic. A deterministic sweep truncates every file of a
//! small index at every 7th offset and flips every 7th byte: `open`, `stats`, `clusters`,
//! `query`, `document_id`, `cluster_of`, `check`, `open_writable`, `insert_batch` and `compact`
//! give `Ok` or a `Corrupt`/`Io` error with a message (a document beyond the last: `NotFound`),
//! and the change is caught by `open` or by `check`. Then the cases the `index_loader` fuzz target found (and the review around them),
//! rebuilt in code with valid checksums, so that only the loader's own validation stands
//! between them and a panic. A unit test module because the on-disk format is crate-private.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::OnceLock;

use crate::format::index::{Manifest, SegmentToc, Span};
use crate::format::{self, FileKind};
use crate::index::Index;
use crate::{DocId, Error, ErrorKind};

#[path = "../../tests/common/pristine.rs"]
mod pristine;

use pristine::scratch;

/// 24 short news items: 8 stories in several copies, all with a footer (boilerplate).
fn documents() -> &'static [(String, String)] {
    static DOCS: OnceLock<Vec<(String, String)>> = OnceLock::new();
    DOCS.get_or_init(|| pristine::CORRUPT.documents())
}

/// The files (name, bytes) of a small index: three segments (batches of 20, 3 and 1 documents are
/// not merged), a boilerplate filter and a cluster file; `LOCK` left out.
fn pristine() -> Vec<(String, Vec<u8>)> {
    pristine::CORRUPT.build()
}

fn write_all(dir: &Path, files: &[(String, Vec<u8>)]) {
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

/// An error a corrupt index may give: `Corrupt` or `Io`, with a message.
fn clean(e: &Error, what: &str) -> Result<(), String> {
    if e.to_string().is_empty() || !matches!(e.kind(), ErrorKind::Corrupt | ErrorKind::Io) {
        return Err(format!("{what}: {:?} error {e:?}", e.kind()));
    }
    Ok(())
}

/// Every read-only operation on `dir`. Returns whether opening or checking failed.
fn read_all(dir: &Path) -> Result<bool, String> {
    let index = match Index::open(dir) {
        Ok(index) => index,
        Err(e) => return clean(&e, "open").map(|()| true),
    };
    let n = index.stats().documents as usize;
    for a in index.clusters() {
        if let Err(e) = a {
            clean(&e, "clusters")?;
        }
    }
    for text in ["Reuters — Follow Reuters for the latest news, every day.", &documents()[5].1] {
        if let Err(e) = index.query(text, 5) {
            clean(&e, "query")?;
        }
    }
    for d in [0, n / 2, n.saturating_sub(1), n, u32::MAX as usize] {
        // A document beyond the last is `NotFound`, whatever the damage.
        let beyond = |e: &Error| match d >= n {
            true if e.kind() == ErrorKind::NotFound => Ok(()),
            true => Err(format!("document {d} of {n}: {:?} error {e:?}", e.kind())),
            false => clean(e, "document"),
        };
        match (index.document_id(DocId(d as u32)), d >= n) {
            (Ok(_), true) => return Err(format!("document {d} of {n} has an id")),
            (Err(e), _) => beyond(&e)?,
            _ => {}
        }
        match (index.cluster_of(DocId(d as u32)), d >= n) {
            (Ok(_), true) => return Err(format!("document {d} of {n} has a cluster")),
            (Err(e), _) => beyond(&e)?,
            _ => {}
        }
    }
    match index.check() {
        Ok(()) => Ok(false),
        Err(e) => clean(&e, "check").map(|()| true),
    }
}

/// The writer's operations on `dir`: insert two documents, then compact.
fn write_ops(dir: &Path) -> Result<(), String> {
    let mut index = match Index::open_writable(dir) {
        Ok(index) => index,
        Err(e) => return clean(&e, "open_writable"),
    };
    let docs = [("new-1", documents()[3].1.as_str()), ("new-2", "a short note about gardening in spring")];
    if let Err(e) = index.insert_batch(&docs[..]) {
        clean(&e, "insert_batch")?;
    }
    if let Err(e) = index.compact() {
        clean(&e, "compact")?;
    }
    Ok(())
}

/// Runs `f`, turning a panic into an error that says where.
fn guarded<T>(what: &str, f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(|e| format!("{what}: {e}")),
        Err(p) => {
            let msg = p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()));
            Err(format!("{what}: panicked: {}", msg.unwrap_or_default()))
        }
    }
}

#[test]
fn truncated_or_flipped_files_are_errors_and_detected() {
    let files = pristine();
    let work = scratch();
    write_all(work.path(), &files);
    assert_eq!(read_all(work.path()), Ok(false), "the pristine index opens and checks");
    let mut failures = Vec::new();
    let mut variants = 0;
    for (f, (name, good)) in files.iter().enumerate() {
        let cuts = (0..good.len()).step_by(7).map(|at| (format!("{name} cut at {at}"), good[..at].to_vec()));
        let flips = (3..good.len()).step_by(7).map(|at| {
            let mut b = good.clone();
            b[at] ^= 0xff;
            (format!("{name} byte {at} flipped"), b)
        });
        for (what, bad) in cuts.chain(flips) {
            variants += 1;
            std::fs::write(work.path().join(name), &bad).unwrap();
            match guarded(&what, || read_all(work.path())) {
                Ok(true) => {}
                Ok(false) => failures.push(format!("{what}: neither open nor check noticed")),
                Err(e) => failures.push(e),
            }
            // The writer's path on every 3rd variant (it writes and syncs files).
            if variants % 3 == 0 {
                let copy = scratch();
                let mut all = files.clone();
                all[f].1 = bad;
                write_all(copy.path(), &all);
                if let Err(e) = guarded(&what, || write_ops(copy.path())) {
                    failures.push(e);
                }
            }
        }
        std::fs::write(work.path().join(name), good).unwrap();
    }
    assert!(variants > 1000, "{variants} variants");
    assert!(failures.is_empty(), "{} of {variants} variants failed:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(read_all(work.path()), Ok(false), "restored");
}

/// The file of `files` whose name starts with `prefix` (the first, by name).
fn file<'a>(files: &'a mut [(String, Vec<u8>)], prefix: &str) -> &'a mut (String, Vec<u8>) {
    files.iter_mut().find(|(n, _)| n.starts_with(prefix)).unwrap()
}

/// A segment file with its table of contents changed by `edit` and valid header checksums (as a
/// writer with a bug, or a deliberate forgery, would leave it).
fn reseal_segment(bytes: &[u8], edit: impl FnOnce(&mut SegmentToc, u64)) -> Vec<u8> {
    let (header, payload) = format::parse_header(bytes, FileKind::Segment).unwrap();
    let mut toc: SegmentToc = format::decode_meta(&header.meta, "table of contents").unwrap();
    edit(&mut toc, payload.len() as u64);
    let meta = format::encode_meta(&toc).unwrap();
    let mut out = format::encode_header(
        FileKind::Segment,
        &header.fingerprint,
        &meta,
        header.payload_len,
        header.payload_checksum,
    )
    .unwrap();
    out.extend_from_slice(payload);
    out
}

/// Opens `files` read-only and writable and runs every operation: all must give errors, the
/// first (open's) a `Corrupt` error that contains each of `words`.
fn assert_refused(files: &[(String, Vec<u8>)], words: &[&str]) {
    let tmp = scratch();
    write_all(tmp.path(), files);
    let e = guarded("open", || Index::open(tmp.path()).map(drop).map_err(|e| e.to_string())).unwrap_err();
    assert!(!e.contains("panicked"), "{e}");
    let e = Index::open(tmp.path()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Corrupt, "{e}");
    for w in words {
        assert!(e.to_string().contains(w), "{e:?} does not say {w:?}");
    }
    guarded("writer", || write_ops(tmp.path())).unwrap();
    assert!(Index::open_writable(tmp.path()).is_err());
}

/// Found by `index_loader`: a segment whose (empty) day array lies outside its payload, or at an
/// offset that is not aligned, passed `open` (empty arrays went unchecked) and panicked where the
/// days were sliced (`insert_batch`, `compact`; `open` itself with a window).
#[test]
fn empty_day_array_outside_the_payload_is_an_error() {
    // Past the end, unaligned, and at the largest offset.
    for offset in [1 << 20, 3, u64::MAX] {
        let mut files = pristine();
        let (name, bytes) = file(&mut files, "segment");
        let name = name.clone();
        *bytes = reseal_segment(bytes, |toc, _| toc.days = Span { offset, len: 0 });
        assert_refused(&files, &[&name, "day array lies outside the file"]);
    }
}

/// Found in review next to the above: an index without a window whose segment has a day per
/// document opened, and `compact` then concatenated days of unequal count into a merged segment
/// that could not be read back, after committing it.
#[test]
fn days_in_an_index_without_a_window_are_an_error() {
    let mut files = pristine();
    let (name, bytes) = file(&mut files, "segment");
    let name = name.clone();
    *bytes = reseal_segment(bytes, |toc, _| toc.days = Span { offset: toc.signatures.offset, len: toc.documents * 4 });
    assert_refused(&files, &[&name, "no window but the segment has days"]);
}

/// The manifest of `files`, changed by `edit`, with valid checksums.
fn reseal_manifest(files: &mut [(String, Vec<u8>)], edit: impl FnOnce(&mut Manifest)) {
    let (_, bytes) = file(files, "MANIFEST");
    let (header, payload) = format::parse(bytes, FileKind::Manifest).unwrap();
    let mut manifest: Manifest = format::decode_meta(payload, "manifest").unwrap();
    edit(&mut manifest);
    let payload = format::encode_meta(&manifest).unwrap();
    *bytes = format::encode(FileKind::Manifest, &header.fingerprint, &header.meta, &payload).unwrap();
}

/// Found in review: a manifest entry with more documents than any segment can hold overflowed
/// while the error that refuses it was being written (a panic in debug builds).
#[test]
fn manifest_entry_with_impossible_document_count_is_an_error() {
    let mut files = pristine();
    let mut name = String::new();
    reseal_manifest(&mut files, |m| {
        m.segments[1].documents = u64::MAX;
        name = m.segments[1].file.clone();
    });
    assert_refused(&files, &[&name, "the manifest says"]);
}

/// Found in review: a manifest at the last generation overflowed when a writer numbered the
/// next one (a panic in debug builds, a wrapped file name in release builds). Readers still read
/// it; writers refuse to change it.
#[test]
fn manifest_at_the_last_generation_is_read_but_not_changed() {
    let mut files = pristine();
    reseal_manifest(&mut files, |m| m.generation = u64::MAX);
    let tmp = scratch();
    write_all(tmp.path(), &files);
    assert_eq!(read_all(tmp.path()), Ok(false));
    let mut index = Index::open_writable(tmp.path()).unwrap();
    let e = index.insert_batch(&[("new", "a short note about gardening in spring")][..]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Corrupt, "{e}");
    assert!(e.to_string().contains("generation"), "{e}");
    let e = index.compact().unwrap_err();
    assert!(e.to_string().contains("generation"), "{e}");
    assert_eq!(read_all(tmp.path()), Ok(false), "unchanged");
}
