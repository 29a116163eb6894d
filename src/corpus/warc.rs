//! WARC files (web archives, ISO 28500: `WARC/1.0` and `WARC/1.1`): a sequence of records, each
//! a block of header fields, a blank line, a content block of `Content-Length` bytes, and two
//! line ends.
//!
//! The documents of a WARC file are its text records: `conversion` records (the plain text that
//! CommonCrawl's WET files hold, one per page) and `resource` records whose `Content-Type` is
//! `text/plain`. Other records (`warcinfo`, `request`, `response`, `metadata`, `revisit`) are
//! passed over: a `response` record holds an HTTP response (headers and HTML), not text. A
//! document's text is the content block, its id the `WARC-Record-ID` (or the `WARC-Target-URI`,
//! see [`WarcId`]), its date the `WARC-Date`.
//!
//! ```
//! use neardupe::corpus::WarcId;
//! use neardupe::{Corpus, CorpusConfig};
//!
//! let record = |kind: &str, id: &str, uri: &str, body: &str| {
//!     format!(
//!         "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-03-01T10:00:00Z\r\n\
//!          WARC-Record-ID: <urn:uuid:{id}>\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}\r\n\r\n",
//!         body.len()
//!     )
//! };
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("crawl.warc.wet");
//! let wet = [
//!     record("warcinfo", "0", "", "software: a crawler\r\n"),
//!     record("conversion", "1", "https://example.com/a", "Rates were left unchanged on Thursday."),
//!     record("conversion", "2", "https://example.org/b", "Kim's train left Pyongyang."),
//! ];
//! std::fs::write(&path, wet.concat())?;
//!
//! let corpus = Corpus::open(&[&path], CorpusConfig::default())?;
//! assert_eq!(corpus.len(), 2); // the warcinfo record is no document
//! let doc = corpus.document(1)?;
//! assert_eq!((doc.id.as_ref(), doc.text.as_ref()), ("<urn:uuid:2>", "Kim's train left Pyongyang."));
//! assert_eq!(doc.day, neardupe::date::parse_day("2024-03-01", None));
//!
//! let by_uri = CorpusConfig::builder().warc_id(WarcId::TargetUri).build()?;
//! let corpus = Corpus::open(&[&path], by_uri)?;
//! assert_eq!(corpus.document(0)?.id, "https://example.com/a");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The reader is strict about what it needs and lenient about the rest: a record must start with
//! a `WARC/1.0` or `WARC/1.1` line, have a `Content-Length` and end within the file; line ends
//! may be `\r\n` or `\n`, and any number of line ends may stand between records. A record that
//! breaks these rules is an error naming the file and the byte offset where the record starts;
//! with `skip_invalid` it is left out, and reading goes on at the next line that starts a record
//! (`WARC/1.0` or `WARC/1.1` after a blank line). A document record without a `WARC-Date`, or
//! without the header its id comes from, is invalid when it is read.

use std::borrow::Cow;

use memchr::memmem;

use crate::error::{Error, ErrorKind, Result};

/// Which header of a WARC record is a document's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum WarcId {
    /// `WARC-Record-ID` (the default): unique to the record, such as
    /// `<urn:uuid:2a1f8b4e-...>`, kept as it is written (angle brackets included).
    #[default]
    RecordId,
    /// `WARC-Target-URI`: the page's address. A crawl may hold one address twice (see
    /// [`DuplicateIds`](crate::DuplicateIds)).
    TargetUri,
}

crate::names::option_names! {
    WarcId, "WARC id header" {
        RecordId => "record-id",
        TargetUri => "target-uri",
    }
    aliases { "uri" => TargetUri, "url" => TargetUri }
}

impl WarcId {
    /// The name of the header.
    pub fn header(self) -> &'static str {
        match self {
            WarcId::RecordId => "WARC-Record-ID",
            WarcId::TargetUri => "WARC-Target-URI",
        }
    }
}

/// Whether `data` starts like a WARC file (a `WARC/1.0` or `WARC/1.1` version line).
pub(crate) fn is_warc(data: &[u8]) -> bool {
    version_line(data).is_some()
}

