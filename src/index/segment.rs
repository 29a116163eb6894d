//! Immutable segments: a batch of documents' signatures, band tables, ids and the verified edges
//! the batch added, as raw little-endian arrays that are mapped and read in place.
//!
//! [`Segment::open`] checks the header (magic, version, kind, parameters, header checksum) and
//! that every array of the table of contents lies inside the payload, aligned and of the size its
//! counts imply, without reading the arrays: opening is as fast for a million documents as for
//! ten. The payload checksum is checked by [`Segment::check`]. Values read from the arrays
//! (document ids in band tables and edges, id offsets) are checked where they are used, so a
//! corrupt file gives an error, never a panic.

use std::path::Path;

use crate::DocId;
use crate::corpus::source::{Bytes, Hint};
use crate::error::{Error, ErrorKind, Result};
use crate::format::index::{Pin, SegmentEntry, SegmentToc, Span};
use crate::format::{self, FileKind, Fingerprint, Header};
use crate::graph::Edge;
use crate::minhash::SignatureMatrix;

use super::store;

/// A mapped, validated segment file.
#[derive(Debug)]
pub(crate) struct Segment {
    name: String,
    bytes: Bytes,
    header: Header,
    toc: SegmentToc,
    /// Offset of the payload in the file.
    start: usize,
}

fn corrupt(name: &str, msg: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Corrupt, format!("segment {name}: {msg}"))
}

impl Segment {
    /// Maps `dir/entry.file` and validates it against the manifest's entry (its pin when
    /// `pinned`, its documents) and the fingerprint its signatures must have been made with.
    pub(crate) fn open(
        dir: &Path,
        entry: &SegmentEntry,
        fingerprint: &Fingerprint,
        bands: usize,
        pinned: bool,
    ) -> Result<Segment> {
        let path = store::path(dir, &entry.file);
        let bytes = store::map(&path)?;
        let fail = |e: Error| e.with_path(&path);
        let (header, payload) = format::parse_header(bytes.as_slice(), FileKind::Segment).map_err(fail)?;
        if pinned {
            store::check_pin(&path, &header, &entry.pin)?;
        }
        header.fingerprint.ensure_same(fingerprint).map_err(fail)?;
        let toc: SegmentToc = format::decode_meta(&header.meta, "segment table of contents").map_err(fail)?;
        let start = bytes.as_slice().len() - payload.len();
        let name = entry.file.clone();
        validate(&name, &toc, payload.len() as u64, fingerprint.num_perm as usize, bands).map_err(fail)?;
        if toc.first_doc != entry.first_doc || toc.documents != entry.documents {
            return Err(fail(corrupt(
                &name,
                format!(
                    "holds {} documents from document {}, the manifest says {} from {}",
                    toc.documents, toc.first_doc, entry.documents, entry.first_doc
                ),
            )));
        }
        Ok(Segment { name, bytes, header, toc, start })
    }

    /// Reads the whole file into memory at once (before a pass over all of it).
    pub(crate) fn prefetch(&self) {
        self.bytes.hint(Hint::Prefetch, 0, self.bytes.as_slice().len());
    }

    /// Reads the edge array at once (before a pass over the edges).
    pub(crate) fn prefetch_edges(&self) {
        let span = self.toc.edges_span;
        let at = self.start + span.offset as usize;
        self.bytes.hint(Hint::Prefetch, at, at + span.len as usize);
    }

    /// What its header says of its payload (see [`Pin`]).
    pub(crate) fn pin(&self) -> Pin {
        store::pin_of(&self.header)
    }

    /// Checks the payload's checksum (reads the whole file).
    pub(crate) fn check(&self) -> Result<()> {
        self.prefetch();
        format::check_payload(&self.header, self.payload()).map_err(|e| corrupt(&self.name, e.message()))
    }

    fn payload(&self) -> &[u8] {
        &self.bytes.as_slice()[self.start..]
    }

    fn array<T: bytemuck::Pod>(&self, span: Span) -> &[T] {
        // Spans were checked by `validate`: inside the payload, 8-aligned, a whole number of `T`.
        bytemuck::cast_slice(&self.payload()[span.offset as usize..(span.offset + span.len) as usize])
    }

