//! The cluster file: every document's cluster, each cluster's representative and every
//! document's component in the graph of verified edges (the persistent union-find result),
//! mapped and checked where read.

use std::path::Path;

use xxhash_rust::xxh3::xxh3_64;

use crate::DocId;
use crate::corpus::source::Bytes;
use crate::error::{Error, ErrorKind, Result};
use crate::format::index::{ClustersMeta, FileEntry, Pin, Span};
use crate::format::{self, FileKind, Fingerprint};

use super::{corrupt, store};

/// The cluster file: each document's cluster and each cluster's representative, mapped.
#[derive(Debug)]
pub(crate) struct ClusterFile {
    bytes: Bytes,
    header: format::Header,
    meta: ClustersMeta,
    start: usize,
    labels: Span,
    reps: Span,
    components: Span,
}

impl ClusterFile {
    /// Maps `dir/entry.file` and validates it against its pin (when `pinned`), the index's
    /// fingerprint and its number of documents.
    pub(crate) fn open(
        dir: &Path,
        entry: &FileEntry,
        fingerprint: &Fingerprint,
        documents: u64,
        pinned: bool,
    ) -> Result<ClusterFile> {
        let path = store::path(dir, &entry.file);
        let bytes = store::map(&path)?;
        let fail = |e: Error| e.with_path(&path);
        let (header, payload) = format::parse_header(bytes.as_slice(), FileKind::Clusters).map_err(fail)?;
        if pinned {
            store::check_pin(&path, &header, &entry.pin)?;
        }
        header.fingerprint.ensure_same(fingerprint).map_err(fail)?;
        let meta: ClustersMeta = format::decode_meta(&header.meta, "cluster file metadata").map_err(fail)?;
        if meta.documents != documents || meta.clusters > documents {
            return Err(fail(corrupt(format!(
                "cluster file covers {} documents in {} clusters; the index holds {documents}",
                meta.documents, meta.clusters
            ))));
        }
        let labels = Span { offset: 0, len: documents * 4 };
        let reps = Span { offset: (documents * 4).next_multiple_of(8), len: meta.clusters * 4 };
        let components = Span { offset: (reps.offset + reps.len).next_multiple_of(8), len: documents * 4 };
        if components.offset + components.len != payload.len() as u64 {
            return Err(fail(corrupt("cluster file has the wrong size")));
        }
        let start = bytes.as_slice().len() - payload.len();
        Ok(ClusterFile { bytes, header, meta, start, labels, reps, components })
    }

    fn array(&self, span: Span) -> &[u32] {
        let p = &self.bytes.as_slice()[self.start..];
        bytemuck::cast_slice(&p[span.offset as usize..(span.offset + span.len) as usize])
    }

    pub(crate) fn cluster(&self, i: usize) -> Result<u32> {
        match self.array(self.labels).get(i) {
            Some(&c) if u64::from(c) < self.meta.clusters => Ok(c),
            Some(&c) => Err(corrupt(format!("cluster file: document {i} in cluster {c} of {}", self.meta.clusters))),
            None => {
                Err(Error::new(ErrorKind::NotFound, format!("no document {i} in an index of {}", self.meta.documents)))
            }
        }
    }

    pub(crate) fn representative(&self, c: u32) -> Result<DocId> {
        match self.array(self.reps).get(c as usize) {
            Some(&d) if u64::from(d) < self.meta.documents => Ok(DocId(d)),
            _ => Err(corrupt(format!("cluster file: no valid representative for cluster {c}"))),
        }
    }

    /// Each document's edge-graph component (a member's id), checked.
    pub(crate) fn components(&self) -> Result<&[u32]> {
        let c = self.array(self.components);
        match c.iter().position(|&x| u64::from(x) >= self.meta.documents) {
            Some(d) => Err(corrupt(format!("cluster file: document {d} in component {}", c[d]))),
            None => Ok(c),
        }
    }

    /// Each document's cluster representative, checked.
    pub(crate) fn roots(&self) -> Result<Vec<u32>> {
        (0..self.meta.documents as usize).map(|d| Ok(self.representative(self.cluster(d)?)?.0)).collect()
    }

    /// The number of clusters.
    pub(crate) fn num_clusters(&self) -> u64 {
        self.meta.clusters
    }

    /// The file's size in bytes.
    pub(crate) fn file_bytes(&self) -> u64 {
        self.bytes.as_slice().len() as u64
    }

    pub(crate) fn sizes(&self) -> Vec<u32> {
        let mut sizes = vec![0u32; self.meta.clusters as usize];
        for &c in self.array(self.labels) {
            if let Some(s) = sizes.get_mut(c as usize) {
                *s += 1;
            }
        }
        sizes
    }

    /// What its header says of its payload (see [`Pin`]).
    pub(crate) fn pin(&self) -> Pin {
        store::pin_of(&self.header)
    }

    /// Checks the payload's checksum (reads the whole file).
    pub(crate) fn check(&self) -> Result<()> {
        format::check_payload(&self.header, &self.bytes.as_slice()[self.start..])
    }
}

/// Writes a cluster file as `dir/name`; returns its manifest entry.
pub(crate) fn write_clusters(
    dir: &Path,
    name: &str,
    fingerprint: &Fingerprint,
    labels: &[u32],
    reps: &[u32],
    components: &[u32],
    meta: &ClustersMeta,
) -> Result<FileEntry> {
    let mut payload: Vec<u8> = bytemuck::cast_slice(labels).to_vec();
    payload.resize(payload.len().next_multiple_of(8), 0);
    payload.extend_from_slice(bytemuck::cast_slice(reps));
    payload.resize(payload.len().next_multiple_of(8), 0);
    payload.extend_from_slice(bytemuck::cast_slice(components));
    let pin = Pin { payload_len: payload.len() as u64, payload_checksum: xxh3_64(&payload) };
    let head = format::encode_header(
        FileKind::Clusters,
        fingerprint,
        &format::encode_meta(meta)?,
        pin.payload_len,
        pin.payload_checksum,
    )?;
    store::write_durable(dir, name, &[&head, &payload])?;
    Ok(FileEntry { file: name.to_string(), pin })
}
