//! Running within a memory limit: what a run may hold in memory ([`MemoryConfig`]) and the
//! spill files it writes when its in-memory plan would not fit.
//!
//! ```
//! use neardupe::spill::MemoryConfig;
//! # fn main() -> neardupe::Result<()> {
//! let memory = MemoryConfig::builder().limit(2 << 30).build()?;
//! assert_eq!(memory.limit(), Some(2 << 30));
//! // Below what a run takes before its first document.
//! assert!(MemoryConfig::builder().limit(100 << 20).build().is_err());
//! # Ok(())
//! # }
//! ```
//!
//! Two kinds of spill file, each an unnamed temporary file in the
//! [`tmp_dir`](MemoryConfig::tmp_dir): the operating system removes it when the run ends, however
//! it ends (success, error, Ctrl-C or `kill -9`), so a spilling run never leaves files behind.
//!
//! - [`SpilledSignatures`] (needs the feature `mmap`): the signature rows, written once as they are made,
//!   checked against the checksum of every block when the writing ends, then memory-mapped and
//!   read in place. The pages read are dropped from the process (`MADV_DONTNEED`) every so many
//!   rows, so its resident share stays below [`SpilledSignatures::resident_bytes`] whatever the
//!   corpus size; the bytes stay in the page cache while there is room.
//! - [`EdgeRuns`]: candidate edges in sorted runs of checksummed frames, merged back
//!   (k-way, repeats removed) into one sorted stream read a chunk at a time.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::xxh3_64;

use crate::DocId;
use crate::error::{Error, ErrorKind, Result};
use crate::graph::Edge;

/// The memory a run takes whatever the corpus size, by default (160 MiB): the program, its
/// thread stacks and buffers, one signing chunk's text and rows, the boilerplate counters. See
/// [`MemoryConfigBuilder::baseline`].
pub const DEFAULT_BASELINE: u64 = 160 << 20;

/// How much memory a run may use and where it spills what does not fit.
///
/// The limit is on the process's peak resident memory. A run whose in-memory plan fits runs
/// exactly as without a limit; otherwise it writes its signatures and candidate edges to spill
/// files in [`tmp_dir`](MemoryConfig::tmp_dir) and reads them back, with the same output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemoryConfig {
    limit: Option<u64>,
    tmp_dir: Option<PathBuf>,
    baseline: u64,
}

impl Default for MemoryConfig {
    fn default() -> MemoryConfig {
        MemoryConfig { limit: None, tmp_dir: None, baseline: DEFAULT_BASELINE }
    }
}

impl MemoryConfig {
    /// A builder: no limit and the system's temporary directory until set.
    pub fn builder() -> MemoryConfigBuilder {
        MemoryConfigBuilder::default()
    }

    /// No limit: everything in memory (the library's default).
    pub fn unlimited() -> MemoryConfig {
        MemoryConfig::default()
    }

    /// The limit on peak resident memory in bytes, if any.
    pub fn limit(&self) -> Option<u64> {
        self.limit
    }

    /// The directory of spill files (`None`: the system's temporary directory, `TMPDIR`).
    pub fn tmp_dir(&self) -> Option<&Path> {
        self.tmp_dir.as_deref()
    }

    /// The memory taken whatever the corpus size (see [`MemoryConfigBuilder::baseline`]).
    pub fn baseline(&self) -> u64 {
        self.baseline
    }
}

/// Builds a [`MemoryConfig`]; [`build`](MemoryConfigBuilder::build) checks it.
#[derive(Clone, Debug, Default)]
pub struct MemoryConfigBuilder {
    limit: Option<u64>,
    tmp_dir: Option<PathBuf>,
    baseline: Option<u64>,
}

impl MemoryConfigBuilder {
    /// The memory the plan counts as taken before any document (default [`DEFAULT_BASELINE`]):
    /// a program whose process holds more (or less) than the command-line tool sets its own.
    pub fn baseline(mut self, bytes: u64) -> MemoryConfigBuilder {
        self.baseline = Some(bytes);
        self
    }

    /// The limit on peak resident memory, in bytes (above the [`baseline`](Self::baseline)).
    pub fn limit(mut self, bytes: u64) -> MemoryConfigBuilder {
        self.limit = Some(bytes);
        self
    }

    /// The limit, or none.
    pub fn limit_opt(mut self, bytes: Option<u64>) -> MemoryConfigBuilder {
        self.limit = bytes;
        self
    }