/// The length of the version line at the start of `data` with its line end, for the versions
/// read.
fn version_line(data: &[u8]) -> Option<usize> {
    for v in [&b"WARC/1.0"[..], b"WARC/1.1"] {
        if let Some(rest) = data.strip_prefix(v) {
            if rest.starts_with(b"\r\n") {
                return Some(v.len() + 2);
            } else if rest.starts_with(b"\n") {
                return Some(v.len() + 1);
            }
        }
    }
    None
}

/// The longest header block read: a record whose header does not end within it is malformed
/// (a file that is not WARC at all is not scanned to its end for a blank line).
const MAX_HEADER_BYTES: usize = 1 << 20;

/// One record found in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Record {
    /// The offset of the record's first byte (its version line).
    pub(crate) start: usize,
    /// One past the content block's last byte.
    pub(crate) end: usize,
    /// Whether the record is a document (a text record).
    pub(crate) document: bool,
}

/// The record that starts at or after `at` (line ends before it are skipped), `None` at the end
/// of the file. A malformed record is an error of kind `Malformed` at the offset where the record
/// starts, without a path (the caller's); [`resume_after`] tells where reading may go on.
pub(crate) fn next_record(data: &[u8], at: usize) -> Result<Option<Record>> {
    let Some(skip) = data.get(at..).unwrap_or_default().iter().position(|&b| b != b'\r' && b != b'\n') else {
        return Ok(None);
    };
    let start = at + skip;
    let fail = |message: String| Error::new(ErrorKind::Malformed, message).with_offset(start as u64);
    let rec = &data[start..];
    if version_line(rec).is_none() {
        let line = String::from_utf8_lossy(&rec[..rec.len().min(20)]).into_owned();
        let line = line.split(['\r', '\n']).next().unwrap_or_default().to_string();
        return Err(fail(format!("not a WARC record: expected a `WARC/1.0` or `WARC/1.1` line, found {line:?}")));
    }
    let Some((header, body)) = split_header(rec) else {
        return Err(fail("WARC header does not end (no blank line after it)".to_string()));
    };
    let header = Header { block: header };
    let len = match header.field("Content-Length") {
        None => return Err(fail("WARC record has no Content-Length".to_string())),
        Some(v) => match v.trim().parse::<u64>() {
            Ok(n) => n,
            Err(_) => return Err(fail(format!("WARC record has an invalid Content-Length: {v:?}"))),
        },
    };
    let body_start = start + body;
    let available = (data.len() - body_start) as u64;
    if len > available {
        return Err(fail(format!(
            "WARC record is truncated: its Content-Length is {len} bytes, the file ends {available} bytes after its header"
        )));
    }
    let end = body_start + len as usize;
    // Two line ends close a record; the next record (or the end of the file) follows them.
    let after = &data[end..];
    let gap = after.iter().position(|&b| b != b'\r' && b != b'\n').unwrap_or(after.len());
    if gap < after.len() && version_line(&after[gap..]).is_none() {
        return Err(fail(format!(
            "WARC record does not end where its Content-Length ({len} bytes) says: no record starts at byte {}",
            end + gap
        )));
    }
    Ok(Some(Record { start, end, document: header.is_document() }))
}

/// The length of the part of `data` (a decompressed stream cut short by damage) that holds
/// whole records: up to the end of the last record that ends within it (malformed records
/// before it passed over).
pub(crate) fn complete_prefix(data: &[u8]) -> usize {
    let (mut at, mut whole) = (0, 0);
    loop {
        match next_record(data, at) {
            Ok(Some(r)) => (at, whole) = (r.end, r.end),
            Ok(None) => return whole,
            Err(e) => match e.location().offset.and_then(|o| resume_after(data, o as usize)) {
                Some(next) => at = next,
                None => return whole,
            },
        }
    }
}

/// Where the first line after `start` that starts a record (`WARC/1.0` or `WARC/1.1`, after a
/// blank line) is, if any: where reading goes on after a malformed record.
pub(crate) fn resume_after(data: &[u8], start: usize) -> Option<usize> {
    let mut from = start + 1;
    while let Some(i) = data.get(from..).and_then(|rest| memmem::find(rest, b"\nWARC/1.")) {
        let line = from + i + 1;
        let blank_before = data[..line - 1].ends_with(b"\n") || data[..line - 1].ends_with(b"\n\r");
        if blank_before && version_line(&data[line..]).is_some() {
            return Some(line);
        }
        from = line;
    }
    None
}

