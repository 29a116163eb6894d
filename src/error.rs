//! The crate's one error type.
//!
//! Every fallible function in neardupe returns [`Result<T>`](Result). An [`Error`] carries an
//! [`ErrorKind`] that programs can match on, and a message that names what a person needs to fix
//! the problem: the file, the line (or byte offset) and the cause.

use std::fmt;
use std::path::{Path, PathBuf};

/// A `Result` whose error is neardupe's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, in a form programs can match on.
///
/// New kinds may be added in minor releases, so matches need a wildcard arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A configuration value is out of range or inconsistent (for example `bands * rows > num_perm`).
    Config,
    /// A file or directory could not be opened, read, mapped or written.
    Io,
    /// A JSONL line is not valid JSON, or not a JSON object.
    Json,
    /// A record has no text field, or the field is not a string.
    MissingField,
    /// Input bytes are not valid UTF-8.
    Utf8,
    /// An input file holds no documents at all.
    Empty,
    /// A single record is larger than the configured maximum.
    RecordTooLarge,
    /// A saved file has a wrong magic number, version, parameters or checksum.
    Format,
}

impl ErrorKind {
    /// A short, stable, lowercase name for the kind (used in `--stats-json` and tests).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Config => "config",
            ErrorKind::Io => "io",
            ErrorKind::Json => "json",
            ErrorKind::MissingField => "missing-field",
            ErrorKind::Utf8 => "utf8",
            ErrorKind::Empty => "empty",
            ErrorKind::RecordTooLarge => "record-too-large",
            ErrorKind::Format => "format",
        }
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

/// neardupe's error: a kind, a location and a message.
#[derive(Clone, Debug, thiserror::Error)]
pub struct Error {
    kind: ErrorKind,
    location: Location,
    message: String,
    #[source]
    source: Option<std::sync::Arc<std::io::Error>>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc = self.location.to_string();
        if loc.is_empty() {
            write!(f, "{}", self.message)?;
        } else {
            write!(f, "{loc}: {}", self.message)?;
        }
        if let Some(src) = &self.source {
            write!(f, ": {src}")?;
        }
        Ok(())
    }
}

impl Error {
    /// A new error of `kind` with `message` and no location.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error { kind, location: Location::default(), message: message.into(), source: None }
    }

    /// A configuration error.
    pub fn config(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Config, message)
    }

    /// An I/O error while doing `what` to `path`.
    pub fn io(path: &Path, what: &str, source: std::io::Error) -> Error {
        Error {
            kind: ErrorKind::Io,
            location: Location { path: Some(path.to_path_buf()), ..Location::default() },
            message: what.to_string(),
            source: Some(std::sync::Arc::new(source)),
        }
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

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Where the error happened, as far as it is known.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The message without the location.
    pub fn message(&self) -> &str {
        &self.message
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
}
