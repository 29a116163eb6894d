//! Streams and compressed files into spill files: standard input, a named pipe or a compressed
//! file is copied (decompressed) to an unnamed temporary file, which is then mapped like any
//! input, so that its documents stay addressable for every pass of a run.
//!
//! A compressed file is decompressed on threads of its own ([`Jobs`]), at most one file per
//! worker thread at a time, while the corpus goes on opening the files after it; within one file
//! one thread decompresses while a second writes the spill file. A file shorter than
//! [`INLINE_BYTES`] is decompressed where it is met, and a stream shorter than [`FIRST_CHUNK`]
//! stays in memory.
//!
//! For the readers of other formats: every file reaches `Corpus::add_bytes` decompressed, whatever
//! its kind, so a kind of file cut into records there reads compressed files with no more code. A
//! reader that wants a file's whole decompressed bytes by itself calls [`source::open_input`]
//! and, for an [`Opened::Compressed`](source::Opened::Compressed) file, [`spill`] (which gives
//! the bytes before any damage, and the damage); one that wants a stream calls
//! [`compression::open`].

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, mpsc};

use super::source::{self, Bytes};
use crate::compression;
use crate::error::{Error, ErrorKind, Result};

/// An input's bytes (decompressed), and the damage that cut them short.
#[derive(Debug)]
pub(crate) struct Contents {
    /// The bytes read: all of them, or those before the damage.
    pub(crate) bytes: Bytes,
    /// Why a compressed stream ended early: corrupt or truncated data (an error of kind
    /// [`Compression`](ErrorKind::Compression)) or a read error of the file (kind
    /// [`Io`](ErrorKind::Io)), at the decompressed offset where it was found.
    pub(crate) damage: Option<Error>,
}

impl Contents {
    /// All of an input's bytes.
    pub(crate) fn whole(bytes: Bytes) -> Contents {
        Contents { bytes, damage: None }
    }
}

/// An unnamed temporary file in `dir` (or the system's temporary directory).
pub(crate) fn spill_file(dir: Option<&Path>) -> Result<File> {
    let at = dir.map_or_else(std::env::temp_dir, Path::to_path_buf);
    match dir {
        Some(d) => tempfile::tempfile_in(d),
        None => tempfile::tempfile(),
    }
    .map_err(|e| {
        let what = if dir.is_some() {
            "cannot create a spill file"
        } else {
            "cannot create a spill file (in the system's temporary directory: see TMPDIR)"
        };
        Error::io(&at, what, e)
    })
}

/// Copies `reader` to a spill file in `dir` (decompressed, when it is compressed) and maps or
/// reads it back; `path` names the stream in messages.
pub(crate) fn spill(mut reader: impl Read, path: &Path, dir: Option<&Path>, mmap: bool) -> Result<Contents> {
    let mut head = [0u8; compression::MAGIC_LEN];
    let n = compression::read_head(&mut reader, &mut head).map_err(|e| Error::io(path, "cannot read input", e))?;
    let head = &head[..n];
    if compression::Compression::detect(head).is_some() {
        let reader = compression::Reader::new(head.chain(reader), path)?;
        return spill_reader(reader, dir, mmap, &AtomicBool::new(false), None);
    }
    // Plain bytes: copied as they are (by the kernel, from a pipe or a file).
    let mut file = spill_file(dir)?;
    file.write_all(head)
        .and_then(|()| io::copy(&mut reader, &mut file))
        .map_err(|e| Error::io(path, "cannot copy the stream to a spill file", e))?;
    Ok(Contents::whole(source::from_file(file, path, mmap)?))
}

/// The first chunk of a decompressed stream, decompressed on the thread that asked for it; a
/// stream no longer is held in memory (as a file that short is read, not mapped).
const FIRST_CHUNK: usize = 64 << 10;

/// Compressed files shorter than this are decompressed on the thread that opens the corpus: a
/// thread and a spill file of their own would cost more than they do (a directory of 3,000
/// gzipped articles of 400 bytes took 0.81 s that way, 0.09 s inline, 0.07 s plain).
pub(crate) const INLINE_BYTES: u64 = 64 << 10;

/// Past the first chunk, decompressed bytes move from the decompressing thread to the writing one
/// in chunks that double up to this size, at most [`QUEUE`] chunks in flight.
const CHUNK: usize = 1 << 20;
const QUEUE: usize = 4;

/// The size of each write to a spill file.
const SPILL_WRITE: usize = 64 << 10;

