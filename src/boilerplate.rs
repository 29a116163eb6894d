//! Boilerplate: shingles that occur in very many documents (outlet footers, "Read more" lines,
//! copyright notices, newsletter promotions) are learnt from the corpus itself and left out of
//! signatures and exact sets.
//!
//! Such shingles make unrelated documents of one outlet look alike and dilute the similarity of
//! true copies, whose own text is then a smaller share of their shingles. A shingle is
//! *boilerplate* when its document frequency reaches [`BoilerplateConfig::max_df`] of the
//! documents and at least [`BoilerplateConfig::min_docs`] documents: the floor keeps the shingles
//! of a story republished by many outlets (a cluster, not boilerplate) in small corpora.
//!
//! Frequencies are counted on an evenly spaced sample of at most
//! [`BoilerplateConfig::sample`] documents (every document when the corpus is smaller), in two
//! passes with bounded memory: the first adds each document's distinct shingles to a table of
//! counters indexed by hash (about 512 per sampled document, at most 16 MiB; each counter is an
//! upper bound on the frequency of its shingles, as in a count-min sketch with one row); the
//! second counts exactly the shingles whose counter reached the cut. A shingle at
//! 2% of a corpus appears about 200 times in a 10,000-document sample, so the sample decides the
//! cut within a few percent.
//!
//! A [`ShingleFilter`] then drops those shingles from every document, except from a document that
//! would keep fewer than a quarter of its shingles: such a document is itself mostly a widely
//! repeated text (one reprinted very many times), and is compared on all its shingles.
//!
//! ```
//! use neardupe::boilerplate::{BoilerplateCounter, ShingleFilter};
//!
//! // Shingle hashes are spread over the whole u64 range, like real ones.
//! let h = |i: u64| i.wrapping_mul(0x9e37_79b9_7f4a_7c15);
//! let counter = BoilerplateCounter::new();
//! for doc in [[h(1), h(2), h(9)], [h(3), h(4), h(9)], [h(5), h(6), h(9)], [h(7), h(8), h(9)]] {
//!     counter.add(&doc);
//! }
//! // Shingle 9 is in 4 of 4 documents; with a cut of 3 documents it is the only candidate.
//! assert_eq!(counter.candidates_of(&[h(1), h(2), h(9)], 3), vec![h(9)]);
//! let filter = ShingleFilter::from_frequent(vec![h(9)]);
//! let mut shingles = vec![h(1), h(9), h(2), h(9)];
//! filter.apply(&mut shingles);
//! assert_eq!(shingles, vec![h(1), h(2)]);
//! ```

use std::sync::atomic::{AtomicU32, Ordering};

use crate::error::{Error, Result};

/// How boilerplate is learnt. Build one with [`BoilerplateConfig::builder`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BoilerplateConfig {
    max_df: f64,
    min_docs: u32,
    sample: usize,
}

impl Default for BoilerplateConfig {
    fn default() -> BoilerplateConfig {
        BoilerplateConfig { max_df: 0.02, min_docs: 20, sample: 10_000 }
    }
}

impl BoilerplateConfig {
    /// A builder with the defaults: shingles in at least 2% of the documents and at least 20 of
    /// them are boilerplate, counted on up to 10,000 documents.
    pub fn builder() -> BoilerplateConfigBuilder {
        BoilerplateConfigBuilder { config: BoilerplateConfig::default() }
    }
    /// The document frequency (a fraction of the documents) from which a shingle is boilerplate.
    pub fn max_df(&self) -> f64 {
        self.max_df
    }
    /// The fewest documents a boilerplate shingle is in.
    pub fn min_docs(&self) -> u32 {
        self.min_docs
    }
    /// The most documents counted.
    pub fn sample(&self) -> usize {
        self.sample
    }
    /// This configuration counting at most `n` documents (at least one).
    pub(crate) fn with_sample(self, n: usize) -> BoilerplateConfig {
        BoilerplateConfig { sample: n.max(1), ..self }
    }

    /// The number of sampled documents a shingle must be in, out of `counted`, to be boilerplate.
    pub fn cut(&self, counted: usize) -> u32 {
        let by_share = (self.max_df * counted as f64).ceil();
        (by_share.min(u32::MAX as f64) as u32).max(self.min_docs).max(2)
    }
    /// The records to count out of `n`: evenly spaced, at most [`sample`](Self::sample).
    pub fn sample_records(&self, n: usize) -> impl Iterator<Item = usize> + Clone + use<> {
        let take = n.min(self.sample.max(1));
        (0..take).map(move |i| (i as u128 * n as u128 / take as u128) as usize)
    }
}

/// Builds a [`BoilerplateConfig`].
#[derive(Clone, Debug)]
pub struct BoilerplateConfigBuilder {
    config: BoilerplateConfig,
}