    /// The file name.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The id of the first document.
    pub(crate) fn first_doc(&self) -> usize {
        self.toc.first_doc as usize
    }

    /// The number of documents.
    pub(crate) fn len(&self) -> usize {
        self.toc.documents as usize
    }

    /// The number of verified edges it added.
    pub(crate) fn num_edges(&self) -> usize {
        self.toc.edges as usize
    }

    /// The file's size in bytes.
    pub(crate) fn file_bytes(&self) -> u64 {
        self.bytes.as_slice().len() as u64
    }

    /// The signature of local document `i`.
    pub(crate) fn row(&self, i: usize) -> &[u32] {
        let k = self.toc.num_perm as usize;
        &self.array::<u32>(self.toc.signatures)[i * k..(i + 1) * k]
    }

    /// Set sizes, one per local document.
    pub(crate) fn set_sizes(&self) -> &[u32] {
        self.array(self.toc.set_sizes)
    }

    /// Text lengths, one per local document.
    pub(crate) fn lengths(&self) -> &[u64] {
        self.array(self.toc.lengths)
    }

    /// Days, one per local document (empty without a window).
    pub(crate) fn days(&self) -> &[i32] {
        self.array(self.toc.days)
    }

    /// The id of local document `i`.
    pub(crate) fn id(&self, i: usize) -> Result<&str> {
        let offsets: &[u64] = self.array(self.toc.id_offsets);
        let bytes: &[u8] = self.array(self.toc.id_bytes);
        let (a, b) = (offsets[i], offsets[i + 1]);
        let raw = usize::try_from(a)
            .ok()
            .zip(usize::try_from(b).ok())
            .and_then(|(a, b)| bytes.get(a..b))
            .ok_or_else(|| corrupt(&self.name, format!("id offsets of document {i} are out of range")))?;
        std::str::from_utf8(raw).map_err(|_| corrupt(&self.name, format!("id of document {i} is not UTF-8")))
    }

    /// The documents (global ids, ascending) whose band `band` has key `key`.
    pub(crate) fn bucket(&self, band: usize, key: u64) -> &[u32] {
        let m = self.toc.band_len as usize;
        let keys: &[u64] = &self.array::<u64>(self.toc.band_keys)[band * m..(band + 1) * m];
        let docs: &[u32] = &self.array::<u32>(self.toc.band_docs)[band * m..(band + 1) * m];
        // Two binary searches: a bucket of a million members costs what a small one does.
        let lo = keys.partition_point(|&k| k < key);
        let hi = lo + keys[lo..].partition_point(|&k| k == key);
        &docs[lo..hi]
    }

    /// One band's `(key, document)` entries, sorted.
    pub(crate) fn band(&self, band: usize) -> impl Iterator<Item = (u64, u32)> + '_ {
        let m = self.toc.band_len as usize;
        let keys: &[u64] = &self.array::<u64>(self.toc.band_keys)[band * m..(band + 1) * m];
        let docs: &[u32] = &self.array::<u32>(self.toc.band_docs)[band * m..(band + 1) * m];
        keys.iter().copied().zip(docs.iter().copied())
    }

    /// The verified edges it added, checked to lie below `limit` documents.
    pub(crate) fn edges(&self, limit: usize) -> Result<impl Iterator<Item = Edge> + '_> {
        let raw: &[u32] = self.array(self.toc.edges_span);
        if let Some(bad) = raw.chunks_exact(2).find(|p| p[0] >= p[1] || p[1] as usize >= limit) {
            return Err(corrupt(
                &self.name,
                format!("edge ({}, {}) is not an edge of {limit} documents", bad[0], bad[1]),
            ));
        }
        Ok(raw.chunks_exact(2).map(|p| Edge { a: DocId(p[0]), b: DocId(p[1]) }))
    }
}

