//! Corpus input: files in, borrowed documents out.
//!
//! A [`Corpus`] is opened from files and directories. Opening only finds the record boundaries;
//! a record is parsed into a [`Document`] (id, text and optional date) when
//! [`Corpus::document`] is called, so the pipeline parses each record once, in parallel, right
//! before shingling it. Document text borrows from the input wherever it can (a JSON string
//! without escapes, a text file).
//!
//! ```
//! use neardupe::{Corpus, CorpusConfig};
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("news.jsonl");
//! let lines = [
//!     r#"{"id": "bbc-1", "text": "Kim's train left Pyongyang on Tuesday."}"#,
//!     r#"{"text": "A record without an id, and an escape: caf\u00e9."}"#,
//!     "",
//!     r#"{"id": "ap-7", "text": "Rates were left unchanged.", "date": "2024-11-21"}"#,
//!     r#"{"id": "bad", "body": "a record without a text field"}"#,
//! ];
//! std::fs::write(&path, lines.join("\n"))?;
//!
//! let corpus = Corpus::open(&[&path], CorpusConfig::default())?;
//! assert_eq!(corpus.len(), 4); // blank lines are no records
//! let docs: Vec<_> = corpus.documents().take(3).collect::<Result<_, _>>()?;
//! let ids: Vec<&str> = docs.iter().map(|d| d.id.as_ref()).collect();
//! assert_eq!(ids, ["bbc-1", "line:2", "ap-7"]); // without an id field: the line
//! assert_eq!(docs[1].text, "A record without an id, and an escape: café.");
//! assert_eq!(docs[2].day, None); // dates are read only from a configured date field
//! // A bad record is an error when it is parsed, naming the file and the line.
//! let e = corpus.document(3).unwrap_err();
//! assert!(e.to_string().contains("news.jsonl:line 5"), "{e}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Each path given to [`Corpus::open`] is
//!
//! * a **JSONL** file (`.jsonl`, `.ndjson`, `.json`, or any file with [`InputFormat::Jsonl`]): one
//!   JSON object a line, blank lines skipped; the text is the field named by
//!   [`CorpusConfigBuilder::text_field`] (default `text`), the id the field named by
//!   [`CorpusConfigBuilder::id_field`] (default `id`; without it, `line:N` for line `N`, or
//!   `path:N` when several paths are opened or the file is inside a directory), the date, if
//!   asked for, the field named by [`CorpusConfigBuilder::date_field`] (which may be the id's
//!   or the text's field too). A name with a dot reaches into nested objects (see below);
//! * a **Parquet** file, or an **Arrow IPC** file or stream (feature `parquet`; found by their
//!   magic bytes or by `.parquet`, `.arrow`, `.arrows`, `.feather`, `.ipc`): the same three names
//!   name columns (dotted names reach into struct columns). The wanted columns are read a batch of
//!   rows at a time and each row is written as a JSONL line to an unnamed spill file, which is
//!   then read as a JSONL file (line `N` is row `N`), so memory stays bounded whatever the file's
//!   size; a missing column, a column of another type, a null text and an unreadable date are
//!   errors naming the file, the row and the column;
//! * a **WARC** file (`WARC/1.0` or `WARC/1.1` at its start, or `.warc`, `.wet`): one document per
//!   `conversion` record (CommonCrawl's WET files) and per `resource` record of `text/plain`; the
//!   text is the content block, the id the `WARC-Record-ID` (or the `WARC-Target-URI`: see
//!   [`WarcId`]), the date the `WARC-Date` (so a WARC corpus is always [dated](Corpus::dated));
//!   a malformed record is an error naming the file and the byte offset where it starts;
//! * a **directory**: every file below it, recursively and in sorted order (only the
//!   [`extensions`](CorpusConfigBuilder::extensions) asked for, if any), each read as its
//!   extension says, as a path given by name would be (`.jsonl` shards as JSONL, other files as
//!   text, unless a [`format`](CorpusConfigBuilder::format) says otherwise); a text file's id is
//!   its path relative to the directory. Hidden files and directories (names starting with `.`,
//!   such as `.git`) are left out unless [`hidden`](CorpusConfigBuilder::hidden) is on. Empty
//!   files and special files (named pipes, sockets, devices, never opened) are left out and listed
//!   in [`Corpus::skipped`], whatever `skip_invalid` says: one empty file does not stop a run
//!   over a directory; a directory with no file to read at all is an error of kind
//!   [`Empty`](ErrorKind::Empty), as an empty file given by name is;
//! * a **named pipe** (FIFO, or a shell's process substitution, `<(zcat news.jsonl.gz)`): a
//!   stream, copied to a spill file as [`Corpus::from_reader`] does and then read like a file
//!   of its name; opening it waits for a writer, as `cat` does. Sockets and devices are refused;
//! * any other **text file**: one document whose id is the path as given, or, with a
//!   [`delimiter`](CorpusConfigBuilder::delimiter), one document per non-blank delimited record
//!   (id `path#N`). A delimiter with `\n` in it also matches with each `\n` written `\r\n`, so
//!   `"\n\n"` splits files with Windows line ends too.
//!
//! Any of these may be **compressed** with gzip (one member or several), zstd, bzip2 or xz
//! (features `gzip`, `zstd`, `bzip2` and `xz`; see [`crate::compression`]). A compressed file is
//! told by its first bytes, not by its name, and read as its name without the compression
//! extension says: `news.jsonl.gz` as JSONL (and [`extensions`](CorpusConfigBuilder::extensions)
//! `jsonl` picks it from a directory), `story.txt.zst` as text. It is decompressed into an unnamed
//! spill file, as a stream is, and mapped from there, so its documents stay addressable for every
//! pass of a run; several compressed files are decompressed at once, one per worker thread, while
//! the corpus goes on opening the files after them. Lines and byte offsets in messages are those
//! of the decompressed stream. A corrupt or truncated stream fails [`Corpus::open`] with an error
//! of kind [`Compression`](ErrorKind::Compression) naming the file, the first line (or record)
//! it cut short and the decompressed offset where the damage was found; with
//! [`skip_invalid`](CorpusConfigBuilder::skip_invalid) the records before the damage are read and
//! the damage is listed in [`Corpus::skipped`].
//!
//! ```
//! # #[cfg(feature = "gzip")] {
//! use std::io::Write;
//! use neardupe::compression::{Compression, Encoder};
//! use neardupe::{Corpus, CorpusConfig, ErrorKind};
//!
//! let dir = tempfile::tempdir()?;
//! let mut gz = Encoder::new(Vec::new(), Compression::Gzip)?;
//! for i in 0..100 {
//!     writeln!(gz, r#"{{"id": "d{i}", "text": "story number {i}"}}"#)?;
//! }
//! let gz = gz.finish()?;
//! let path = dir.path().join("news.jsonl.gz");
//! std::fs::write(&path, &gz)?;
//! let corpus = Corpus::open(&[&path], CorpusConfig::default())?;
//! assert_eq!(corpus.len(), 100);
//! assert_eq!(corpus.document(99)?.text, "story number 99");
//!
//! // Cut short: an error, or with `skip_invalid` the records before the damage.
//! std::fs::write(&path, &gz[..gz.len() / 2])?;
//! let e = Corpus::open(&[&path], CorpusConfig::default()).unwrap_err();
//! assert_eq!(e.kind(), ErrorKind::Compression);
//! let skip = CorpusConfig::builder().skip_invalid(true).build()?;
//! let corpus = Corpus::open(&[&path], skip)?;
//! assert!(corpus.len() < 100);
//! assert_eq!(corpus.skipped().len(), 1);
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Ids made from paths are exact: a file name's bytes are kept, except that bytes that are not
//! UTF-8, control characters (a newline) and backslashes are escaped (`caf\xE9.txt`,
//! `two\nlines.txt`, `back\\slash`; see [`escape_path`]), so two files never share an id and an
//! id is one line. Two documents with the same id are an error when a run sees them (see
//! [`DuplicateIds`]). A UTF-8 byte order mark at the start of a file (or of a JSONL line) is left
//! out.
//!
//! Files are memory-mapped (feature `mmap`, unless [`CorpusConfigBuilder::mmap`] turns it off)
//! or read into memory. An empty file given by name, a file of blank lines and a record larger
//! than [`max_record_bytes`](CorpusConfigBuilder::max_record_bytes) fail [`Corpus::open`], or are
//! left out and listed in [`Corpus::skipped`] with [`skip_invalid`](CorpusConfigBuilder::skip_invalid),
//! as are files that cannot be read (permissions, dangling symbolic links); a path that does not
//! exist is always an error. Invalid JSON, a missing field and invalid UTF-8 (unless
//! [`lossy_utf8`](CorpusConfigBuilder::lossy_utf8)) are errors of [`Corpus::document`]. Every
//! error names the file, and the line and byte offset where there are lines (the byte offset of
//! the record in a WARC file, the row in a table). A pass over a corpus
//! larger than memory hints which records it is about to read ([`Corpus::prefetch`]) and which
//! it is done with ([`Corpus::release`]), so that only a chunk of it stays resident. A mapped file
//! must not change during a run ([`Corpus::check_unchanged`] tells afterwards whether one did). A
//! corpus is a [`DocumentSource`](crate::DocumentSource).
//!
//! # Nested fields
//!
//! A field name with a dot is also a path into nested objects: `meta.body` is the record's key
//! `meta.body` if it has one, else the key `body` of the object under `meta`. A key with a dot in
//! it needs no escape: at each level a key that is the whole remaining name is taken before a
//! key that is a part of it, and of two keys that both lead to a value, the longer wins. Arrays
//! are not indexed. Names without dots are read by the flat reader, at its speed.
//!
//! ```
//! use neardupe::{Corpus, CorpusConfig};
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("nested.jsonl");
//! let lines = [
//!     r#"{"meta": {"url": "https://a.example/1", "date": "2024-03-01"}, "body": {"text": "Rates held."}}"#,
//!     r#"{"meta.url": "literal", "meta": {"url": "nested", "date": "2024-03-02"}, "body": {"text": "Rates cut."}}"#,
//! ];
//! std::fs::write(&path, lines.join("\n"))?;
//! let config = CorpusConfig::builder()
//!     .text_field("body.text")
//!     .id_field("meta.url")
//!     .date_field(Some("meta.date".into()))
//!     .build()?;
//! let corpus = Corpus::open(&[&path], config)?;
//! let docs: Vec<_> = corpus.documents().collect::<Result<_, _>>()?;
//! assert_eq!((docs[0].id.as_ref(), docs[0].text.as_ref()), ("https://a.example/1", "Rates held."));
//! assert_eq!(docs[1].id, "literal"); // the key with the dot comes first
//! assert_eq!(docs[1].day, neardupe::date::parse_day("2024-03-02", None));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod columnar;
mod escape;
mod jsonl;
pub(crate) mod source;
pub(crate) mod stream;
mod warc;

