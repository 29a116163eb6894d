//! The index directory: durable file writes, the manifest, the writer's lock and the removal of
//! files no manifest lists.
//!
//! Every file is written once under a fresh name (to a temporary file, synced, renamed, then the
//! directory synced) and never modified. A change becomes visible only when a new `MANIFEST`
//! replaces the old one by an atomic rename, so a process killed at any point leaves either
//! the old or the new state, and files written for a change that never committed are removed by
//! the next writer.
//!
//! Every step of that (and every removal) passes a [`failpoint::hit`], where the kill tests
//! end the process, one step after another (the `failpoints` feature; a no-op without it).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::failpoint;
use crate::corpus::source::{self, Bytes};
use crate::error::{Error, ErrorKind, Result};
use crate::format::index::{Manifest, ManifestV1, ManifestV2, Pin};
use crate::format::{self, FileKind, Fingerprint, Header};

/// The manifest's file name.
pub(crate) const MANIFEST: &str = "MANIFEST";

/// The writer's lock file name.
pub(crate) const LOCK: &str = "LOCK";

/// Prefix of temporary files (removed by the next writer if a process dies before renaming).
const TMP_PREFIX: &str = ".tmp-";

/// Maps (or, without the `mmap` feature, reads) a file of the index.
pub(crate) fn map(path: &Path) -> Result<Bytes> {
    source::open(path, true).map_err(|e| listed(e, path))
}

/// An error opening `path`, a file the manifest lists: a missing one means a damaged index
/// ([`ErrorKind::Corrupt`]), not a wrong path.
pub(crate) fn listed(e: Error, path: &Path) -> Error {
    match e.kind() {
        ErrorKind::NotFound => {
            Error::new(ErrorKind::Corrupt, format!("missing, though the {MANIFEST} lists it")).with_path(path)
        }
        _ => e,
    }
}

/// What `header` says of its payload, as a manifest pins it.
pub(crate) fn pin_of(header: &Header) -> Pin {
    Pin { payload_len: header.payload_len, payload_checksum: header.payload_checksum }
}

/// Refuses a listed file whose header does not state the payload the manifest pins (a file from
/// another index, or an older or newer file of this one, put in its place): [`ErrorKind::Corrupt`],
/// with the path.
pub(crate) fn check_pin(path: &Path, header: &Header, pin: &Pin) -> Result<()> {
    if pin_of(header) == *pin {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::Corrupt,
        format!(
            "not the file the {MANIFEST} lists: its payload is {} bytes with checksum {:016x}, the {MANIFEST} \
             pins {} bytes with checksum {:016x} (replaced, or copied from another index)",
            header.payload_len, header.payload_checksum, pin.payload_len, pin.payload_checksum
        ),
    )
    .with_path(path))
}

/// The error for a directory that holds no index ([`ErrorKind::NotFound`]).
pub(crate) fn not_an_index(dir: &Path) -> Error {
    Error::new(ErrorKind::NotFound, format!("{} is not a neardupe index (no {MANIFEST})", dir.display()))
}

/// Writes `parts` to `dir/name` durably; see [`write_durable_with`].
pub(crate) fn write_durable(dir: &Path, name: &str, parts: &[&[u8]]) -> Result<u64> {
    write_durable_with(dir, name, &mut |w| parts.iter().try_for_each(|p| w.write_all(p)))
}

