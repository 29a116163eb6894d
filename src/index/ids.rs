//! Ids in the index: the id → document table ([`Index::lookup`]), cluster members, removals
//! ([`Index::remove`]), what a batch does with ids the index already holds ([`ExistingIds`]),
//! and which stored documents a change moves to another cluster ([`Moved`]).
//!
//! **Ids are unique.** A batch whose id the index already holds is refused by default
//! ([`ExistingIds::Refuse`]); ids repeated inside one batch follow the source's rule
//! ([`DuplicateIds`](crate::DuplicateIds)), as in a run. An index written by an older version may
//! hold an id twice: [`Index::repeated_ids`] lists them, [`Index::lookup`] finds the first, and
//! [`Index::remove`] removes every document with the id.
//!
//! **A removal equals a run over the rest.** Document ids are positions, so a removal rewrites
//! the segments from the first one that holds a removed document (the documents before it keep
//! their numbers, those after it move down), drops the edges of the removed documents, and
//! re-finds the candidate edges that a run over the remaining documents has and the index does
//! not: in a band bucket of more than [`PAIRWISE_BUCKET`] members, a removed member makes later
//! members move up (into the bucket's first 24, or next to another member). Those are verified
//! like an insertion's, and the clusters are linked again from all edges (guard and window
//! included). So the clusters after a removal are those of one run with [`Verify::Estimate`]
//! over the remaining documents, in their order, with the index's boilerplate filter.
//!
//! [`Verify::Estimate`]: crate::Verify::Estimate

use std::collections::HashMap;

use xxhash_rust::xxh3::xxh3_64;

use crate::DocId;
use crate::cluster::Clustering;
use crate::error::{Error, ErrorKind, Result};
use crate::format::Fingerprint;
use crate::format::index::ClustersMeta;
use crate::graph::{Edge, UnionFind};
use crate::link;
use crate::lsh::{self, PAIRWISE_BUCKET};
use crate::minhash::{SignatureMatrix, SignatureRows};
use crate::pipeline::Progress;
use crate::source::DocumentSource;

use super::clusters::write_clusters;
use super::segment::SegmentData;
use super::{Batch, Index, Insertion, Rows, corrupt, signed_with, store};

/// What [`Index::insert_batch_with`] does with a document whose id the index already holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExistingIds {
    /// The batch fails with [`ErrorKind::DuplicateId`] naming the id and its record, and
    /// nothing is committed (the default).
    #[default]
    Refuse,
    /// The document is left out (listed in [`Insertion::skipped_ids`]); the stored one stays.
    Skip,
    /// The stored document is removed and the new one added, in one commit (listed in
    /// [`Insertion::replaced`]): the clusters are those of a removal then an insertion.
    Replace,
}

crate::names::option_names! {
    ExistingIds, "existing-id policy" {
        Refuse => "refuse",
        Skip => "skip",
        Replace => "replace",
    }
    aliases { "error" => Refuse }
}

/// What [`Index::remove_with`] does with an id the index does not hold.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MissingIds {
    /// The removal fails with [`ErrorKind::NotFound`] naming the id, and nothing is removed
    /// (the default).
    #[default]
    Refuse,
    /// The id is listed in [`Removal::missing`] and the others are removed.
    Ignore,
}

crate::names::option_names! {
    MissingIds, "missing-id policy" {
        Refuse => "refuse",
        Ignore => "ignore",
    }
    aliases { "error" => Refuse }
}

/// Options of [`Index::insert_batch_with`].
///
/// ```
/// use neardupe::index::{ExistingIds, InsertOptions};
///
/// let options = InsertOptions::new().existing_ids(ExistingIds::Skip);
/// assert_eq!(options.get_existing_ids(), ExistingIds::Skip);
/// assert_eq!(InsertOptions::default().get_existing_ids(), ExistingIds::Refuse);
/// ```
#[derive(Clone, Debug, Default)]
pub struct InsertOptions {
    existing_ids: ExistingIds,
}

impl InsertOptions {
    /// The defaults: [`ExistingIds::Refuse`].
    pub fn new() -> InsertOptions {
        InsertOptions::default()
    }