pub use escape::{escape_bytes, escape_path, unescape_path};
pub use warc::WarcId;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use memchr::memmem;

use crate::error::{Error, ErrorKind, Result, Skipped};
use source::{Bytes, Hint};
use stream::{Contents, spill, spill_file};

/// How input files are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum InputFormat {
    /// By each file's first bytes, then its extension: Parquet (`PAR1`, `.parquet`), Arrow IPC
    /// (`ARROW1` or a stream's `0xFFFFFFFF`, `.arrow`, `.arrows`, `.feather`, `.ipc`), WARC
    /// (`WARC/1.0`, `WARC/1.1`, `.warc`, `.wet`), JSONL (`.jsonl`, `.ndjson`, `.json`), and text
    /// for the rest.
    #[default]
    Auto,
    /// Every file is JSONL (directories included).
    Jsonl,
    /// Every file is text: one document per file, or per record with a delimiter.
    Text,
    /// Every file is a WARC file (see [`WarcId`]).
    Warc,
    /// Every file is a Parquet file (feature `parquet`).
    Parquet,
    /// Every file is an Arrow IPC file or stream (feature `parquet`).
    Arrow,
}

crate::names::option_names! {
    InputFormat, "input format" {
        Auto => "auto",
        Jsonl => "jsonl",
        Text => "text",
        Warc => "warc",
        Parquet => "parquet",
        Arrow => "arrow",
    }
    aliases { "ndjson" => Jsonl, "txt" => Text, "wet" => Warc, "ipc" => Arrow, "feather" => Arrow }
}

/// The default limit on one record's size: 64 MiB.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 64 << 20;

/// How a corpus is read. Build one with [`CorpusConfig::builder`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorpusConfig {
    format: InputFormat,
    text_field: String,
    id_field: String,
    delimiter: Option<String>,
    extensions: Vec<String>,
    max_record_bytes: usize,
    skip_invalid: bool,
    lossy_utf8: bool,
    mmap: bool,
    date_field: Option<String>,
    date_format: Option<String>,
    hidden: bool,
    duplicate_ids: DuplicateIds,
    warc_id: WarcId,
    /// The size of the parts a JSONL stream still being decompressed is added in, for
    /// [`Corpus::open_with`] (a field of its own so that tests can make it small).
    part_bytes: usize,
    spill_dir: Option<PathBuf>,
}

/// What a run does when two documents have the same id.
///
/// Ids are how results name documents (`cluster` lines, `dedup --removed` lists, an evaluation's
/// truth file), so two documents with one id would be told apart by nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum DuplicateIds {
    /// A document whose id an earlier document has is an error of kind
    /// [`DuplicateId`](ErrorKind::DuplicateId) naming both records (the default).
    #[default]
    Refuse,
    /// Later documents with an id already taken are renamed `id~2`, `id~3`, ... (the first
    /// free suffix, so a renamed id never takes an id of the input), and counted in
    /// [`Stats::renamed_ids`](crate::Stats::renamed_ids).
    Number,
}

crate::names::option_names! {
    DuplicateIds, "duplicate-id policy" {
        Refuse => "refuse",
        Number => "number",
    }
    aliases { "error" => Refuse }
}

impl Default for CorpusConfig {
    fn default() -> CorpusConfig {
        CorpusConfig {
            format: InputFormat::Auto,
            text_field: "text".into(),
            id_field: "id".into(),
            delimiter: None,
            extensions: Vec::new(),
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            skip_invalid: false,
            lossy_utf8: false,
            mmap: cfg!(feature = "mmap"),
            date_field: None,
            date_format: None,
            hidden: false,
            duplicate_ids: DuplicateIds::Refuse,
            warc_id: WarcId::RecordId,
            part_bytes: PART_BYTES,
            spill_dir: None,
        }
    }
}

impl CorpusConfig {
    /// A builder starting from the defaults.
    pub fn builder() -> CorpusConfigBuilder {
        CorpusConfigBuilder { config: CorpusConfig::default() }
    }

    /// Whether invalid records are skipped (and counted) instead of stopping the run.
    pub fn skip_invalid(&self) -> bool {
        self.skip_invalid
    }

    /// The JSONL field with each document's date, if dates are read.
    pub fn date_field(&self) -> Option<&str> {
        self.date_field.as_deref()
    }

    /// What a run does with documents that share an id.
    pub fn duplicate_ids(&self) -> DuplicateIds {
        self.duplicate_ids
    }

    /// The largest record accepted, in bytes.
    pub fn max_record_bytes(&self) -> usize {
        self.max_record_bytes
    }

    /// The header of WARC records that is their documents' id.
    pub fn warc_id(&self) -> WarcId {
        self.warc_id
    }
}

/// Builds a [`CorpusConfig`].
#[derive(Clone, Debug)]
pub struct CorpusConfigBuilder {
    config: CorpusConfig,
}

impl CorpusConfigBuilder {
    /// How files are read (default [`InputFormat::Auto`]).
    pub fn format(mut self, f: InputFormat) -> Self {
        self.config.format = f;
        self
    }
    /// The JSONL field (or Parquet or Arrow column) holding the text (default `text`). A name with
    /// dots is also a path into nested objects (`meta.body`), after a key that is the whole
    /// name: see the [module docs](self).
    pub fn text_field(mut self, name: impl Into<String>) -> Self {
        self.config.text_field = name.into();
        self
    }
    /// The JSONL field (or Parquet or Arrow column) holding the id (default `id`; a dotted name
    /// as for [`text_field`](Self::text_field)); records without it are named by line (or row)
    /// number.
    pub fn id_field(mut self, name: impl Into<String>) -> Self {
        self.config.id_field = name.into();
        self
    }
    /// Splits text files into records at each occurrence of `delim` (for example `"\n\n"`).
    pub fn delimiter(mut self, delim: Option<String>) -> Self {
        self.config.delimiter = delim;
        self
    }
    /// Only files with one of these extensions (case-insensitive, no dot) are read from
    /// directories; empty (the default) reads every file.
    pub fn extensions(mut self, exts: Vec<String>) -> Self {
        self.config.extensions = exts;
        self
    }
    /// The largest record accepted, in bytes (default 64 MiB).
    pub fn max_record_bytes(mut self, n: usize) -> Self {
        self.config.max_record_bytes = n;
        self
    }
    /// Skip and count invalid records (bad JSON, no text, bad UTF-8, too large, empty files) and
    /// input files that cannot be read (permissions, dangling symbolic links, unreadable
    /// directories, non-regular files) instead of failing (default off). A path given to
    /// [`Corpus::open`] that does not exist at all is an error still.
    pub fn skip_invalid(mut self, yes: bool) -> Self {
        self.config.skip_invalid = yes;
        self
    }
    /// Replace invalid UTF-8 sequences with U+FFFD instead of rejecting the record (for text in
    /// legacy encodings such as Latin-1; default off).
    pub fn lossy_utf8(mut self, yes: bool) -> Self {
        self.config.lossy_utf8 = yes;
        self
    }
    /// Memory-map input files (default on with the `mmap` feature); off reads them into memory.
    pub fn mmap(mut self, yes: bool) -> Self {
        self.config.mmap = yes && cfg!(feature = "mmap");
        self
    }
    /// Reads each JSONL record's date from this field (or Parquet or Arrow column; a dotted name
    /// as for [`text_field`](Self::text_field)) into [`Document::day`] (see [`crate::date`] for
    /// the forms understood); a record without a readable date is invalid. Text-file records
    /// have no dates, so a corpus with them is refused. WARC records are always dated, by their
    /// `WARC-Date`.
    pub fn date_field(mut self, name: Option<String>) -> Self {
        self.config.date_field = name;
        self
    }
    /// A `strftime`-style format for the date field (e.g. `%d/%m/%Y`), tried instead of the
    /// standard forms.
    pub fn date_format(mut self, format: Option<String>) -> Self {
        self.config.date_format = format;
        self
    }
    /// The directory of the spill files that hold decompressed input, streams and converted
    /// tables (default `None`: the system's temporary directory, `TMPDIR`).
    pub fn spill_dir(mut self, dir: Option<PathBuf>) -> Self {
        self.config.spill_dir = dir;
        self
    }
    /// Reads hidden files and directories (names starting with `.`, such as `.git`) inside
    /// directory inputs too (default off: they are left out, as most tools leave them out). A
    /// path given to [`Corpus::open`] is always read, hidden or not.
    pub fn hidden(mut self, yes: bool) -> Self {
        self.config.hidden = yes;
        self
    }
    /// What a run does with documents that share an id (default [`DuplicateIds::Refuse`]).
    pub fn duplicate_ids(mut self, policy: DuplicateIds) -> Self {
        self.config.duplicate_ids = policy;
        self
    }
    /// Which header of a WARC record is its document's id (default [`WarcId::RecordId`]).
    pub fn warc_id(mut self, header: WarcId) -> Self {
        self.config.warc_id = header;
        self
    }
    /// Checks the values.
    pub fn build(self) -> Result<CorpusConfig> {
        let c = &self.config;
        if c.date_field.as_deref() == Some("") {
            return Err(Error::config("the date field name is empty"));
        }
        if c.text_field.is_empty() {
            return Err(Error::config("the text field name is empty"));
        }
        if c.delimiter.as_deref() == Some("") {
            return Err(Error::config("the record delimiter is empty"));
        }
        if c.max_record_bytes == 0 {
            return Err(Error::config("the maximum record size must be at least 1 byte"));
        }
        Ok(self.config)
    }
}

/// A JSONL file still being decompressed is added to a corpus opened with [`Corpus::open_with`]
/// in parts of at least this size (and of half what came before), cut at line ends, so that its
/// first records can be read while the rest is decompressed.
const PART_BYTES: usize = 16 << 20;

#[cfg(all(test, feature = "mmap", feature = "gzip"))]
impl CorpusConfig {
    /// This configuration, adding streams in parts of `bytes` (see [`PART_BYTES`]).
    pub(crate) fn with_part_bytes(mut self, bytes: usize) -> CorpusConfig {
        self.part_bytes = bytes.max(1);
        self
    }
}

/// Where the part of a file that [`Corpus::add_bytes`] adds starts: the whole file, or the rest
/// of a stream whose first parts were added while it was decompressed.
#[derive(Clone, Copy, Debug, Default)]
struct Part {
    /// The byte offset of the part in the file.
    from: usize,
    /// The lines before it.
    lines: u64,
    /// The records of the file added before it.
    records: u64,
    /// The file's stamp, when the part is a whole file mapped from its path.
    stamp: Option<Stamp>,
}

impl Part {
    /// A whole file, with its stamp when it is mapped from its path.
    fn whole(stamp: Option<Stamp>) -> Part {
        Part { stamp, ..Part::default() }
    }
}

/// Told of the records added to a corpus while it opens: see [`Corpus::open_with`].
pub type Arrivals<'a> = &'a mut dyn FnMut(&Corpus, std::ops::Range<usize>) -> Result<()>;

