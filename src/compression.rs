//! Compressed files: gzip, zstd, bzip2 and xz, read by their content and written by their name.
//!
//! An input's compression is told by its first bytes, its magic number ([`Compression::detect`]),
//! never by its name alone: a `.jsonl` file that holds gzip is read as gzip, a `.gz` file that
//! holds plain text as plain text. [`Reader`] peeks at the start of any reader and decompresses
//! what follows (or passes plain bytes through), counting the decompressed bytes so that an error
//! names the offset where the damage was found; [`open`] does that for a file. Concatenated
//! streams are read to the end: multi-member gzip (`cat a.gz b.gz`, `pigz`, BGZF), several zstd
//! frames (and skippable frames), multi-stream bzip2 (`pbzip2`) and xz.
//!
//! An output's compression is told by its name ([`Compression::from_extension`]), and
//! [`Encoder`] writes it.
//!
//! ```
//! # #[cfg(feature = "gzip")] {
//! use std::io::{Read, Write};
//! use std::path::Path;
//! use neardupe::compression::{self, Compression, Encoder};
//!
//! let mut gz = Encoder::new(Vec::new(), Compression::Gzip)?;
//! gz.write_all(b"{\"text\": \"the first member\"}\n")?;
//! let mut bytes = gz.finish()?;
//! let mut second = Encoder::new(Vec::new(), Compression::Gzip)?;
//! second.write_all(b"{\"text\": \"a second member, as `cat a.gz b.gz` makes\"}\n")?;
//! bytes.extend(second.finish()?);
//! assert_eq!(Compression::detect(&bytes), Some(Compression::Gzip));
//!
//! let mut reader = compression::Reader::new(&bytes[..], Path::new("news.jsonl"))?;
//! assert_eq!(reader.compression(), Some(Compression::Gzip));
//! let mut text = String::new();
//! reader.read_to_string(&mut text)?;
//! assert_eq!(text.lines().count(), 2);
//! assert_eq!(reader.position(), text.len() as u64);
//!
//! // A truncated stream is an error that names the file and the decompressed offset.
//! let mut cut = compression::Reader::new(&bytes[..bytes.len() / 2], Path::new("news.jsonl"))?;
//! let e = cut.read_to_end(&mut Vec::new()).unwrap_err();
//! let e = cut.error(e);
//! assert_eq!(e.kind(), neardupe::ErrorKind::Compression);
//! assert!(e.to_string().starts_with("news.jsonl:byte "), "{e}");
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Each format is a feature of the crate (`gzip`, `zstd`, `bzip2`, `xz`, all four together
//! `compression`), on in the command-line tool and off in the library's minimal build: there a
//! compressed input is still recognised, and refused with an error of kind
//! [`Unsupported`](ErrorKind::Unsupported) that names the feature.
//!
//! The decoders: gzip by `flate2` on the `zlib-rs` backend (Rust, as fast as zlib-ng), zstd by
//! the reference C library (`zstd`; windows up to 128 MiB, the `zstd` tool's own limit without
//! `--long`), bzip2 by `bzip2` on its Rust backend (`libbz2-rs-sys`), xz by liblzma (`liblzma`;
//! at most 1 GiB of decoder memory). The README's "Compressed input" section has the measurements
//! behind the choice.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};

/// A compression format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Compression {
    /// gzip (RFC 1952), one member or several.
    Gzip,
    /// Zstandard (RFC 8878), one frame or several.
    Zstd,
    /// bzip2, one stream or several.
    Bzip2,
    /// xz, one stream or several.
    Xz,
}

/// How many bytes [`Compression::detect`] looks at, at most.
pub const MAGIC_LEN: usize = 10;

/// The buffer of a decoder's compressed input.
const INPUT_BUFFER: usize = 256 << 10;

/// The most memory the xz decoder may use (the dictionary of `xz -9` is 64 MiB).
#[cfg(feature = "xz")]
const XZ_MEMORY_LIMIT: u64 = 1 << 30;

