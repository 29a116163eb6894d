//! Writing results: cluster assignments (JSONL, CSV or Parquet), kept and removed records, and
//! atomic file replacement so that no half-written output is ever left behind.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::DocId;
use crate::corpus::Corpus;
use crate::error::{Error, ErrorKind, Result};
use crate::results::Output;

/// The format of the `cluster` output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ClusterFormat {
    /// One JSON object a line: `{"id": ..., "cluster": ..., "representative": ...}`.
    #[default]
    Jsonl,
    /// A header `id,cluster,representative`, then one row per document.
    Csv,
    /// A Parquet file (feature `parquet`) of one row per document, with the columns `id`
    /// (string), `cluster` (`uint32`) and `representative` (boolean), zstd-compressed, in row
    /// groups of [`PARQUET_ROW_GROUP`] rows written as they are filled.
    Parquet,
}

crate::names::option_names! {
    ClusterFormat, "output format" {
        Jsonl => "jsonl",
        Csv => "csv",
        Parquet => "parquet",
    }
    aliases { "json" => Jsonl }
}

impl ClusterFormat {
    /// The format that a file name asks for, when no format is given: Parquet for a name that
    /// ends in `.parquet`, JSONL for any other.
    ///
    /// ```
    /// use neardupe::output::ClusterFormat;
    /// use std::path::Path;
    ///
    /// assert_eq!(ClusterFormat::for_path(Path::new("clusters.parquet")), ClusterFormat::Parquet);
    /// assert_eq!(ClusterFormat::for_path(Path::new("clusters.jsonl")), ClusterFormat::Jsonl);
    /// assert_eq!(ClusterFormat::for_path(Path::new("-")), ClusterFormat::Jsonl);
    /// ```
    pub fn for_path(path: &Path) -> ClusterFormat {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
        if ext.eq_ignore_ascii_case("parquet") { ClusterFormat::Parquet } else { ClusterFormat::Jsonl }
    }
}

/// The rows in one row group of a Parquet cluster file.
pub const PARQUET_ROW_GROUP: usize = 1 << 20;

/// Writes one line per document, in input order.
pub fn write_clusters<W: Write>(w: W, out: &Output, format: ClusterFormat) -> io::Result<()> {
    let rows = out.ids.iter().enumerate().map(|(i, id)| {
        let doc = DocId(i as u32);
        Ok((id.as_str(), out.clustering.cluster(doc), out.clustering.is_representative(doc)))
    });
    write_cluster_rows(w, rows, format)
}

/// Writes `(id, cluster, representative)` rows as [`write_clusters`] does (for clusters that
/// come from elsewhere, such as an [`Index`](crate::index::Index)); stops at the first error.
pub fn write_cluster_rows<'a, W: Write>(
    w: W,
    rows: impl Iterator<Item = io::Result<(&'a str, u32, bool)>>,
    format: ClusterFormat,
) -> io::Result<()> {
    match format {
        ClusterFormat::Jsonl => {
            let mut w = w;
            for row in rows {
                let (id, cluster, rep) = row?;
                w.write_all(b"{\"id\":")?;
                serde_json::to_writer(&mut w, id)?;
                writeln!(w, ",\"cluster\":{cluster},\"representative\":{rep}}}")?;
            }
            w.flush()
        }
        ClusterFormat::Csv => {
            let mut c = csv::Writer::from_writer(w);
            c.write_record(["id", "cluster", "representative"]).map_err(csv_error)?;
            for row in rows {
                let (id, cluster, rep) = row?;
                let cluster = cluster.to_string();
                c.write_record([id, cluster.as_str(), if rep { "true" } else { "false" }]).map_err(csv_error)?;
            }
            c.flush()
        }
        ClusterFormat::Parquet => parquet_rows(w, rows),
    }
}

