//! Where documents come from: the [`DocumentSource`] trait, implemented by a [`Corpus`], by slices
//! of `(id, text)` pairs, and by a user's own storage.

use std::borrow::Cow;

use crate::corpus::{Corpus, Document, DuplicateIds};
use crate::error::{Error, ErrorKind, Location, Result};

/// Anything the pipeline can read documents from: a [`Corpus`], a slice of `(id, text)` pairs, or
/// a user's own storage.
pub trait DocumentSource: Sync {
    /// The number of records.
    fn len(&self) -> usize;
    /// Whether there are no records.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Record `i` as a document, or why it is invalid.
    fn document(&self, i: usize) -> Result<Document<'_>>;
    /// A hint that records `records` are about to be read. Does nothing by default.
    fn prefetch(&self, records: std::ops::Range<usize>) {
        let _ = records;
    }
    /// A hint that records `records` have been read and their bytes need not stay in memory
    /// (they may still be read again). Does nothing by default.
    fn release(&self, records: std::ops::Range<usize>) {
        let _ = records;
    }
    /// What a run does with a record whose [`document`](DocumentSource::document) fails:
    /// [`Invalid::Stop`] by default.
    fn invalid(&self) -> Invalid {
        Invalid::Stop
    }
    /// The number of records left out before the run (while opening the source), counted in
    /// [`Stats::skipped`](crate::Stats::skipped) with those the run skips. 0 by default.
    fn skipped(&self) -> u64 {
        0
    }
    /// Whether documents can carry dates ([`Document::day`]): a run with a time window refuses a
    /// source that says no before reading it. `true` by default (each document is checked).
    fn dated(&self) -> bool {
        true
    }
    /// Seconds spent opening the source before the run (reported as
    /// [`StageSeconds::read`](crate::StageSeconds::read)). 0 by default.
    fn open_seconds(&self) -> f64 {
        0.0
    }
    /// The longest text a record may have after normalisation (NFKC can make a text many times
    /// longer), in bytes: a longer one is invalid, so that one document's memory stays within a
    /// multiple of this. `None` (the default) sets no limit.
    fn max_text_bytes(&self) -> Option<usize> {
        None
    }
    /// What a run does with documents that share an id: [`DuplicateIds::Refuse`] by default.
    fn duplicate_ids(&self) -> DuplicateIds {
        DuplicateIds::Refuse
    }
    /// Where record `i` is (a file, a line), for messages that name it; `None` (the default)
    /// names it by its number.
    fn location(&self, i: usize) -> Option<Location> {
        let _ = i;
        None
    }
}

/// Makes document ids unique, as `policy` says: `ids[j]` is the id of record `records[j]` of
/// `source`, in input order. [`DuplicateIds::Refuse`] fails on the first document (in input
/// order) whose id an earlier one has, with an error of kind [`ErrorKind::DuplicateId`] naming
/// both records; [`DuplicateIds::Number`] renames every such later document `id~2`, `id~3`, ...
/// (the first suffix that is no id of the batch, in input order) and returns how many it renamed.
/// O(n log n) comparisons of ids; ids are moved, never copied, unless some are renamed.
pub fn unique_ids<S: DocumentSource + ?Sized>(
    ids: &mut [String],
    records: &[usize],
    source: &S,
    policy: DuplicateIds,
) -> Result<u64> {
    let mut order: Vec<usize> = (0..ids.len()).collect();
    #[cfg(feature = "parallel")]
    {
        use rayon::slice::ParallelSliceMut;
        order.par_sort_by(|&a, &b| ids[a].cmp(&ids[b]).then(a.cmp(&b)));
    }
    #[cfg(not(feature = "parallel"))]
    order.sort_by(|&a, &b| ids[a].cmp(&ids[b]).then(a.cmp(&b)));
    // For each document whose id an earlier one has: (it, the first document with the id).
    let mut later: Vec<(usize, usize)> = Vec::new();
    for run in order.chunk_by(|&a, &b| ids[a] == ids[b]) {
        later.extend(run[1..].iter().map(|&j| (j, run[0])));
    }
    if later.is_empty() {
        return Ok(0);
    }
    later.sort_unstable();
    match policy {
        DuplicateIds::Refuse => {
            let (j, first) = later[0];
            let at = |i: usize| source.location(records[i]);
            let first_at = at(first).map_or_else(|| format!("record {}", records[first] + 1), |l| l.to_string());
            let e = Error::new(
                ErrorKind::DuplicateId,
                format!("duplicate id {:?}: also the id of {first_at}; ids name documents in results", ids[j]),
            )
            .with_hint("give every document its own id, or set `duplicate_ids` to number them apart");
            Err(match at(j) {
                Some(l) => e.with_location(l),
                None => {
                    let msg = format!("record {}: {}", records[j] + 1, e.message());
                    Error::new(ErrorKind::DuplicateId, msg).with_hint(e.hint().unwrap_or_default())
                }
            })
        }
        DuplicateIds::Number => {
            let mut taken: std::collections::HashSet<String> = ids.iter().cloned().collect();
            let mut next: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
            for &(j, _) in &later {
                let k = next.entry(ids[j].clone()).or_insert(2);
                let renamed = loop {
                    let candidate = format!("{}~{k}", ids[j]);
                    *k += 1;
                    if !taken.contains(&candidate) {
                        break candidate;
                    }
                };
                taken.insert(renamed.clone());
                ids[j] = renamed;
            }
            Ok(later.len() as u64)
        }
    }
}

/// What a run does with an invalid record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Invalid {
    /// Stop the run with the record's error (the default).
    #[default]
    Stop,
    /// Leave the record out, list its error in [`Output::skipped`](crate::Output::skipped) and go
    /// on.
    Skip,
}

impl DocumentSource for Corpus {
    fn len(&self) -> usize {
        Corpus::len(self)
    }
    fn document(&self, i: usize) -> Result<Document<'_>> {
        Corpus::document(self, i)
    }
    fn prefetch(&self, records: std::ops::Range<usize>) {
        Corpus::prefetch(self, records)
    }
    fn release(&self, records: std::ops::Range<usize>) {
        Corpus::release(self, records)
    }
    fn invalid(&self) -> Invalid {
        if self.config().skip_invalid() { Invalid::Skip } else { Invalid::Stop }
    }
    fn skipped(&self) -> u64 {
        Corpus::skipped(self).len() as u64
    }
    fn open_seconds(&self) -> f64 {
        Corpus::open_seconds(self)
    }
    fn dated(&self) -> bool {
        Corpus::dated(self)
    }
    fn duplicate_ids(&self) -> DuplicateIds {
        self.config().duplicate_ids()
    }
    fn max_text_bytes(&self) -> Option<usize> {
        Some(self.config().max_record_bytes())
    }
    fn location(&self, i: usize) -> Option<Location> {
        Some(self.record_location(i))
    }
}

impl<I: AsRef<str> + Sync, T: AsRef<str> + Sync> DocumentSource for [(I, T)] {
    fn len(&self) -> usize {
        <[(I, T)]>::len(self)
    }
    fn document(&self, i: usize) -> Result<Document<'_>> {
        let (id, text) = &self[i];
        Ok(Document::new(Cow::Borrowed(id.as_ref()), Cow::Borrowed(text.as_ref())))
    }
    fn dated(&self) -> bool {
        false
    }
}