/// Writes what `fill` writes to `dir/name` durably: a temporary file in `dir`, synced, renamed
/// to `name`, then `dir` synced. Returns the file's size.
pub(crate) fn write_durable_with(
    dir: &Path,
    name: &str,
    fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> Result<u64> {
    let path = dir.join(name);
    let fail = |what: &str, e| Error::io(&path, what, e);
    failpoint::hit("create temporary file for", name);
    let mut tmp = tempfile::Builder::new()
        .prefix(TMP_PREFIX)
        .tempfile_in(dir)
        .map_err(|e| fail("cannot create a temporary file in the index directory", e))?;
    {
        let mut w = std::io::BufWriter::with_capacity(1 << 20, tmp.as_file_mut());
        failpoint::hit("write temporary file for", name);
        fill(&mut w).map_err(|e| fail("cannot write index file", e))?;
        // A crash here leaves a temporary file written in part (what the buffer has let out).
        failpoint::hit("flush temporary file for", name);
        w.flush().map_err(|e| fail("cannot write index file", e))?;
    }
    failpoint::hit("sync temporary file for", name);
    tmp.as_file().sync_all().map_err(|e| fail("cannot sync index file", e))?;
    let size = tmp.as_file().metadata().map_err(|e| fail("cannot read index file size", e))?.len();
    failpoint::hit("rename temporary file to", name);
    tmp.persist(&path).map_err(|e| fail("cannot move index file into place", e.error))?;
    failpoint::hit("sync directory after renaming", name);
    sync_dir(dir)?;
    Ok(size)
}

/// Syncs a directory so that a rename inside it survives a crash (a no-op where directories
/// cannot be opened, as on Windows).
fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    File::open(dir).and_then(|d| d.sync_all()).map_err(|e| Error::io(dir, "cannot sync index directory", e))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Writes `manifest` as the index's `MANIFEST` (atomically replacing the old one).
pub(crate) fn write_manifest(dir: &Path, fingerprint: &Fingerprint, manifest: &Manifest) -> Result<()> {
    let payload = format::encode_meta(manifest)?;
    let bytes = format::encode(FileKind::Manifest, fingerprint, &[], &payload)?;
    write_durable(dir, MANIFEST, &[&bytes])?;
    Ok(())
}

/// A `MANIFEST` as read: the state it lists, the fingerprint it was written with, and whether
/// it pins its files (format version 2 on; a version-1 manifest's pins are placeholders, see
/// [`ManifestV1::unpinned`]).
pub(crate) struct ReadManifest {
    pub(crate) manifest: Manifest,
    pub(crate) fingerprint: Fingerprint,
    pub(crate) pinned: bool,
}

/// Reads and validates the index's `MANIFEST` (format version 1, 2 or 3).
pub(crate) fn read_manifest(dir: &Path) -> Result<ReadManifest> {
    let path = dir.join(MANIFEST);
    let bytes = std::fs::read(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            not_an_index(dir)
        } else {
            Error::io(&path, "cannot read index manifest", e)
        }
    })?;
    let (header, payload) = format::parse(&bytes, FileKind::Manifest).map_err(|e| e.with_path(&path))?;
    let (manifest, pinned) = match header.version {
        1 => (format::decode_meta::<ManifestV1>(payload, "manifest").map(ManifestV1::unpinned), false),
        2 => (format::decode_meta::<ManifestV2>(payload, "manifest").map(ManifestV2::upgraded), true),
        _ => (format::decode_meta::<Manifest>(payload, "manifest"), true),
    };
    let manifest = manifest.map_err(|e| e.with_path(&path))?;
    Ok(ReadManifest { manifest, fingerprint: header.fingerprint, pinned })
}

/// Whether `dir` holds an index.
pub(crate) fn has_manifest(dir: &Path) -> bool {
    dir.join(MANIFEST).is_file()
}

/// The exclusive lock of the one writer of an index, held while the value lives. Readers never
/// take it.
#[derive(Debug)]
pub(crate) struct WriterLock {
    file: File,
}

impl WriterLock {
    /// Takes the lock of the index in `dir`, or fails at once ([`ErrorKind::Locked`]) if another
    /// writer holds it.
    pub(crate) fn acquire(dir: &Path) -> Result<WriterLock> {
        let path = dir.join(LOCK);
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, "cannot open the index's lock file", e))?;
        match file.try_lock() {
            Ok(()) => Ok(WriterLock { file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(Error::new(
                ErrorKind::Locked,
                format!("{}: another process is writing to this index (it holds {LOCK})", dir.display()),
            )),
            Err(std::fs::TryLockError::Error(e)) => Err(Error::io(&path, "cannot lock the index", e)),
        }
    }
}

impl Drop for WriterLock {
    /// Unlocks explicitly before the file closes: a child process forked meanwhile (by another
    /// thread of the program, between its fork and its exec) shares the open file, and closing
    /// ours alone would leave the index locked until that child execs.
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

/// Removes the files of `dir` that `live` does not name (left by a change that never committed
/// or superseded by one that did), except the manifest and the lock. Best effort: a file that
/// cannot be removed is left for the next writer.
pub(crate) fn remove_unlisted(dir: &Path, live: &[&str]) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let ours = name.starts_with(TMP_PREFIX) || name.ends_with(FILE_SUFFIX);
        if ours && name != MANIFEST && name != LOCK && !live.contains(&name) {
            failpoint::hit("remove", name);
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The suffix of the index's data files.
pub(crate) const FILE_SUFFIX: &str = ".nd";

/// A fresh data file name: `{kind}-{generation}-{n}.nd`.
pub(crate) fn file_name(kind: &str, generation: u64, n: u64) -> String {
    format!("{kind}-{generation:08}-{n:08}{FILE_SUFFIX}")
}

/// `dir/name`.
pub(crate) fn path(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A child process that shares the lock's open file (here as its standard input; in a
    /// program, a child forked by another thread before its exec) must not keep the index locked
    /// once the lock is dropped.
    #[test]
    fn a_dropped_lock_is_free_while_a_child_shares_its_file() {
        let tmp = tempfile::tempdir().unwrap();
        let lock = WriterLock::acquire(tmp.path()).unwrap();
        let shared = lock.file.try_clone().unwrap();
        let mut child = std::process::Command::new("sleep").arg("5").stdin(shared).spawn().unwrap();
        assert_eq!(WriterLock::acquire(tmp.path()).unwrap_err().kind(), ErrorKind::Locked);
        drop(lock);
        let again = WriterLock::acquire(tmp.path());
        let _ = child.kill();
        let _ = child.wait();
        again.expect("the dropped lock was still held through the child's copy of the file");
    }
}
