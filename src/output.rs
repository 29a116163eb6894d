//! Writing results: cluster assignments (JSONL or CSV), kept and removed records, and atomic
//! file replacement so that no half-written output is ever left behind.

use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::DocId;
use crate::corpus::Corpus;
use crate::error::{Error, Result};
use crate::results::Output;

/// The format of the `cluster` output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ClusterFormat {
    /// One JSON object a line: `{"id": ..., "cluster": ..., "representative": ...}`.
    #[default]
    Jsonl,
    /// A header `id,cluster,representative`, then one row per document.
    Csv,
}

crate::names::option_names! {
    ClusterFormat, "output format" {
        Jsonl => "jsonl",
        Csv => "csv",
    }
    aliases { "json" => Jsonl }
}

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
            c.write_record(["id", "cluster", "representative"]).map_err(io::Error::other)?;
            for row in rows {
                let (id, cluster, rep) = row?;
                let cluster = cluster.to_string();
                c.write_record([id, cluster.as_str(), if rep { "true" } else { "false" }]).map_err(io::Error::other)?;
            }
            c.flush()
        }
    }
}

/// Writes the records of the documents that `keep` selects, in input order: JSONL lines and
/// delimited records byte for byte (each followed by `\n`, or by `delimiter` for delimited text),
/// and whole text files as their paths, one a line.
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
            writeln!(w, "{}", corpus.record_path(rec).display())?;
        } else {
            w.write_all(corpus.record_bytes(rec))?;
            match (corpus.is_jsonl(rec), delimiter) {
                (false, Some(d)) => w.write_all(d.as_bytes())?,
                _ => w.write_all(b"\n")?,
            }
        }
    }
    w.flush()
}

/// Writes `path` atomically: `write` fills a temporary file in the same directory, which is
/// flushed, synced and renamed over `path` only if `write` succeeds. On any error the temporary
/// file is removed and `path` is left as it was.
///
/// A `path` that exists and is not a regular file (`/dev/null`, a named pipe, a terminal) is
/// written directly instead: renaming over it would replace the device with a file.
pub fn write_atomic(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let file =
            std::fs::OpenOptions::new().write(true).open(path).map_err(|e| Error::io(path, "cannot open output", e))?;
        let mut w = BufWriter::new(file);
        return write(&mut w).and_then(|()| w.flush()).map_err(|e| Error::io(path, "cannot write output", e));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let fail = |e| Error::io(path, "cannot write output", e);
    let tmp = tempfile::Builder::new()
        .prefix(".neardupe-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(path, "cannot create a temporary file next to the output", e))?;
    let mut w = BufWriter::with_capacity(1 << 20, tmp);
    write(&mut w).map_err(fail)?;
    let tmp = w.into_inner().map_err(|e| fail(e.into_error()))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, "cannot sync output", e))?;
    tmp.persist(path).map_err(|e| Error::io(path, "cannot move output into place", e.error))?;
    Ok(())
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
