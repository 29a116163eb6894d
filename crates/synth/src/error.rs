//! The crate's error type.
//!
//! An [`Error`] carries an [`ErrorKind`] that programs can match on, and a message that names the
//! file, the line (or byte offset) and the cause. The kinds are some of
//! [`neardupe::ErrorKind`](https://docs.rs/neardupe/latest/neardupe/enum.ErrorKind.html)'s, with
//! the same names, and the message is written the same way, so a program that uses both can pass
//! an error on unchanged. (This crate does not depend on `neardupe`: the `neardupe` binary
//! depends on it.)

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, in a form programs can match on.
///
/// New kinds may be added in minor releases, so matches need a wildcard arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A configuration value is out of range, or a name is unknown.
    Config,
    /// A file to read does not exist.
    NotFound,
    /// A file could not be read for another reason (the source is the `std::io::Error`).
    Io,
    /// A JSONL line is not valid JSON.
    Json,
    /// A line has no `id` or `cluster` field, or the field is neither a string nor a number.
    MissingField,
    /// A file is not valid UTF-8.
    Utf8,
    /// A file holds no assignments at all.
    Empty,
    /// An id is listed on two lines of one file; the message names both.
    DuplicateId,
}

impl ErrorKind {
    /// A short, stable, lowercase name for the kind (the same as `neardupe`'s for the same kind).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Config => "config",
            ErrorKind::NotFound => "not-found",
            ErrorKind::Io => "io",
            ErrorKind::Json => "json",
            ErrorKind::MissingField => "missing-field",
            ErrorKind::Utf8 => "utf8",
            ErrorKind::Empty => "empty",
            ErrorKind::DuplicateId => "duplicate-id",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error of the generator or the scorer: a kind, where it happened and a message.
#[derive(Clone, Debug)]
pub struct Error {
    kind: ErrorKind,
    path: Option<PathBuf>,
    line: Option<u64>,
    offset: Option<u64>,
    message: String,
    source: Option<Arc<std::io::Error>>,
}

impl Error {
    /// A new error of `kind` with `message` and no location.
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error { kind, path: None, line: None, offset: None, message: message.into(), source: None }
    }

    /// A configuration error.
    pub(crate) fn config(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Config, message)
    }

    /// An I/O error while doing `what` to `path`: of kind [`NotFound`](ErrorKind::NotFound) when
    /// the path does not exist, [`Io`](ErrorKind::Io) otherwise.
    pub(crate) fn io(path: &Path, what: &str, source: std::io::Error) -> Error {
        let kind = match source.kind() {
            std::io::ErrorKind::NotFound => ErrorKind::NotFound,
            _ => ErrorKind::Io,
        };
        Error { source: Some(Arc::new(source)), ..Error::new(kind, what).with_path(path) }
    }

    /// Attaches a file path.
    pub(crate) fn with_path(mut self, path: &Path) -> Error {
        self.path = Some(path.to_path_buf());
        self
    }

    /// Attaches a 1-based line number.
    pub(crate) fn with_line(mut self, line: u64) -> Error {
        self.line = Some(line);
        self
    }

    /// Attaches a byte offset.
    pub(crate) fn with_offset(mut self, offset: u64) -> Error {
        self.offset = Some(offset);
        self
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The file the error concerns, if any.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The 1-based line of the file, if known.
    pub fn line(&self) -> Option<u64> {
        self.line
    }

    /// The byte offset in the file, if known.
    pub fn offset(&self) -> Option<u64> {
        self.offset
    }

    /// The message, without the location and the underlying I/O error.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    /// `path:line N (byte B): message: cause`, leaving out what is unknown.
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
            sep = ":";
        }
        if !sep.is_empty() {
            f.write_str(": ")?;
        }
        f.write_str(&self.message)?;
        if let Some(src) = &self.source {
            write!(f, ": {src}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_location() {
        let e = Error::new(ErrorKind::Json, "invalid JSON").with_path(Path::new("t.jsonl")).with_line(3);
        assert_eq!(e.to_string(), "t.jsonl:line 3: invalid JSON");
        let e = Error::new(ErrorKind::Utf8, "invalid UTF-8").with_path(Path::new("t.jsonl")).with_offset(7);
        assert_eq!(e.to_string(), "t.jsonl:byte 7: invalid UTF-8");
        let e = Error::new(ErrorKind::Json, "bad").with_path(Path::new("t")).with_line(2).with_offset(9);
        assert_eq!(e.to_string(), "t:line 2 (byte 9): bad");
        assert_eq!(Error::config("no tiers").to_string(), "no tiers");
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let e = Error::io(Path::new("x"), "cannot read", io);
        assert_eq!((e.kind(), e.to_string()), (ErrorKind::NotFound, "x: cannot read: gone".to_string()));
        assert!(std::error::Error::source(&e).is_some());
        let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied");
        assert_eq!(Error::io(Path::new("x"), "cannot read", io).kind(), ErrorKind::Io);
    }
}
