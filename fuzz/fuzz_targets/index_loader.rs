//! Fuzzes the persistent index against corrupt files: a small valid index (three segments, a
//! boilerplate filter, a cluster file) is built once; each input is a list of edits to its files,
//! either to the raw bytes or, re-sealed with valid checksums, to a file's header, metadata (a
//! segment's table of contents) or payload (the mapped arrays). The edited copy is written to a
//! fresh directory and `Index::open`, `stats`, `clusters`, `query`, `check`, `document_id`,
//! `cluster_of`, `open_writable`, `insert_batch` and `compact` run on it: each gives `Ok` or a
//! `Corrupt` or `Io` error with a message (`Incompatible` for a header re-sealed with another
//! format version, `NotFound` once the `MANIFEST` is deleted), never a panic. A change to the raw
//! bytes alone is always detected, by `open` or by `check`. Writers never seal damage: when
//! `check` finds some, `compact` (which copies every segment) fails too.

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use neardupe::format::{self, FileKind, MAGIC};
use neardupe::index::Index;
use neardupe::{DocId, Error, ErrorKind};

#[path = "../../tests/common/pristine.rs"]
mod pristine;

use pristine::scratch;

/// The files of the pristine index (name, bytes), `LOCK` left out, sorted by name: 40 short news
/// items (12 stories, most with copies under another outlet's name, all with a footer) in three
/// segments, a boilerplate filter and a cluster file.
fn pristine() -> &'static [(String, Vec<u8>)] {
    static FILES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(|| pristine::FUZZ.build())
}

/// Which part of a file an edit changes.
#[derive(Clone, Copy, PartialEq)]
enum Region {
    /// The raw bytes (checksums left stale).
    Raw,
    /// The bincode header (its length and checksum fixed afterwards).
    Head,
    /// The header's metadata (a segment's table of contents, the cluster file's summary).
    Meta,
    /// The payload (the header's length and checksum fixed afterwards).
    Payload,
}

/// Reads the input as a sequence of values.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }

    fn take(&mut self, n: usize) -> &[u8] {
        let (a, b) = self.0.split_at(n.min(self.0.len()));
        self.0 = b;
        a
    }

    /// An offset into `len + 1` positions.
    fn offset(&mut self, len: usize) -> usize {
        let b = self.take(2);
        let v = b.iter().rev().fold(0usize, |v, &x| v << 8 | x as usize);
        v % (len + 1)
    }
}

fn kind_of(name: &str) -> FileKind {
    match name.split('-').next() {
        Some("segment") => FileKind::Segment,
        Some("clusters") => FileKind::Clusters,
        Some("filter") => FileKind::Filter,
        _ => FileKind::Manifest,
    }
}

/// Applies one edit operation, read from `input`, to `bytes`. Returns false to delete the file.
fn edit(bytes: &mut Vec<u8>, op: u8, input: &mut Input<'_>) -> bool {
    match op % 8 {
        0 => {
            let at = input.offset(bytes.len());
            let n = input.byte().unwrap_or(1) as usize % 16 + 1;
            let new = input.take(n);
            let end = (at + new.len()).min(bytes.len());
            bytes[at..end].copy_from_slice(&new[..end - at]);
        }
        1 => {
            let at = input.offset(bytes.len());
            bytes.truncate(at);
        }
        2 => {
            let at = input.offset(bytes.len());
            let x = input.byte().unwrap_or(1).max(1);
            if let Some(b) = bytes.get_mut(at) {
                *b ^= x;
            }
        }
        3 => {
            let at = input.offset(bytes.len());
            let n = input.byte().unwrap_or(1) as usize % 16 + 1;
            let new = input.take(n).to_vec();
            bytes.splice(at..at, new);
        }
        4 => {
            // A little-endian u32 or u64 (sizes, offsets, document ids).
            let at = input.offset(bytes.len());
            let wide = input.byte().unwrap_or(0) & 1 == 1;
            let v = input.take(if wide { 8 } else { 4 }).to_vec();
            let end = (at + v.len()).min(bytes.len());
            bytes[at..end].copy_from_slice(&v[..end - at]);
        }
        5 => {
            let rest = input.take(usize::MAX).to_vec();
            *bytes = rest;
        }
        6 => {
            let at = input.offset(bytes.len());
            let n = input.byte().unwrap_or(1) as usize + 1;
            bytes.drain(at..(at + n).min(bytes.len()));
        }
        _ => return false,
    }
    true
}

/// Applies an edit to `region` of a file of `kind`, re-sealing the header and payload checksums
/// for the structured regions. A file whose header no longer parses is edited raw.
fn edit_file(bytes: &mut Vec<u8>, kind: FileKind, region: Region, op: u8, input: &mut Input<'_>) -> bool {
    let parsed = match region {
        Region::Raw => None,
        _ => format::parse_header(bytes, kind).ok().map(|(h, p)| (h, p.to_vec())),
    };
    let Some((header, mut payload)) = parsed else { return edit(bytes, op, input) };
    let fp = &header.fingerprint;
    match region {
        Region::Head => {
            let len = u32::from_le_bytes(bytes[8..12].try_into().unwrap()) as usize;
            let mut head = bytes[12..12 + len].to_vec();
            let keep = edit(&mut head, op, input);
            let mut out = MAGIC.to_vec();
            out.extend_from_slice(&(head.len() as u32).to_le_bytes());
            out.extend_from_slice(&head);
            out.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&head).to_le_bytes());
            out.resize(out.len().next_multiple_of(8), 0);
            out.extend_from_slice(&payload);
            *bytes = out;
            keep
        }
        Region::Meta => {
            let mut meta = header.meta.clone();
            let keep = edit(&mut meta, op, input);
            let sum = xxhash_rust::xxh3::xxh3_64(&payload);
            let mut out = format::encode_header(kind, fp, &meta, payload.len() as u64, sum).unwrap();
            out.extend_from_slice(&payload);
            *bytes = out;
            keep
        }
        _ => {
            let keep = edit(&mut payload, op, input);
            *bytes = format::encode(kind, fp, &header.meta, &payload).unwrap();
            keep
        }
    }
}