/// Writes the rows as a Parquet file to `w`, a row group at a time (`w` need not be `Send`
/// nor seekable: each finished row group is moved out of the encoder's buffer into `w`).
#[cfg(feature = "parquet")]
fn parquet_rows<'a, W: Write>(
    mut w: W,
    rows: impl Iterator<Item = io::Result<(&'a str, u32, bool)>>,
) -> io::Result<()> {
    use std::sync::Arc;

    use arrow_array::builder::{BooleanBuilder, StringBuilder, UInt32Builder};
    use arrow_array::{ArrayRef, RecordBatch};
    use arrow_schema::{DataType, Field, Schema};
    use parquet::arrow::ArrowWriter;
    use parquet::basic::{Compression, ZstdLevel};
    use parquet::file::properties::WriterProperties;

    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Utf8, false),
        Field::new("cluster", DataType::UInt32, false),
        Field::new("representative", DataType::Boolean, false),
    ]));
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .set_max_row_group_row_count(Some(PARQUET_ROW_GROUP))
        .build();
    let error = |e: parquet::errors::ParquetError| match e {
        parquet::errors::ParquetError::External(e) => match e.downcast::<io::Error>() {
            Ok(io) => *io,
            Err(e) => io::Error::other(e),
        },
        e => io::Error::other(e),
    };
    let mut writer = ArrowWriter::try_new(Vec::new(), Arc::clone(&schema), Some(props)).map_err(error)?;
    const BATCH: usize = 64 << 10;
    let (mut ids, mut clusters, mut reps) = (StringBuilder::new(), UInt32Builder::new(), BooleanBuilder::new());
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        for row in rows.by_ref().take(BATCH) {
            let (id, cluster, rep) = row?;
            ids.append_value(id);
            clusters.append_value(cluster);
            reps.append_value(rep);
        }
        let columns: Vec<ArrayRef> = vec![Arc::new(ids.finish()), Arc::new(clusters.finish()), Arc::new(reps.finish())];
        let batch = RecordBatch::try_new(Arc::clone(&schema), columns).map_err(io::Error::other)?;
        writer.write(&batch).map_err(error)?;
        // What the encoder has written so far (finished row groups) goes out now.
        let done = std::mem::take(writer.inner_mut());
        w.write_all(&done)?;
    }
    let rest = writer.into_inner().map_err(error)?;
    w.write_all(&rest)?;
    w.flush()
}

/// Without the `parquet` feature: an error naming it.
#[cfg(not(feature = "parquet"))]
fn parquet_rows<'a, W: Write>(w: W, rows: impl Iterator<Item = io::Result<(&'a str, u32, bool)>>) -> io::Result<()> {
    let _ = (w, rows);
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "writing Parquet needs neardupe's `parquet` feature, which this build lacks",
    ))
}