/// How one file is cut into records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FileKind {
    Jsonl,
    /// The whole file is one document.
    Whole,
    /// Records separated by the configured delimiter.
    Delimited,
    /// WARC records (only the text records are documents).
    Warc,
    /// A table (Parquet, Arrow IPC): its rows are written to a spill file as JSONL lines when it
    /// is opened (line N for row N), and read from there as a JSONL file is; messages name rows
    /// by their numbers, without offsets (which would be the spill's).
    Table(columnar::Table),
}

impl FileKind {
    /// Whether the file's records are lines with their numbers (JSONL, or a table's rows), so
    /// that records without ids are named by number.
    fn is_lines(self) -> bool {
        matches!(self, FileKind::Jsonl | FileKind::Table(_))
    }
}

#[derive(Debug)]
struct SourceFile {
    path: PathBuf,
    /// The document id of a whole-file document, or the prefix of record ids.
    name: String,
    kind: FileKind,
    bytes: Bytes,
    /// For a memory-mapped file read by path: what it was when opened, to tell later whether it
    /// changed under the map ([`Corpus::check_unchanged`]).
    stamp: Option<Stamp>,
}

/// A file's identity, size and modification time when it was opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    /// Device and inode (Unix): a file replaced by another under the same name is not a change
    /// of the mapped file.
    inode: Option<(u64, u64)>,
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        let inode = {
            use std::os::unix::fs::MetadataExt;
            Some((meta.dev(), meta.ino()))
        };
        #[cfg(not(unix))]
        let inode = None;
        Stamp { inode, len: meta.len(), modified: meta.modified().ok() }
    }
}

/// Where a file being added comes from: what its problems do to the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    /// A path given to [`Corpus::open`], or a stream.
    Given,
    /// A file found inside a directory input: an empty file there is left out, not an error.
    InDirectory,
}

/// The UTF-8 byte order mark, accepted (and left out) at the start of a file.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Whether a directory entry is hidden (its name starts with a dot).
fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

/// What a file that is neither a regular file nor a directory is, for messages.
fn special_kind(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a named pipe";
        } else if ft.is_socket() {
            return "a socket";
        } else if ft.is_char_device() {
            return "a character device";
        } else if ft.is_block_device() {
            return "a block device";
        }
    }
    let _ = ft;
    "a special file"
}

/// Whether `ft` is a named pipe (FIFO), which is read as a stream.
fn is_fifo(ft: &std::fs::FileType) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        ft.is_fifo()
    }
    #[cfg(not(unix))]
    {
        let _ = ft;
        false
    }
}

/// The id of a file found at `rel` below a directory input: its components escaped
/// ([`escape_path`]) and joined by `/`.
fn relative_id(rel: &Path) -> String {
    let parts: Vec<Cow<'_, str>> = rel.components().map(|c| escape_bytes(c.as_os_str().as_encoded_bytes())).collect();
    parts.join("/")
}

/// Refuses one file given twice (by two names, through a link, or as a hard link): every
/// record would be a duplicate of itself.
fn same_file_twice<P: AsRef<Path>>(paths: &[P]) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let mut seen: std::collections::HashMap<(u64, u64), &Path> = std::collections::HashMap::new();
        for p in paths.iter().map(AsRef::as_ref) {
            // Only regular files: a pipe or a directory is not read twice this way, and errors are
            // for `add_path` to report.
            let Ok(meta) = std::fs::metadata(p) else { continue };
            if !meta.is_file() {
                continue;
            }
            if let Some(first) = seen.insert((meta.dev(), meta.ino()), p) {
                return Err(Error::config(format!(
                    "{} and {} are the same file, given twice",
                    escape_path(first),
                    escape_path(p)
                )));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = paths;
    Ok(())
}

/// How standard input (the path `-`) is named in messages and ids.
const STDIN: &str = "<stdin>";

/// Where one record lies: which file, which bytes, which line (JSONL) or record number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordSpan {
    /// Index of the file among the corpus's files.
    pub file: u32,
    /// Byte offset of the record's first byte in its file.
    pub start: usize,
    /// Byte offset one past the record's last byte (without the line terminator).
    pub end: usize,
    /// 1-based line number (JSONL) or record number (delimited text); 1 for whole files.
    pub line: u64,
}

/// One document: its id and its text, borrowed from the corpus where possible.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Document<'a> {
    /// The document's id.
    pub id: Cow<'a, str>,
    /// The document's text.
    pub text: Cow<'a, str>,
    /// The document's date as days since 1970-01-01, when the corpus reads a
    /// [date field](CorpusConfigBuilder::date_field).
    pub day: Option<i32>,
}

impl<'a> Document<'a> {
    /// A document without a date.
    pub fn new(id: impl Into<Cow<'a, str>>, text: impl Into<Cow<'a, str>>) -> Document<'a> {
        Document { id: id.into(), text: text.into(), day: None }
    }

    /// This document dated `day` (days since 1970-01-01).
    pub fn with_day(mut self, day: Option<i32>) -> Document<'a> {
        self.day = day;
        self
    }
}

/// An opened set of input files, cut into records.
#[derive(Debug)]
pub struct Corpus {
    config: CorpusConfig,
    files: Vec<SourceFile>,
    records: Vec<RecordSpan>,
    skipped: Skipped,
    bytes: u64,
    /// Seconds spent opening the corpus.
    open_seconds: f64,
    /// While opening, once a compressed file is met: it and everything after it, to be added in
    /// input order when the decompressions before each are done ([`Corpus::add_pending`]).
    pending: Vec<Pending>,
    /// The decompressions running while the corpus opens.
    jobs: stream::Jobs,
}

/// A file or an error met while opening, waiting for the decompressions before it.
#[derive(Debug)]
enum Pending {
    /// A file ready to be cut into records (the arguments of `add_bytes`).
    Contents(Contents, PathBuf, String, FileKind, Origin, Option<Stamp>),
    /// A compressed file being decompressed.
    Decompressing(stream::Job, PathBuf, String, FileKind, Origin),
    /// A file rejected (an error, or left out with `skip_invalid`).
    Reject(Error),
    /// A file left out whatever `skip_invalid` says.
    Skip(Error),
}

impl Corpus {
    /// Opens every path in `paths` (files and directories) and finds its records.
    ///
    /// Fails on a path that does not exist and, unless [`skip_invalid`](CorpusConfig::skip_invalid),
    /// on an unreadable path, an empty file given by name or a record larger than the limit.
    /// A path's type is checked before it is opened: a named pipe (FIFO, or a shell's process
    /// substitution such as `<(zcat news.jsonl.gz)`) is read as a stream (see
    /// [`from_reader`](Corpus::from_reader)); opening it waits for a writer, as `cat` does.
    /// Sockets and devices are refused without being opened.
    ///
    /// The path `-` is standard input, as for other Unix tools (name a file called `-` as
    /// `./-`): a stream named `<stdin>` in messages, read as JSONL unless the
    /// [`format`](CorpusConfigBuilder::format) says otherwise, at most once.
    pub fn open<P: AsRef<Path>>(paths: &[P], config: CorpusConfig) -> Result<Corpus> {
        Corpus::open_inner(paths, config, None)
    }

    /// [`open`](Corpus::open), telling `arrived` of records as they are added while compressed
    /// files are still being decompressed, so that a caller can work on them meanwhile (as
    /// [`Deduper::open_and_run`](crate::Deduper::open_and_run) signs them).
    ///
    /// Once a compressed file is met, the files from it on are added in input order as their
    /// decompressions end; a long JSONL stream is added in parts of whole lines while it is
    /// decompressed. After each addition `arrived` gets the corpus so far and the range of the
    /// new records (always the records after those it was told of before); an error it returns
    /// ends the opening. The corpus that opens is the one [`open`](Corpus::open) gives, record for
    /// record; records added before the compressed files are not reported (read them from the
    /// corpus returned).
    ///
    /// ```
    /// use neardupe::{Corpus, CorpusConfig};
    /// # fn main() -> neardupe::Result<()> {
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("news.jsonl");
    /// # std::fs::write(&path, "{\"text\": \"a\"}\n{\"text\": \"b\"}\n").unwrap();
    /// let mut told = 0;
    /// let corpus = Corpus::open_with(&[&path], CorpusConfig::default(), &mut |_, records| {
    ///     told += records.len();
    ///     Ok(())
    /// })?;
    /// // A plain file is added at once: no records arrive later.
    /// assert_eq!((corpus.len(), told), (2, 0));
    /// # Ok(())
    /// # }
    /// ```
    pub fn open_with<P: AsRef<Path>>(paths: &[P], config: CorpusConfig, arrived: Arrivals<'_>) -> Result<Corpus> {
        Corpus::open_inner(paths, config, Some(arrived))
    }

    fn open_inner<P: AsRef<Path>>(paths: &[P], config: CorpusConfig, arrived: Option<Arrivals<'_>>) -> Result<Corpus> {
        let started = std::time::Instant::now();
        if paths.is_empty() {
            return Err(Error::config("no input paths given"));
        }
        if paths.iter().filter(|p| p.as_ref() == Path::new("-")).count() > 1 {
            return Err(Error::config("standard input (`-`) is given more than once"));
        }
        same_file_twice(paths)?;
        let mut corpus = Corpus::empty(config);
        let several = paths.len() > 1;
        for p in paths {
            corpus.add_path(p.as_ref(), several)?;
        }
        corpus.add_pending(arrived)?;
        corpus.open_seconds = started.elapsed().as_secs_f64();
        Ok(corpus)
    }

