//! The bytes of one input file: memory-mapped (feature `mmap`) or read into memory.
//!
//! This is the only module that may use `unsafe`: creating a memory map.

use std::fs::File;
use std::path::Path;

use crate::error::{Error, Result};

/// The bytes of an input file, borrowed by the documents read from it.
#[derive(Debug)]
pub(crate) enum Bytes {
    /// A read-only memory map of the whole file.
    #[cfg(feature = "mmap")]
    Mapped(memmap2::Mmap),
    /// The file read into memory (no `mmap` feature, `mmap` turned off, or an empty file), in
    /// 8-byte words so that arrays inside it can be used in place as on a map; the length in bytes.
    Owned(Vec<u64>, usize),
}

impl Bytes {
    /// The file's contents.
    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            #[cfg(feature = "mmap")]
            Bytes::Mapped(m) => m,
            Bytes::Owned(v, len) => &bytemuck::cast_slice(v)[..*len],
        }
    }

    /// Whether the bytes are a memory map of the file (which sees later changes of the file).
    pub(crate) fn is_mapped(&self) -> bool {
        match self {
            #[cfg(feature = "mmap")]
            Bytes::Mapped(_) => true,
            Bytes::Owned(..) => false,
        }
    }

    /// Passes `hint` about bytes `start..end` on to the kernel, for a memory map; best effort
    /// (a failure, such as an old kernel that lacks `MADV_POPULATE_READ`, is ignored).
    /// Page advice exists on Unix only, and `MADV_POPULATE_READ` on Linux only; elsewhere a hint
    /// does nothing.
    pub(crate) fn hint(&self, hint: Hint, start: usize, end: usize) {
        #[cfg(all(feature = "mmap", unix))]
        if let Bytes::Mapped(m) = self {
            let end = end.min(m.len());
            if start >= end {
                return;
            }
            let _ = match hint {
                #[cfg(target_os = "linux")]
                Hint::Prefetch => m.advise_range(memmap2::Advice::PopulateRead, start, end - start),
                #[cfg(not(target_os = "linux"))]
                Hint::Prefetch => Ok(()),
                Hint::Random => {
                    #[cfg(target_os = "linux")]
                    let _ = m.advise_range(memmap2::Advice::NoHugePage, start, end - start);
                    m.advise_range(memmap2::Advice::Random, start, end - start)
                }
                // SAFETY: `MADV_DONTNEED` on a shared, read-only file mapping only unmaps the
                // pages from this process: the next access faults them in again from the file,
                // with the same bytes (the file is not modified during a run, the premise of
                // mapping it at all; see `open`). No slice into the map is invalidated and no
                // data is lost, since the map is never written.
                //
                // A read fault maps the pages around the one read too (`fault_around_bytes`, or
                // the whole large folio of the page cache that holds it), so the range released
                // reaches that far on either side.
                #[allow(unsafe_code)]
                Hint::Release => unsafe {
                    let (start, end) = (start.saturating_sub(FAULT_AROUND), (end + FAULT_AROUND).min(m.len()));
                    m.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, start, end - start)
                },
            };
        }
        #[cfg(not(all(feature = "mmap", unix)))]
        let _ = (hint, start, end);
    }
}

/// How far around a page read by a fault the kernel may map pages too: Linux's
/// `fault_around_bytes` (64 KiB), or since 6.18 the whole large folio of the page cache that
/// holds the page, up to 2 MiB (a file read ahead or just written is held in large folios).
#[cfg(all(feature = "mmap", unix))]
const FAULT_AROUND: usize = 2 << 20;

/// What a pass over a mapped file tells the kernel about a range of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Hint {
    /// The range is about to be read: map all its pages at once (`MADV_POPULATE_READ`) instead
    /// of one page fault at a time.
    Prefetch,
    /// The range is read a row here and there: no read-ahead, and no huge pages (a fault maps as
    /// little as it can).
    Random,
    /// The range has been read: drop its pages from the process's resident set
    /// (`MADV_DONTNEED`); they stay in the page cache and are mapped again if touched.
    Release,
}

/// Files shorter than this are read rather than mapped (see [`from_file`]).
#[cfg(feature = "mmap")]
const MMAP_MIN_BYTES: u64 = 64 << 10;

/// Opens `path` (an input, or a file of an index) and maps it (when `use_mmap` and the `mmap` feature are on) or reads it.
///
/// The path's type is checked before it is opened: opening a named pipe would wait for a writer.
pub(crate) fn open(path: &Path, use_mmap: bool) -> Result<Bytes> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, "cannot open input", e))?;
    if !meta.is_file() {
        return Err(not_regular(path));
    }
    let file = File::open(path).map_err(|e| Error::io(path, "cannot open input", e))?;
    from_file(file, path, use_mmap)
}

/// An input file opened by [`open_input`].
pub(crate) enum Opened {
    /// A file that is not compressed: its bytes.
    Plain(Bytes),
    /// A compressed file (told by its first bytes, in a format this build reads), rewound.
    Compressed(File),
}