/// A CSV writer's error as an I/O error: the I/O error itself when it is one (so that a closed
/// pipe is still a closed pipe).
fn csv_error(e: csv::Error) -> io::Error {
    if !e.is_io_error() {
        return io::Error::other(e);
    }
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// Writes the records of the documents that `keep` selects, in input order: JSONL lines byte for
/// byte with the line terminator they had (`\r\n` stays `\r\n`; a last line without one gets
/// `\n`), delimited records byte for byte followed by `delimiter`, and whole text files as their
/// paths, one a line, [escaped](crate::corpus::escape_path) as their ids are (exact, and one line
/// each even when a name holds a newline or bytes that are not UTF-8).
pub fn write_records<W: Write>(
    mut w: W,
    corpus: &Corpus,
    out: &Output,
    delimiter: Option<&str>,
    keep: impl Fn(usize) -> bool,
) -> io::Result<()> {
    for (i, &rec) in out.records.iter().enumerate() {
        if !keep(i) {
            continue;
        }
        if corpus.is_whole_file(rec) {
            writeln!(w, "{}", corpus.record_path_escaped(rec))?;
        } else {
            w.write_all(corpus.record_bytes(rec))?;
            match (corpus.is_jsonl(rec), delimiter) {
                (false, Some(d)) => w.write_all(d.as_bytes())?,
                _ => match corpus.record_terminator(rec) {
                    [] => w.write_all(b"\n")?,
                    end => w.write_all(end)?,
                },
            }
        }
    }
    w.flush()
}

/// How many symbolic links [`Target::resolve`] follows before it gives up, as the kernel does.
const MAX_LINKS: usize = 40;

/// What writing an output path changes, once its symbolic links are followed.
///
/// neardupe never replaces a symbolic link or a special file by a renamed one:
///
/// - a regular file, or a path where nothing exists yet, is *replaced*: the output is written to
///   a temporary file in that file's directory and renamed over it, so a link that led to it
///   still does and still leads to the new contents;
/// - a device, a named pipe or a socket (`/dev/null`, a FIFO, a terminal) is written *in place*;
/// - a link in `/proc` (`/dev/stdout`, `/dev/fd/N`, `/proc/self/fd/N`: a descriptor the process
///   holds) is written in place too, appending, as writing to the descriptor itself would
///   (the shell's `> file` has already truncated the file; `>> file` keeps what was there).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    path: PathBuf,
    kind: TargetKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TargetKind {
    /// Nothing at `path` yet: a new regular file.
    New,
    /// A regular file, replaced.
    File,
    /// A device, pipe or socket, written in place.
    Special,
    /// A descriptor link in `/proc`, written in place, appending.
    Descriptor,
}

impl Target {
    /// Follows `path`'s symbolic links (a relative link from the directory it is in) to the file
    /// that writing `path` changes.
    ///
    /// Fails when the path is a directory, when its links form a loop (more than 40), or when a
    /// link or a directory on the way cannot be read.
    pub fn resolve(path: &Path) -> Result<Target> {
        let mut p = path.to_path_buf();
        for _ in 0..MAX_LINKS {
            let meta = match std::fs::symlink_metadata(&p) {
                Ok(meta) => meta,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    if names_a_directory(&p) {
                        let what = "output names a directory (it ends in /, . or ..), not a file";
                        return Err(Error::new(ErrorKind::Config, what).with_path(path));
                    }
                    return Ok(Target { path: p, kind: TargetKind::New });
                }
                Err(e) => return Err(Error::io(path, "cannot open output", e)),
            };
            let kind = if meta.file_type().is_symlink() {
                if is_descriptor_link(&meta) {
                    TargetKind::Descriptor
                } else {
                    let link =
                        std::fs::read_link(&p).map_err(|e| Error::io(&p, "cannot read the link of output", e))?;
                    p = match p.parent() {
                        Some(dir) if link.is_relative() => dir.join(link),
                        _ => link,
                    };
                    continue;
                }
            } else if meta.is_file() {
                TargetKind::File
            } else if meta.is_dir() {
                let what = if p == path {
                    "output is a directory".to_string()
                } else {
                    format!("output is a link to a directory ({})", p.display())
                };
                return Err(Error::new(ErrorKind::Io, what).with_path(path));
            } else {
                TargetKind::Special
            };
            return Ok(Target { path: p, kind });
        }
        Err(Error::new(ErrorKind::Io, format!("output: more than {MAX_LINKS} symbolic links (a loop?)"))
            .with_path(path))
    }

    /// The file that is written: the path after following its links.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file exists already (a regular file to replace, or a special file).
    pub fn exists(&self) -> bool {
        self.kind != TargetKind::New
    }

    /// Whether the file is written in place rather than replaced: a device, a named pipe, a
    /// socket, or a descriptor link in `/proc` such as `/dev/stdout`.
    pub fn is_special(&self) -> bool {
        matches!(self.kind, TargetKind::Special | TargetKind::Descriptor)
    }

    /// The directory that holds the file (`.` for a bare name).
    fn dir(&self) -> &Path {
        match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        }
    }
}

/// Whether `path` can only name a directory: it ends in a separator, `.` or `..` (a new file
/// there would fail only at the rename, after the work).
fn names_a_directory(path: &Path) -> bool {
    let bytes = path.as_os_str().as_encoded_bytes();
    let last = bytes.iter().rposition(|&b| std::path::is_separator(b as char)).map_or(bytes, |i| &bytes[i + 1..]);
    matches!(last, b"" | b"." | b"..")
}

/// Whether `link` (the metadata of a symbolic link) lives in `/proc`, where a link names an open
/// descriptor (`/proc/self/fd/1`), not a path that can be replaced.
fn is_descriptor_link(link: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata("/proc/self").is_ok_and(|proc| proc.dev() == link.dev())
    }
    #[cfg(not(unix))]
    {
        let _ = link;
        false
    }
}