    /// The directory of spill files (it must exist).
    pub fn tmp_dir(mut self, dir: impl Into<PathBuf>) -> MemoryConfigBuilder {
        self.tmp_dir = Some(dir.into());
        self
    }

    /// The configuration, or an error of kind [`Config`](ErrorKind::Config) for a limit not
    /// above the baseline or a `tmp_dir` that is not a directory.
    pub fn build(self) -> Result<MemoryConfig> {
        let baseline = self.baseline.unwrap_or(DEFAULT_BASELINE);
        if let Some(l) = self.limit
            && l <= baseline
        {
            return Err(Error::new(
                ErrorKind::Config,
                format!(
                    "memory limit {} is too small: a run takes {} before its first document",
                    format_size(l),
                    format_size(baseline)
                ),
            )
            .with_hint("raise `memory_limit`, or lower the baseline"));
        }
        if let Some(d) = &self.tmp_dir {
            match std::fs::metadata(d) {
                Ok(m) if m.is_dir() => {}
                Ok(_) => {
                    return Err(Error::new(ErrorKind::Config, "the spill directory is not a directory").with_path(d));
                }
                Err(e) => return Err(Error::io(d, "cannot use the spill directory", e)),
            }
        }
        Ok(MemoryConfig { limit: self.limit, tmp_dir: self.tmp_dir, baseline })
    }
}