    fn add_path(&mut self, path: &Path, several: bool) -> Result<()> {
        if path == Path::new("-") {
            let name = Path::new(STDIN);
            let kind = if self.config.format == InputFormat::Auto { FileKind::Jsonl } else { self.kind_of(name) };
            let id = if kind.is_lines() && !several { String::new() } else { STDIN.to_string() };
            let contents = spill(std::io::stdin().lock(), name, self.config.spill_dir.as_deref(), self.config.mmap)?;
            return self.add_bytes(contents, name, id, kind, Origin::Given, Part::default());
        }
        // The type first, without opening: opening a named pipe blocks until a writer comes.
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && std::fs::symlink_metadata(path).is_ok() => {
                return self.reject(Error::io(path, "cannot open input (a dangling symbolic link)", e));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::io(path, "cannot open input", e));
            }
            Err(e) => return self.reject(Error::io(path, "cannot open input", e)),
        };
        if meta.is_dir() {
            return self.add_dir(path);
        }
        let kind = self.kind_of(path);
        let name = if kind.is_lines() && !several { String::new() } else { escape_path(path).into_owned() };
        self.add_file(path, &meta, name, kind, Origin::Given)
    }

    /// Every file below `root`, in sorted order: hidden entries left out unless asked for, each
    /// file read as its extension says (as a path given by name is), named by its escaped
    /// relative path.
    fn add_dir(&mut self, root: &Path) -> Result<()> {
        let hidden = self.config.hidden;
        let met_before = self.met();
        let left_hidden = std::cell::Cell::new(0u64);
        let mut other_extensions = 0u64;
        let walker = walkdir::WalkDir::new(root).follow_links(true).sort_by_file_name().into_iter().filter_entry(|e| {
            let keep = hidden || e.depth() == 0 || !is_hidden(e.file_name());
            if !keep {
                left_hidden.set(left_hidden.get() + 1);
            }
            keep
        });
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    let at = e.path().unwrap_or(root).to_path_buf();
                    let looped = e.loop_ancestor().is_some();
                    let err = match e.into_io_error() {
                        Some(io)
                            if io.kind() == std::io::ErrorKind::NotFound && std::fs::symlink_metadata(&at).is_ok() =>
                        {
                            Error::io(&at, "cannot read directory entry (a dangling symbolic link)", io)
                        }
                        Some(io) => Error::io(&at, "cannot read directory entry", io),
                        None if looped => {
                            Error::new(ErrorKind::Io, "symbolic link loop in a directory input").with_path(&at)
                        }
                        None => Error::new(ErrorKind::Io, "cannot read directory entry").with_path(&at),
                    };
                    self.reject(err)?;
                    continue;
                }
            };
            let ft = entry.file_type();
            if ft.is_dir() {
                continue;
            }
            if !self.extension_ok(entry.path()) {
                other_extensions += 1;
                continue;
            }
            let path = entry.path();
            let name = relative_id(path.strip_prefix(root).unwrap_or(path));
            if !ft.is_file() {
                // Never opened: a named pipe would block. Left out, and listed.
                let what = special_kind(&ft);
                let e = Error::new(ErrorKind::Io, format!("not a regular file ({what}): left out of the directory"))
                    .with_path(path);
                self.skip(e);
                continue;
            }
            let meta = match entry.metadata() {
                Ok(m) => m,
                Err(e) => {
                    let io = e.into_io_error().unwrap_or_else(|| std::io::Error::other("no metadata"));
                    self.reject(Error::io(path, "cannot open input", io))?;
                    continue;
                }
            };
            let kind = self.kind_of(path);
            self.add_file(path, &meta, name, kind, Origin::InDirectory)?;
        }
        let left_hidden_count = left_hidden.get();
        if self.met() == met_before {
            // A directory given by name that gives nothing at all is as suspicious as an empty file.
            let mut why = Vec::new();
            if left_hidden_count > 0 {
                why.push(format!("{left_hidden_count} hidden entries left out"));
            }
            if other_extensions > 0 {
                why.push(format!("{other_extensions} files with other extensions"));
            }
            let why = if why.is_empty() { String::new() } else { format!(" ({})", why.join(", ")) };
            let e = Error::new(ErrorKind::Empty, format!("directory holds no files to read{why}"))
                .with_path(root)
                .with_hint("see `hidden` and `extensions`");
            self.reject(e)?;
        }
        Ok(())
    }

    /// How the file at `path` is cut into records: by the configured format, else by extension
    /// (and then, once the file is open, by its first bytes: see `sniff`).
    fn kind_of(&self, path: &Path) -> FileKind {
        match self.config.format {
            InputFormat::Jsonl => FileKind::Jsonl,
            InputFormat::Text => self.text_kind(),
            InputFormat::Warc => FileKind::Warc,
            InputFormat::Parquet => FileKind::Table(columnar::Table::Parquet),
            InputFormat::Arrow => FileKind::Table(columnar::Table::Arrow),
            InputFormat::Auto => {
                // `news.jsonl.gz` is JSONL (compressed files are told by their contents).
                let ext = crate::compression::format_extension(path)
                    .map(|e| e.to_string_lossy().to_ascii_lowercase())
                    .unwrap_or_default();
                match ext.as_str() {
                    "jsonl" | "ndjson" | "json" => FileKind::Jsonl,
                    "warc" | "wet" => FileKind::Warc,
                    "parquet" | "pq" => FileKind::Table(columnar::Table::Parquet),
                    "arrow" | "arrows" | "feather" | "ipc" => FileKind::Table(columnar::Table::Arrow),
                    _ => self.text_kind(),
                }
            }
        }
    }

    /// With [`InputFormat::Auto`], the kind that a file's first bytes show (a Parquet, Arrow or
    /// WARC file under any name), else `kind` (by its extension).
    fn sniff(&self, kind: FileKind, data: &[u8]) -> FileKind {
        if self.config.format != InputFormat::Auto {
            return kind;
        }
        if columnar::Table::Parquet.is_magic(data) {
            FileKind::Table(columnar::Table::Parquet)
        } else if columnar::Table::Arrow.is_magic(data) {
            FileKind::Table(columnar::Table::Arrow)
        } else if warc::is_warc(data) {
            FileKind::Warc
        } else {
            kind
        }
    }

    /// A corpus read from a stream (standard input, a socket, a decompressor) without holding
    /// it in memory: the bytes (decompressed, when the stream starts with the magic number of a
    /// [compression](crate::compression) this build reads; a damaged stream is handled as a
    /// damaged compressed file is, see the module's docs) are copied to an unnamed temporary file in `spill_dir` (the
    /// system's temporary directory when `None`), which is mapped like an input file and removed
    /// by the operating system when the corpus is dropped, or the process ends in any way.
    /// The stream is cut into records as one input file of the configured
    /// [`format`](CorpusConfigBuilder::format) ([`InputFormat::Auto`] reads JSONL); `name` stands
    /// for it in messages. Records read as from a single JSONL file, so a record without an id is
    /// named by its line number.
    pub fn from_reader(
        mut reader: impl std::io::Read,
        name: &str,
        config: CorpusConfig,
        spill_dir: Option<&Path>,
    ) -> Result<Corpus> {
        let started = std::time::Instant::now();
        let path = Path::new(name);
        let contents = spill(&mut reader, path, spill_dir, config.mmap)?;
        let kind = match config.format {
            InputFormat::Jsonl | InputFormat::Auto => FileKind::Jsonl,
            InputFormat::Text => {
                if config.delimiter.is_some() {
                    FileKind::Delimited
                } else {
                    FileKind::Whole
                }
            }
            InputFormat::Warc => FileKind::Warc,
            InputFormat::Parquet => FileKind::Table(columnar::Table::Parquet),
            InputFormat::Arrow => FileKind::Table(columnar::Table::Arrow),
        };
        let mut corpus = Corpus::empty(config);
        let file_name = if kind.is_lines() { String::new() } else { name.to_string() };
        corpus.add_bytes(contents, path, file_name, kind, Origin::Given, Part::default())?;
        corpus.open_seconds = started.elapsed().as_secs_f64();
        Ok(corpus)
    }

    /// A corpus of `(id, text)` pairs from any iterator (a database cursor, a network stream, a
    /// generator) without holding the texts in memory: they are written to an unnamed temporary
    /// file in `spill_dir` as JSONL (see [`from_reader`](Corpus::from_reader)) and read back from
    /// there. Only `config`'s options that apply to records (size limit, invalid records,
    /// mapping) are used; the fields are `id` and `text`. No documents give an empty corpus.
    pub fn from_documents<I, D, T>(documents: I, config: CorpusConfig, spill_dir: Option<&Path>) -> Result<Corpus>
    where
        I: IntoIterator<Item = (D, T)>,
        D: AsRef<str>,
        T: AsRef<str>,
    {
        let started = std::time::Instant::now();
        let name = Path::new("<documents>");
        let file = spill_file(spill_dir)?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        let write_err = |e: std::io::Error| Error::io(name, "cannot write to the spill file", e);
        let mut written = 0u64;
        for (id, text) in documents {
            written += 1;
            let record = jsonl::Record { id: id.as_ref(), text: text.as_ref() };
            serde_json::to_writer(&mut out, &record).map_err(|e| write_err(std::io::Error::other(e)))?;
            std::io::Write::write_all(&mut out, b"\n").map_err(write_err)?;
        }
        let file = out.into_inner().map_err(|e| write_err(e.into_error()))?;
        let config = CorpusConfig {
            format: InputFormat::Jsonl,
            text_field: "text".into(),
            id_field: "id".into(),
            date_field: None,
            ..config
        };
        let mut corpus = Corpus::empty(config);
        if written > 0 {
            let bytes = source::from_file(file, name, corpus.config.mmap)?;
            corpus.add_bytes(
                Contents::whole(bytes),
                name,
                String::new(),
                FileKind::Jsonl,
                Origin::Given,
                Part::default(),
            )?;
        }
        corpus.open_seconds = started.elapsed().as_secs_f64();
        Ok(corpus)
    }

    fn text_kind(&self) -> FileKind {
        if self.config.delimiter.is_some() { FileKind::Delimited } else { FileKind::Whole }
    }

    fn extension_ok(&self, path: &Path) -> bool {
        if self.config.extensions.is_empty() {
            return true;
        }
        // `a.jsonl.gz` has both extensions: `jsonl` and `gz`.
        let exts = [path.extension(), crate::compression::format_extension(path)];
        let exts: Vec<&str> = exts.into_iter().flatten().filter_map(|e| e.to_str()).collect();
        self.config.extensions.iter().any(|x| exts.iter().any(|e| x.trim_start_matches('.').eq_ignore_ascii_case(e)))
    }

    fn add_file(
        &mut self,
        path: &Path,
        meta: &std::fs::Metadata,
        name: String,
        kind: FileKind,
        origin: Origin,
    ) -> Result<()> {
        let ft = meta.file_type();
        if ft.is_file() {
            let compressed = match source::open_input(path, self.config.mmap) {
                Ok(source::Opened::Plain(bytes)) => {
                    let stamp = bytes.is_mapped().then(|| Stamp::of(meta));
                    return self.add_bytes(Contents::whole(bytes), path, name, kind, origin, Part::whole(stamp));
                }
                Ok(source::Opened::Compressed(file)) => file,
                // A format this build lacks: not the file's fault, so never skipped.
                Err(e) if e.kind() == ErrorKind::Unsupported => return Err(e),
                Err(e) => return self.reject(e),
            };
            if meta.len() < stream::INLINE_BYTES {
                let contents = spill(compressed, path, self.config.spill_dir.as_deref(), self.config.mmap)?;
                return self.add_bytes(contents, path, name, kind, origin, Part::default());
            }
            // Decompressed on a thread of its own into a spill file; this file and the ones after
            // it are added in order once it is done (see `add_pending`).
            let job = self.jobs.start(
                compressed,
                path,
                self.config.spill_dir.clone(),
                self.config.mmap,
                stream::worker_threads(),
            )?;
            self.pending.push(Pending::Decompressing(job, path.to_path_buf(), name, kind, origin));
            return Ok(());
        }
        if is_fifo(&ft) {
            // A named pipe is a stream: copied to a spill file once, as `from_reader` does.
            let file = match std::fs::File::open(path) {
                Ok(f) => f,
                Err(e) => return self.reject(Error::io(path, "cannot open input", e)),
            };
            let contents = spill(file, path, self.config.spill_dir.as_deref(), self.config.mmap)?;
            return self.add_bytes(contents, path, name, kind, origin, Part::default());
        }
        let what = special_kind(&ft);
        self.reject(
            Error::new(ErrorKind::Io, format!("cannot read input: not a regular file but {what}")).with_path(path),
        )
    }

    /// Cuts a file's contents into records (only those before the damage, for a damaged
    /// stream) and adds it.
    fn add_bytes(
        &mut self,
        contents: Contents,
        path: &Path,
        name: String,
        kind: FileKind,
        origin: Origin,
        part: Part,
    ) -> Result<()> {
        if !self.pending.is_empty() {
            // After a compressed file still being decompressed: added in order, later.
            let path = path.to_path_buf();
            self.pending.push(Pending::Contents(contents, path, name, kind, origin, part.stamp));
            return Ok(());
        }
        let stamp = part.stamp;
        let Contents { bytes, damage } = contents;
        let file = u32::try_from(self.files.len())
            .map_err(|_| Error::new(ErrorKind::Unsupported, format!("more than {} input files", u32::MAX)))?;
        // (A later part's kind was told by the first.)
        let kind = if part.from == 0 { self.sniff(kind, bytes.as_slice()) } else { kind };
        let (bytes, stamp) = match kind {
            // A table cut short by a damaged compressed stream has lost its footer: nothing of it
            // can be read.
            FileKind::Table(_) if damage.is_some() => {
                return damage.map_or(Ok(()), |e| self.reject(e));
            }
            // A table was read whole already: a later change of the file is no concern of the run's.
            FileKind::Table(table) => match self.table_rows(bytes, table, path, origin)? {
                Some(rows) => (rows, None),
                None => return Ok(()),
            },
            _ => (bytes, stamp),
        };
        let all = bytes.as_slice();
        self.bytes += all.len().saturating_sub(part.from) as u64;
        // A damaged compressed stream: only the records it holds whole, those that end before
        // the damage, are read.
        let data = if damage.is_some() { &all[..self.complete_prefix(all, kind).max(part.from)] } else { all };
        // A byte order mark is no part of the first record.
        let body = if part.from > 0 {
            part.from
        } else if data.starts_with(BOM) {
            BOM.len()
        } else {
            0
        };
        let mut spans = Vec::new();
        match kind {
            // A table's rows are JSONL lines of the spill file by now, line N for row N.
            FileKind::Jsonl | FileKind::Table(_) => {
                jsonl_spans(data, body, part.lines + 1, file, &mut spans, &|h, s, e| bytes.hint(h, s, e));
            }
            FileKind::Whole => {
                if data.len() > body {
                    spans.push(RecordSpan { file, start: body, end: data.len(), line: 1 })
                }
            }
            FileKind::Delimited => {
                let delim = self.config.delimiter.as_deref().unwrap_or("\n").as_bytes();
                delimited_spans(data, body, delim, file, &mut spans, &|h, s, e| bytes.hint(h, s, e))
            }
            FileKind::Warc => {
                if !self.warc_records(&bytes, data, file, path, origin, &mut spans)? {
                    return Ok(());
                }
            }
        }
        let no_records = spans.is_empty() && part.records == 0;
        let complete_records = part.records + spans.len() as u64;
        self.push_spans(spans, kind, path)?;
        if let Some(e) = damage {
            // Where the records lost start: the first line (JSONL), or record (delimited text).
            let lost = match kind {
                FileKind::Jsonl => Some(memchr::memchr_iter(b'\n', data).count() as u64 + 1),
                FileKind::Delimited => Some(complete_records + 1),
                FileKind::Whole | FileKind::Warc | FileKind::Table(_) => None,
            };
            let e = match lost {
                Some(line) => e.with_line(line),
                None => e,
            };
            let e = if self.config.skip_invalid {
                e
            } else {
                e.with_hint("`skip_invalid` keeps the records before the damage")
            };
            self.reject(e)?;
            self.files.push(SourceFile { path: path.to_path_buf(), name, kind, bytes, stamp });
            return Ok(());
        }
        let empty = if part.from == 0 && data.len() <= body {
            Some(Error::new(ErrorKind::Empty, "file is empty").with_path(path))
        } else if no_records {
            Some(Error::new(ErrorKind::Empty, "file holds no documents (only blank lines)").with_path(path))
        } else {
            None
        };
        match (empty, origin) {
            // One empty file among a directory's is no reason to stop: it is left out, and listed.
            (Some(e), Origin::InDirectory) => self.skipped.push(e),
            (Some(e), Origin::Given) => self.reject(e)?,
            (None, _) => {}
        }
        self.files.push(SourceFile { path: path.to_path_buf(), name, kind, bytes, stamp });
        Ok(())
    }

    /// Adds the records of `spans` (of a file of `kind` at `path`), each rejected that is larger
    /// than the limit.
    fn push_spans(&mut self, spans: Vec<RecordSpan>, kind: FileKind, path: &Path) -> Result<()> {
        for span in spans {
            let len = span.end - span.start;
            if len > self.config.max_record_bytes {
                let e = Error::new(
                    ErrorKind::RecordTooLarge,
                    format!(
                        "record of {} is larger than the limit of {}",
                        human_bytes(len as u64),
                        human_bytes(self.config.max_record_bytes as u64)
                    ),
                )
                .with_path(path)
                .with_hint("`max_record_bytes`");
                let e = match kind {
                    FileKind::Whole => e,
                    FileKind::Warc => e.with_offset(span.start as u64),
                    FileKind::Table(_) => e.with_line(span.line),
                    FileKind::Jsonl | FileKind::Delimited => e.with_line(span.line).with_offset(span.start as u64),
                };
                self.reject(e)?;
                continue;
            }
            self.records.push(span);
        }
        Ok(())
    }

    /// The rows of the table in `bytes`, written to a spill file as JSONL lines (see
    /// `columnar.rs`), or `None` when the file is left out (with `skip_invalid`, or an empty
    /// table in a directory). Invalid rows are rejected one by one.
    fn table_rows(
        &mut self,
        bytes: Bytes,
        table: columnar::Table,
        path: &Path,
        origin: Origin,
    ) -> Result<Option<Bytes>> {
        let (config, skipped) = (&self.config, &mut self.skipped);
        let mut reject = |e: Error| {
            if !config.skip_invalid {
                return Err(e);
            }
            skipped.push(e);
            Ok(())
        };
        match columnar::to_jsonl(bytes, table, path, config, &mut reject) {
            Ok(rows) => Ok(Some(rows)),
            // The spill file could not be written, or this build reads no tables: no fault of the
            // input's, so never skipped.
            Err(e) if matches!(e.kind(), ErrorKind::Io | ErrorKind::Unsupported) => Err(e),
            Err(e) if e.kind() == ErrorKind::Empty && origin == Origin::InDirectory => {
                self.skipped.push(e);
                Ok(None)
            }
            Err(e) => self.reject(e).map(|()| None),
        }
    }

    /// The document records of `data` (`bytes`, or the whole records before a damaged stream's
    /// damage) into `spans` (malformed records rejected one by one); `false` when the file is
    /// left out for having none.
    fn warc_records(
        &mut self,
        bytes: &Bytes,
        data: &[u8],
        file: u32,
        path: &Path,
        origin: Origin,
        spans: &mut Vec<RecordSpan>,
    ) -> Result<bool> {
        let (config, skipped) = (&self.config, &mut self.skipped);
        let mut reject = |e: Error| {
            if !config.skip_invalid {
                return Err(e.with_path(path));
            }
            skipped.push(e.with_path(path));
            Ok(())
        };
        let passed = warc_spans(data, file, spans, &|h, s, e| bytes.hint(h, s, e), &mut reject)?;
        // (A damaged stream, `data` shorter than `bytes`, is reported as damaged, not as empty.)
        if !spans.is_empty() || data.is_empty() || data.len() < bytes.as_slice().len() {
            return Ok(true);
        }
        let passed = if passed.is_empty() { String::new() } else { format!(" ({passed} records)") };
        let e = Error::new(ErrorKind::Empty, format!("WARC file holds no text records{passed}"))
            .with_path(path)
            .with_hint("documents are conversion records, and resource records of text/plain");
        if origin == Origin::InDirectory {
            self.skipped.push(e);
        } else {
            self.reject(e)?;
        }
        Ok(false)
    }

    /// Fails with `e`, or records it as skipped when invalid input is skipped.
    /// The length of the part of a damaged stream's `data` that holds whole records of `kind`:
    /// up to the last line end (JSONL) or delimiter (delimited text), the end of the last whole
    /// record (WARC); nothing of a text file that is one document.
    fn complete_prefix(&self, data: &[u8], kind: FileKind) -> usize {
        match kind {
            FileKind::Jsonl | FileKind::Table(_) => memchr::memrchr(b'\n', data).map_or(0, |i| i + 1),
            FileKind::Warc => warc::complete_prefix(data),
            FileKind::Whole => 0,
            FileKind::Delimited => {
                let delim = self.config.delimiter.as_deref().unwrap_or("\n").as_bytes();
                let end_of = |d: &[u8]| memmem::rfind(data, d).map_or(0, |i| i + d.len());
                end_of(delim).max(crlf_delimiter(delim).map_or(0, |d| end_of(&d)))
            }
        }
    }

    /// Adds what was met while opening from the first compressed file on, in input order,
    /// waiting for each decompression. An error stops the ones still running (see [`stream::Job`]).
    /// With `arrived`, a long JSONL file is added in parts while it is decompressed, and
    /// `arrived` is told of the records of each addition (see [`Corpus::open_with`]).
    fn add_pending(&mut self, mut arrived: Option<Arrivals<'_>>) -> Result<()> {
        // Records before the first compressed file are not told of (see `open_with`).
        let mut told = self.records.len();
        for p in std::mem::take(&mut self.pending) {
            match p {
                Pending::Contents(contents, path, name, kind, origin, stamp) => {
                    self.add_bytes(contents, &path, name, kind, origin, Part::whole(stamp))?
                }
                Pending::Decompressing(job, path, name, kind, origin) => {
                    let (kind, part) = match arrived.as_deref_mut() {
                        #[cfg(feature = "mmap")]
                        Some(arrived) if self.config.mmap => self.add_parts(&job, &path, &name, kind, arrived)?,
                        _ => (kind, Part::default()),
                    };
                    told = self.records.len();
                    self.add_bytes(job.wait()?, &path, name, kind, origin, part)?;
                }
                Pending::Reject(e) => self.reject(e)?,
                Pending::Skip(e) => self.skipped.push(e),
            }
            if let Some(arrived) = arrived.as_deref_mut()
                && self.records.len() > told
            {
                arrived(self, told..self.records.len())?;
                told = self.records.len();
            }
        }
        Ok(())
    }

    /// While `job` decompresses a JSONL file (as the first bytes tell), adds its whole lines in
    /// parts (see [`PART_BYTES`]) and tells `arrived` of each part's records; returns the
    /// file's kind and where the rest starts (the whole file for another kind).
    #[cfg(feature = "mmap")]
    fn add_parts(
        &mut self,
        job: &stream::Job,
        path: &Path,
        name: &str,
        kind: FileKind,
        arrived: &mut dyn FnMut(&Corpus, std::ops::Range<usize>) -> Result<()>,
    ) -> Result<(FileKind, Part)> {
        let mut part = Part::default();
        let mut kind = kind;
        let mut seen = 0;
        // Parts grow with the stream (each at least half of what came before), so that a huge
        // file takes a few dozen maps, each of the prefix so far: their address space stays
        // within three times the file's size.
        while let Some((spill, written)) =
            job.written((part.from + self.config.part_bytes.max(part.from / 2)).max(seen + 1))
        {
            seen = written;
            let bytes = source::map_prefix(&spill, written, path)?;
            if part.from == 0 {
                kind = self.sniff(kind, bytes.as_slice());
                if kind != FileKind::Jsonl {
                    return Ok((kind, Part::default()));
                }
            }
            let data = bytes.as_slice();
            let Some(last) = memchr::memrchr(b'\n', &data[part.from..]) else { continue };
            let end = part.from + last + 1;
            let file = u32::try_from(self.files.len())
                .map_err(|_| Error::new(ErrorKind::Unsupported, format!("more than {} input files", u32::MAX)))?;
            let body = if part.from == 0 && data.starts_with(BOM) { BOM.len() } else { part.from };
            let mut spans = Vec::new();
            let next_line =
                jsonl_spans(&data[..end], body, part.lines + 1, file, &mut spans, &|h, s, e| bytes.hint(h, s, e));
            let before = self.records.len();
            part.records += spans.len() as u64;
            self.push_spans(spans, kind, path)?;
            self.bytes += (end - part.from) as u64;
            part = Part { from: end, lines: next_line - 1, records: part.records, stamp: None };
            self.files.push(SourceFile { path: path.to_path_buf(), name: name.to_string(), kind, bytes, stamp: None });
            if self.records.len() > before {
                arrived(self, before..self.records.len())?;
            }
        }
        Ok((kind, part))
    }

    /// How many files and errors have been met while opening (added, left out, or pending).
    fn met(&self) -> usize {
        self.files.len() + self.skipped.len() + self.pending.len()
    }

    /// Leaves out a file whatever `skip_invalid` says (in input order: see `pending`).
    fn skip(&mut self, e: Error) {
        if self.pending.is_empty() {
            self.skipped.push(e);
        } else {
            self.pending.push(Pending::Skip(e));
        }
    }

    /// Fails with `e`, or records it as skipped when invalid input is skipped (in input order:
    /// after a compressed file still being decompressed, later; see `pending`).
    fn reject(&mut self, e: Error) -> Result<()> {
        if !self.pending.is_empty() {
            self.pending.push(Pending::Reject(e));
            return Ok(());
        }
        if self.config.skip_invalid {
            self.skipped.push(e);
            Ok(())
        } else {
            Err(e)
        }
    }

    /// The number of records (documents before parsing).
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether the corpus has no records.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The total size of the input files, in bytes.
    pub fn total_bytes(&self) -> u64 {
        self.bytes
    }

    fn empty(config: CorpusConfig) -> Corpus {
        Corpus {
            config,
            files: Vec::new(),
            records: Vec::new(),
            skipped: Skipped::default(),
            bytes: 0,
            open_seconds: 0.0,
            pending: Vec::new(),
            jobs: stream::Jobs::default(),
        }
    }

    /// Seconds it took to open the corpus (find and map its files, cut them into records).
    pub fn open_seconds(&self) -> f64 {
        self.open_seconds
    }

    /// The configuration the corpus was opened with.
    pub fn config(&self) -> &CorpusConfig {
        &self.config
    }

    /// Records and files left out while opening: with `skip_invalid`, every invalid record and
    /// unreadable file; always, the empty files and the special files (named pipes, sockets,
    /// devices) found inside directory inputs. All are counted; the first
    /// [`Skipped::LISTED`] are listed with their errors.
    pub fn skipped(&self) -> &Skipped {
        &self.skipped
    }

    /// A hint that records `records` have been read and need not stay in memory: the pages of
    /// memory-mapped files that hold them leave the process's resident set (they are read again
    /// if the records are). Called by the pipeline after each chunk, so that a pass over a corpus
    /// larger than memory keeps only a chunk's worth of it resident.
    pub fn release(&self, records: std::ops::Range<usize>) {
        self.hint(Hint::Release, records);
    }

    /// A hint that records `records` are about to be read: the pages of memory-mapped files
    /// that hold them are mapped in one call rather than one page fault at a time.
    pub fn prefetch(&self, records: std::ops::Range<usize>) {
        self.hint(Hint::Prefetch, records);
    }

    fn hint(&self, hint: Hint, records: std::ops::Range<usize>) {
        let mut current: Option<(u32, usize, usize)> = None;
        for s in self.records.get(records).unwrap_or_default() {
            current = match current {
                Some((file, start, _)) if file == s.file => Some((file, start, s.end)),
                Some((file, start, end)) => {
                    self.files[file as usize].bytes.hint(hint, start, end);
                    Some((s.file, s.start, s.end))
                }
                None => Some((s.file, s.start, s.end)),
            };
        }
        if let Some((file, start, end)) = current {
            self.files[file as usize].bytes.hint(hint, start, end);
        }
    }

    /// The spans of all records, in input order.
    pub fn spans(&self) -> &[RecordSpan] {
        &self.records
    }

    /// The raw bytes of record `i`, as they are in the input (a JSONL line without its newline,
    /// a whole text file, or one delimited record).
    pub fn record_bytes(&self, i: usize) -> &[u8] {
        let s = self.records[i];
        &self.files[s.file as usize].bytes.as_slice()[s.start..s.end]
    }

    /// The line terminator after record `i` in its file, as it is there: `\r\n` or `\n` after a
    /// JSONL line (nothing after a last line without one), the two line ends that close a WARC
    /// record (`\r\n\r\n` where the file has none), nothing after other records.
    pub fn record_terminator(&self, i: usize) -> &[u8] {
        let s = self.records[i];
        let file = &self.files[s.file as usize];
        let rest = file.bytes.as_slice().get(s.end..).unwrap_or_default();
        if file.kind == FileKind::Warc {
            return match [b"\r\n\r\n".as_slice(), b"\n\n"].into_iter().find(|end| rest.starts_with(end)) {
                Some(end) => &rest[..end.len()],
                None => b"\r\n\r\n",
            };
        }
        if !file.kind.is_lines() {
            return &[];
        }
        let len = if rest.starts_with(b"\r\n") {
            2
        } else if rest.starts_with(b"\n") {
            1
        } else {
            0
        };
        &rest[..len]
    }

    /// The path of the file that holds record `i`.
    pub fn record_path(&self, i: usize) -> &Path {
        &self.files[self.records[i].file as usize].path
    }

    /// The path of the file that holds record `i`, [escaped](escape_path) as file ids are: exact
    /// and on one line, for lists of paths that other programs read (`dedup` of text files).
    pub fn record_path_escaped(&self, i: usize) -> Cow<'_, str> {
        escape_path(self.record_path(i))
    }

    /// Where record `i` is: its file, and for line-oriented files its line (or record number)
    /// and byte offset.
    pub fn record_location(&self, i: usize) -> crate::error::Location {
        let s = self.records[i];
        let file = &self.files[s.file as usize];
        let (line, offset) = match file.kind {
            FileKind::Whole => (None, None),
            FileKind::Warc => (None, Some(s.start as u64)),
            // A row: its number (offsets would be the spill file's).
            FileKind::Table(_) => (Some(s.line), None),
            FileKind::Jsonl | FileKind::Delimited => (Some(s.line), Some(s.start as u64)),
        };
        crate::error::Location { path: Some(file.path.clone()), line, offset }
    }

    /// Checks that no memory-mapped input file changed since it was opened (same file, other
    /// size or modification time): a run reads a mapped file's pages while it works, so a file
    /// changed meanwhile may have given it a mix of old and new bytes. (A file truncated under
    /// the map stops the process with `SIGBUS` when a page past the new end is read: see the
    /// README's limits.) Files read into memory, streams, and files replaced by another under
    /// the same name (a rename) are not affected and pass.
    pub fn check_unchanged(&self) -> Result<()> {
        for f in &self.files {
            let Some(then) = f.stamp else { continue };
            let Ok(meta) = std::fs::metadata(&f.path) else { continue };
            let now = Stamp::of(&meta);
            if now.inode == then.inode && (now.len != then.len || now.modified != then.modified) {
                let size = if now.len == then.len {
                    format!("{} bytes, modified", now.len)
                } else {
                    format!("{} bytes when opened, {} now", then.len, now.len)
                };
                return Err(Error::new(
                    ErrorKind::Io,
                    format!("input changed while it was read ({size}): the results may not match the file"),
                )
                .with_path(&f.path)
                .with_hint("leave inputs unchanged during a run, or read them into memory: see `mmap`"));
            }
        }
        Ok(())
    }

    /// Whether record `i` is a whole text file (so `dedup` lists paths rather than copying records).
    pub fn is_whole_file(&self, i: usize) -> bool {
        self.files[self.records[i].file as usize].kind == FileKind::Whole
    }

    /// Whether record `i` comes from a JSONL file (or is the row of a Parquet or Arrow file, read
    /// as a JSONL line: see the module docs).
    pub fn is_jsonl(&self, i: usize) -> bool {
        self.files[self.records[i].file as usize].kind.is_lines()
    }

    /// Whether the corpus's documents carry dates: a [date field](CorpusConfigBuilder::date_field)
    /// is read, or the corpus holds WARC files (dated by their `WARC-Date`).
    pub fn dated(&self) -> bool {
        self.config.date_field.is_some() || self.files.iter().any(|f| f.kind == FileKind::Warc)
    }

    /// Parses record `i` into a document. Errors name the file, the line and the byte offset.
    pub fn document(&self, i: usize) -> Result<Document<'_>> {
        let span = self.records[i];
        let file = &self.files[span.file as usize];
        let raw = &file.bytes.as_slice()[span.start..span.end];
        let text = match std::str::from_utf8(raw) {
            Ok(text) => text,
            Err(_) if self.config.lossy_utf8 => {
                let owned = String::from_utf8_lossy(raw).into_owned();
                let doc = self.parse(file, span, &owned)?;
                return Ok(Document {
                    id: Cow::Owned(doc.id.into_owned()),
                    text: Cow::Owned(doc.text.into_owned()),
                    day: doc.day,
                });
            }
            Err(u) => {
                let at = (span.start + u.valid_up_to()) as u64;
                let e = Error::new(ErrorKind::Utf8, "invalid UTF-8")
                    .with_hint("`lossy_utf8` replaces invalid bytes, `skip_invalid` skips the record");
                return Err(located(&e, file, span).with_offset(at));
            }
        };
        self.parse(file, span, text)
    }

    /// Turns a record's text into a document (JSONL: extracts the fields).
    fn parse<'t>(&'t self, file: &'t SourceFile, span: RecordSpan, text: &'t str) -> Result<Document<'t>> {
        let no_dates = || {
            let e = Error::new(ErrorKind::MissingField, "text files have no dates")
                .with_hint("a `date_field` needs JSONL input");
            located(&e, file, span)
        };
        match file.kind {
            FileKind::Whole | FileKind::Delimited if self.config.date_field.is_some() => Err(no_dates()),
            FileKind::Whole => Ok(Document { id: Cow::Borrowed(&file.name), text: Cow::Borrowed(text), day: None }),
            FileKind::Delimited => Ok(Document {
                id: Cow::Owned(format!("{}#{}", file.name, span.line)),
                text: Cow::Borrowed(text),
                day: None,
            }),
            FileKind::Warc => {
                let f = warc::parse(text, self.config.warc_id).map_err(|e| at_record(&e, file, span))?;
                Ok(Document { id: f.id, text: Cow::Borrowed(f.text), day: Some(f.day) })
            }
            FileKind::Jsonl | FileKind::Table(_) => {
                let date_field = self.config.date_field.as_deref();
                let f = jsonl::parse_line(text, &self.config.text_field, &self.config.id_field, date_field)
                    .map_err(|e| at_record(&e, file, span))?;
                let text = f.text.ok_or_else(|| {
                    let e = Error::new(
                        ErrorKind::MissingField,
                        format!("record has no {:?} field", self.config.text_field),
                    )
                    .with_hint("see `text_field`");
                    at_record(&e, file, span)
                })?;
                let id = match f.id {
                    Some(id) if file.name.is_empty() => id,
                    Some(id) => Cow::Owned(id.into_owned()),
                    // `line:N`, never a bare number that an explicit id could also be.
                    None if file.name.is_empty() => Cow::Owned(format!("line:{}", span.line)),
                    None => Cow::Owned(format!("{}:{}", file.name, span.line)),
                };
                let day = match date_field {
                    None => None,
                    Some(field) => {
                        let bad = |msg: String, hint: &'static str| {
                            at_record(&Error::new(ErrorKind::MissingField, msg).with_hint(hint), file, span)
                        };
                        let value =
                            f.date.ok_or_else(|| bad(format!("record has no {field:?} field"), "see `date_field`"))?;
                        let day = crate::date::parse_day(&value, self.config.date_format.as_deref());
                        Some(day.ok_or_else(|| {
                            bad(format!("field {field:?} is not a date: {value:?}"), "see `date_format`")
                        })?)
                    }
                };
                Ok(Document { id, text, day })
            }
        }
    }

    /// Every record parsed into a document, in input order.
    pub fn documents(&self) -> impl Iterator<Item = Result<Document<'_>>> + '_ {
        (0..self.len()).map(|i| self.document(i))
    }
}