/// An output file being written, opened before the work that fills it so that a path that
/// cannot be written fails first.
///
/// A regular file is written to a temporary file in its directory (with the permissions, and
/// where allowed the owner, of the file it replaces; a new file gets the usual mode `0666` less
/// the umask), which [`commit`](OutputFile::commit) syncs and renames over it. Dropping an
/// `OutputFile` without committing removes the temporary file and leaves the target as it was.
/// A special file is opened and written in place (see [`Target`]).
///
/// ```
/// use std::io::Write;
/// use neardupe::output::OutputFile;
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("out.txt");
/// std::fs::write(&path, "old\n")?;
/// let mut out = OutputFile::create(&path)?;
/// writeln!(out, "new")?;
/// assert_eq!(std::fs::read_to_string(&path)?, "old\n"); // not yet
/// out.commit()?;
/// assert_eq!(std::fs::read_to_string(&path)?, "new\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct OutputFile {
    path: PathBuf,
    target: Target,
    sink: Sink,
}

enum Sink {
    /// The temporary file, removed when dropped unless renamed into place.
    Temp(BufWriter<File>, TempFile),
    InPlace(BufWriter<File>),
}

impl std::fmt::Debug for OutputFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutputFile").field("path", &self.path).field("target", &self.target).finish_non_exhaustive()
    }
}

impl OutputFile {
    /// Resolves `path` (see [`Target`]) and opens it for writing: creates the temporary file
    /// next to a regular target, or opens a special file.
    ///
    /// Fails, having changed nothing, when `path` is a directory, when the directory of the
    /// target does not exist or cannot be written, or when a special file cannot be opened.
    /// (Opening a named pipe waits for its reader.)
    pub fn create(path: &Path) -> Result<OutputFile> {
        let target = Target::resolve(path)?;
        let via = |what: &str| {
            if target.path == path { what.to_string() } else { format!("{what} {}", target.path.display()) }
        };
        let sink = match target.kind {
            TargetKind::Special | TargetKind::Descriptor => {
                let file = OpenOptions::new()
                    .write(true)
                    .append(target.kind == TargetKind::Descriptor)
                    .open(&target.path)
                    .map_err(|e| Error::io(path, &via("cannot open output"), e))?;
                Sink::InPlace(BufWriter::new(file))
            }
            TargetKind::New | TargetKind::File => {
                let dir = target.dir();
                let (file, tmp) = TempFile::create_in(dir).map_err(|e| {
                    let what = format!("cannot create a temporary file in {} for the output", dir.display());
                    Error::io(path, &what, e)
                })?;
                if target.kind == TargetKind::File {
                    keep_metadata(&target.path, &file).map_err(|e| {
                        Error::io(path, "cannot give the output the permissions of the file it replaces", e)
                    })?;
                }
                Sink::Temp(BufWriter::with_capacity(1 << 20, file), tmp)
            }
        };
        Ok(OutputFile { path: path.to_path_buf(), target, sink })
    }

