//! Where documents come from: the [`DocumentSource`] trait, implemented by a [`Corpus`], by slices
//! of `(id, text)` pairs, and by a user's own storage.

use std::borrow::Cow;

use crate::corpus::{Corpus, Document};
use crate::error::Result;

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
        self.config().date_field().is_some()
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