/// `e` with the file and (for line-oriented files) the line of `span`.
fn located(e: &Error, file: &SourceFile, span: RecordSpan) -> Error {
    let e = e.clone().with_path(&file.path);
    if matches!(file.kind, FileKind::Whole | FileKind::Warc) { e } else { e.with_line(span.line) }
}

/// `e` with the file, and the line and the byte offset of `span` where the file's kind has them
/// (a WARC record has an offset but no line, a table's row a number but no offset of its own).
fn at_record(e: &Error, file: &SourceFile, span: RecordSpan) -> Error {
    let e = located(e, file, span);
    if matches!(file.kind, FileKind::Whole | FileKind::Table(_)) { e } else { e.with_offset(span.start as u64) }
}

/// The records of the WARC file `data` that are documents, as spans numbered from 1 among all
/// records; a malformed record goes to `reject` (which fails or skips it), and reading goes on
/// after it where it can. Returns what else was passed over (`1 warcinfo, 30 response`).
fn warc_spans(
    data: &[u8],
    file: u32,
    out: &mut Vec<RecordSpan>,
    hint: &dyn Fn(Hint, usize, usize),
    reject: &mut dyn FnMut(Error) -> Result<()>,
) -> Result<String> {
    let mut at = 0;
    let mut n = 0u64;
    let mut released = 0;
    let mut passed: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    loop {
        match warc::next_record(data, at) {
            Ok(None) => break,
            Ok(Some(r)) => {
                n += 1;
                if r.document {
                    out.push(RecordSpan { file, start: r.start, end: r.end, line: n });
                } else {
                    let kind = warc::record_type(&data[r.start..r.end]).unwrap_or_else(|| "untyped".into());
                    *passed.entry(kind).or_default() += 1;
                }
                at = r.end;
            }
            Err(e) => {
                n += 1;
                let start = e.location().offset.map_or(data.len(), |o| o as usize);
                reject(e)?;
                match warc::resume_after(data, start) {
                    Some(next) => at = next,
                    None => break,
                }
            }
        }
        if at - released >= SCAN_WINDOW {
            hint(Hint::Release, released, at);
            released = at;
        }
    }
    hint(Hint::Release, released, data.len());
    let passed: Vec<String> = passed.iter().map(|(kind, count)| format!("{count} {kind}")).collect();
    Ok(passed.join(", "))
}