/// Opens the input file `path` as [`open`] does, and tells by its first bytes whether it is
/// compressed: a compressed file is not mapped but returned open, to be decompressed
/// ([`compression::Reader`](crate::compression::Reader)); an error of kind
/// [`Unsupported`](crate::ErrorKind::Unsupported) when this build lacks its format.
pub(crate) fn open_input(path: &Path, use_mmap: bool) -> Result<Opened> {
    use std::io::Seek;
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, "cannot open input", e))?;
    if !meta.is_file() {
        return Err(not_regular(path));
    }
    let mut file = File::open(path).map_err(|e| Error::io(path, "cannot open input", e))?;
    let mut head = [0u8; crate::compression::MAGIC_LEN];
    let n = crate::compression::read_head(&mut file, &mut head).map_err(|e| Error::io(path, "cannot read input", e))?;
    match crate::compression::Compression::detect(&head[..n]) {
        None => from_file(file, path, use_mmap).map(Opened::Plain),
        Some(c) if !c.is_available() => Err(c.unavailable(path)),
        Some(_) => {
            file.rewind().map_err(|e| Error::io(path, "cannot read input", e))?;
            Ok(Opened::Compressed(file))
        }
    }
}

/// Maps or reads an open `file`, named `path` in messages.
pub(crate) fn from_file(file: File, path: &Path, use_mmap: bool) -> Result<Bytes> {
    let meta = file.metadata().map_err(|e| Error::io(path, "cannot read metadata of input", e))?;
    if !meta.is_file() {
        return Err(not_regular(path));
    }
    if meta.len() == 0 {
        // Files of /proc and /sys report no size but have contents: read whatever is there.
        return read_all(file, path, 0);
    }
    // A small file is read: a map costs a page of address space at least and one of the
    // process's limited count of maps (`vm.max_map_count`, 65,530 by default on Linux), which a
    // directory of many short articles would exhaust.
    #[cfg(feature = "mmap")]
    if use_mmap && meta.len() >= MMAP_MIN_BYTES {
        // SAFETY: the map is read-only and lives as long as the `Bytes` value. Mapping a file is
        // unsafe because another process could truncate or modify it while it is mapped, which
        // would make reads observe changing bytes or fault (SIGBUS). neardupe treats its inputs as
        // immutable for the length of a run, as the README documents; users whose inputs may be
        // changed concurrently turn mapping off (`--no-mmap`), which reads the file instead. A
        // spill file (`Corpus::from_reader`) is an unnamed temporary file no other process can
        // open by name.
        #[allow(unsafe_code)]
        let map = unsafe { memmap2::Mmap::map(&file) };
        return map.map(Bytes::Mapped).map_err(|e| {
            let what = if e.raw_os_error() == Some(12) {
                "cannot memory-map input (out of address space or of the system's count of maps)"
            } else {
                "cannot memory-map input"
            };
            Error::io(path, what, e).with_hint("`mmap` off reads files instead")
        });
    }
    #[cfg(not(feature = "mmap"))]
    let _ = use_mmap;
    read_all(file, path, meta.len())
}

/// A read-only map of the first `len` bytes of a spill file that is still being written (its
/// bytes before `len` are written for good): a part of a decompressed stream that the corpus
/// reads while the rest is decompressed (see `stream::Job::written`).
#[cfg(feature = "mmap")]
pub(crate) fn map_prefix(file: &File, len: usize, path: &Path) -> Result<Bytes> {
    // SAFETY: as in `from_file`: the map is read-only and lives as long as the `Bytes` value.
    // The file is an unnamed spill file that no other process can open; its writer only appends
    // after `len`, so the mapped bytes never change and never shrink.
    #[allow(unsafe_code)]
    let map = unsafe { memmap2::MmapOptions::new().len(len).map(file) };
    map.map(Bytes::Mapped).map_err(|e| Error::io(path, "cannot memory-map a decompressed part of input", e))
}

fn not_regular(path: &Path) -> Error {
    Error::new(crate::error::ErrorKind::Io, "cannot read input: not a regular file").with_path(path)
}

fn read_all(mut file: File, path: &Path, len: u64) -> Result<Bytes> {
    use std::io::{Read, Seek};
    file.rewind().map_err(|e| Error::io(path, "cannot read input", e))?;
    let mut v = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.read_to_end(&mut v).map_err(|e| Error::io(path, "cannot read input", e))?;
    Ok(Bytes::copied(&v))
}

impl Bytes {
    /// A copy of `bytes`, held in memory (in 8-byte words, as a read file is).
    pub(crate) fn copied(bytes: &[u8]) -> Bytes {
        let n = bytes.len();
        let mut words = vec![0u64; n.div_ceil(8)];
        bytemuck::cast_slice_mut::<u64, u8>(&mut words)[..n].copy_from_slice(bytes);
        Bytes::Owned(words, n)
    }
}

#[cfg(all(test, feature = "mmap"))]
mod tests {
    use super::*;

    /// Short files are read and long ones mapped, so that a directory of many short articles
    /// does not run out of the process's maps (`vm.max_map_count`).
    #[test]
    fn short_files_are_read_and_long_ones_mapped() {
        let dir = tempfile::tempdir().unwrap();
        let (short, long) = (dir.path().join("short.txt"), dir.path().join("long.txt"));
        std::fs::write(&short, vec![b'a'; MMAP_MIN_BYTES as usize - 1]).unwrap();
        std::fs::write(&long, vec![b'b'; MMAP_MIN_BYTES as usize]).unwrap();
        let (s, l) = (open(&short, true).unwrap(), open(&long, true).unwrap());
        assert!(!s.is_mapped() && l.is_mapped());
        assert_eq!(s.as_slice(), &vec![b'a'; MMAP_MIN_BYTES as usize - 1][..]);
        assert_eq!(l.as_slice(), &vec![b'b'; MMAP_MIN_BYTES as usize][..]);
        assert!(!open(&long, false).unwrap().is_mapped());
    }
}