/// Decompresses `reader` to a spill file in `dir` and maps or reads it back. The first
/// [`FIRST_CHUNK`] bytes are decompressed on this thread, and a stream that ends there (most
/// files of a directory of articles) is kept in memory, with no spill file; past them, this
/// thread decompresses while another writes, in chunks that double up to [`CHUNK`]. The stream's damage (a corrupt or
/// truncated stream, a read error) ends the copy and is returned with the bytes before it. Stops
/// early, with an error, when `cancel` is set.
fn spill_reader(
    mut reader: compression::Reader<'_>,
    dir: Option<&Path>,
    mmap: bool,
    cancel: &AtomicBool,
    written: Option<&Written>,
) -> Result<Contents> {
    let path = reader.path().to_path_buf();
    let mut first = vec![0; FIRST_CHUNK];
    let (n, error) = fill(&mut reader, &mut first);
    if error.is_some() || n < FIRST_CHUNK {
        let damage = error.map(|e| reader.error(e));
        return Ok(Contents { bytes: Bytes::copied(&first[..n]), damage });
    }
    let mut file = spill_file(dir)?;
    let write_error = |e| Error::io(&path, "cannot write the decompressed stream to a spill file", e);
    write_pieces(&mut file, &first).map_err(write_error)?;
    if let Some(w) = written {
        w.start(&file, first.len());
    }
    drop(first);
    let (result, damage) = pipeline(&mut reader, &mut file, cancel, written);
    result.map_err(write_error)?;
    if cancel.load(Ordering::Relaxed) {
        return Err(Error::new(ErrorKind::Io, "decompression cancelled").with_path(&path));
    }
    let bytes = source::from_file(file, &path, mmap)?;
    Ok(Contents { bytes, damage })
}

/// The rest of `reader` written to `file`, decompressed on this thread and written on another:
/// whether the writes succeeded, and the stream's damage.
fn pipeline(
    reader: &mut compression::Reader<'_>,
    file: &mut File,
    cancel: &AtomicBool,
    written: Option<&Written>,
) -> (io::Result<()>, Option<Error>) {
    let (full, full_rx) = mpsc::sync_channel::<(Vec<u8>, usize)>(QUEUE);
    let (empty, empty_rx) = mpsc::channel::<Vec<u8>>();
    std::thread::scope(|s| {
        let writer = s.spawn(move || -> io::Result<()> {
            for (chunk, n) in full_rx {
                write_pieces(file, &chunk[..n])?;
                if let Some(w) = written {
                    w.add(n);
                }
                let _ = empty.send(chunk);
            }
            Ok(())
        });
        let mut damage = None;
        let mut size = 2 * FIRST_CHUNK;
        while !cancel.load(Ordering::Relaxed) {
            let mut chunk = match empty_rx.try_recv() {
                Ok(chunk) if chunk.len() == size => chunk,
                _ => vec![0; size],
            };
            let (n, error) = fill(reader, &mut chunk);
            // The writer stops only on an error, which its join reports.
            if n > 0 && full.send((chunk, n)).is_err() {
                break;
            }
            if let Some(e) = error {
                damage = Some(reader.error(e));
                break;
            }
            if n < size {
                break;
            }
            size = (2 * size).min(CHUNK);
        }
        drop(full);
        let written = writer.join().unwrap_or_else(|_| Err(io::Error::other("the spill file's writer panicked")));
        (written, damage)
    })
}

/// Writes `bytes` to a spill file in pieces of [`SPILL_WRITE`]: the page cache then holds the
/// file in pieces that small. (Linux 6.x gives a 1 MiB write page-cache folios of up to 2 MiB,
/// and a page fault maps a whole 2 MiB folio: the verification's scattered reads of documents
/// made 1 GB of a spill file of the 1 GiB corpus resident, against 0.38 GB written this way.)
fn write_pieces(file: &mut File, bytes: &[u8]) -> io::Result<()> {
    bytes.chunks(SPILL_WRITE).try_for_each(|piece| file.write_all(piece))
}

/// Reads into `buf` until it is full or the stream ends (the count) or fails (the error, with
/// the count of bytes before it).
fn fill(reader: &mut impl Read, buf: &mut [u8]) -> (usize, Option<io::Error>) {
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (n, Some(e)),
        }
    }
    (n, None)
}

/// The number of files decompressed at once: one per worker thread (rayon's, inside a pool's
/// `install`, with the `parallel` feature), one per core otherwise.
pub(crate) fn worker_threads() -> usize {
    #[cfg(feature = "parallel")]
    return rayon::current_num_threads().max(1);
    #[cfg(not(feature = "parallel"))]
    return std::thread::available_parallelism().map_or(1, |n| n.get());
}

/// Decompressions into spill files, each on a thread of its own, at most a given number at once.
#[derive(Debug, Default)]
pub(crate) struct Jobs {
    /// How many are running, and a signal when one ends.
    running: Arc<(Mutex<usize>, Condvar)>,
    /// Set when the results are not wanted any more: running jobs stop at their next chunk.
    cancel: Arc<AtomicBool>,
}