/// Non-blank lines of `data[from..]` as spans (without `\n` or `\r\n`, or a byte order mark at
/// the start of a line), numbered from 1.
fn jsonl_spans(
    data: &[u8],
    from: usize,
    first_line: u64,
    file: u32,
    out: &mut Vec<RecordSpan>,
    hint: &dyn Fn(Hint, usize, usize),
) -> u64 {
    let mut start = from;
    let mut line = first_line;
    let mut push = |mut s: usize, mut e: usize, line: u64| {
        if e > s && data[e - 1] == b'\r' {
            e -= 1;
        }
        // A byte order mark inside the file: files joined by `cat`, each with its mark.
        if data[s..e].starts_with(BOM) {
            s += BOM.len();
        }
        if data[s..e].iter().any(|b| !b.is_ascii_whitespace()) {
            out.push(RecordSpan { file, start: s, end: e, line });
        }
    };
    for w in (from..data.len()).step_by(SCAN_WINDOW) {
        let end = (w + SCAN_WINDOW).min(data.len());
        hint(Hint::Prefetch, w, end);
        for nl in memchr::memchr_iter(b'\n', &data[w..end]) {
            push(start, w + nl, line);
            start = w + nl + 1;
            line += 1;
        }
        hint(Hint::Release, w, end);
    }
    if start < data.len() {
        push(start, data.len(), line);
    }
    line
}