/// An error from a corrupt index: `Corrupt` or `Io` (`Incompatible`: another format version;
/// `NotFound`: no `MANIFEST`), with a message.
fn clean(e: &Error, what: &str) {
    assert!(!e.to_string().is_empty(), "{what}: empty error message");
    let kinds = [ErrorKind::Corrupt, ErrorKind::Io, ErrorKind::Incompatible, ErrorKind::NotFound];
    assert!(kinds.contains(&e.kind()), "{what}: {:?} error: {e}", e.kind());
}

fn ok_or_clean<T>(r: neardupe::Result<T>, what: &str) -> Option<T> {
    r.map_err(|e| clean(&e, what)).ok()
}

const QUERIES: [&str; 2] = [
    "the central bank raised interest rates by a quarter point citing persistent inflation",
    "Reuters — Follow Reuters for the latest news, sign up to our daily newsletter.",
];

fn exercise(dir: &Path, must_detect: bool) {
    let mut damaged = false;
    if let Some(index) = ok_or_clean(Index::open(dir), "open") {
        let stats = index.stats();
        let n = stats.documents as usize;
        assert_eq!(n, index.len());
        for a in index.clusters() {
            ok_or_clean(a, "clusters");
        }
        let queries: Vec<&str> = QUERIES.iter().copied().chain(pristine_text()).collect();
        let answers: Vec<_> = queries.iter().map(|q| index.query(q, 5)).collect();
        for a in &answers {
            if let Err(e) = a {
                clean(e, "query");
            }
        }
        // The parallel queries: the same answers, or an error if any query fails.
        match (index.par_query(&queries, 5), answers.into_iter().collect::<neardupe::Result<Vec<_>>>()) {
            (Ok(par), Ok(seq)) => assert_eq!(par, seq, "par_query and query disagree"),
            (Err(e), Err(_)) => clean(&e, "par_query"),
            (par, seq) => panic!("par_query: {:?}, query: {:?}", par.map(drop), seq.map(drop)),
        }
        for d in [0, 1, n / 2, n.saturating_sub(1), n, n + 1, u32::MAX as usize] {
            let doc = DocId(d as u32);
            // Beyond the last document: a `NotFound` error.
            for r in [index.document_id(doc).map(drop), index.cluster_of(doc).map(drop)] {
                match r {
                    Err(e) if d >= n => assert_eq!(e.kind(), ErrorKind::NotFound, "document {d} of {n}: {e}"),
                    Err(e) => clean(&e, "document"),
                    Ok(()) => assert!(d < n, "document {d} of {n} found"),
                }
            }
        }
        let check = index.check();
        if let Err(e) = &check {
            clean(e, "check");
            damaged = true;
        }
        assert!(!(must_detect && check.is_ok()), "changed bytes went undetected by open and check");
    }
    if let Some(mut index) = ok_or_clean(Index::open_writable(dir), "open_writable") {
        let docs = [("new-1", QUERIES[0]), ("new-2", QUERIES[1])];
        ok_or_clean(index.insert_batch(&docs[..]), "insert_batch");
        let compacted = ok_or_clean(index.compact(), "compact");
        assert!(!(damaged && compacted.is_some()), "compact re-sealed damage that check reported");
    }
}

/// The text of a stored document, so that queries reach band tables.
fn pristine_text() -> Option<&'static str> {
    static TEXT: OnceLock<String> = OnceLock::new();
    Some(TEXT.get_or_init(|| pristine::FUZZ.documents()[20].1.clone()))
}

fuzz_target!(|data: &[u8]| {
    let originals = pristine();
    let mut files: Vec<Option<Vec<u8>>> = originals.iter().map(|(_, b)| Some(b.clone())).collect();
    let mut input = Input(data);
    let mut raw_only = true;
    for _ in 0..16 {
        let (Some(target), Some(op)) = (input.byte(), input.byte()) else { break };
        let f = target as usize % files.len();
        let region = [Region::Raw, Region::Head, Region::Meta, Region::Payload][(target as usize >> 4) & 3];
        let Some(bytes) = files[f].as_mut() else { continue };
        raw_only &= region == Region::Raw;
        if !edit_file(bytes, kind_of(&originals[f].0), region, op, &mut input) {
            files[f] = None;
        }
    }
    let changed = files.iter().zip(originals).any(|(now, (_, was))| now.as_ref() != Some(was));
    let tmp = scratch();
    let dir: PathBuf = tmp.path().to_path_buf();
    for (bytes, (name, _)) in files.iter().zip(originals) {
        if let Some(bytes) = bytes {
            std::fs::write(dir.join(name), bytes).unwrap();
        }
    }
    exercise(&dir, raw_only && changed);
});