    /// What to do with a document whose id the index already holds.
    pub fn existing_ids(mut self, policy: ExistingIds) -> InsertOptions {
        self.existing_ids = policy;
        self
    }

    /// See [`existing_ids`](InsertOptions::existing_ids).
    pub fn get_existing_ids(&self) -> ExistingIds {
        self.existing_ids
    }
}

/// Options of [`Index::remove_with`].
///
/// ```
/// use neardupe::index::{MissingIds, RemoveOptions};
///
/// let options = RemoveOptions::new().missing(MissingIds::Ignore);
/// assert_eq!(options.get_missing(), MissingIds::Ignore);
/// ```
#[derive(Clone, Debug, Default)]
pub struct RemoveOptions {
    missing: MissingIds,
}

impl RemoveOptions {
    /// The defaults: [`MissingIds::Refuse`].
    pub fn new() -> RemoveOptions {
        RemoveOptions::default()
    }

    /// What to do with an id the index does not hold.
    pub fn missing(mut self, policy: MissingIds) -> RemoveOptions {
        self.missing = policy;
        self
    }

    /// See [`missing`](RemoveOptions::missing).
    pub fn get_missing(&self) -> MissingIds {
        self.missing
    }
}

/// Where a stored document is, from [`Index::lookup`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Lookup {
    /// The document.
    pub doc: DocId,
    /// Its cluster (list the members with [`Index::members`]).
    pub cluster: u32,
    /// The cluster's representative.
    pub representative: DocId,
}

/// A stored document removed by [`Index::remove`] (or replaced by a batch).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Removed {
    /// Its document id before the removal.
    pub doc: DocId,
    /// Its id.
    pub id: String,
}

/// A stored document whose cluster a change (a batch, a removal) changed: its cluster's
/// representative is another document, or the stored documents it shares its cluster with are
/// others (its cluster merged with another, or split). Cluster numbers are renumbered by every
/// change (clusters are numbered in order of their first document), so a document whose number
/// alone changed has not moved. A new document joining its cluster does not move it either.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Moved {
    /// The document, numbered as after the change.
    pub doc: DocId,
    /// Its id.
    pub id: String,
    /// Its cluster before the change (numbered as before it).
    pub old_cluster: u32,
    /// The id of that cluster's representative.
    pub old_representative: String,
    /// Its cluster after the change.
    pub cluster: u32,
    /// The id of that cluster's representative.
    pub representative: String,
}