/// Files are scanned for records in windows of this many bytes, each mapped at once before and
/// released from the resident set after (see [`Hint`]).
const SCAN_WINDOW: usize = 64 << 20;

/// Records of `data[from..]` between occurrences of `delim`, skipping blank ones; numbered from 1
/// among the kept. A delimiter with `\n` also matches with each `\n` written `\r\n` (Windows
/// line ends), and a record then loses the `\r` of a line end before the delimiter.
fn delimited_spans(
    data: &[u8],
    from: usize,
    delim: &[u8],
    file: u32,
    out: &mut Vec<RecordSpan>,
    hint: &dyn Fn(Hint, usize, usize),
) {
    let mut start = from;
    let mut released = from;
    let mut n = 0u64;
    let line_ends = crlf_delimiter(delim).is_some();
    let mut push = |s: usize, mut e: usize| {
        if line_ends && e > s && data[e - 1] == b'\r' && delim[0] == b'\n' {
            e -= 1;
        }
        if data[s..e].iter().any(|b| !b.is_ascii_whitespace()) {
            n += 1;
            out.push(RecordSpan { file, start: s, end: e, line: n });
        }
    };
    let crlf = crlf_delimiter(delim).unwrap_or_default();
    let body = &data[from..];
    let mut plain = memmem::find_iter(body, delim).map(|at| (at + from, delim.len())).peekable();
    let mut windows = memmem::find_iter(body, &crlf).filter(|_| line_ends).map(|at| (at + from, crlf.len())).peekable();
    loop {
        // Matches that start inside the previous delimiter overlap it: skipped.
        while plain.next_if(|&(at, _)| at < start).is_some() {}
        while windows.next_if(|&(at, _)| at < start).is_some() {}
        let (at, len) = match (plain.peek(), windows.peek()) {
            (Some(&p), Some(&w)) => {
                if w.0 <= p.0 {
                    windows.next();
                    w
                } else {
                    plain.next();
                    p
                }
            }
            (Some(&p), None) => {
                plain.next();
                p
            }
            (None, Some(&w)) => {
                windows.next();
                w
            }
            (None, None) => break,
        };
        push(start, at);
        start = at + len;
        if at - released >= SCAN_WINDOW {
            hint(Hint::Release, released, at);
            released = at;
        }
    }
    push(start, data.len());
    hint(Hint::Release, released, data.len());
}

/// A delimiter with `\n` and no `\r` written with Windows line ends (each `\n` as `\r\n`), which
/// matches too; `None` for other delimiters.
fn crlf_delimiter(delim: &[u8]) -> Option<Vec<u8>> {
    let line_ends = delim.contains(&b'\n') && !delim.contains(&b'\r');
    line_ends.then(|| {
        delim.iter().flat_map(|b| if *b == b'\n' { &b"\r\n"[..] } else { std::slice::from_ref(b) }).copied().collect()
    })
}

