//! The crate's one error type.
//!
//! Every fallible function in neardupe returns [`Result<T>`](Result). An [`Error`] carries an
//! [`ErrorKind`] that programs can match on, a message that names what a person needs to fix
//! the problem (the file, the line or byte offset, and the cause) and, where changing an option
//! fixes it, a [hint](Error::hint) that names the option.
//!
//! Hints name options by the library's names (the [`ConfigBuilder`](crate::ConfigBuilder) and
//! [`CorpusConfigBuilder`](crate::corpus::CorpusConfigBuilder) methods, in backticks). A front
//! end that calls its options otherwise (a command line's flags) lists the options with
//! [`Error::options`] or writes the error in its own words with [`Error::to_string_with`]:
//!
//! ```
//! use neardupe::{CorpusConfig, Corpus, ErrorKind};
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("a.jsonl");
//! std::fs::write(&path, "{\"body\": \"no text field here\"}\n")?;
//! let corpus = Corpus::open(&[&path], CorpusConfig::builder().build()?)?;
//! let e = corpus.document(0).unwrap_err();
//! assert_eq!(e.kind(), ErrorKind::MissingField);
//! assert!(e.kind().is_invalid_input());
//! assert!(e.to_string().ends_with("record has no \"text\" field (see `text_field`)"));
//! assert_eq!(e.options().collect::<Vec<_>>(), ["text_field"]);
//! let cli = e.to_string_with(|option| (option == "text_field").then(|| "--text-field".to_string()));
//! assert!(cli.ends_with("record has no \"text\" field (see --text-field)"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