    /// The path as it was given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What is written (see [`Target`]).
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Finishes the output: flushes it, and for a regular file syncs the temporary file and
    /// renames it over the target (then syncs the directory, where that is possible).
    pub fn commit(self) -> Result<()> {
        let path = self.path;
        let fail = |what: &str, e| Error::io(&path, what, e);
        match self.sink {
            Sink::InPlace(mut w) => w.flush().map_err(|e| fail("cannot write output", e)),
            Sink::Temp(w, mut tmp) => {
                let file = w.into_inner().map_err(|e| fail("cannot write output", e.into_error()))?;
                file.sync_all().map_err(|e| fail("cannot sync output", e))?;
                let named = tmp.name(&file).map_err(|e| fail("cannot link the finished output", e))?;
                std::fs::rename(named, &self.target.path).map_err(|e| fail("cannot move output into place", e))?;
                drop(file);
                tmp.renamed = true;
                // Durability of the rename; the output is in place either way.
                #[cfg(unix)]
                let _ = File::open(self.target.dir()).and_then(|d| d.sync_all());
                Ok(())
            }
        }
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.sink {
            Sink::Temp(w, _) => w.write(buf),
            Sink::InPlace(w) => w.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.sink {
            Sink::Temp(w, _) => w.write_all(buf),
            Sink::InPlace(w) => w.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Temp(w, _) => w.flush(),
            Sink::InPlace(w) => w.flush(),
        }
    }
}

/// A temporary file next to an output, removed when dropped unless it was renamed into place.
/// (Made here rather than with `tempfile`, whose errors name the temporary path: a message names
/// the output.)
///
/// On Linux it has no name while it is written (`O_TMPFILE`): a run killed at any point, even
/// by `kill -9`, leaves nothing behind; it is linked under a temporary name only once complete
/// and synced, and renamed over the output at once. Elsewhere, or on a file system without
/// unnamed files, it is `.neardupe-<random>.tmp` from the start.
struct TempFile {
    dir: PathBuf,
    /// `None` while the file has no name.
    path: Option<PathBuf>,
    renamed: bool,
}

impl TempFile {
    /// Creates the temporary file in `dir`, with mode `0666` less the umask: unnamed where the
    /// system allows, otherwise new under a random name (`O_EXCL`: never an existing file or a
    /// link).
    fn create_in(dir: &Path) -> io::Result<(File, TempFile)> {
        #[cfg(target_os = "linux")]
        {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::WRONLY | OFlags::TMPFILE | OFlags::CLOEXEC;
            if let Ok(fd) = rustix::fs::open(dir, flags, Mode::from_raw_mode(0o666)) {
                return Ok((File::from(fd), TempFile { dir: dir.to_path_buf(), path: None, renamed: false }));
            }
        }
        let (file, path) = TempFile::create_named(dir, |path| {
            let mut options = OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o666);
            options.open(path)
        })?;
        Ok((file, TempFile { dir: dir.to_path_buf(), path: Some(path), renamed: false }))
    }

    /// Calls `make` with fresh random names `.neardupe-<random>.tmp` in `dir` until one is new.
    fn create_named<T>(dir: &Path, mut make: impl FnMut(&Path) -> io::Result<T>) -> io::Result<(T, PathBuf)> {
        use std::hash::{BuildHasher, Hasher};
        for attempt in 0u64..100 {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(attempt);
            let path = dir.join(format!(".neardupe-{:016x}.tmp", h.finish()));
            match make(&path) {
                Ok(made) => return Ok((made, path)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::new(io::ErrorKind::AlreadyExists, "no free temporary file name after 100 attempts"))
    }

    /// The file's name, giving the unnamed file one (a new link in its directory).
    fn name(&mut self, file: &File) -> io::Result<&Path> {
        if self.path.is_none() {
            #[cfg(target_os = "linux")]
            {
                use std::os::fd::AsRawFd;
                let proc = format!("/proc/self/fd/{}", file.as_raw_fd());
                let (_, path) = TempFile::create_named(&self.dir, |path| {
                    rustix::fs::linkat(
                        rustix::fs::CWD,
                        proc.as_str(),
                        rustix::fs::CWD,
                        path,
                        rustix::fs::AtFlags::SYMLINK_FOLLOW,
                    )
                    .map_err(io::Error::from)
                })?;
                self.path = Some(path);
            }
            #[cfg(not(target_os = "linux"))]
            let _ = file;
        }
        self.path.as_deref().ok_or_else(|| io::Error::other("the temporary file has no name"))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let (false, Some(path)) = (self.renamed, &self.path) {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Gives `tmp` the permission bits of the file at `old` (not set-user-id and the like), and its
/// owner and group where the process may (root, or a group it is in).
fn keep_metadata(old: &Path, tmp: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let meta = std::fs::metadata(old)?;
        let _ = std::os::unix::fs::fchown(tmp, Some(meta.uid()), Some(meta.gid()));
        tmp.set_permissions(std::fs::Permissions::from_mode(meta.mode() & 0o777))
    }
    #[cfg(not(unix))]
    {
        tmp.set_permissions(std::fs::metadata(old)?.permissions())
    }
}

/// Writes `path` atomically: `write` fills an [`OutputFile`], committed only if `write`
/// succeeds. On any error the temporary file is removed and `path` is left as it was.
///
/// Symbolic links are followed and kept, and special files (`/dev/null`, a named pipe,
/// `/dev/stdout`) are written in place: see [`Target`].
pub fn write_atomic(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    let mut out = OutputFile::create(path)?;
    write(&mut out).map_err(|e| Error::io(path, "cannot write output", e))?;
    out.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_or_leaves_alone() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.txt");
        write_atomic(&p, |w| w.write_all(b"hello")).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"hello");
        let err = write_atomic(&p, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("boom"))
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"hello");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "the temporary file was removed");
    }