/// One decompression, started by [`Jobs::start`]: [`wait`](Job::wait) for its result. Dropping it
/// unwaited stops every job of its [`Jobs`] (an error ended the opening) and waits for this one.
#[derive(Debug)]
pub(crate) struct Job {
    handle: Option<std::thread::JoinHandle<Result<Contents>>>,
    cancel: Arc<AtomicBool>,
    #[cfg_attr(not(feature = "mmap"), expect(dead_code, reason = "read by `written`, which needs a map"))]
    written: Arc<Written>,
}

/// How much of a job's spill file is written for good, for a reader that reads it while the rest
/// is decompressed ([`Job::written`]).
#[derive(Debug, Default)]
pub(crate) struct Written {
    state: Mutex<WrittenState>,
    signal: Condvar,
}

#[derive(Debug, Default)]
struct WrittenState {
    /// The spill file, once there is one (a short stream stays in memory).
    file: Option<Arc<File>>,
    /// Its bytes written so far.
    bytes: usize,
    /// Whether the job ended (its result is waiting in [`Job::wait`]).
    ended: bool,
}

impl Written {
    fn lock(&self) -> std::sync::MutexGuard<'_, WrittenState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The spill file `file` exists, with its first `bytes` written.
    fn start(&self, file: &File, bytes: usize) {
        let mut state = self.lock();
        // Without a second handle the reader just waits for the end.
        state.file = file.try_clone().ok().map(Arc::new);
        state.bytes = bytes;
        self.signal.notify_all();
    }

    /// `n` more bytes are written.
    fn add(&self, n: usize) {
        let mut state = self.lock();
        state.bytes += n;
        self.signal.notify_all();
    }

    fn end(&self) {
        self.lock().ended = true;
        self.signal.notify_all();
    }
}

/// Marks a job's [`Written`] as ended, also when its thread panics.
struct EndWritten(Arc<Written>);

impl Drop for EndWritten {
    fn drop(&mut self) {
        self.0.end();
    }
}

/// Counts a job as ended, also when its thread panics.
struct Ended(Arc<(Mutex<usize>, Condvar)>);

impl Drop for Ended {
    fn drop(&mut self) {
        let (count, signal) = &*self.0;
        let mut n = count.lock().unwrap_or_else(|p| p.into_inner());
        *n = n.saturating_sub(1);
        signal.notify_all();
    }
}

impl Jobs {
    /// Starts decompressing `file` (named `path`) into a spill file in `dir` (or the system's
    /// temporary directory), mapped or read as `mmap` says, on a thread of its own; waits first
    /// while `limit` jobs are running.
    pub(crate) fn start(&self, file: File, path: &Path, dir: Option<PathBuf>, mmap: bool, limit: usize) -> Result<Job> {
        {
            let (count, signal) = &*self.running;
            let mut n = count.lock().unwrap_or_else(|p| p.into_inner());
            while *n >= limit.max(1) {
                n = signal.wait(n).unwrap_or_else(|p| p.into_inner());
            }
            *n += 1;
        }
        let ended = Ended(Arc::clone(&self.running));
        let cancel = Arc::clone(&self.cancel);
        let named = path.to_path_buf();
        let written = Arc::new(Written::default());
        let end_written = EndWritten(Arc::clone(&written));
        let handle = std::thread::Builder::new()
            .name("neardupe-decompress".into())
            .spawn(move || {
                let _ended = ended;
                let end_written = end_written;
                let reader = compression::Reader::new(file, &named)?;
                spill_reader(reader, dir.as_deref(), mmap, &cancel, Some(&end_written.0))
            })
            .map_err(|e| Error::io(path, "cannot start a thread to decompress input", e))?;
        Ok(Job { handle: Some(handle), cancel: Arc::clone(&self.cancel), written })
    }
}

impl Job {
    /// Waits until at least `bytes` bytes of the spill file are written or the job ends: the
    /// spill file and how many of its bytes are written for good, or `None` once the job has
    /// ended (then [`wait`](Job::wait) gives everything) or when it keeps the stream in memory.
    #[cfg(feature = "mmap")]
    pub(crate) fn written(&self, bytes: usize) -> Option<(Arc<File>, usize)> {
        let mut state = self.written.lock();
        while !state.ended && state.bytes < bytes {
            state = self.written.signal.wait(state).unwrap_or_else(|p| p.into_inner());
        }
        if state.ended {
            return None;
        }
        state.file.clone().map(|f| (f, state.bytes))
    }

    /// The decompressed bytes, and the damage that ended them early.
    pub(crate) fn wait(mut self) -> Result<Contents> {
        let Some(handle) = self.handle.take() else {
            return Err(Error::new(ErrorKind::Io, "a decompression was waited for twice"));
        };
        handle.join().unwrap_or_else(|_| Err(Error::new(ErrorKind::Io, "the decompression thread panicked")))
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            self.cancel.store(true, Ordering::Relaxed);
            let _ = handle.join();
        }
    }
}