/// The header block of the record at the start of `rec` (from its version line to the line
/// before the blank line) and the offset of its content block.
fn split_header(rec: &[u8]) -> Option<(&[u8], usize)> {
    let limit = rec.len().min(MAX_HEADER_BYTES);
    let mut line = 0;
    while line < limit {
        let nl = memchr::memchr(b'\n', &rec[line..limit])? + line;
        let content = &rec[line..nl];
        let content = content.strip_suffix(b"\r").unwrap_or(content);
        if content.is_empty() && line > 0 {
            return Some((&rec[..line], nl + 1));
        }
        line = nl + 1;
    }
    None
}

/// A record's header block: its version line and its fields, one a line (`Name: value`; a line
/// that starts with a space or a tab continues the field before it).
#[derive(Clone, Copy, Debug)]
struct Header<'a> {
    block: &'a [u8],
}

impl<'a> Header<'a> {
    /// The value of the field `name` (matched ignoring ASCII case), trimmed, continuation lines
    /// joined by a space; the first such field when there are several. Fields that are not
    /// UTF-8 are not found.
    fn field(&self, name: &str) -> Option<Cow<'a, str>> {
        let mut lines = self.block.split(|&b| b == b'\n').skip(1).peekable();
        while let Some(line) = lines.next() {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let Some(colon) = memchr::memchr(b':', line) else { continue };
            if !line[..colon].trim_ascii().eq_ignore_ascii_case(name.as_bytes()) {
                continue;
            }
            let first = std::str::from_utf8(line[colon + 1..].trim_ascii()).ok()?;
            let mut value = Cow::Borrowed(first);
            while let Some(next) = lines.next_if(|l| l.first().is_some_and(|&b| b == b' ' || b == b'\t')) {
                let next = next.strip_suffix(b"\r").unwrap_or(next);
                let more = std::str::from_utf8(next.trim_ascii()).ok()?;
                let v = value.to_mut();
                v.push(' ');
                v.push_str(more);
            }
            return Some(value);
        }
        None
    }

    /// Whether the record is a document: a `conversion` record, or a `resource` record of
    /// `text/plain`.
    fn is_document(&self) -> bool {
        let kind = self.field("WARC-Type");
        match kind.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("conversion") => true,
            Some("resource") => self.field("Content-Type").is_some_and(|t| {
                let media = t.split(';').next().unwrap_or_default().trim();
                media.eq_ignore_ascii_case("text/plain")
            }),
            _ => false,
        }
    }
}

/// The type of the record at the start of `rec` (for counts of the records passed over).
pub(crate) fn record_type(rec: &[u8]) -> Option<String> {
    let (block, _) = split_header(rec)?;
    Header { block }.field("WARC-Type").map(|t| t.to_ascii_lowercase())
}

/// A document record's fields, read from its bytes (a record that [`next_record`] found).
#[derive(Debug)]
pub(crate) struct Fields<'a> {
    pub(crate) id: Cow<'a, str>,
    pub(crate) text: &'a str,
    pub(crate) day: i32,
}