    /// A link is followed and kept: the file it leads to gets the new contents, with its
    /// permission bits; a dangling link gets the file it names.
    #[cfg(unix)]
    #[test]
    fn links_are_followed_and_kept() {
        use std::os::unix::fs::{PermissionsExt, symlink};
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("sub")).unwrap();
        let target = d.join("target.txt");
        std::fs::write(&target, "old").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        symlink("../target.txt", d.join("sub/rel")).unwrap(); // relative to sub/
        symlink(d.join("sub/rel"), d.join("abs")).unwrap(); // a chain of two
        for (link, text) in [("sub/rel", "one"), ("abs", "two")] {
            let link = d.join(link);
            write_atomic(&link, |w| w.write_all(text.as_bytes())).unwrap();
            assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "still a link");
            assert_eq!(std::fs::read_to_string(&target).unwrap(), text);
            assert_eq!(std::fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o640);
        }
        let dangling = d.join("dangling");
        symlink("sub/new.txt", &dangling).unwrap();
        assert_eq!(Target::resolve(&dangling).unwrap().path(), d.join("sub/new.txt"));
        write_atomic(&dangling, |w| w.write_all(b"new")).unwrap();
        assert!(std::fs::symlink_metadata(&dangling).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(d.join("sub/new.txt")).unwrap(), "new");
        let names = |p: &Path| std::fs::read_dir(p).unwrap().count();
        assert_eq!((names(d), names(&d.join("sub"))), (4, 2), "no temporary file left");
    }

    /// A new output gets the mode any new file gets (0666 less the umask), not 0600.
    #[cfg(unix)]
    #[test]
    fn new_outputs_get_the_usual_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain");
        std::fs::File::create(&plain).unwrap();
        let out = dir.path().join("out");
        write_atomic(&out, |w| w.write_all(b"x")).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&out), mode(&plain));
    }

    /// Directories, loops of links and missing directories are errors that change nothing;
    /// descriptor links in /proc are written in place (only resolved here).
    #[cfg(unix)]
    #[test]
    fn what_cannot_be_replaced() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let e = OutputFile::create(d).unwrap_err();
        assert!(e.to_string().ends_with("output is a directory"), "{e}");
        symlink(d, d.join("to-dir")).unwrap();
        let e = OutputFile::create(&d.join("to-dir")).unwrap_err();
        assert!(e.to_string().contains("output is a link to a directory"), "{e}");
        symlink("b", d.join("a")).unwrap();
        symlink("a", d.join("b")).unwrap();
        let e = OutputFile::create(&d.join("a")).unwrap_err();
        assert!(e.to_string().contains("symbolic links"), "{e}");
        let e = OutputFile::create(&d.join("missing/out")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
        for new_dir in ["new/", "new/.", "new/.."] {
            let e = OutputFile::create(&d.join(new_dir)).unwrap_err();
            assert!(e.to_string().ends_with("output names a directory (it ends in /, . or ..), not a file"), "{e}");
        }
        assert_eq!(std::fs::read_dir(d).unwrap().count(), 3);
        if std::fs::metadata("/proc/self/fd").is_ok() {
            symlink("/proc/self/fd/1", d.join("stdout")).unwrap();
            for p in [Path::new("/proc/self/fd/1"), &d.join("stdout")] {
                let t = Target::resolve(p).unwrap();
                assert!(t.is_special() && t.exists(), "{p:?}: {t:?}");
            }
        }
    }

    /// A device or pipe is written in place, never replaced by a renamed file (`-o /dev/null`).
    #[cfg(unix)]
    #[test]
    fn special_files_are_written_in_place() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            return; // no mkfifo here
        }
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        write_atomic(&fifo, |w| w.write_all(b"through the pipe")).unwrap();
        assert_eq!(reader.join().unwrap(), b"through the pipe");
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo(), "still a pipe");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");
    }
}