/// Checks that every span of `toc` lies in a payload of `len` bytes, starts at a multiple of 8
/// and has the size its counts give.
fn validate(name: &str, toc: &SegmentToc, len: u64, num_perm: usize, bands: usize) -> Result<()> {
    if toc.num_perm as usize != num_perm || toc.bands as usize != bands {
        return Err(corrupt(name, "table of contents disagrees with the index's parameters"));
    }
    if toc.band_len > toc.documents || toc.first_doc.saturating_add(toc.documents) > u64::from(u32::MAX) {
        return Err(corrupt(name, "impossible document counts"));
    }
    let n = toc.documents;
    let expect = |span: Span, what: &str, size: Option<u64>| -> Result<()> {
        let end = span.offset.checked_add(span.len);
        if !span.offset.is_multiple_of(8) || end.is_none_or(|e| e > len) {
            return Err(corrupt(name, format!("{what} array lies outside the file")));
        }
        if size.is_some_and(|s| s != span.len) {
            return Err(corrupt(name, format!("{what} array has the wrong size")));
        }
        Ok(())
    };
    let times = |a: u64, b: u64| a.checked_mul(b).ok_or_else(|| corrupt(name, "impossible sizes"));
    expect(toc.signatures, "signature", Some(times(times(n, u64::from(toc.num_perm))?, 4)?))?;
    expect(toc.set_sizes, "set size", Some(times(n, 4)?))?;
    expect(toc.lengths, "length", Some(times(n, 8)?))?;
    // Days are stored with a window only: none, or one per document (an empty span still lies
    // inside the payload, aligned, since it is sliced).
    expect(toc.days, "day", Some(if toc.days.len == 0 { 0 } else { times(n, 4)? }))?;
    expect(toc.id_offsets, "id offset", Some(times(n + 1, 8)?))?;
    expect(toc.id_bytes, "id", None)?;
    let entries = times(toc.band_len, u64::from(toc.bands))?;
    expect(toc.band_keys, "band key", Some(times(entries, 8)?))?;
    expect(toc.band_docs, "band document", Some(times(entries, 4)?))?;
    expect(toc.edges_span, "edge", Some(times(toc.edges, 8)?))?;
    Ok(())
}

/// A segment being built, in memory.
#[derive(Debug, Default)]
pub(crate) struct SegmentData {
    pub(crate) first_doc: u64,
    pub(crate) signatures: SignatureMatrix,
    pub(crate) lengths: Vec<u64>,
    pub(crate) days: Vec<i32>,
    pub(crate) ids: Vec<String>,
    /// Per band, the `(key, document)` entries of the documents with shingles, sorted.
    pub(crate) bands: Vec<Vec<(u64, u32)>>,
    pub(crate) edges: Vec<Edge>,
}

/// A payload being streamed out: arrays at 8-byte boundaries, passed on in chunks of at most
/// 1 MiB, so that a segment is written without holding a copy of it.
struct Stream<'a> {
    out: &'a mut dyn FnMut(&[u8]) -> std::io::Result<()>,
    buf: Vec<u8>,
    offset: u64,
}