impl Compression {
    /// Every format, in the order of their names.
    pub const ALL: [Compression; 4] = [Compression::Bzip2, Compression::Gzip, Compression::Xz, Compression::Zstd];

    /// The format whose magic number `head` starts with (give it [`MAGIC_LEN`] bytes, or the
    /// whole input if it is shorter), or `None` for anything else.
    ///
    /// gzip, zstd and xz magic numbers are not UTF-8, so no text is taken for them; a bzip2
    /// stream starts with `BZh`, a block size digit and the six bytes of a block or end-of-stream
    /// marker, ten ASCII bytes that no text is likely to start with.
    pub fn detect(head: &[u8]) -> Option<Compression> {
        match head {
            [0x1f, 0x8b, ..] => Some(Compression::Gzip),
            [0x28, 0xb5, 0x2f, 0xfd, ..] => Some(Compression::Zstd),
            // A skippable frame (0x184D2A50 to 0x184D2A5F, little-endian) may come first.
            [0x50..=0x5f, 0x2a, 0x4d, 0x18, ..] => Some(Compression::Zstd),
            [0xfd, b'7', b'z', b'X', b'Z', 0x00, ..] => Some(Compression::Xz),
            [b'B', b'Z', b'h', b'1'..=b'9', marker @ ..]
                if marker.starts_with(&[0x31, 0x41, 0x59, 0x26, 0x53, 0x59])
                    || marker.starts_with(&[0x17, 0x72, 0x45, 0x38, 0x50, 0x90]) =>
            {
                Some(Compression::Bzip2)
            }
            _ => None,
        }
    }

    /// The format that a file name's extension names: `.gz` (`.gzip`), `.zst` (`.zstd`), `.bz2`
    /// (`.bzip2`) or `.xz`, in any case. For outputs: inputs are told by
    /// [`detect`](Compression::detect). (Archives of several files, such as `.tar.gz`, are not
    /// read as such: a tar file is one text.)
    pub fn from_extension(path: &Path) -> Option<Compression> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "gz" | "gzip" => Some(Compression::Gzip),
            "zst" | "zstd" => Some(Compression::Zstd),
            "bz2" | "bzip2" => Some(Compression::Bzip2),
            "xz" => Some(Compression::Xz),
            _ => None,
        }
    }

    /// The format's name: `gzip`, `zstd`, `bzip2` or `xz` (also the name of its feature).
    pub fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::Bzip2 => "bzip2",
            Compression::Xz => "xz",
        }
    }

    /// Whether this build reads and writes the format (its feature is on).
    pub fn is_available(self) -> bool {
        match self {
            Compression::Gzip => cfg!(feature = "gzip"),
            Compression::Zstd => cfg!(feature = "zstd"),
            Compression::Bzip2 => cfg!(feature = "bzip2"),
            Compression::Xz => cfg!(feature = "xz"),
        }
    }

    /// The error for a format this build lacks: of kind [`Unsupported`](ErrorKind::Unsupported),
    /// naming the file and the feature.
    pub(crate) fn unavailable(self, path: &Path) -> Error {
        Error::new(
            ErrorKind::Unsupported,
            format!(
                "compressed with {0}, which this build of neardupe does not read or write (the `{0}` feature)",
                self.name()
            ),
        )
        .with_path(path)
    }
}

impl std::fmt::Display for Compression {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The extension that names a file's format, looking through one compression extension:
/// `jsonl` for `news.jsonl.gz` and for `news.jsonl`, `txt` for `a.txt.zst`, none for `a.gz`.
pub fn format_extension(path: &Path) -> Option<&std::ffi::OsStr> {
    if Compression::from_extension(path).is_some() {
        Path::new(path.file_stem()?).extension()
    } else {
        path.extension()
    }
}

/// Reads the first bytes of `input` into `head`, as many as there are up to its length: the
/// count.
pub(crate) fn read_head(input: &mut impl Read, head: &mut [u8; MAGIC_LEN]) -> io::Result<usize> {
    let mut len = 0;
    while len < MAGIC_LEN {
        match input.read(&mut head[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(len)
}

/// The input's own read errors, told apart from the decoder's errors about its data.
#[derive(Debug)]
struct SourceError(io::Error);

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for SourceError {}

/// The compressed input of a decoder: its read errors are marked as [`SourceError`]s.
struct Source<R>(R);

impl<R: Read> Read for Source<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.0.read(buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io::Error::new(e.kind(), SourceError(e))),
                ok => return ok,
            }
        }
    }
}