/// The memory this process may use: the physical memory, or the cgroup's limit (containers)
/// when that is lower. `None` where it cannot be read (outside Linux).
pub fn available_memory() -> Option<u64> {
    let physical = std::fs::read_to_string("/proc/meminfo").ok().and_then(|s| {
        let line = s.lines().find(|l| l.starts_with("MemTotal:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    })?;
    let cgroup = ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"]
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok()?.trim().parse::<u64>().ok())
        .min();
    Some(cgroup.map_or(physical, |c| c.min(physical)))
}

/// The command-line tool's default limit: three quarters of [`available_memory`] (the rest for
/// the page cache, which holds the input and the spill files, and the other programs of the
/// machine), or none where that is unknown.
pub fn default_limit() -> Option<u64> {
    available_memory().map(|m| (m / 4 * 3).max(2 * DEFAULT_BASELINE))
}

/// `bytes` for messages: `1.5 GiB`, `640 MiB`, `12 KiB`, `100 B`.
pub fn format_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} B")
    } else if v >= 100.0 || v.fract() == 0.0 {
        format!("{v:.0} {}", UNITS[u])
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// `bytes` rounded up to what [`format_size`] shows exactly (a tenth of its unit below 100 of
/// it, a whole unit above), so that a limit read back from a message is never below `bytes`.
pub fn round_up_shown(bytes: u64) -> u64 {
    let mut unit = 1u64;
    while bytes / unit >= 1024 && unit < 1 << 40 {
        unit <<= 10;
    }
    if unit == 1 {
        return bytes;
    }
    let step = if bytes / unit >= 100 { unit } else { unit / 10 };
    bytes.next_multiple_of(step)
}

/// Rows per checksummed block of a signature spill file.
const BLOCK_ROWS: usize = 4096;

/// Writes signature rows to a spill file as they are made; [`finish`](SignatureWriter::finish)
/// checks and maps them.
#[derive(Debug)]
pub struct SignatureWriter {
    out: BufWriter<File>,
    num_perm: usize,
    set_sizes: Vec<u32>,
    block: Vec<u8>,
    sums: Vec<u64>,
    resident: u64,
    at: PathBuf,
}

impl SignatureWriter {
    /// A writer of rows of `num_perm` slots into a new spill file in `dir`; the mapped result keeps
    /// at most about `resident` bytes of it in memory.
    pub fn new(num_perm: usize, dir: Option<&Path>, resident: u64) -> Result<SignatureWriter> {
        let file = crate::corpus::stream::spill_file(dir)?;
        Ok(SignatureWriter {
            out: BufWriter::with_capacity(1 << 20, file),
            num_perm,
            set_sizes: Vec::new(),
            block: Vec::with_capacity(BLOCK_ROWS * num_perm * 4),
            sums: Vec::new(),
            resident,
            at: dir.map_or_else(std::env::temp_dir, Path::to_path_buf),
        })
    }

    /// Appends one document's signature and set size.
    pub fn push(&mut self, row: &[u32], set_size: u32) -> Result<()> {
        debug_assert_eq!(row.len(), self.num_perm);
        self.block.extend(row.iter().flat_map(|v| v.to_le_bytes()));
        self.set_sizes.push(set_size);
        if self.block.len() == BLOCK_ROWS * self.num_perm * 4 {
            self.flush_block()?;
        }
        Ok(())
    }

    /// The rows written so far.
    pub fn len(&self) -> usize {
        self.set_sizes.len()
    }

    /// Whether no row has been written.
    pub fn is_empty(&self) -> bool {
        self.set_sizes.is_empty()
    }

    fn flush_block(&mut self) -> Result<()> {
        if self.block.is_empty() {
            return Ok(());
        }
        self.sums.push(xxh3_64(&self.block));
        let at = &self.at;
        self.out.write_all(&self.block).map_err(|e| spill_write_error(at, e))?;
        self.block.clear();
        Ok(())
    }

    /// Ends the writing: checks every block against its checksum and maps the file.
    pub fn finish(mut self) -> Result<SpilledSignatures> {
        self.flush_block()?;
        let at = self.at.clone();
        let file = self.out.into_inner().map_err(|e| spill_write_error(&at, e.into_error()))?;
        let bytes = self.set_sizes.len() * self.num_perm * 4;
        #[cfg(not(feature = "mmap"))]
        if bytes > 0 {
            drop(file);
            return Err(needs_mmap());
        }
        let map = if bytes == 0 {
            crate::corpus::source::Bytes::copied(&[])
        } else {
            #[cfg(feature = "mmap")]
            {
                crate::corpus::source::map_prefix(&file, bytes, &at)?
            }
            #[cfg(not(feature = "mmap"))]
            unreachable!("returned above")
        };
        let signatures = SpilledSignatures {
            num_perm: self.num_perm,
            set_sizes: self.set_sizes,
            map,
            reads: std::sync::atomic::AtomicUsize::new(0),
            release_every: (self.resident / MAPPED_PER_READ).max(4) as usize,
            file_bytes: bytes as u64,
            file,
            at: at.clone(),
        };
        let block = BLOCK_ROWS * self.num_perm * 4;
        let all = signatures.map.as_slice();
        for (i, sum) in self.sums.iter().enumerate() {
            let start = i * block;
            let end = (start + block).min(all.len());
            if xxh3_64(&all[start..end]) != *sum {
                return Err(Error::new(
                    ErrorKind::Corrupt,
                    format!("a signature spill file changed after it was written (block at byte {start})"),
                )
                .with_path(&at));
            }
            signatures.map.hint(crate::corpus::source::Hint::Release, start, end);
        }
        signatures.map.hint(crate::corpus::source::Hint::Random, 0, all.len());
        Ok(signatures)
    }
}

/// The error of a run that would need to spill signatures in a build without memory maps.
pub(crate) fn needs_mmap() -> Error {
    Error::new(
        ErrorKind::Unsupported,
        "this memory limit needs signatures spilled to disk, and this build has no memory maps",
    )
    .with_hint("the `mmap` feature spills signatures; or raise `memory_limit`")
}

fn spill_write_error(at: &Path, e: std::io::Error) -> Error {
    let hint = if e.raw_os_error() == Some(28) {
        "the spill directory's disk is full: see `tmp_dir`"
    } else {
        "see `tmp_dir`"
    };
    Error::io(at, "cannot write a spill file", e).with_hint(hint)
}

/// Signature rows in a mapped spill file (see the [module](self) docs); implements
/// [`SignatureRows`](crate::minhash::SignatureRows), so every stage reads them as it reads a
/// [`SignatureMatrix`](crate::SignatureMatrix).
#[derive(Debug)]
pub struct SpilledSignatures {
    num_perm: usize,
    set_sizes: Vec<u32>,
    map: crate::corpus::source::Bytes,
    reads: std::sync::atomic::AtomicUsize,
    release_every: usize,
    file_bytes: u64,
    file: File,
    at: PathBuf,
}

/// The most a read of one row through the map may map into the process: the page cache holds a
/// file just written in large folios (up to 2 MiB), and a fault maps a whole folio.
const MAPPED_PER_READ: u64 = 2 << 20;

impl SpilledSignatures {
    /// The bytes of the spill file.
    pub fn file_bytes(&self) -> u64 {
        self.file_bytes
    }

    /// The most of the file kept mapped into the process between two releases (a large folio
    /// per row read through the map, at worst).
    pub fn resident_bytes(&self) -> u64 {
        self.release_every as u64 * MAPPED_PER_READ
    }

    /// Reads `len` bytes at `offset` of the file into `buf`, without mapping them.
    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<()> {
        #[cfg(unix)]
        let read = std::os::unix::fs::FileExt::read_exact_at(&self.file, buf, offset);
        #[cfg(not(unix))]
        let read = {
            let start = offset as usize;
            buf.copy_from_slice(&self.map.as_slice()[start..start + buf.len()]);
            self.map.hint(crate::corpus::source::Hint::Release, start, start + buf.len());
            Ok::<(), std::io::Error>(())
        };
        read.map_err(|e| Error::io(&self.at, "cannot read a spill file", e))
    }

    /// The rows of `docs` (sorted, without repeats), read in file order into memory.
    pub fn subset(&self, docs: &[DocId]) -> Result<SubsetRows> {
        let k = self.num_perm;
        let mut rows = vec![0u32; docs.len() * k];
        let mut bytes = vec![0u8; k * 4];
        let mut at = 0;
        while at < docs.len() {
            // Neighbouring documents in one read.
            let first = docs[at].index();
            let mut end = at + 1;
            while end < docs.len() && docs[end].index() == first + (end - at) && end - at < BLOCK_ROWS {
                end += 1;
            }
            bytes.resize((end - at) * k * 4, 0);
            self.read_at(&mut bytes, (first * k * 4) as u64)?;
            for (dst, src) in rows[at * k..end * k].iter_mut().zip(bytes.chunks_exact(4)) {
                *dst = u32::from_le_bytes([src[0], src[1], src[2], src[3]]);
            }
            at = end;
        }
        let set_sizes = docs.iter().map(|d| self.set_sizes[d.index()]).collect();
        Ok(SubsetRows {
            num_perm: k,
            len: self.set_sizes.len(),
            docs: docs.iter().map(|d| d.0).collect(),
            rows,
            set_sizes,
        })
    }

    /// Every document's set size.
    pub fn set_sizes(&self) -> &[u32] {
        &self.set_sizes
    }

    /// Drops every mapped page from the process.
    pub fn release(&self) {
        self.map.hint(crate::corpus::source::Hint::Release, 0, self.map.as_slice().len());
    }
}

impl crate::minhash::SignatureRows for SpilledSignatures {
    fn num_perm(&self) -> usize {
        self.num_perm
    }
    fn len(&self) -> usize {
        self.set_sizes.len()
    }
    fn row(&self, i: usize) -> &[u32] {
        let n = self.reads.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if n % self.release_every == self.release_every - 1 {
            self.release();
        }
        let bytes = &self.map.as_slice()[i * self.num_perm * 4..(i + 1) * self.num_perm * 4];
        // The map starts on a page boundary and rows are whole `u32`s, so this never fails.
        bytemuck::cast_slice(bytes)
    }
    fn set_size(&self, i: usize) -> u32 {
        self.set_sizes[i]
    }
    fn for_each_row(&self, f: &mut dyn FnMut(usize, &[u32])) -> Result<()> {
        let k = self.num_perm;
        let n = self.set_sizes.len();
        let mut bytes = vec![0u8; BLOCK_ROWS.min(n) * k * 4];
        let mut row = vec![0u32; k];
        for start in (0..n).step_by(BLOCK_ROWS) {
            let end = (start + BLOCK_ROWS).min(n);
            let block = &mut bytes[..(end - start) * k * 4];
            self.read_at(block, (start * k * 4) as u64)?;
            for (j, chunk) in block.chunks_exact(k * 4).enumerate() {
                for (dst, src) in row.iter_mut().zip(chunk.chunks_exact(4)) {
                    *dst = u32::from_le_bytes([src[0], src[1], src[2], src[3]]);
                }
                f(start + j, &row);
            }
        }
        Ok(())
    }
}

/// The rows of some documents, read into memory from [`SpilledSignatures`] for a chunk of work
/// (the candidates of a chunk to verify): a [`SignatureRows`](crate::minhash::SignatureRows) of
/// the whole corpus's length that holds only those documents' rows.
#[derive(Debug)]
pub struct SubsetRows {
    num_perm: usize,
    len: usize,
    docs: Vec<u32>,
    rows: Vec<u32>,
    set_sizes: Vec<u32>,
}

impl SubsetRows {
    fn position(&self, i: usize) -> usize {
        // Only the documents it was read for are asked for (a caller's bug otherwise).
        self.docs.binary_search(&(i as u32)).expect("a row of the subset")
    }
}

impl crate::minhash::SignatureRows for SubsetRows {
    fn num_perm(&self) -> usize {
        self.num_perm
    }
    fn len(&self) -> usize {
        self.len
    }
    fn row(&self, i: usize) -> &[u32] {
        let p = self.position(i);
        &self.rows[p * self.num_perm..(p + 1) * self.num_perm]
    }
    fn set_size(&self, i: usize) -> u32 {
        self.set_sizes[self.position(i)]
    }
}

/// Edges per checksummed frame of a run.
const FRAME_EDGES: usize = 1 << 16;

/// Candidate edges in sorted runs on disk, merged back into one sorted stream without repeats
/// (see the [module](self) docs).
#[derive(Debug, Default)]
pub struct EdgeRuns {
    dir: Option<PathBuf>,
    runs: Vec<File>,
    bytes: u64,
}

impl EdgeRuns {
    /// No runs yet; they will be written in `dir` (or the system's temporary directory).
    pub fn new(dir: Option<&Path>) -> EdgeRuns {
        EdgeRuns { dir: dir.map(Path::to_path_buf), runs: Vec::new(), bytes: 0 }
    }

    /// The number of runs written.
    pub fn len(&self) -> usize {
        self.runs.len()
    }

    /// Whether no run has been written.
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// The bytes written to runs.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    fn at(&self) -> PathBuf {
        self.dir.clone().unwrap_or_else(std::env::temp_dir)
    }

    /// Writes `edges` (sorted, without repeats) as a run.
    pub fn push_run(&mut self, edges: &[Edge]) -> Result<()> {
        if edges.is_empty() {
            return Ok(());
        }
        let at = self.at();
        let file = crate::corpus::stream::spill_file(self.dir.as_deref())?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        let mut frame = Vec::with_capacity(FRAME_EDGES.min(edges.len()) * 8 + 16);
        for chunk in edges.chunks(FRAME_EDGES) {
            frame.clear();
            frame.extend_from_slice(&(chunk.len() as u64).to_le_bytes());
            for e in chunk {
                frame.extend_from_slice(&e.a.0.to_le_bytes());
                frame.extend_from_slice(&e.b.0.to_le_bytes());
            }
            let sum = xxh3_64(&frame);
            frame.extend_from_slice(&sum.to_le_bytes());
            out.write_all(&frame).map_err(|e| spill_write_error(&at, e))?;
            self.bytes += frame.len() as u64;
        }
        let mut file = out.into_inner().map_err(|e| spill_write_error(&at, e.into_error()))?;
        file.seek(SeekFrom::Start(0)).map_err(|e| spill_write_error(&at, e))?;
        self.runs.push(file);
        Ok(())
    }

    /// The union of the runs and `memory` (sorted, without repeats), sorted and without repeats,
    /// read `chunk` edges at a time.
    pub fn merge(self, memory: Vec<Edge>, chunk: usize) -> Merged {
        let at = self.at();
        let mut cursors: Vec<Cursor> = self
            .runs
            .into_iter()
            .map(|f| Cursor { source: Some(BufReader::with_capacity(1 << 20, f)), frame: Vec::new(), at: 0 })
            .collect();
        cursors.push(Cursor { source: None, frame: memory, at: 0 });
        Merged { cursors, chunk: chunk.max(1), last: None, path: at, failed: false }
    }
}

struct Cursor {
    source: Option<BufReader<File>>,
    frame: Vec<Edge>,
    at: usize,
}

impl Cursor {
    /// The next edge, reading the next frame when this one is used up.
    fn peek(&mut self, path: &Path) -> Result<Option<Edge>> {
        if self.at == self.frame.len() {
            self.frame.clear();
            self.at = 0;
            if let Some(r) = self.source.as_mut()
                && !read_frame(r, &mut self.frame, path)?
            {
                self.source = None;
            }
        }
        Ok(self.frame.get(self.at).copied())
    }
}

/// Reads one frame into `edges`; `false` at the end of the run.
fn read_frame(r: &mut impl Read, edges: &mut Vec<Edge>, path: &Path) -> Result<bool> {
    let corrupt = || Error::new(ErrorKind::Corrupt, "a spill file of candidate edges is damaged").with_path(path);
    let mut head = [0u8; 8];
    match r.read_exact(&mut head) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(false),
        Err(e) => return Err(Error::io(path, "cannot read a spill file", e)),
    }
    let n = u64::from_le_bytes(head);
    if n == 0 || n > FRAME_EDGES as u64 {
        return Err(corrupt());
    }
    let mut body = vec![0u8; n as usize * 8 + 8];
    r.read_exact(&mut body).map_err(|_| corrupt())?;
    let (data, sum) = body.split_at(n as usize * 8);
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&head);
    hasher.update(data);
    if hasher.digest().to_le_bytes() != sum {
        return Err(corrupt());
    }
    edges.extend(data.chunks_exact(8).map(|c| Edge {
        a: DocId(u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
        b: DocId(u32::from_le_bytes([c[4], c[5], c[6], c[7]])),
    }));
    Ok(true)
}