impl Stream<'_> {
    const CHUNK: usize = 1 << 20;

    fn align(&mut self) -> std::io::Result<()> {
        let pad = (self.offset.next_multiple_of(8) - self.offset) as usize;
        self.bytes(&[0u8; 8][..pad])
    }

    fn bytes(&mut self, b: &[u8]) -> std::io::Result<()> {
        self.offset += b.len() as u64;
        if self.buf.len() + b.len() > Self::CHUNK {
            self.flush()?;
        }
        if b.len() >= Self::CHUNK {
            return (self.out)(b);
        }
        self.buf.extend_from_slice(b);
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            (self.out)(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    fn push<T: bytemuck::Pod>(&mut self, data: &[T]) -> std::io::Result<Span> {
        self.align()?;
        let offset = self.offset;
        for chunk in bytemuck::cast_slice::<T, u8>(data).chunks(Self::CHUNK) {
            self.bytes(chunk)?;
        }
        Ok(Span { offset, len: self.offset - offset })
    }

    fn push_iter<T: bytemuck::Pod>(&mut self, data: impl Iterator<Item = T>) -> std::io::Result<Span> {
        self.align()?;
        let offset = self.offset;
        for v in data {
            self.bytes(bytemuck::bytes_of(&v))?;
        }
        Ok(Span { offset, len: self.offset - offset })
    }
}

impl SegmentData {
    /// Streams the payload to `out` and returns its table of contents (the same bytes and
    /// spans on every call).
    fn emit(&self, out: &mut dyn FnMut(&[u8]) -> std::io::Result<()>) -> std::io::Result<SegmentToc> {
        let n = self.signatures.len();
        let mut p = Stream { out, buf: Vec::with_capacity(Stream::CHUNK), offset: 0 };
        let mut toc = SegmentToc {
            first_doc: self.first_doc,
            documents: n as u64,
            num_perm: self.signatures.num_perm() as u32,
            bands: self.bands.len() as u32,
            band_len: self.bands.first().map_or(0, Vec::len) as u64,
            edges: self.edges.len() as u64,
            ..SegmentToc::default()
        };
        toc.signatures = p.push(self.signatures.values())?;
        toc.set_sizes = p.push(self.signatures.set_sizes())?;
        toc.lengths = p.push(&self.lengths)?;
        toc.days = p.push(&self.days)?;
        let mut at = 0u64;
        toc.id_offsets = p.push_iter(std::iter::once(0u64).chain(self.ids.iter().map(|id| {
            at += id.len() as u64;
            at
        })))?;
        toc.id_bytes = p.push_iter(self.ids.iter().flat_map(|id| id.bytes()))?;
        toc.band_keys = p.push_iter(self.bands.iter().flatten().map(|&(k, _)| k))?;
        toc.band_docs = p.push_iter(self.bands.iter().flatten().map(|&(_, d)| d))?;
        toc.edges_span = p.push_iter(self.edges.iter().flat_map(|e| [e.a.0, e.b.0]))?;
        p.flush()?;
        Ok(toc)
    }

    /// Writes the segment as `dir/name` (one pass to checksum the payload, one to write it);
    /// returns its manifest entry.
    pub(crate) fn write(&self, dir: &Path, name: &str, fingerprint: &Fingerprint) -> Result<SegmentEntry> {
        let n = self.signatures.len();
        let band_len = self.bands.first().map_or(0, Vec::len);
        if self.bands.iter().any(|b| b.len() != band_len) {
            // Every band holds the documents with shingles, so this is a bug, not bad data:
            // refuse to write a segment that would read back as corrupt.
            return Err(corrupt(name, "bands of unequal length (not written)"));
        }
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        let mut len = 0u64;
        let toc = self
            .emit(&mut |b| {
                hasher.update(b);
                len += b.len() as u64;
                Ok(())
            })
            .map_err(|e| Error::io(&dir.join(name), "cannot lay out segment", e))?;
        let meta = format::encode_meta(&toc)?;
        let pin = Pin { payload_len: len, payload_checksum: hasher.digest() };
        let head = format::encode_header(FileKind::Segment, fingerprint, &meta, pin.payload_len, pin.payload_checksum)?;
        let bytes = store::write_durable_with(dir, name, &mut |w| {
            w.write_all(&head)?;
            self.emit(&mut |b| w.write_all(b)).map(drop)
        })?;
        Ok(SegmentEntry { file: name.to_string(), first_doc: self.first_doc, documents: n as u64, bytes, pin })
    }

    /// The contents of consecutive segments `parts`, as one segment.
    pub(crate) fn merge(parts: &[&Segment], num_perm: usize, bands: usize, limit: usize) -> Result<SegmentData> {
        let first_doc = parts.first().map_or(0, |s| s.first_doc() as u64);
        let mut out = SegmentData {
            first_doc,
            signatures: SignatureMatrix::new(num_perm),
            bands: vec![Vec::new(); bands],
            ..SegmentData::default()
        };
        for s in parts {
            s.prefetch();
            for i in 0..s.len() {
                out.signatures.push_empty(s.set_sizes()[i]).copy_from_slice(s.row(i));
                out.ids.push(s.id(i)?.to_string());
            }
            out.lengths.extend_from_slice(s.lengths());
            out.days.extend_from_slice(s.days());
            out.edges.extend(s.edges(limit)?);
        }
        #[cfg(feature = "parallel")]
        use rayon::prelude::*;
        #[cfg(feature = "parallel")]
        let iter = out.bands.par_iter_mut();
        #[cfg(not(feature = "parallel"))]
        let iter = out.bands.iter_mut();
        iter.enumerate().for_each(|(b, table)| {
            table.extend(parts.iter().flat_map(|s| s.band(b)));
            table.sort_unstable();
        });
        Ok(out)
    }
}