/// The decompressed bytes of an input, or its bytes as they are when it is not compressed.
///
/// Made by [`Reader::new`] (any reader) or [`open`] (a file). Reads count the bytes they give
/// ([`position`](Reader::position)); [`error`](Reader::error) turns a read's error into the
/// crate's, naming the input and that offset.
pub struct Reader<'a> {
    inner: Box<dyn Read + 'a>,
    compression: Option<Compression>,
    path: PathBuf,
    position: u64,
}

impl std::fmt::Debug for Reader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader")
            .field("compression", &self.compression)
            .field("path", &self.path)
            .field("position", &self.position)
            .finish_non_exhaustive()
    }
}

impl<'a> Reader<'a> {
    /// Reads the first bytes of `input` to tell its compression, and gives its decompressed bytes
    /// (or its bytes as they are). `path` names the input in errors.
    ///
    /// Fails when the first bytes cannot be read, or the input is compressed in a format this
    /// build lacks (an [`Unsupported`](ErrorKind::Unsupported) error).
    pub fn new(input: impl Read + 'a, path: &Path) -> Result<Reader<'a>> {
        let mut input = Source(input);
        let mut head = [0u8; MAGIC_LEN];
        let len = read_head(&mut input, &mut head).map_err(|e| Error::io(path, "cannot read input", e))?;
        let head = head[..len].to_vec();
        let compression = Compression::detect(&head);
        let buffered = BufReader::with_capacity(INPUT_BUFFER, io::Cursor::new(head).chain(input));
        let inner: Box<dyn Read + 'a> = match compression {
            None => Box::new(buffered),
            Some(c) => decoder(c, buffered, path)?,
        };
        Ok(Reader { inner, compression, path: path.to_path_buf(), position: 0 })
    }

    /// The input's compression, `None` for plain bytes.
    pub fn compression(&self) -> Option<Compression> {
        self.compression
    }

    /// How many (decompressed) bytes have been read so far.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// The path that names the input.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The crate's error for `e`, an error of a read of this reader: the input's own read errors
    /// (a disk's, a pipe's) are of kind [`Io`](ErrorKind::Io); a decoder's error about the data,
    /// a corrupt or truncated stream, is of kind [`Compression`](ErrorKind::Compression). Both
    /// name the input and the decompressed offset reached.
    pub fn error(&self, e: io::Error) -> Error {
        let from_input = e.get_ref().is_some_and(|inner| inner.is::<SourceError>());
        if from_input {
            return Error::io(&self.path, "cannot read input", e).with_offset(self.position);
        }
        let what = self.compression.map_or("data", Compression::name);
        let cause = if e.kind() == io::ErrorKind::UnexpectedEof {
            "unexpected end of the stream".to_string()
        } else {
            e.to_string()
        };
        Error::new(ErrorKind::Compression, format!("corrupt or truncated {what} stream: {cause}"))
            .with_path(&self.path)
            .with_offset(self.position)
    }
}

impl Read for Reader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.position += n as u64;
        Ok(n)
    }
}

/// Opens the file at `path` as a [`Reader`]: its decompressed bytes, or its bytes as they are.
/// A directory is refused; a named pipe is read as a stream (opening it waits for a writer).
pub fn open(path: &Path) -> Result<Reader<'static>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, "cannot open input", e))?;
    if meta.is_dir() {
        return Err(Error::new(ErrorKind::Io, "cannot read input: a directory").with_path(path));
    }
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, "cannot open input", e))?;
    Reader::new(file, path)
}

