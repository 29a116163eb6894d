//! A command's outputs: each checked against what the command reads (its input files and
//! directories, its index) and against its other outputs, and opened before the work starts, so
//! that an output that cannot be written fails before anything is read or changed, and no
//! output ever overwrites an input.
//!
//! An output whose name ends in `.gz`, `.zst`, `.bz2` or `.xz` is written compressed that way
//! (`dedup -o kept.jsonl.gz`), still atomically: the stream is finished before the file is put
//! in place.
//!
//! Files are compared by identity, not by name: an existing file by device and inode (so
//! `./c.jsonl`, a hard link and a symbolic link to an input are all that input), a file not
//! created yet by its directory's identity and its name.

use std::collections::HashSet;
use std::ffi::OsString;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use neardupe::compression::{Compression, Encoder};
use neardupe::output::{OutputFile, Target};
use neardupe::{Error, ErrorKind, Result};

/// What identifies a file or directory: device and inode on Unix, the canonical path elsewhere.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Id(#[cfg(unix)] (u64, u64), #[cfg(not(unix))] PathBuf);

/// The identity of what `path` names (links followed), if it exists.
fn id_of(path: &Path) -> Option<Id> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| Id((m.dev(), m.ino())))
    }
    #[cfg(not(unix))]
    {
        std::fs::canonicalize(path).ok().map(Id)
    }
}

/// The identity of the regular file that standard output writes to, if it is one.
fn stdout_id() -> Option<Id> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        use std::os::unix::fs::MetadataExt;
        let fd = io::stdout().as_fd().try_clone_to_owned().ok()?;
        let meta = std::fs::File::from(fd).metadata().ok()?;
        meta.is_file().then(|| Id((meta.dev(), meta.ino())))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Something a command reads, which no output may overwrite or land in.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Read<'a> {
    /// An input file or directory.
    Input(&'a Path),
    /// An index directory.
    Index(&'a Path),
    /// Standard input (the input `-`): `cluster - -o x < x` would replace the file it reads.
    Stdin,
}

impl Read<'_> {
    fn path(&self) -> &Path {
        match *self {
            Read::Input(p) | Read::Index(p) => p,
            // Followed to the file or pipe that descriptor 0 is.
            Read::Stdin => Path::new("/dev/stdin"),
        }
    }

    fn what(&self, dir: bool) -> &'static str {
        match (*self, dir) {
            (Read::Index(_), _) => "the index directory",
            (Read::Input(_), true) => "the input directory",
            (Read::Input(_), false) => "the input",
            (Read::Stdin, _) => "standard input,",
        }
    }
}

/// Where an output will be, for comparisons.
#[derive(Clone, Debug, Default)]
struct Where {
    /// What another output must not be: an existing regular file, or a file to be created (its
    /// directory and name). `None` for an output written in place (standard output, `/dev/null`,
    /// a pipe), which two outputs may share.
    same: Option<(Id, Option<OsString>)>,
    /// The regular file written, which must not be a read file.
    file: Option<Id>,
    /// The directories that must not be read directories: the one the output is in (and a
    /// directory output itself).
    dirs: Vec<Id>,
}

/// The identities of everything that the command reads: files, and the directories that files
/// read from (and any directory an output would land in) are in.
#[derive(Default)]
struct Reads {
    /// Each read file's identity, and which read it belongs to.
    files: Vec<(Id, usize)>,
    /// Each directory's identity (input directories and every directory under them, the index
    /// directory), and which read it belongs to.
    dirs: Vec<(Id, usize)>,
}

/// The outputs of one command, opened one by one after checks.
pub(crate) struct Outputs<'a> {
    reads: Vec<Read<'a>>,
    /// Filled on the first output that is a file (walking input directories costs a stat per file).
    ids: Option<Reads>,
    /// The outputs opened so far: flag, path as given, place.
    opened: Vec<(&'static str, PathBuf, Where)>,
}