/// A `Result` whose error is neardupe's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, in a form programs can act on.
///
/// Each kind says what a program should do about it. The kinds of bad input records ([`Json`],
/// [`Malformed`], [`MissingField`], [`Utf8`], [`Empty`], [`RecordTooLarge`], [`Compression`]) are
/// told apart from the rest by [`is_invalid_input`](ErrorKind::is_invalid_input).
///
/// New kinds may be added in minor releases, so matches need a wildcard arm.
///
/// [`Json`]: ErrorKind::Json
/// [`Malformed`]: ErrorKind::Malformed
/// [`MissingField`]: ErrorKind::MissingField
/// [`Utf8`]: ErrorKind::Utf8
/// [`Empty`]: ErrorKind::Empty
/// [`RecordTooLarge`]: ErrorKind::RecordTooLarge
/// [`Compression`]: ErrorKind::Compression
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A configuration value or an argument is out of range or inconsistent: a builder's
    /// `build` (for example `bands * rows > num_perm`, a threshold outside `(0, 1)`), an unknown
    /// name given to a `FromStr`, a configuration an [index](crate::index) cannot keep (exact
    /// verification), no input paths.
    ///
    /// Change the value; the same call fails again otherwise. Nothing was read or written.
    Config,
    /// Something that was asked for by name or number does not exist: an input file or
    /// directory, the directory of an output, an index directory (or a directory without an
    /// index's `MANIFEST`), a document number beyond an index's last document.
    ///
    /// Check the path or the number. Nothing was changed. (A file that an index's `MANIFEST`
    /// lists but that is missing is [`Corrupt`](ErrorKind::Corrupt): the index is damaged.)
    NotFound,
    /// [`Index::create`](crate::index::Index::create) found an index with the same parameters
    /// in its directory.
    ///
    /// Open that index instead ([`Index::open_writable`](crate::index::Index::open_writable))
    /// and add to it, or create the new one elsewhere.
    AlreadyExists,
    /// Another writer holds the index's `LOCK` (another process, or another writable
    /// [`Index`](crate::index::Index) in this one): an index has one writer at a time.
    ///
    /// Retry when that writer is done, or read the index meanwhile: readers
    /// ([`Index::open`](crate::index::Index::open)) take no lock and never wait.
    Locked,
    /// A change ([`insert_batch`](crate::index::Index::insert_batch),
    /// [`compact`](crate::index::Index::compact)) was asked of an index opened read-only with
    /// [`Index::open`](crate::index::Index::open).
    ///
    /// A programming error, with its own kind rather than [`Config`](ErrorKind::Config)
    /// because no value is wrong and the fix differs: open the index with
    /// [`Index::open_writable`](crate::index::Index::open_writable) (or check
    /// [`Index::is_writable`](crate::index::Index::is_writable) first). The index is unchanged.
    ReadOnly,
    /// Saved data is intact but was made with other parameters, or by another version of the
    /// format: [`Index::create`](crate::index::Index::create) over an index with other
    /// parameters, a saved file whose format version this build does not read, a file whose
    /// parameter fingerprint differs from the one expected. The message names
    /// every parameter that differs (`num_perm: 64 vs 128`).
    ///
    /// Use the parameters the data was made with (or a neardupe that reads its version), or
    /// start anew in another place. Nothing was changed.
    Incompatible,
    /// A saved file is damaged or not one of neardupe's: a wrong magic number, a checksum
    /// mismatch, a truncated file, a header or table of contents that does not decode or lies
    /// outside the file, a value out of range in an array, a file of the wrong kind, or an index
    /// whose files disagree with each other or with its `MANIFEST` (a listed file missing or
    /// made with other parameters). Formerly `Format`.
    ///
    /// Restore the file from a copy or build the index again; retrying does not help. Found by
    /// opening (headers and layouts) or by [`Index::check`](crate::index::Index::check)
    /// (checksums of the bulk data).
    Corrupt,
    /// The operating system refused a file operation (open, read, map, write, sync, rename,
    /// lock) for a reason other than a missing path: permissions, a full disk, a path that is
    /// not a regular file (an input that is a directory or device, an output that is a
    /// directory). The [source](std::error::Error::source) is the `std::io::Error`, when the
    /// operating system gave one.
    ///
    /// Often environmental: fix it and retry.
    Io,
    /// The request is valid but beyond what neardupe supports: more than `u32::MAX` documents in
    /// one index or input files in one corpus, saved metadata too large for its header, index
    /// files on a big-endian target.
    ///
    /// Split the work (several indexes or runs), or use a supported target.
    Unsupported,
    /// Bad input: a JSONL line is not valid JSON, or not a JSON object.
    ///
    /// Fix the record, or skip bad records
    /// ([`skip_invalid`](crate::corpus::CorpusConfigBuilder::skip_invalid)).
    Json,
    /// Bad input: a record of a structured input file is not well formed: a WARC record without
    /// a `Content-Length`, truncated, or not where the one before it says; a Parquet or Arrow
    /// file whose footer, schema or pages do not decode.
    ///
    /// Fix or leave out the file, or skip bad records (a malformed WARC record is skipped and
    /// reading goes on at the next record; of a table damaged after its first batch, the rows
    /// before the damage are kept; a table whose footer or schema is damaged is skipped whole).
    Malformed,
    /// Bad input: a record lacks a field it needs (the text, or the date when dates are read
    /// or a time window applies), or the field's value is unusable (not a string, not a date).
    ///
    /// Name the right field (`text_field`, `date_field`, `date_format`), fix the record, or
    /// skip bad records.
    MissingField,
    /// Bad input: bytes that are not valid UTF-8.
    ///
    /// Read them lossily ([`lossy_utf8`](crate::corpus::CorpusConfigBuilder::lossy_utf8)), fix
    /// the file, or skip bad records.
    Utf8,
    /// Bad input: an input file holds no documents at all.
    ///
    /// Leave the file out, or skip bad records.
    Empty,
    /// Bad input: a single record is larger than the configured maximum.
    ///
    /// Raise the limit ([`max_record_bytes`](crate::corpus::CorpusConfigBuilder::max_record_bytes)),
    /// or skip bad records.
    RecordTooLarge,
    /// Bad input: two documents have the same id, so results could not tell them apart. The
    /// message names both records.
    ///
    /// Give the documents distinct ids, or have later ones numbered apart
    /// ([`duplicate_ids`](crate::corpus::CorpusConfigBuilder::duplicate_ids)). Not skipped by
    /// `skip_invalid`: neither record is invalid on its own.
    DuplicateId,
    /// Bad input: a compressed input file (gzip, zstd, bzip2, xz) is corrupt or truncated. The
    /// location is the file, the first line (or record) the damage cut short and the offset in
    /// the decompressed stream where the decoder stopped.
    ///
    /// Fetch or compress the file again, or keep the records before the damage
    /// ([`skip_invalid`](crate::corpus::CorpusConfigBuilder::skip_invalid)).
    Compression,
}