/// Reads the id (the header `id` names), the text and the date of the record `rec`. Errors carry
/// no location.
pub(crate) fn parse(rec: &str, id: WarcId) -> Result<Fields<'_>> {
    let bad = |msg: String| Error::new(ErrorKind::Malformed, msg);
    let (block, body) = split_header(rec.as_bytes()).ok_or_else(|| bad("WARC header does not end".into()))?;
    let header = Header { block };
    let len = header.field("Content-Length").and_then(|v| v.trim().parse::<usize>().ok());
    let text = match len {
        Some(len) if body.checked_add(len) == Some(rec.len()) => &rec[body..],
        _ => return Err(bad("WARC record's Content-Length does not match its content".into())),
    };
    let missing = |name: &str, hint: &'static str| {
        Error::new(ErrorKind::MissingField, format!("WARC record has no {name} header")).with_hint(hint)
    };
    let id = header.field(id.header()).ok_or_else(|| missing(id.header(), "see `warc_id`"))?;
    let date = header.field("WARC-Date").ok_or_else(|| missing("WARC-Date", "the WARC-Date header is mandatory"))?;
    let day = crate::date::parse_day(&date, None).ok_or_else(|| {
        Error::new(ErrorKind::MissingField, format!("WARC record's WARC-Date is not a date: {date:?}"))
    })?;
    Ok(Fields { id, text, day })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: &str, body: &str) -> String {
        format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Date: 2024-03-01T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:{kind}>\r\n\
             Content-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}\r\n\r\n",
            body.len()
        )
    }

    fn all(data: &[u8]) -> Vec<std::result::Result<Record, (usize, String)>> {
        let mut out = Vec::new();
        let mut at = 0;
        loop {
            match next_record(data, at) {
                Ok(None) => return out,
                Ok(Some(r)) => {
                    at = r.end;
                    out.push(Ok(r));
                }
                Err(e) => {
                    let start = e.location().offset.unwrap_or(u64::MAX) as usize;
                    out.push(Err((start, e.message().to_string())));
                    match resume_after(data, start) {
                        Some(r) => at = r,
                        None => return out,
                    }
                }
            }
        }
    }

    #[test]
    fn records_and_documents() {
        let data = [record("warcinfo", "a: b\r\n"), record("conversion", "text one"), record("response", "x")].concat();
        let got = all(data.as_bytes());
        assert_eq!(got.iter().map(|r| r.as_ref().unwrap().document).collect::<Vec<_>>(), [false, true, false]);
        let r = got[1].as_ref().unwrap();
        let f = parse(&data[r.start..r.end], WarcId::RecordId).unwrap();
        assert_eq!((f.id.as_ref(), f.text), ("<urn:uuid:conversion>", "text one"));
        assert_eq!(f.day, crate::date::parse_day("2024-03-01", None).unwrap());
        assert!(parse(&data[r.start..r.end], WarcId::TargetUri).unwrap_err().to_string().contains("WARC-Target-URI"));
    }

    #[test]
    fn line_ends_and_header_forms() {
        let lf = "WARC/1.1\nwarc-type:   Conversion \nX-Long: a\n  b\ncontent-length: 3\n\nabc\n\n\n";
        let got = all(lf.as_bytes());
        assert_eq!(got.len(), 1);
        let r = got[0].as_ref().unwrap();
        assert!(r.document);
        assert_eq!(&lf[r.start..r.end], &lf[..lf.len() - 3]);
        let h = Header { block: split_header(lf.as_bytes()).unwrap().0 };
        assert_eq!(h.field("x-long").as_deref(), Some("a b"));
        let resource =
            "WARC/1.0\r\nWARC-Type: resource\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 0\r\n\r\n";
        assert!(all(resource.as_bytes())[0].as_ref().unwrap().document);
        let html = resource.replace("text/plain", "text/html");
        assert!(!all(html.as_bytes())[0].as_ref().unwrap().document);
    }

    #[test]
    fn malformed_records_name_their_offset_and_reading_goes_on() {
        let good = record("conversion", "fine");
        let no_length = "WARC/1.0\r\nWARC-Type: conversion\r\n\r\nbody\r\n\r\n";
        let data = [good.as_str(), no_length, good.as_str()].concat();
        let got = all(data.as_bytes());
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[1], Err((good.len(), "WARC record has no Content-Length".to_string())));
        assert_eq!(got[2].as_ref().unwrap().start, good.len() + no_length.len());
        // A Content-Length that is too short leaves bytes that start no record.
        let short = good.replace("Content-Length: 4", "Content-Length: 2");
        let got = all(short.as_bytes());
        assert!(matches!(&got[0], Err((0, m)) if m.contains("does not end where")), "{got:?}");
        // Past the end of the file: truncated, and nothing after it.
        let cut = &good[..good.len() - 6];
        assert!(matches!(&all(cut.as_bytes())[0], Err((0, m)) if m.contains("truncated")));
        for garbage in ["hello", "WARC/0.18\r\n", "WARC/1.0\r\nContent-Length: x\r\n\r\n", "WARC/1.0\r\nA: b\r\n"] {
            let got = all(garbage.as_bytes());
            assert!(matches!(&got[..], [Err((0, _))]), "{garbage:?}: {got:?}");
        }
        assert!(all(b"\r\n\r\n").is_empty());
    }
}