/// The result of [`Index::remove`].
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Removal {
    /// The removed documents, by document id (numbered as before the removal).
    pub removed: Vec<Removed>,
    /// With [`MissingIds::Ignore`], the ids the index did not hold (in the order given).
    pub missing: Vec<String>,
    /// The stored documents whose cluster changed: see [`Moved`].
    pub moved: Vec<Moved>,
    /// Candidate pairs that the removal made (in band buckets that lost a member).
    pub candidates: u64,
    /// Of those, the pairs that passed verification.
    pub verified_edges: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// Every document's id hash and document, sorted: a lookup is a binary search and a comparison
/// of the ids with that hash.
#[derive(Debug)]
pub(crate) struct IdTable {
    entries: Vec<(u64, u32)>,
}

/// Each cluster's members, ascending (offsets into one array).
#[derive(Debug)]
pub(crate) struct Members {
    offsets: Vec<u32>,
    docs: Vec<DocId>,
}

/// The clusters before a change, to tell which stored documents it moved.
pub(crate) struct Before {
    labels: Vec<u32>,
    reps: Vec<u32>,
}

impl Index {
    fn id_table(&self) -> Result<&IdTable> {
        if let Some(t) = self.ids.get() {
            return Ok(t);
        }
        let mut entries = Vec::with_capacity(self.len());
        for s in &self.segments {
            for i in 0..s.len() {
                entries.push((xxh3_64(s.id(i)?.as_bytes()), (s.first_doc() + i) as u32));
            }
        }
        #[cfg(feature = "parallel")]
        {
            use rayon::slice::ParallelSliceMut;
            entries.par_sort_unstable();
        }
        #[cfg(not(feature = "parallel"))]
        entries.sort_unstable();
        Ok(self.ids.get_or_init(|| IdTable { entries }))
    }

    /// The documents with id `id`, ascending (one, unless an older version stored it twice).
    pub(crate) fn docs_with_id(&self, id: &str) -> Result<Vec<DocId>> {
        let table = self.id_table()?;
        let h = xxh3_64(id.as_bytes());
        let from = table.entries.partition_point(|e| e.0 < h);
        let mut out = Vec::new();
        for &(hash, d) in &table.entries[from..] {
            if hash != h {
                break;
            }
            if self.document_id(DocId(d))? == id {
                out.push(DocId(d));
            }
        }
        Ok(out)
    }

    /// Where the document with id `id` is: its document id, cluster and representative;
    /// `None` if the index holds no such id. The first lookup builds a table of every id's hash
    /// (12 bytes a document, a few milliseconds for 100,000 documents), and each lookup is then
    /// a binary search. An index written by an older version may hold an id twice (see
    /// [`repeated_ids`](Index::repeated_ids)): the first document with it is given.
    ///
    /// ```
    /// use neardupe::index::Index;
    /// use neardupe::Config;
    ///
    /// let dir = tempfile::tempdir()?;
    /// let story = "the central bank raised interest rates by a quarter point on tuesday citing \
    ///              persistent inflation in services and a tight labour market across the region";
    /// let copy = format!("{story} (News Source: BBC)");
    /// let mut index = Index::create(dir.path(), Config::builder().build()?)?;
    /// index.insert_batch(&[("a", story), ("b", copy.as_str())][..])?;
    /// let found = index.lookup("b")?.expect("b is stored");
    /// assert_eq!(index.document_id(found.representative)?, "a");
    /// assert_eq!(index.members(found.cluster)?.len(), 2);
    /// assert!(index.lookup("c")?.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn lookup(&self, id: &str) -> Result<Option<Lookup>> {
        let Some(&doc) = self.docs_with_id(id)?.first() else { return Ok(None) };
        let cluster = self.cluster_of(doc)?;
        Ok(Some(Lookup { doc, cluster, representative: self.representative_of(cluster)? }))
    }

    /// The documents of cluster `cluster`, ascending ([`ErrorKind::NotFound`] for a cluster the
    /// index does not have). The first call builds every cluster's list (8 bytes a document).
    pub fn members(&self, cluster: u32) -> Result<&[DocId]> {
        let m = match self.members.get() {
            Some(m) => m,
            None => {
                let k = self.clusters.num_clusters() as usize;
                let labels: Vec<u32> = (0..self.len()).map(|i| self.clusters.cluster(i)).collect::<Result<_>>()?;
                let mut offsets = vec![0u32; k + 1];
                for &c in &labels {
                    offsets[c as usize + 1] += 1;
                }
                for c in 0..k {
                    offsets[c + 1] += offsets[c];
                }
                let mut at = offsets.clone();
                let mut docs = vec![DocId(0); labels.len()];
                for (d, &c) in labels.iter().enumerate() {
                    docs[at[c as usize] as usize] = DocId(d as u32);
                    at[c as usize] += 1;
                }
                self.members.get_or_init(|| Members { offsets, docs })
            }
        };
        let c = cluster as usize;
        match (m.offsets.get(c), m.offsets.get(c + 1)) {
            (Some(&a), Some(&b)) => Ok(&m.docs[a as usize..b as usize]),
            _ => Err(Error::new(
                ErrorKind::NotFound,
                format!("no cluster {cluster} in an index of {} clusters", self.clusters.num_clusters()),
            )),
        }
    }

    /// The ids that more than one document has, each with its documents (ascending ids). An
    /// index written by this version has none (see [`ExistingIds`]); one written by an older
    /// version may: remove the extra documents with [`remove`](Index::remove) (which removes
    /// every document with an id) and add the one to keep again.
    pub fn repeated_ids(&self) -> Result<Vec<(String, Vec<DocId>)>> {
        let table = self.id_table()?;
        let mut out: Vec<(String, Vec<DocId>)> = Vec::new();
        for run in table.entries.chunk_by(|a, b| a.0 == b.0).filter(|r| r.len() > 1) {
            let mut by_id: Vec<(&str, DocId)> =
                run.iter().map(|&(_, d)| Ok((self.document_id(DocId(d))?, DocId(d)))).collect::<Result<_>>()?;
            by_id.sort_unstable();
            for same in by_id.chunk_by(|a, b| a.0 == b.0).filter(|s| s.len() > 1) {
                out.push((same[0].0.to_string(), same.iter().map(|x| x.1).collect()));
            }
        }
        out.sort_unstable();
        Ok(out)
    }

    /// Inserts a batch as [`insert_batch`](Index::insert_batch) does, with `options`: what to do
    /// with documents whose ids the index already holds ([`ExistingIds`]), and progress reports
    /// while signing.
    ///
    /// With [`ExistingIds::Refuse`] (the default) such a document fails the batch with
    /// [`ErrorKind::DuplicateId`], naming the id, its record and the stored document, and nothing
    /// is committed. With [`ExistingIds::Replace`] the stored documents are removed and the
    /// batch added in one commit: the clusters are those of [`remove`](Index::remove) then
    /// [`insert_batch`](Index::insert_batch), and a process killed before the commit leaves the
    /// index as it was.
    ///
    /// ```
    /// use neardupe::index::{ExistingIds, Index, InsertOptions};
    /// use neardupe::{Config, ErrorKind};
    ///
    /// let dir = tempfile::tempdir()?;
    /// let mut index = Index::create(dir.path(), Config::builder().build()?)?;
    /// index.insert_batch(&[("a", "the first version of a note about gardening in spring")][..])?;
    /// let again = [("a", "the second version of a note about gardening in spring")];
    /// assert_eq!(index.insert_batch(&again[..]).unwrap_err().kind(), ErrorKind::DuplicateId);
    /// let replace = InsertOptions::new().existing_ids(ExistingIds::Replace);
    /// let done = index.insert_batch_with(&again[..], &replace, None)?;
    /// assert_eq!((done.replaced.len(), done.added.len(), index.len()), (1, 1, 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn insert_batch_with<S: DocumentSource + ?Sized>(
        &mut self,
        source: &S,
        options: &InsertOptions,
        progress: Option<Progress<'_>>,
    ) -> Result<Insertion> {
        self.writer()?;
        let t = std::time::Instant::now();
        let (mut batch, mut out) = self.sign_batch(source, progress)?;
        let mut stored: Vec<(usize, Vec<DocId>)> = Vec::new();
        for (j, id) in batch.ids.iter().enumerate() {
            let docs = self.docs_with_id(id)?;
            if !docs.is_empty() {
                stored.push((j, docs));
            }
        }
        let mut gone: Vec<u32> = Vec::new();
        match options.existing_ids {
            ExistingIds::Refuse => {
                if let Some((j, docs)) = stored.first() {
                    let record = batch.records[*j];
                    let e = Error::new(
                        ErrorKind::DuplicateId,
                        format!(
                            "id {:?} is already in the index (document {}); nothing was added",
                            batch.ids[*j], docs[0].0
                        ),
                    )
                    .with_hint("give every document its own id, or set `existing_ids` to skip or replace");
                    return Err(match source.location(record) {
                        Some(l) => e.with_location(l),
                        None => {
                            let msg = format!("record {}: {}", record + 1, e.message());
                            Error::new(ErrorKind::DuplicateId, msg).with_hint(e.hint().unwrap_or_default())
                        }
                    });
                }
            }
            ExistingIds::Skip => {
                let mut keep = vec![true; batch.ids.len()];
                for (j, _) in &stored {
                    keep[*j] = false;
                    out.skipped_ids.push(batch.ids[*j].clone());
                }
                batch = retain(batch, &keep);
            }
            ExistingIds::Replace => {
                for (_, docs) in &stored {
                    for &d in docs {
                        gone.push(d.0);
                        out.replaced.push(super::Removed { doc: d, id: self.document_id(d)?.to_string() });
                    }
                }
                gone.sort_unstable();
                gone.dedup();
                out.replaced.sort_by_key(|r| r.doc);
                out.replaced.dedup();
            }
        }
        if batch.signatures.is_empty() {
            out.seconds = t.elapsed().as_secs_f64();
            return Ok(out);
        }
        let before = self.before()?;
        let removed_ids: HashMap<u32, String> = out.replaced.iter().map(|r| (r.doc.0, r.id.clone())).collect();
        if gone.is_empty() {
            self.commit_batch(batch, &mut out)?;
            out.moved = self.moved(&before, None, &removed_ids)?;
        } else {
            let (mut staged, remap, _) = self.stage_removal(&gone, "nothing was added or replaced")?;
            staged.commit_batch(batch, &mut out)?;
            let lock = self.lock.take();
            *self = staged;
            self.lock = lock;
            out.moved = self.moved(&before, Some(&remap), &removed_ids)?;
        }
        out.seconds = t.elapsed().as_secs_f64();
        Ok(out)
    }

    /// Removes the documents with the given ids (every document with an id, on an index that
    /// holds it twice) in one commit; [`remove_with`](Index::remove_with) with the default
    /// options, which refuse an id the index does not hold.
    ///
    /// Document ids are positions: the documents after the first removed one move down, and
    /// the segments from the one holding it are rewritten (verified first, like every writer's
    /// copies). The clusters afterwards are those of one run with
    /// [`Verify::Estimate`](crate::Verify::Estimate) over the remaining documents (see the
    /// [index](crate::index) module documentation). An empty list removes nothing and commits
    /// nothing.
    ///
    /// ```
    /// use neardupe::index::Index;
    /// use neardupe::{Config, ErrorKind};
    ///
    /// let dir = tempfile::tempdir()?;
    /// let story = "the central bank raised interest rates by a quarter point on tuesday citing \
    ///              persistent inflation in services and a tight labour market across the region";
    /// let copy = format!("{story} (News Source: BBC)");
    /// let mut index = Index::create(dir.path(), Config::builder().build()?)?;
    /// index.insert_batch(&[("a", story), ("b", copy.as_str())][..])?;
    /// let removal = index.remove(&["a"])?;
    /// assert_eq!(removal.moved[0].id, "b"); // b now represents its cluster
    /// assert_eq!(index.len(), 1);
    /// assert_eq!(index.remove(&["a"]).unwrap_err().kind(), ErrorKind::NotFound);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn remove<I: AsRef<str>>(&mut self, ids: &[I]) -> Result<Removal> {
        self.remove_with(ids, &RemoveOptions::default())
    }

    /// [`remove`](Index::remove) with `options`: what to do with an id the index does not hold
    /// ([`MissingIds`]; by default an [`ErrorKind::NotFound`] error naming it, and nothing is
    /// removed).
    pub fn remove_with<I: AsRef<str>>(&mut self, ids: &[I], options: &RemoveOptions) -> Result<Removal> {
        self.writer()?;
        let t = std::time::Instant::now();
        let mut out = Removal::default();
        let mut gone: Vec<u32> = Vec::new();
        for id in ids {
            let id = id.as_ref();
            let docs = self.docs_with_id(id)?;
            if docs.is_empty() {
                match options.missing {
                    MissingIds::Refuse => {
                        return Err(Error::new(
                            ErrorKind::NotFound,
                            format!("id {id:?} is not in the index; nothing was removed"),
                        )
                        .with_path(&self.dir));
                    }
                    MissingIds::Ignore => out.missing.push(id.to_string()),
                }
            }
            gone.extend(docs.iter().map(|d| d.0));
        }
        gone.sort_unstable();
        gone.dedup();
        if gone.is_empty() {
            out.seconds = t.elapsed().as_secs_f64();
            return Ok(out);
        }
        out.removed = gone
            .iter()
            .map(|&d| Ok(Removed { doc: DocId(d), id: self.document_id(DocId(d))?.to_string() }))
            .collect::<Result<_>>()?;
        let before = self.before()?;
        let (mut staged, remap, (candidates, verified)) = self.stage_removal(&gone, "nothing was removed")?;
        out.candidates = candidates;
        out.verified_edges = verified;
        store::write_manifest(&staged.dir, &staged.fingerprint, &staged.manifest)?;
        staged.reload()?;
        let lock = self.lock.take();
        *self = staged;
        self.lock = lock;
        let removed_ids: HashMap<u32, String> = out.removed.iter().map(|r| (r.doc.0, r.id.clone())).collect();
        out.moved = self.moved(&before, Some(&remap), &removed_ids)?;
        out.seconds = t.elapsed().as_secs_f64();
        Ok(out)
    }

    /// The clusters now, to compare with those after a change.
    fn before(&self) -> Result<Before> {
        let labels = (0..self.len()).map(|i| self.clusters.cluster(i)).collect::<Result<_>>()?;
        let reps = (0..self.clusters.num_clusters() as u32)
            .map(|c| Ok(self.representative_of(c)?.0))
            .collect::<Result<_>>()?;
        Ok(Before { labels, reps })
    }

    /// The stored documents that a change moved (see [`Moved`]): `before` is the state before
    /// it, `remap` each old document's new number (`u32::MAX` when removed; `None` when none
    /// was), `removed` the ids of the removed documents.
    fn moved(&self, before: &Before, remap: Option<&[u32]>, removed: &HashMap<u32, String>) -> Result<Vec<Moved>> {
        let new_of = |d: usize| remap.map_or(d as u32, |r| r[d]);
        let k_old = before.reps.len();
        let k_new = self.clusters.num_clusters() as usize;
        let (mut new_of_old, mut old_of_new) = (vec![u32::MAX; k_old], vec![u32::MAX; k_new]);
        let (mut split, mut merged) = (vec![false; k_old], vec![false; k_new]);
        let mut pairs = Vec::with_capacity(before.labels.len());
        for (d, &c) in before.labels.iter().enumerate() {
            let nd = new_of(d);
            if nd == u32::MAX {
                continue;
            }
            let c2 = self.cluster_of(DocId(nd))?;
            let (c, c2u) = (c as usize, c2 as usize);
            if c >= k_old || c2u >= k_new {
                return Err(corrupt(format!("cluster file: document {d} in cluster {c} of {k_old}")));
            }
            match new_of_old[c] {
                u32::MAX => new_of_old[c] = c2,
                x if x != c2 => split[c] = true,
                _ => {}
            }
            match old_of_new[c2u] {
                u32::MAX => old_of_new[c2u] = c as u32,
                x if x != c as u32 => merged[c2u] = true,
                _ => {}
            }
            pairs.push((d, nd, c, c2));
        }
        let mut out = Vec::new();
        for (_, nd, c, c2) in pairs {
            let old_rep = before.reps[c] as usize;
            let new_rep = self.representative_of(c2)?;
            let old_rep_now = new_of(old_rep);
            if !split[c] && !merged[c2 as usize] && old_rep_now == new_rep.0 {
                continue;
            }
            let old_representative = match old_rep_now {
                u32::MAX => removed.get(&(old_rep as u32)).cloned().unwrap_or_default(),
                x => self.document_id(DocId(x))?.to_string(),
            };
            out.push(Moved {
                doc: DocId(nd),
                id: self.document_id(DocId(nd))?.to_string(),
                old_cluster: c as u32,
                old_representative,
                cluster: c2,
                representative: self.document_id(new_rep)?.to_string(),
            });
        }
        Ok(out)
    }

    /// Writes the index without the documents `gone` (ascending, without repeats, not empty):
    /// the segments from the first that holds one, rewritten as one, and a new cluster file;
    /// returns the index they make with its manifest, not committed, without a lock (the caller
    /// commits it, or adds a batch to it and commits that), each old document's new number
    /// (`u32::MAX` for a removed one), and the candidate and verified edges it found.
    fn stage_removal(&self, gone: &[u32], refused: &str) -> Result<(Index, Vec<u32>, (u64, u64))> {
        let n = self.len();
        let first_gone = gone[0] as usize;
        let f = self.segments.partition_point(|s| s.first_doc() + s.len() <= first_gone);
        self.verify_before_writing(f..self.segments.len(), true, refused)?;
        let mut remap = vec![u32::MAX; n];
        let mut next = 0u32;
        let mut g = gone.iter().peekable();
        for (d, slot) in remap.iter_mut().enumerate() {
            if g.peek().is_some_and(|&&x| x as usize == d) {
                g.next();
            } else {
                *slot = next;
                next += 1;
            }
        }
        let n_new = next as usize;
        let new_number = |d: u32| -> Result<u32> {
            remap.get(d as usize).copied().ok_or_else(|| corrupt(format!("document {d} of an index of {n}")))
        };

        // Candidate edges a run over the rest has and the index does not.
        let rows = self.rows(None);
        let params = self.config.lsh();
        let mut candidates: Vec<Edge> = Vec::new();
        for band in 0..params.bands() {
            let mut keys: Vec<u64> = gone
                .iter()
                .filter(|&&d| rows.set_size(d as usize) != 0)
                .map(|&d| params.band_key(band, rows.row(d as usize)))
                .collect();
            keys.sort_unstable();
            keys.dedup();
            for key in keys {
                let members: Vec<u32> =
                    self.segments.iter().flat_map(|s| s.bucket(band, key).iter().copied()).collect();
                if members.len() <= PAIRWISE_BUCKET {
                    continue; // every pair was a candidate
                }
                // Members before the first removed one keep their edges.
                let from = members.iter().position(|&d| remap.get(d as usize) == Some(&u32::MAX)).unwrap_or(0);
                let alive: Vec<DocId> = members
                    .iter()
                    .filter(|&&d| remap.get(d as usize).is_some_and(|&x| x != u32::MAX))
                    .map(|&d| DocId(d))
                    .collect();
                let first_moved = alive.partition_point(|d| (d.0 as usize) < members[from] as usize);
                for (j, &doc) in alive.iter().enumerate().skip(first_moved) {
                    let head = &alive[..j.min(PAIRWISE_BUCKET)];
                    lsh::push_member_edges(head, alive[..j].last().copied(), j, doc, &mut candidates);
                }
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let found = candidates.len() as u64;
        let verified = self.verify_edges(candidates, &rows);
        let n_verified = verified.len() as u64;

        // The rewritten tail.
        let parts = &self.segments[f..];
        let k = self.config.minhash().num_perm();
        let first_doc = parts.first().map_or(n_new, |s| s.first_doc()) as u64;
        let mut tail = SegmentData {
            first_doc,
            signatures: SignatureMatrix::new(k),
            bands: vec![Vec::new(); params.bands()],
            ..SegmentData::default()
        };
        for s in parts {
            s.prefetch();
            for i in 0..s.len() {
                if remap[s.first_doc() + i] == u32::MAX {
                    continue;
                }
                tail.signatures.push_empty(s.set_sizes()[i]).copy_from_slice(s.row(i));
                tail.ids.push(s.id(i)?.to_string());
                tail.lengths.push(s.lengths()[i]);
                if let Some(&day) = s.days().get(i) {
                    tail.days.push(day);
                }
            }
            for e in s.edges(n)? {
                let (a, b) = (remap[e.a.index()], remap[e.b.index()]);
                if a != u32::MAX && b != u32::MAX {
                    tail.edges.push(Edge { a: DocId(a), b: DocId(b) });
                }
            }
        }
        for e in &verified {
            let (a, b) = (new_number(e.a.0)?, new_number(e.b.0)?);
            tail.edges.push(Edge { a: DocId(a), b: DocId(b) });
        }
        tail.edges.sort_unstable();
        tail.edges.dedup();
        for (b, table) in tail.bands.iter_mut().enumerate() {
            for s in parts {
                for (key, d) in s.band(b) {
                    match new_number(d)? {
                        u32::MAX => {}
                        x => table.push((key, x)),
                    }
                }
            }
            table.sort_unstable();
        }

        // The manifest and cluster file of what remains.
        let generation = self.next_generation()?;
        let mut manifest = self.manifest.clone();
        manifest.generation = generation;
        manifest.documents = n_new as u64;
        manifest.segments.truncate(f);
        let alive_before = |x: u64| x - gone.partition_point(|&d| u64::from(d) < x) as u64;
        if let Some(filter) = &mut manifest.filter {
            filter.first_doc = alive_before(filter.first_doc);
        }
        if !tail.ids.is_empty() {
            let unfiltered = Fingerprint::of(&self.config, None);
            let filter_from = manifest.filter.as_ref().map(|f| f.first_doc);
            let end = first_doc + tail.ids.len() as u64;
            let name = store::file_name("segment", generation, first_doc);
            let signed = signed_with(&self.fingerprint, &unfiltered, filter_from, end);
            manifest.segments.push(tail.write(&self.dir, &name, signed)?);
        }
        let heads = &self.segments[..f];
        let rows = Rows { segments: heads, first_new: first_doc as usize, new: Some(&tail.signatures), k };
        let mut edges: Vec<Edge> = Vec::new();
        for s in heads {
            edges.extend(s.edges(n)?);
        }
        edges.extend_from_slice(&tail.edges);
        let days: Option<Vec<i32>> = self.config.window().map(|_| {
            let mut days: Vec<i32> = heads.iter().flat_map(|s| s.days().iter().copied()).collect();
            days.extend_from_slice(&tail.days);
            days
        });
        let link::LinkedSets { sets: mut uf, guard_refusals, window_refusals } =
            link::link_sets(&self.config, &edges, &rows, days.as_deref());
        let lengths: Vec<u64> =
            heads.iter().flat_map(|s| s.lengths().iter().copied()).chain(tail.lengths.iter().copied()).collect();
        let clustering = Clustering::from_union_find(&mut uf, self.config.representative(), &lengths);
        let mut graph = UnionFind::new(n_new);
        for e in &edges {
            graph.union(e.a.0, e.b.0);
        }
        let components: Vec<u32> = (0..n_new as u32).map(|d| graph.find(d)).collect();
        let meta = ClustersMeta {
            documents: n_new as u64,
            clusters: clustering.num_clusters() as u64,
            edges: edges.len() as u64,
            guard_refusals,
            window_refusals,
        };
        let reps: Vec<u32> = clustering.representatives().iter().map(|d| d.0).collect();
        let name = store::file_name("clusters", generation, 0);
        manifest.clusters =
            write_clusters(&self.dir, &name, &self.fingerprint, clustering.clusters(), &reps, &components, &meta)?;
        let staged = Index::from_manifest(&self.dir, manifest, &self.fingerprint, true, None)?;
        Ok((staged, remap, (found, n_verified)))
    }
}

/// `batch` with only the documents `keep` says.
fn retain(batch: Batch, keep: &[bool]) -> Batch {
    let mut signatures = SignatureMatrix::new(batch.signatures.num_perm());
    for i in (0..keep.len()).filter(|&i| keep[i]) {
        signatures.push_empty(batch.signatures.set_size(i)).copy_from_slice(batch.signatures.row(i));
    }
    let pick = |v: Vec<_>| -> Vec<_> { v.into_iter().zip(keep).filter(|(_, k)| **k).map(|(x, _)| x).collect() };
    let days = match batch.days.is_empty() {
        true => Vec::new(),
        false => batch.days.into_iter().zip(keep).filter(|(_, k)| **k).map(|(x, _)| x).collect(),
    };
    Batch {
        signatures,
        lengths: batch.lengths.into_iter().zip(keep).filter(|(_, k)| **k).map(|(x, _)| x).collect(),
        days,
        ids: pick(batch.ids),
        records: batch.records.into_iter().zip(keep).filter(|(_, k)| **k).map(|(x, _)| x).collect(),
        filter: batch.filter,
        new_filter: batch.new_filter,
    }
}