impl ErrorKind {
    /// A short, stable, lowercase name for the kind (for logs and tests).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Config => "config",
            ErrorKind::NotFound => "not-found",
            ErrorKind::AlreadyExists => "already-exists",
            ErrorKind::Locked => "locked",
            ErrorKind::ReadOnly => "read-only",
            ErrorKind::Incompatible => "incompatible",
            ErrorKind::Corrupt => "corrupt",
            ErrorKind::Io => "io",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Json => "json",
            ErrorKind::Malformed => "malformed",
            ErrorKind::MissingField => "missing-field",
            ErrorKind::Utf8 => "utf8",
            ErrorKind::Empty => "empty",
            ErrorKind::RecordTooLarge => "record-too-large",
            ErrorKind::DuplicateId => "duplicate-id",
            ErrorKind::Compression => "compression",
        }
    }

    /// Whether the kind is bad input (a record, or an input file or part of one, that cannot be
    /// read as documents):
    /// what [`skip_invalid`](crate::corpus::CorpusConfigBuilder::skip_invalid) skips and
    /// [`Invalid::Skip`](crate::source::Invalid::Skip) leaves out.
    pub fn is_invalid_input(self) -> bool {
        matches!(
            self,
            ErrorKind::Json
                | ErrorKind::Malformed
                | ErrorKind::MissingField
                | ErrorKind::Utf8
                | ErrorKind::Empty
                | ErrorKind::RecordTooLarge
                | ErrorKind::Compression
        )
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where in the input an error happened.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    /// The file, when the error concerns one.
    pub path: Option<PathBuf>,
    /// The 1-based line number, for line-oriented input (JSONL).
    pub line: Option<u64>,
    /// The byte offset from the start of the file.
    pub offset: Option<u64>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        if let Some(p) = &self.path {
            write!(f, "{}", p.display())?;
            sep = ":";
        }
        if let Some(l) = self.line {
            write!(f, "{sep}line {l}")?;
            sep = ":";
        }
        if let Some(o) = self.offset {
            if self.line.is_some() {
                write!(f, " (byte {o})")?;
            } else {
                write!(f, "{sep}byte {o}")?;
            }
        }
        Ok(())
    }
}

/// neardupe's error: a kind, a location, a message and an optional hint.
#[derive(Clone, Debug, thiserror::Error)]
pub struct Error {
    kind: ErrorKind,
    location: Location,
    message: String,
    hint: Option<&'static str>,
    #[source]
    source: Option<std::sync::Arc<std::io::Error>>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, &|_| None)
    }
}