/// The merged stream of [`EdgeRuns::merge`]: each item a chunk of edges in order.
pub struct Merged {
    cursors: Vec<Cursor>,
    chunk: usize,
    last: Option<Edge>,
    path: PathBuf,
    failed: bool,
}

impl Merged {
    fn next_chunk(&mut self) -> Result<Vec<Edge>> {
        let mut out = Vec::with_capacity(self.chunk);
        while out.len() < self.chunk {
            let mut best: Option<(usize, Edge)> = None;
            for (i, c) in self.cursors.iter_mut().enumerate() {
                if let Some(e) = c.peek(&self.path)?
                    && best.is_none_or(|(_, b)| e < b)
                {
                    best = Some((i, e));
                }
            }
            let Some((i, e)) = best else { break };
            self.cursors[i].at += 1;
            if self.last != Some(e) {
                out.push(e);
                self.last = Some(e);
            }
        }
        Ok(out)
    }
}

impl Iterator for Merged {
    type Item = Result<Vec<Edge>>;

    fn next(&mut self) -> Option<Result<Vec<Edge>>> {
        if self.failed {
            return None;
        }
        match self.next_chunk() {
            Ok(c) if c.is_empty() => None,
            Ok(c) => Some(Ok(c)),
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(a: u32, b: u32) -> Edge {
        Edge::new(DocId(a), DocId(b))
    }

    #[test]
    fn merged_runs_are_the_sorted_union() {
        let mut runs = EdgeRuns::new(None);
        let a: Vec<Edge> = (0..200_000u32).step_by(3).map(|i| e(i, i + 1)).collect();
        let b: Vec<Edge> = (0..200_000u32).step_by(2).map(|i| e(i, i + 1)).collect();
        let c = vec![e(1, 5), e(7, 9)];
        runs.push_run(&a).unwrap();
        runs.push_run(&b).unwrap();
        runs.push_run(&[]).unwrap();
        assert_eq!(runs.len(), 2);
        let merged: Vec<Edge> = runs.merge(c.clone(), 1000).flat_map(|r| r.unwrap()).collect();
        let mut oracle: Vec<Edge> = a.iter().chain(&b).chain(&c).copied().collect();
        oracle.sort_unstable();
        oracle.dedup();
        assert_eq!(merged, oracle);
    }

    #[test]
    fn a_damaged_run_is_an_error() {
        let mut frame = Vec::new();
        frame.extend_from_slice(&1u64.to_le_bytes());
        frame.extend_from_slice(&[1, 0, 0, 0, 2, 0, 0, 0]);
        frame.extend_from_slice(&0u64.to_le_bytes());
        let mut edges = Vec::new();
        let err = read_frame(&mut &frame[..], &mut edges, Path::new("x")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Corrupt);
        let err = read_frame(&mut &frame[..12], &mut edges, Path::new("x")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Corrupt);
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(format_size(100), "100 B");
        assert_eq!(format_size(1536), "1.5 KiB");
        assert_eq!(format_size(2 << 30), "2 GiB");
        assert!(MemoryConfig::builder().limit(DEFAULT_BASELINE).build().is_err());
        assert!(MemoryConfig::builder().baseline(0).limit(1).build().is_ok());
        assert!(MemoryConfig::builder().tmp_dir("/nonexistent/dir").build().is_err());
    }

    #[cfg(feature = "mmap")]
    #[test]
    fn spilled_signatures_read_back_as_written() {
        use crate::minhash::SignatureRows;
        let k = 8;
        let mut w = SignatureWriter::new(k, None, 0).unwrap();
        let row = |i: usize| -> Vec<u32> { (0..k).map(|j| (i * 31 + j) as u32).collect() };
        for i in 0..10_000 {
            w.push(&row(i), i as u32).unwrap();
        }
        let s = w.finish().unwrap();
        assert_eq!(s.len(), 10_000);
        for i in (0..10_000).rev() {
            assert_eq!(s.row(i), row(i).as_slice());
            assert_eq!(s.set_size(i), i as u32);
        }
        assert_eq!(s.file_bytes(), 10_000 * 8 * 4);
    }
}