impl<'a> Outputs<'a> {
    /// Outputs of a command that reads `inputs` and, if given, the index in `index`.
    pub(crate) fn new(inputs: &'a [PathBuf], index: Option<&'a Path>) -> Outputs<'a> {
        let mut reads: Vec<Read<'a>> =
            inputs.iter().map(|p| if p.as_path() == Path::new("-") { Read::Stdin } else { Read::Input(p) }).collect();
        reads.extend(index.map(Read::Index));
        Outputs { reads, ids: None, opened: Vec::new() }
    }

    /// Checks the output `path` given by `flag` (`-` for standard output) against what the
    /// command reads and the outputs opened before, then opens it (see [`OutputFile::create`]),
    /// compressed when its name ends in a compression's extension.
    pub(crate) fn open(&mut self, flag: &'static str, path: &Path) -> Result<Sink> {
        self.check_only(&[(flag, path)])?;
        let to = if path == Path::new("-") {
            To::Stdout
        } else {
            let file = OutputFile::create(path)?;
            match Compression::from_extension(path) {
                Some(c) => To::Compressed(Box::new(Encoder::new(file, c).map_err(|e| e.with_path(path))?)),
                None => To::File(file),
            }
        };
        Ok(Sink { path: path.to_path_buf(), to })
    }

    /// [`open`](Outputs::open) for an output that may not have been asked for.
    pub(crate) fn open_some(&mut self, flag: &'static str, path: Option<&Path>) -> Result<Option<Sink>> {
        path.map(|p| self.open(flag, p)).transpose()
    }

    /// Checks outputs without opening them (for a command that writes them otherwise).
    pub(crate) fn check_only(&mut self, outputs: &[(&'static str, &Path)]) -> Result<()> {
        for &(flag, path) in outputs {
            let place = if path == Path::new("-") {
                Where { file: stdout_id(), ..Where::default() }
            } else {
                where_file(path)?
            };
            self.check(flag, path, place)?;
        }
        Ok(())
    }

    /// Checks a directory that the command creates (`index build -o DIR`, built beside it and
    /// renamed into place): neither a read directory nor inside one.
    pub(crate) fn check_new_dir(&mut self, flag: &'static str, dir: &Path) -> Result<()> {
        let resolved = resolve_links(dir);
        let mut dirs: Vec<Id> = id_of(&resolved).into_iter().collect();
        dirs.extend(id_of(dir_of(&resolved)));
        let same = id_of(&resolved).map(|id| (id, None));
        self.check(flag, dir, Where { same, file: None, dirs })
    }

    fn check(&mut self, flag: &'static str, path: &Path, place: Where) -> Result<()> {
        let refuse = |what: String, then: &str| {
            Error::new(ErrorKind::Config, format!("{flag} {} {what}: refusing to {then}", path.display()))
        };
        if let Some(same) = &place.same {
            for (other_flag, other_path, other) in &self.opened {
                if other.same.as_ref() == Some(same) {
                    let what = format!("is the same file as {other_flag} {}", other_path.display());
                    return Err(refuse(what, "write both to it"));
                }
            }
        }
        if place.file.is_some() || !place.dirs.is_empty() {
            let reads = self.ids.get_or_insert_with(|| Reads::of(&self.reads));
            if let Some(&(_, r)) = place.file.as_ref().and_then(|f| reads.files.iter().find(|(id, _)| id == f)) {
                let read = self.reads[r];
                let dir = std::fs::metadata(read.path()).is_ok_and(|m| m.is_dir());
                let what = if dir { "is a file in" } else { "is" };
                return Err(refuse(format!("{what} {} {}", read.what(dir), read.path().display()), "overwrite it"));
            }
            if let Some(&(_, r)) = reads.dirs.iter().find(|(id, _)| place.dirs.contains(id)) {
                let read = self.reads[r];
                let what = format!("is inside {} {}", read.what(true), read.path().display());
                return Err(refuse(what, "write there"));
            }
        }
        self.opened.push((flag, path.to_path_buf(), place));
        Ok(())
    }
}

/// Where the output file `path` (not `-`) leads.
fn where_file(path: &Path) -> Result<Where> {
    let target = Target::resolve(path)?;
    let dir = dir_of(target.path());
    if target.is_special() {
        // Written in place: compared with the inputs only when it writes to a regular file
        // (`/dev/stdout` redirected to one).
        let file = std::fs::metadata(target.path()).ok().filter(|m| m.is_file()).and_then(|_| id_of(target.path()));
        return Ok(Where { file, ..Where::default() });
    }
    let dir_id = id_of(dir).ok_or_else(|| {
        Error::new(ErrorKind::NotFound, format!("the output's directory {} does not exist", dir.display()))
            .with_path(path)
    })?;
    if target.exists() {
        let id = id_of(target.path())
            .ok_or_else(|| Error::new(ErrorKind::Io, "output vanished while it was checked").with_path(path))?;
        return Ok(Where { same: Some((id.clone(), None)), file: Some(id), dirs: vec![dir_id] });
    }
    let Some(name) = target.path().file_name() else {
        return Err(Error::new(ErrorKind::Config, "output path has no file name").with_path(path));
    };
    Ok(Where { same: Some((dir_id.clone(), Some(name.to_os_string()))), file: None, dirs: vec![dir_id] })
}

/// `path` with its symbolic links followed as far as they lead (to a path that may not exist).
pub(crate) fn resolve_links(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::read_link(&p) {
            Ok(link) => {
                p = match p.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                }
            }
            Err(_) => break,
        }
    }
    p
}