impl Error {
    /// A new error of `kind` with `message` and no location.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error { kind, location: Location::default(), message: message.into(), hint: None, source: None }
    }

    /// A configuration error.
    pub fn config(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Config, message)
    }

    /// An I/O error while doing `what` to `path`: of kind [`NotFound`](ErrorKind::NotFound) when
    /// the path does not exist, [`Io`](ErrorKind::Io) otherwise.
    pub fn io(path: &Path, what: &str, source: std::io::Error) -> Error {
        let kind = match source.kind() {
            std::io::ErrorKind::NotFound => ErrorKind::NotFound,
            _ => ErrorKind::Io,
        };
        Error {
            kind,
            location: Location { path: Some(path.to_path_buf()), ..Location::default() },
            message: what.to_string(),
            hint: None,
            source: Some(std::sync::Arc::new(source)),
        }
    }

    /// Replaces the error's location.
    pub fn with_location(mut self, location: Location) -> Error {
        self.location = location;
        self
    }

    /// Attaches a file path to the error's location.
    pub fn with_path(mut self, path: &Path) -> Error {
        self.location.path = Some(path.to_path_buf());
        self
    }

    /// Attaches a 1-based line number to the error's location.
    pub fn with_line(mut self, line: u64) -> Error {
        self.location.line = Some(line);
        self
    }

    /// Attaches a byte offset to the error's location.
    pub fn with_offset(mut self, offset: u64) -> Error {
        self.location.offset = Some(offset);
        self
    }

    /// Attaches a hint: how to fix or avoid the error, naming options in backticks by their
    /// library names (``"see `text_field`"``). It is shown after the message, in parentheses.
    pub fn with_hint(mut self, hint: &'static str) -> Error {
        self.hint = Some(hint);
        self
    }

    /// This error as another kind (for a caller that knows more about what went wrong).
    pub(crate) fn with_kind(mut self, kind: ErrorKind) -> Error {
        self.kind = kind;
        self
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Where the error happened, as far as it is known.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The message without the location, the I/O error and the hint.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// How to fix or avoid the error, if there is a hint: the options it names are in
    /// backticks (see [`options`](Error::options)).
    pub fn hint(&self) -> Option<&'static str> {
        self.hint
    }

    /// The library options the hint names, in order: the names of the
    /// [`ConfigBuilder`](crate::ConfigBuilder) and
    /// [`CorpusConfigBuilder`](crate::corpus::CorpusConfigBuilder) methods that set them
    /// (`text_field`, `max_record_bytes`, `window_days`, `verify`, ...).
    pub fn options(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.hint.unwrap_or_default().split('`').skip(1).step_by(2)
    }

    /// The error as [`Display`](fmt::Display) writes it, with each option the hint names written
    /// as `name(option)` instead, where that is `Some`: for front ends whose options have other
    /// names (a command line's flags). Options without a new name keep their backticks.
    pub fn to_string_with(&self, name: impl Fn(&str) -> Option<String>) -> String {
        struct With<'a>(&'a Error, &'a dyn Fn(&str) -> Option<String>);
        impl fmt::Display for With<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.write(f, self.1)
            }
        }
        With(self, &name).to_string()
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, name: &dyn Fn(&str) -> Option<String>) -> fmt::Result {
        let loc = self.location.to_string();
        if loc.is_empty() {
            write!(f, "{}", self.message)?;
        } else {
            write!(f, "{loc}: {}", self.message)?;
        }
        if let Some(src) = &self.source {
            write!(f, ": {src}")?;
        }
        if let Some(hint) = self.hint {
            f.write_str(" (")?;
            for (i, part) in hint.split('`').enumerate() {
                match (i % 2 == 1).then(|| name(part)).flatten() {
                    Some(renamed) => f.write_str(&renamed)?,
                    None if i % 2 == 1 => write!(f, "`{part}`")?,
                    None => f.write_str(part)?,
                }
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// Records and files left out as invalid input: every one counted, the first
/// [`Skipped::LISTED`] kept with their errors.
///
/// A corpus with millions of bad lines would otherwise hold an error for each (some 250 bytes
/// apiece); the count stays exact and the listed errors say what was wrong and where.
///
/// ```
/// use neardupe::error::{Error, Skipped};
///
/// let mut skipped = Skipped::default();
/// for i in 0..1500 {
///     skipped.push(Error::config(format!("bad record {i}")));
/// }
/// assert_eq!(skipped.len(), 1500);
/// assert_eq!(skipped.listed().len(), Skipped::LISTED);
/// assert_eq!(skipped.iter().next().unwrap().message(), "bad record 0");
/// ```
#[derive(Clone, Debug, Default)]
pub struct Skipped {
    listed: Vec<Error>,
    count: usize,
}

impl Skipped {
    /// How many errors are kept: the first ones, in the order they were met.
    pub const LISTED: usize = 1000;

    /// Counts `e`, and keeps it while fewer than [`LISTED`](Skipped::LISTED) are.
    pub fn push(&mut self, e: Error) {
        self.count += 1;
        if self.listed.len() < Self::LISTED {
            self.listed.push(e);
        }
    }

    /// Adds everything `other` counted and lists what room is left for.
    pub fn append(&mut self, other: Skipped) {
        let extra = other.count - other.listed.len();
        for e in other.listed {
            self.push(e);
        }
        self.count += extra;
    }

    /// How many were left out (all of them, listed or not).
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether nothing was left out.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The errors kept: the first [`LISTED`](Skipped::LISTED).
    pub fn listed(&self) -> &[Error] {
        &self.listed
    }

    /// The errors kept, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Error> {
        self.listed.iter()
    }
}

impl<'a> IntoIterator for &'a Skipped {
    type Item = &'a Error;
    type IntoIter = std::slice::Iter<'a, Error>;
    fn into_iter(self) -> Self::IntoIter {
        self.listed.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_line_and_offset() {
        let e =
            Error::new(ErrorKind::Json, "expected value").with_path(Path::new("a.jsonl")).with_line(3).with_offset(120);
        assert_eq!(e.to_string(), "a.jsonl:line 3 (byte 120): expected value");
        assert_eq!(e.kind(), ErrorKind::Json);
        let e = Error::new(ErrorKind::Utf8, "invalid UTF-8").with_path(Path::new("b.txt")).with_offset(7);
        assert_eq!(e.to_string(), "b.txt:byte 7: invalid UTF-8");
    }

    #[test]
    fn hints_name_options_that_front_ends_rename() {
        let e = Error::new(ErrorKind::Utf8, "invalid UTF-8")
            .with_path(Path::new("b.txt"))
            .with_hint("`lossy_utf8` replaces invalid bytes, `skip_invalid` skips the record");
        assert_eq!(
            e.to_string(),
            "b.txt: invalid UTF-8 (`lossy_utf8` replaces invalid bytes, `skip_invalid` skips the record)"
        );
        assert_eq!(e.message(), "invalid UTF-8");
        assert_eq!(e.options().collect::<Vec<_>>(), ["lossy_utf8", "skip_invalid"]);
        let flag = |o: &str| (o == "lossy_utf8").then(|| "--lossy-utf8".to_string());
        assert_eq!(
            e.to_string_with(flag),
            "b.txt: invalid UTF-8 (--lossy-utf8 replaces invalid bytes, `skip_invalid` skips the record)"
        );
        let plain = Error::config("no input paths given");
        assert_eq!(plain.options().count(), 0);
        assert_eq!(plain.to_string_with(|_| Some("x".into())), "no input paths given");
    }

    #[test]
    fn missing_paths_are_not_found_and_other_io_errors_io() {
        let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
        assert_eq!(Error::io(Path::new("a"), "cannot open", missing).kind(), ErrorKind::NotFound);
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let e = Error::io(Path::new("a"), "cannot open", denied);
        assert_eq!(e.kind(), ErrorKind::Io);
        assert!(std::error::Error::source(&e).is_some());
    }

    #[test]
    fn kinds_have_distinct_names_and_only_bad_records_are_invalid_input() {
        use ErrorKind::*;
        let all = [
            Config,
            NotFound,
            AlreadyExists,
            Locked,
            ReadOnly,
            Incompatible,
            Corrupt,
            Io,
            Unsupported,
            Json,
            Malformed,
            MissingField,
            Utf8,
            Empty,
            RecordTooLarge,
            DuplicateId,
            Compression,
        ];
        let names: std::collections::HashSet<&str> = all.iter().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), all.len());
        let invalid: Vec<ErrorKind> = all.into_iter().filter(|k| k.is_invalid_input()).collect();
        assert_eq!(invalid, [Json, Malformed, MissingField, Utf8, Empty, RecordTooLarge, Compression]);
    }
}