impl BoilerplateConfigBuilder {
    /// The document frequency, in `(0, 1]`, from which a shingle is boilerplate (default 0.02).
    pub fn max_df(mut self, fraction: f64) -> Self {
        self.config.max_df = fraction;
        self
    }
    /// The fewest documents a boilerplate shingle is in (default 20).
    pub fn min_docs(mut self, n: u32) -> Self {
        self.config.min_docs = n;
        self
    }
    /// The most documents counted (default 10,000).
    pub fn sample(mut self, n: usize) -> Self {
        self.config.sample = n;
        self
    }
    /// Validates the values.
    pub fn build(self) -> Result<BoilerplateConfig> {
        let c = self.config;
        if !(c.max_df > 0.0 && c.max_df <= 1.0) {
            return Err(Error::config(format!("boilerplate document frequency must be in (0, 1], got {}", c.max_df)));
        }
        if c.sample == 0 {
            return Err(Error::config("boilerplate sample must be at least one document"));
        }
        Ok(c)
    }
}

/// log2 of the most counters a [`BoilerplateCounter`] has (16 MiB of `u32`s).
const MAX_COUNTER_BITS: u32 = 22;
/// log2 of the fewest.
const MIN_COUNTER_BITS: u32 = 10;

/// Document-frequency counters indexed by shingle hash, shared by threads: the first of the two
/// counting passes. Each counter is an upper bound on the frequency of every shingle that maps to
/// it.
#[derive(Debug)]
pub struct BoilerplateCounter {
    counts: Box<[AtomicU32]>,
    bits: u32,
}

impl Default for BoilerplateCounter {
    fn default() -> BoilerplateCounter {
        BoilerplateCounter::new()
    }
}

impl BoilerplateCounter {
    /// Zeroed counters, as many as for a large sample (4 Mi counters, 16 MiB).
    pub fn new() -> BoilerplateCounter {
        BoilerplateCounter::for_documents(usize::MAX)
    }

    /// Zeroed counters for a sample of `documents` documents: about 512 counters a document,
    /// between 1 Ki and 4 Mi, so that a small batch does not pay for a large table.
    pub fn for_documents(documents: usize) -> BoilerplateCounter {
        let want = documents.saturating_mul(512).max(1);
        let bits = (usize::BITS - (want - 1).leading_zeros()).clamp(MIN_COUNTER_BITS, MAX_COUNTER_BITS);
        BoilerplateCounter { counts: (0..1usize << bits).map(|_| AtomicU32::new(0)).collect(), bits }
    }

    fn slot(&self, h: u64) -> usize {
        // Shingle hashes are uniformly mixed: their top bits index the table.
        (h >> (64 - self.bits)) as usize
    }