/// A decoder of `c` over `input`.
fn decoder<'a>(c: Compression, input: impl BufRead + 'a, path: &Path) -> Result<Box<dyn Read + 'a>> {
    match c {
        #[cfg(feature = "gzip")]
        Compression::Gzip => Ok(Box::new(flate2::bufread::MultiGzDecoder::new(input))),
        #[cfg(feature = "zstd")]
        Compression::Zstd => {
            let d = zstd::stream::read::Decoder::with_buffer(input)
                .map_err(|e| Error::io(path, "cannot start the zstd decoder", e))?;
            Ok(Box::new(d))
        }
        #[cfg(feature = "bzip2")]
        Compression::Bzip2 => Ok(Box::new(bzip2::bufread::MultiBzDecoder::new(input))),
        #[cfg(feature = "xz")]
        Compression::Xz => {
            let stream = liblzma::stream::Stream::new_stream_decoder(XZ_MEMORY_LIMIT, liblzma::stream::CONCATENATED)
                .map_err(|e| Error::io(path, "cannot start the xz decoder", e.into()))?;
            Ok(Box::new(XzReader { input, stream, error: None }))
        }
        // A format this build lacks.
        #[allow(unreachable_patterns)]
        _ => {
            drop(input);
            Err(c.unavailable(path))
        }
    }
}

/// An xz decoder that gives every byte decoded before an error, the error at the next read.
/// (liblzma's own reader drops the output of the call that meets the damage: the end of a whole
/// first stream, when the second stream's header is broken.)
#[cfg(feature = "xz")]
struct XzReader<R> {
    input: R,
    stream: liblzma::stream::Stream,
    error: Option<io::Error>,
}

#[cfg(feature = "xz")]
impl<R: BufRead> Read for XzReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use liblzma::stream::{Action, Status};
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            let input = self.input.fill_buf()?;
            let eof = input.is_empty();
            let (before_in, before_out) = (self.stream.total_in(), self.stream.total_out());
            let status = self.stream.process(input, buf, if eof { Action::Finish } else { Action::Run });
            let consumed = (self.stream.total_in() - before_in) as usize;
            let read = (self.stream.total_out() - before_out) as usize;
            self.input.consume(consumed);
            let error = match status {
                Ok(Status::StreamEnd) => return Ok(read),
                Ok(_) if read > 0 => return Ok(read),
                Ok(_) if eof => io::Error::new(io::ErrorKind::UnexpectedEof, "the stream ends early"),
                Ok(_) if consumed == 0 => io::Error::new(io::ErrorKind::InvalidData, "the decoder is stuck"),
                Ok(_) => continue,
                Err(e) => e.into(),
            };
            if read > 0 {
                self.error = Some(error);
                return Ok(read);
            }
            return Err(error);
        }
    }
}

/// A writer that compresses what it is given into another writer: call
/// [`finish`](Encoder::finish) at the end, which writes the stream's trailer.
///
/// Levels are each tool's default: gzip 6, zstd 3 (with the content checksum), bzip2 9, xz 6.
pub struct Encoder<W: Write> {
    inner: Inner<W>,
}

// One encoder per output: its size does not matter (the variants differ only in a build with
// one format and the empty `None`).
#[allow(clippy::large_enum_variant)]
enum Inner<W: Write> {
    #[cfg(feature = "gzip")]
    Gzip(flate2::write::GzEncoder<W>),
    #[cfg(feature = "zstd")]
    Zstd(zstd::stream::write::Encoder<'static, W>),
    #[cfg(feature = "bzip2")]
    Bzip2(bzip2::write::BzEncoder<W>),
    #[cfg(feature = "xz")]
    Xz(liblzma::write::XzEncoder<W>),
    /// Never made: keeps `W` used in a build without formats.
    #[allow(dead_code)]
    None(std::convert::Infallible, std::marker::PhantomData<W>),
}

impl<W: Write> std::fmt::Debug for Encoder<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder").finish_non_exhaustive()
    }
}