/// Bytes as a short human figure (`1.5 MiB`).
pub(crate) fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 { format!("{n} B") } else { format!("{v:.1} {}", UNITS[u]) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonl_lines_skip_blanks_and_strip_cr() {
        let data = b"{\"a\":1}\r\n\n  \n{\"b\":2}";
        let mut v = Vec::new();
        jsonl_spans(data, 0, 1, 0, &mut v, &|_, _, _| {});
        assert_eq!(v.len(), 2);
        assert_eq!(&data[v[0].start..v[0].end], b"{\"a\":1}");
        assert_eq!((v[1].line, &data[v[1].start..v[1].end]), (4, &b"{\"b\":2}"[..]));
        let joined = b"{\"a\":1}\n\xEF\xBB\xBF{\"b\":2}\n";
        let mut v = Vec::new();
        jsonl_spans(joined, 0, 1, 0, &mut v, &|_, _, _| {});
        assert_eq!(&joined[v[1].start..v[1].end], b"{\"b\":2}");
    }

    #[test]
    fn delimited_records() {
        let data = b"one\n\ntwo\n\n\n\nthree\n\n";
        let mut v = Vec::new();
        delimited_spans(data, 0, b"\n\n", 0, &mut v, &|_, _, _| {});
        let got: Vec<&[u8]> = v.iter().map(|s| &data[s.start..s.end]).collect();
        assert_eq!(got, vec![&b"one"[..], b"two", b"three"]);
        assert_eq!(v[2].line, 3);
    }

    #[test]
    fn delimiters_with_line_ends_match_crlf_too() {
        let cut = |data: &[u8], delim: &[u8]| -> Vec<Vec<u8>> {
            let mut v = Vec::new();
            delimited_spans(data, 0, delim, 0, &mut v, &|_, _, _| {});
            v.iter().map(|s| data[s.start..s.end].to_vec()).collect()
        };
        let want: Vec<Vec<u8>> = vec![b"one\r\nline".to_vec(), b"two".to_vec(), b"three".to_vec()];
        assert_eq!(cut(b"one\r\nline\r\n\r\ntwo\r\n\r\n\r\n\r\nthree\r\n\r\n", b"\n\n"), want);
        // Mixed line ends, and a line end that is half CRLF.
        assert_eq!(cut(b"one\r\nline\n\ntwo\r\n\nthree", b"\n\n"), want);
        assert_eq!(cut(b"a\r\n%%\r\nb\n%%\nc", b"\n%%\n"), [b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]);
        // A delimiter without line ends is matched as it is.
        assert_eq!(cut(b"a||b\r\n||c", b"||"), [b"a".to_vec(), b"b\r\n".to_vec(), b"c".to_vec()]);
    }

    /// `first` gzipped, then a second member whose header is broken: the damage comes right
    /// after the bytes of `first`.
    #[cfg(feature = "gzip")]
    fn gzip_then_damage(first: &[u8]) -> Vec<u8> {
        use crate::compression::{Compression, Encoder};
        use std::io::Write;
        let gz = |bytes: &[u8]| {
            let mut e = Encoder::new(Vec::new(), Compression::Gzip).unwrap();
            e.write_all(bytes).unwrap();
            e.finish().unwrap()
        };
        let mut broken = gz(b"lost");
        broken[0] ^= 0xff;
        [gz(first), broken].concat()
    }

    /// A damaged stream keeps the records that end before the damage, for each kind of file,
    /// and names the first record lost.
    #[cfg(feature = "gzip")]
    #[test]
    fn damaged_streams_keep_whole_records() {
        let dir = tempfile::tempdir().unwrap();
        let config = |delim: Option<&str>, skip: bool| {
            CorpusConfig::builder().skip_invalid(skip).delimiter(delim.map(String::from)).build().unwrap()
        };
        // (name, the bytes before the damage, delimiter, records kept, where the damage is)
        type Case<'a> = (&'a str, &'a [u8], Option<&'a str>, &'a [&'a str], &'a str);
        let cases: [Case<'_>; 4] = [
            ("a.jsonl.gz", b"{\"text\": \"one\"}\n\n{\"text\": \"tw", None, &["one"], "a.jsonl.gz:line 3 (byte 29)"),
            ("b.txt.gz", b"one\r\n\r\ntwo\n\nthr", Some("\n\n"), &["one", "two"], "b.txt.gz:line 3 (byte 15)"),
            ("c.txt.gz", b"a whole text, cut", None, &[], "c.txt.gz:byte 17"),
            ("d.jsonl.gz", b"", None, &[], "d.jsonl.gz:line 1 (byte 0)"),
        ];
        for (name, first, delim, want, place) in cases {
            let path = dir.path().join(name);
            std::fs::write(&path, gzip_then_damage(first)).unwrap();
            let e = Corpus::open(&[&path], config(delim, false)).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Compression, "{e}");
            assert!(e.to_string().contains(&format!("/{place}: corrupt or truncated gzip stream")), "{e}: {place}?");
            let corpus = Corpus::open(&[&path], config(delim, true)).unwrap();
            let texts: Vec<String> = corpus.documents().map(|d| d.unwrap().text.into_owned()).collect();
            assert_eq!(texts, want, "{name}");
            assert_eq!(corpus.skipped().len(), 1, "{name}");
            assert!(corpus.skipped().listed()[0].to_string().contains(place));
        }
    }

    /// What a corpus holds, record by record, for comparing two openings: ids, texts, days,
    /// locations, and the skipped records' messages.
    #[cfg(all(feature = "gzip", feature = "mmap"))]
    fn contents(corpus: &Corpus) -> Vec<String> {
        let mut out: Vec<String> = (0..corpus.len())
            .map(|i| {
                let doc = corpus.document(i).map(|d| format!("{} {:?} {:?}", d.id, d.text, d.day));
                format!("{doc:?} at {} {}", corpus.record_location(i), corpus.is_jsonl(i))
            })
            .collect();
        out.extend(corpus.skipped().iter().map(|e| e.to_string()));
        out.push(format!("{} bytes", corpus.total_bytes()));
        out
    }

    /// A long JSONL stream added in small parts while it is decompressed gives the corpus that
    /// opening it whole gives, record for record (lines, offsets, ids by line number, a byte
    /// order mark, blank and CRLF lines, records too large, damage), and every record arrives
    /// once, in order.
    #[cfg(all(feature = "gzip", feature = "mmap"))]
    #[test]
    fn streams_added_in_parts_open_as_a_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut lines = vec!["\u{feff}{\"text\": \"first\"}\r\n".to_string()];
        for i in 0..6000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            lines.push(match i % 997 {
                5 => "\n   \n".to_string(),
                7 => format!("{{\"text\": \"{}\"}}\n", "long ".repeat(60)),
                11 => "{not json}\n".to_string(),
                _ if i % 3 == 0 => {
                    format!("{{\"id\": \"d{i}\", \"text\": \"{x:016x} {:016x}\"}}\r\n", x.rotate_left(29))
                }
                _ => format!(
                    "{{\"text\": \"{x:016x} {:016x}\", \"date\": \"2024-01-0{}\"}}\n",
                    x.rotate_left(7),
                    1 + i % 9
                ),
            });
        }
        let whole = lines.concat();
        let plain = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        };
        let damaged = gzip_then_damage(whole.as_bytes());
        assert!(damaged.len() as u64 > stream::INLINE_BYTES);
        let gz = plain("s.jsonl.gz", &damaged[..damaged.len() - 24]);
        for (skip, max) in [(true, 250), (true, DEFAULT_MAX_RECORD_BYTES), (false, DEFAULT_MAX_RECORD_BYTES)] {
            let config = CorpusConfig::builder().skip_invalid(skip).max_record_bytes(max).build().unwrap();
            let at_once = Corpus::open(&[&gz], config.clone());
            for part in [1, 4096, 100_000, PART_BYTES] {
                let mut told = Vec::new();
                let in_parts = Corpus::open_with(&[&gz], config.clone().with_part_bytes(part), &mut |c, r| {
                    assert_eq!(r.end, c.len());
                    told.push(r);
                    Ok(())
                });
                match (&at_once, in_parts) {
                    (Ok(a), Ok(b)) => {
                        let (x, y) = (contents(a), contents(&b));
                        let first = (0..x.len().max(y.len())).find(|&i| x.get(i) != y.get(i));
                        assert_eq!(
                            first.map(|i| (x.get(i), y.get(i))),
                            None,
                            "part {part}: {} vs {}",
                            x.len(),
                            y.len()
                        );
                        let arrived: Vec<usize> = told.iter().flat_map(|r| r.clone()).collect();
                        assert!(
                            arrived.iter().copied().eq(0..b.len()),
                            "part {part}: {} of {}",
                            arrived.len(),
                            b.len()
                        );
                        assert!(told.iter().all(|r| !r.is_empty()));
                    }
                    (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
                    (a, b) => panic!("part {part}: {a:?} vs {b:?}"),
                }
            }
        }
        // An error of the observer ends the opening with it.
        let e = Corpus::open_with(&[&gz], CorpusConfig::default().with_part_bytes(4096), &mut |_, _| {
            Err(Error::config("stop"))
        })
        .unwrap_err();
        assert!(e.to_string().contains("stop"), "{e}");
    }

    /// Files after a compressed one wait for it: records, skipped files and errors keep the
    /// input's order.
    #[cfg(all(feature = "gzip", unix))]
    #[test]
    fn compressed_files_keep_the_input_order() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("in");
        std::fs::create_dir_all(d.join("sub")).unwrap();
        let line = |id: &str| format!("{{\"id\": \"{id}\", \"text\": \"text of {id}\"}}\n");
        std::fs::write(d.join("a.jsonl"), line("a")).unwrap();
        // Long enough (over `stream::INLINE_BYTES` compressed) to be decompressed on a thread of
        // its own while the files after it are opened.
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let filler: Vec<String> = (0..4000)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                format!("{{\"id\": \"b{i}\", \"text\": \"{x:016x}{:016x}\"}}\n", x.rotate_left(29))
            })
            .collect();
        let b = [line("b"), filler.concat()].concat();
        let b = gzip_then_damage(b.as_bytes());
        assert!(b.len() as u64 > stream::INLINE_BYTES);
        std::fs::write(d.join("b.jsonl.gz"), &b[..]).unwrap();
        std::fs::write(d.join("c.jsonl"), line("c")).unwrap();
        std::fs::write(d.join("sub/d.jsonl"), "").unwrap();
        std::os::unix::fs::symlink("nowhere", d.join("sub/e.jsonl")).unwrap();
        std::fs::write(d.join("sub/f.jsonl.gz"), &gzip_then_damage(line("f").as_bytes())[..]).unwrap();
        let config = CorpusConfig::builder().skip_invalid(true).build().unwrap();
        let corpus = Corpus::open(&[&d], config).unwrap();
        let ids: Vec<String> = corpus.documents().map(|doc| doc.unwrap().id.into_owned()).collect();
        let want: Vec<String> = ["a", "b"]
            .into_iter()
            .map(String::from)
            .chain((0..4000).map(|i| format!("b{i}")))
            .chain(["c".into(), "f".into()])
            .collect();
        assert_eq!(ids, want);
        let skipped: Vec<String> = corpus.skipped().iter().map(|e| e.to_string()).collect();
        let at = |i: usize, part: &str| assert!(skipped[i].contains(part), "{i}: {skipped:?}");
        assert_eq!(skipped.len(), 4, "{skipped:?}");
        at(0, "b.jsonl.gz:line 4002");
        at(1, "d.jsonl: file is empty");
        at(2, "e.jsonl: cannot read directory entry (a dangling symbolic link)");
        at(3, "f.jsonl.gz:line 2");
        // Without skip_invalid, the first problem in input order is the error.
        let e = Corpus::open(&[&d], CorpusConfig::default()).unwrap_err();
        assert!(e.to_string().contains("b.jsonl.gz:line 4002"), "{e}");
    }

    #[test]
    fn human_sizes() {
        assert_eq!(human_bytes(10), "10 B");
        assert_eq!(human_bytes(100 << 20), "100.0 MiB");
    }
}