    /// Counts one document given its distinct shingles (a document's shingles must be
    /// deduplicated first, see [`crate::ShingleSet`]).
    pub fn add(&self, distinct: &[u64]) {
        for &h in distinct {
            let c = &self.counts[self.slot(h)];
            // Saturating: a counter never wraps back to small values.
            if c.load(Ordering::Relaxed) != u32::MAX {
                c.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// The shingles of one document's distinct shingles whose counter reached `cut`: the only
    /// ones that can be boilerplate. The second pass counts these exactly
    /// ([`frequent_shingles`]).
    pub fn candidates_of(&self, distinct: &[u64], cut: u32) -> Vec<u64> {
        distinct.iter().copied().filter(|&h| self.counts[self.slot(h)].load(Ordering::Relaxed) >= cut).collect()
    }
}

/// The shingles that occur in at least `cut` documents, given every counted document's
/// [`candidates`](BoilerplateCounter::candidates_of) concatenated (each document's list without
/// repeats). Sorted.
pub fn frequent_shingles(mut candidates: Vec<u64>, cut: u32) -> Vec<u64> {
    candidates.sort_unstable();
    candidates.chunk_by(|a, b| a == b).filter(|run| run.len() >= cut as usize).map(|run| run[0]).collect()
}

/// log2 of the bits of a [`ShingleFilter`]'s prefilter (8 KiB, stays in L1/L2 cache).
const PREFILTER_BITS: u32 = 16;

/// The set of boilerplate shingles, applied to each document's shingles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShingleFilter {
    frequent: Vec<u64>,
    prefilter: Vec<u64>,
}

impl Default for ShingleFilter {
    fn default() -> ShingleFilter {
        ShingleFilter::from_frequent(Vec::new())
    }
}

impl ShingleFilter {
    /// A filter dropping `frequent` shingle hashes.
    pub fn from_frequent(mut frequent: Vec<u64>) -> ShingleFilter {
        frequent.sort_unstable();
        frequent.dedup();
        let mut prefilter = vec![0u64; (1 << PREFILTER_BITS) / 64];
        for &h in &frequent {
            let bit = Self::bit(h);
            prefilter[bit / 64] |= 1 << (bit % 64);
        }
        ShingleFilter { frequent, prefilter }
    }

    fn bit(h: u64) -> usize {
        (h >> (64 - PREFILTER_BITS)) as usize
    }

    /// The boilerplate shingle hashes, sorted.
    pub fn frequent(&self) -> &[u64] {
        &self.frequent
    }

    /// The number of boilerplate shingles.
    pub fn len(&self) -> usize {
        self.frequent.len()
    }

    /// Whether the filter drops nothing.
    pub fn is_empty(&self) -> bool {
        self.frequent.is_empty()
    }

    /// Whether `h` is a boilerplate shingle.
    pub fn contains(&self, h: u64) -> bool {
        let bit = Self::bit(h);
        self.prefilter[bit / 64] & (1 << (bit % 64)) != 0 && self.frequent.binary_search(&h).is_ok()
    }

    /// The shingles of `shingles` that are in this set, as a mask: bit `i % 64` for the
    /// shingle at position `i` of [`frequent`](Self::frequent). A document whose mask has no
    /// bit of some shingles' [`mask_bit`](Self::mask_bit) holds none of them.
    pub(crate) fn mask_of(&self, shingles: &[u64]) -> u64 {
        if self.frequent.is_empty() {
            return 0;
        }
        shingles.iter().fold(0, |mask, &h| mask | self.mask_bit(h))
    }

    /// The bit of shingle `h` in [`mask_of`](Self::mask_of)'s masks; 0 when it is not in the set.
    pub(crate) fn mask_bit(&self, h: u64) -> u64 {
        let bit = Self::bit(h);
        if self.prefilter[bit / 64] & (1 << (bit % 64)) == 0 {
            return 0;
        }
        self.frequent.binary_search(&h).map_or(0, |i| 1 << (i % 64))
    }

    /// Removes the boilerplate shingles from one document's `shingles` (in place, keeping their
    /// order), unless fewer than a quarter of them would remain: then the document is mostly
    /// widely repeated text and keeps them all.
    pub fn apply(&self, shingles: &mut Vec<u64>) {
        self.apply_from(shingles, 0);
    }

    /// [`apply`](Self::apply) to `shingles[start..]`, one document's shingles appended to a list.
    pub(crate) fn apply_from(&self, shingles: &mut Vec<u64>, start: usize) {
        if self.frequent.is_empty() || start >= shingles.len() {
            return;
        }
        let doc = &shingles[start..];
        let dropped = doc.iter().filter(|&&h| self.contains(h)).count();
        if dropped == 0 || 4 * (doc.len() - dropped) < doc.len() {
            return;
        }
        let mut kept = start;
        for i in start..shingles.len() {
            let h = shingles[i];
            if !self.contains(h) {
                shingles[kept] = h;
                kept += 1;
            }
        }
        shingles.truncate(kept);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_cut_and_sample() {
        let c = BoilerplateConfig::builder().max_df(0.01).min_docs(5).sample(4).build().unwrap();
        assert_eq!(c.cut(100), 5);
        assert_eq!(c.cut(10_000), 100);
        assert_eq!(c.sample_records(10).collect::<Vec<_>>(), vec![0, 2, 5, 7]);
        assert_eq!(c.sample_records(3).collect::<Vec<_>>(), vec![0, 1, 2]);
        assert!(BoilerplateConfig::builder().max_df(0.0).build().is_err());
        assert!(BoilerplateConfig::builder().max_df(1.5).build().is_err());
        assert!(BoilerplateConfig::builder().sample(0).build().is_err());
    }

    #[test]
    fn two_passes_find_exactly_the_frequent_shingles() {
        // Shingles spread over the whole hash range so that they share counters only by chance.
        let h = |i: u64| crate::hash::fmix64(i + 1);
        let docs: Vec<Vec<u64>> = (0..40u64)
            .map(|d| {
                let mut v = vec![h(1000 + d), h(2000 + d)];
                if d % 2 == 0 {
                    v.push(h(7)); // in 20 documents
                }
                if d % 10 == 0 {
                    v.push(h(8)); // in 4
                }
                v
            })
            .collect();
        let counter = BoilerplateCounter::for_documents(docs.len());
        docs.iter().for_each(|d| counter.add(d));
        for cut in [1, 4, 5, 20, 21] {
            let candidates: Vec<u64> = docs.iter().flat_map(|d| counter.candidates_of(d, cut)).collect();
            let got = frequent_shingles(candidates, cut);
            let mut want: Vec<u64> = Vec::new();
            let mut all: Vec<u64> = docs.iter().flatten().copied().collect();
            all.sort_unstable();
            for run in all.chunk_by(|a, b| a == b) {
                if run.len() >= cut as usize {
                    want.push(run[0]);
                }
            }
            assert_eq!(got, want, "cut {cut}");
        }
    }

    #[test]
    fn filter_drops_boilerplate_but_not_from_mostly_boilerplate_documents() {
        let f = ShingleFilter::from_frequent(vec![u64::MAX, 3, 3]);
        assert_eq!(f.len(), 2);
        assert!(f.contains(3) && f.contains(u64::MAX) && !f.contains(4));
        let mut v = vec![1, 3, 2, u64::MAX, 5];
        f.apply(&mut v);
        assert_eq!(v, vec![1, 2, 5]);
        // One of five kept: less than a quarter, so all are kept.
        let mut v = vec![3, u64::MAX, 3, 3, 9];
        f.apply(&mut v);
        assert_eq!(v, vec![3, u64::MAX, 3, 3, 9]);
        let mut v = vec![];
        f.apply(&mut v);
        assert!(v.is_empty());
    }
}