impl<W: Write> Encoder<W> {
    /// An encoder of `c` writing to `w`; fails (with an [`Unsupported`](ErrorKind::Unsupported)
    /// error) when this build lacks the format.
    pub fn new(w: W, c: Compression) -> Result<Encoder<W>> {
        let inner = match c {
            #[cfg(feature = "gzip")]
            Compression::Gzip => Ok(Inner::Gzip(flate2::write::GzEncoder::new(w, flate2::Compression::default()))),
            #[cfg(feature = "zstd")]
            Compression::Zstd => {
                // With the content checksum, as the `zstd` tool writes it: damage is found.
                let start = |w| -> io::Result<_> {
                    let mut e = zstd::stream::write::Encoder::new(w, zstd::DEFAULT_COMPRESSION_LEVEL)?;
                    e.include_checksum(true)?;
                    Ok(e)
                };
                start(w)
                    .map(Inner::Zstd)
                    .map_err(|e| Error::io(Path::new("output"), "cannot start the zstd encoder", e))
            }
            #[cfg(feature = "bzip2")]
            Compression::Bzip2 => Ok(Inner::Bzip2(bzip2::write::BzEncoder::new(w, bzip2::Compression::default()))),
            #[cfg(feature = "xz")]
            Compression::Xz => Ok(Inner::Xz(liblzma::write::XzEncoder::new(w, 6))),
            #[allow(unreachable_patterns)]
            _ => {
                drop(w);
                Err(c.unavailable(Path::new("output")))
            }
        };
        inner.map(|inner| Encoder { inner })
    }

    /// Ends the stream (its trailer written) and gives the writer back, not flushed.
    pub fn finish(self) -> io::Result<W> {
        match self.inner {
            #[cfg(feature = "gzip")]
            Inner::Gzip(e) => e.finish(),
            #[cfg(feature = "zstd")]
            Inner::Zstd(e) => e.finish(),
            #[cfg(feature = "bzip2")]
            Inner::Bzip2(e) => e.finish(),
            #[cfg(feature = "xz")]
            Inner::Xz(e) => e.finish(),
            Inner::None(never, _) => match never {},
        }
    }

    fn writer(&mut self) -> &mut dyn Write {
        match &mut self.inner {
            #[cfg(feature = "gzip")]
            Inner::Gzip(e) => e,
            #[cfg(feature = "zstd")]
            Inner::Zstd(e) => e,
            #[cfg(feature = "bzip2")]
            Inner::Bzip2(e) => e,
            #[cfg(feature = "xz")]
            Inner::Xz(e) => e,
            Inner::None(never, _) => match *never {},
        }
    }
}