/// The directory that holds `path` (`.` for a bare name).
fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

impl Reads {
    /// The identities of `reads`: each file; each directory and everything in it, as the corpus
    /// reads directories (following links). Unreadable entries are left to the corpus to report.
    fn of(reads: &[Read<'_>]) -> Reads {
        let mut ids = Reads::default();
        let mut seen_dirs = HashSet::new();
        for (r, read) in reads.iter().enumerate() {
            let path = read.path();
            let Some(id) = id_of(path) else { continue };
            if !std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
                ids.files.push((id, r));
                continue;
            }
            for entry in walkdir::WalkDir::new(path).follow_links(true).into_iter().filter_map(|e| e.ok()) {
                let Some(id) = id_of(entry.path()) else { continue };
                if entry.file_type().is_dir() {
                    if seen_dirs.insert(id.clone()) {
                        ids.dirs.push((id, r));
                    }
                } else {
                    ids.files.push((id, r));
                }
            }
        }
        ids
    }
}

/// An opened output: standard output, or an [`OutputFile`].
pub(crate) struct Sink {
    path: PathBuf,
    to: To,
}

enum To {
    Stdout,
    File(OutputFile),
    /// An output file written compressed (boxed: an encoder's state is large).
    Compressed(Box<Encoder<OutputFile>>),
}

impl Sink {
    /// Writes the output with `write` (errors name the output).
    pub(crate) fn write(&mut self, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
        match &mut self.to {
            To::Stdout => {
                let mut w = BufWriter::new(io::stdout().lock());
                write(&mut w)
                    .and_then(|()| w.flush())
                    .map_err(|e| Error::io(&self.path, "cannot write to standard output", e))
            }
            To::File(file) => write(file).map_err(|e| Error::io(&self.path, "cannot write output", e)),
            To::Compressed(file) => write(&mut **file).map_err(|e| Error::io(&self.path, "cannot write output", e)),
        }
    }

    /// Puts the output in place (see [`OutputFile::commit`]), a compressed one once its stream is
    /// finished.
    pub(crate) fn commit(self) -> Result<()> {
        match self.to {
            To::Stdout => Ok(()),
            To::File(file) => file.commit(),
            To::Compressed(file) => {
                file.finish().map_err(|e| Error::io(&self.path, "cannot write output", e))?.commit()
            }
        }
    }
}