impl<W: Write> Write for Encoder<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer().write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.writer().write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.writer().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_numbers() {
        assert_eq!(Compression::detect(b"\x1f\x8b\x08\x00"), Some(Compression::Gzip));
        assert_eq!(Compression::detect(b"\x28\xb5\x2f\xfd\x00"), Some(Compression::Zstd));
        assert_eq!(Compression::detect(b"\x5a\x2a\x4d\x18\x00"), Some(Compression::Zstd));
        assert_eq!(Compression::detect(b"\xfd7zXZ\x00\x00"), Some(Compression::Xz));
        assert_eq!(Compression::detect(b"BZh91AY&SY"), Some(Compression::Bzip2));
        assert_eq!(Compression::detect(b"BZh9\x17\x72\x45\x38\x50\x90"), Some(Compression::Bzip2));
        // Text that starts like a bzip2 stream is text.
        assert_eq!(Compression::detect(b"BZh9 is a name"), None);
        assert_eq!(Compression::detect(b"BZh9"), None);
        assert_eq!(Compression::detect(b"{\"text\": 1}"), None);
        assert_eq!(Compression::detect(b"\x1f"), None);
        assert_eq!(Compression::detect(b""), None);
    }

    #[test]
    fn extensions() {
        assert_eq!(Compression::from_extension(Path::new("a.jsonl.GZ")), Some(Compression::Gzip));
        assert_eq!(Compression::from_extension(Path::new("a.zst")), Some(Compression::Zstd));
        assert_eq!(Compression::from_extension(Path::new("a.jsonl")), None);
        assert_eq!(format_extension(Path::new("dir/a.jsonl.gz")).unwrap(), "jsonl");
        assert_eq!(format_extension(Path::new("a.txt")).unwrap(), "txt");
        assert_eq!(format_extension(Path::new("a.gz")), None);
        assert_eq!(format_extension(Path::new(".gz")), None);
    }

    #[test]
    fn plain_bytes_pass_through() {
        let mut r = Reader::new(&b"plain text"[..], Path::new("a.txt")).unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!((s.as_str(), r.compression(), r.position()), ("plain text", None, 10));
        let mut r = Reader::new(&b"ab"[..], Path::new("short")).unwrap();
        let mut v = Vec::new();
        r.read_to_end(&mut v).unwrap();
        assert_eq!(v, b"ab");
    }

    /// Every format round-trips, one stream and two concatenated; a truncated stream and a
    /// corrupt one are errors of kind `Compression` with the decompressed offset.
    #[cfg(any(feature = "gzip", feature = "zstd", feature = "bzip2", feature = "xz"))]
    #[test]
    fn round_trips_and_damage() {
        let text: Vec<u8> =
            (0..20_000).flat_map(|i| format!("{{\"text\": \"line {i} of many\"}}\n").into_bytes()).collect();
        for c in Compression::ALL.into_iter().filter(|c| c.is_available()) {
            let compress = |data: &[u8]| {
                let mut e = Encoder::new(Vec::new(), c).unwrap();
                e.write_all(data).unwrap();
                e.finish().unwrap()
            };
            let one = compress(&text);
            assert_eq!(Compression::detect(&one), Some(c));
            let mut two = compress(&text[..1000]);
            two.extend(compress(&text[1000..]));
            for bytes in [&one, &two] {
                let mut r = Reader::new(&bytes[..], Path::new("x")).unwrap();
                let mut out = Vec::new();
                r.read_to_end(&mut out).unwrap();
                assert_eq!((out == text, r.position()), (true, text.len() as u64), "{c}");
            }
            let cut = &one[..one.len() - 7];
            let mut r = Reader::new(cut, Path::new("cut")).unwrap();
            let mut out = Vec::new();
            let e = r.read_to_end(&mut out).unwrap_err();
            let e = r.error(e);
            assert_eq!(e.kind(), ErrorKind::Compression, "{c}: {e}");
            assert!(e.to_string().starts_with("cut:byte "), "{e}");
            assert!(text.starts_with(&out), "{c}: the bytes before the damage are right");
            let mut bad = one.clone();
            let mid = bad.len() / 2;
            bad[mid..mid + 16].iter_mut().for_each(|b| *b ^= 0x55);
            let mut r = Reader::new(&bad[..], Path::new("bad")).unwrap();
            let e = r.read_to_end(&mut Vec::new()).map_err(|e| r.error(e));
            assert_eq!(e.unwrap_err().kind(), ErrorKind::Compression, "{c}");
        }
    }

    /// A build without a format still recognises it, and refuses it by name.
    #[cfg(not(feature = "gzip"))]
    #[test]
    fn missing_formats_are_refused_by_name() {
        let e = Reader::new(&b"\x1f\x8b\x08\x00\x00\x00\x00\x00"[..], Path::new("a.gz")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Unsupported);
        assert!(e.to_string().starts_with("a.gz: compressed with gzip"), "{e}");
        assert!(e.to_string().contains("the `gzip` feature"), "{e}");
        assert!(Encoder::new(Vec::new(), Compression::Gzip).is_err());
    }

    /// A read error of the input itself is an I/O error, not damage.
    #[test]
    fn input_errors_are_io_errors() {
        struct Failing(usize);
        impl Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0 == 0 {
                    return Err(io::Error::other("disk on fire"));
                }
                let n = self.0.min(buf.len());
                buf[..n].fill(b'a');
                self.0 -= n;
                Ok(n)
            }
        }
        let mut r = Reader::new(Failing(100), Path::new("f")).unwrap();
        let e = r.read_to_end(&mut Vec::new()).unwrap_err();
        let e = r.error(e);
        assert_eq!(e.kind(), ErrorKind::Io);
        assert!(e.to_string().contains("disk on fire"), "{e}");
    }
}
