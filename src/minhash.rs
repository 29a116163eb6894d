//! MinHash signatures: a fixed-size sketch of a shingle set whose slot agreement estimates Jaccard.
//!
//! A [`MinHasher`] turns a set of `u64` shingle hashes into a [`Signature`] of `num_perm` `u32`
//! slots. Two documents' estimated Jaccard is the fraction of slots on which their signatures
//! agree ([`estimate_jaccard`], [`Signature::jaccard`]), with a standard error of
//! `sqrt(J (1 - J) / num_perm)`. The order and repeats of the shingles do not matter.
//!
//! ```
//! use neardupe::minhash::estimate_jaccard;
//! use neardupe::{Algorithm, MinHashConfig, MinHasher, ShingleSet};
//!
//! // Two sets of 300 shingle hashes that share 200: Jaccard 200 / 400.
//! // Hashes spread over the whole u64 range, like real ones.
//! let h = |i: u64| i.wrapping_mul(0x9e37_79b9_7f4a_7c15);
//! let a: Vec<u64> = (0..300).map(h).collect();
//! let b: Vec<u64> = (100..400).map(h).collect();
//! let exact = ShingleSet::from_hashes(a.clone()).jaccard(&ShingleSet::from_hashes(b.clone()));
//! assert_eq!(exact, 0.5);
//!
//! for algorithm in [Algorithm::OnePermutation, Algorithm::Classic] {
//!     let config = MinHashConfig::builder().algorithm(algorithm).num_perm(256).build()?;
//!     let hasher = MinHasher::new(config);
//!     let estimate = hasher.sign(&a).jaccard(&hasher.sign(&b));
//!     // One standard error is sqrt(0.5 * 0.5 / 256) = 0.031.
//!     assert!((estimate - exact).abs() < 0.1, "{algorithm:?}: {estimate}");
//! }
//!
//! // A batch: one row per document, with its set size (distinct shingles).
//! let hasher = MinHasher::new(MinHashConfig::default());
//! let mut repeated = b.clone();
//! repeated.reverse();
//! repeated.extend_from_slice(&b[..50]);
//! let signatures = hasher.sign_batch([&a[..], &b[..], &repeated[..]]);
//! assert_eq!((signatures.len(), signatures.num_perm()), (3, 128));
//! assert_eq!(signatures.set_sizes(), [300, 300, 300]);
//! assert_eq!(signatures.row(0), hasher.sign(&a).as_slice());
//! assert_eq!(signatures.row(1), signatures.row(2)); // the same set
//! assert_eq!(estimate_jaccard(signatures.row(1), signatures.row(2)), 1.0);
//! # Ok::<(), neardupe::Error>(())
//! ```
//!
//! Two algorithms sit behind one [`MinHasher`] ([`MinHashConfig`] picks one, with the number of
//! slots and the seed; signatures are comparable only when all three are equal):
//!
//! * [`Algorithm::Classic`]: `num_perm` independent hash functions
//!   `h_i(x) = (a_i * x + b_i) mod (2^61 - 1)`, one minimum per function. The textbook scheme and the
//!   reference the fast one is tested against; it costs `num_perm` multiplications per shingle.
//! * [`Algorithm::OnePermutation`]: one-permutation hashing (Li, Owen & Zhang 2012) with optimal
//!   densification (Shrivastava 2017). Each shingle is hashed once; the hash picks one of `num_perm`
//!   bins and competes for that bin's minimum. Bins left empty (small documents) borrow the value of a
//!   non-empty bin chosen by a fixed, seed-dependent probe sequence, so that equal sets still agree
//!   and the estimate stays unbiased. One hash per shingle: the default.
//!
//! Slots are `u32`; [`EMPTY_SLOT`] (`u32::MAX`), which no shingle produces, fills the signature
//! of an empty set, which agrees with nothing. [`MinHasher::sign_batch`] (and `par_sign_batch`,
//! feature `parallel`) fill a [`SignatureMatrix`]: the rows in one flat row-major array, and each
//! document's set size, which containment needs. [`SignatureRows`] reads rows wherever they are
//! held: a matrix, or the memory-mapped segments of an [`Index`](crate::index::Index).

use std::sync::{Arc, OnceLock};

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::error::{Error, Result};
use crate::hash::{DistinctCounter, fmix64};

/// The value of a slot that no shingle reached (only in signatures of empty sets).
pub const EMPTY_SLOT: u32 = u32::MAX;

/// Which MinHash scheme computes signatures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Algorithm {
    /// `num_perm` independent universal hash functions (the reference; slow).
    Classic,
    /// One-permutation hashing with optimal densification (fast; the default).
    #[default]
    OnePermutation,
}

crate::names::option_names! {
    Algorithm, "MinHash algorithm" {
        Classic => "classic",
        OnePermutation => "oph",
    }
    aliases { "one-permutation" => OnePermutation }
}

/// The default number of signature slots ("permutations"), chosen by measurement.
pub const DEFAULT_NUM_PERM: usize = 128;
/// The default seed.
pub const DEFAULT_SEED: u64 = 0x6e65_6172_6475_7065; // "neardupe"

/// MinHash parameters. Signatures are comparable only when all of these are equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MinHashConfig {
    algorithm: Algorithm,
    num_perm: usize,
    seed: u64,
}

impl Default for MinHashConfig {
    fn default() -> MinHashConfig {
        MinHashConfig { algorithm: Algorithm::default(), num_perm: DEFAULT_NUM_PERM, seed: DEFAULT_SEED }
    }
}

impl MinHashConfig {
    /// A builder starting from the defaults (one-permutation hashing, 128 slots).
    pub fn builder() -> MinHashConfigBuilder {
        MinHashConfigBuilder { config: MinHashConfig::default() }
    }
    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
    /// The number of slots in a signature.
    pub fn num_perm(&self) -> usize {
        self.num_perm
    }
    /// The seed of the hash functions.
    pub fn seed(&self) -> u64 {
        self.seed
    }
}

/// Builds a [`MinHashConfig`].
#[derive(Clone, Debug)]
pub struct MinHashConfigBuilder {
    config: MinHashConfig,
}

impl MinHashConfigBuilder {
    /// The algorithm (default [`Algorithm::OnePermutation`]).
    pub fn algorithm(mut self, a: Algorithm) -> Self {
        self.config.algorithm = a;
        self
    }
    /// The number of slots (default 128); between 1 and 8192.
    pub fn num_perm(mut self, n: usize) -> Self {
        self.config.num_perm = n;
        self
    }
    /// The seed (any value; equal seeds give comparable signatures).
    pub fn seed(mut self, s: u64) -> Self {
        self.config.seed = s;
        self
    }
    /// Checks the values.
    pub fn build(self) -> Result<MinHashConfig> {
        let n = self.config.num_perm;
        if !(1..=8192).contains(&n) {
            return Err(Error::config(format!("the number of signature slots must be between 1 and 8192, got {n}"))
                .with_hint("`num_perm`"));
        }
        Ok(self.config)
    }
}

const MERSENNE_61: u64 = (1 << 61) - 1;

/// Computes signatures for one [`MinHashConfig`]. Immutable and `Sync`: share one across threads.
#[derive(Clone, Debug)]
pub struct MinHasher {
    config: MinHashConfig,
    /// Classic: the (a, b) pairs of the universal hash functions.
    perms: Vec<(u64, u64)>,
    /// One-permutation: the key mixed into every shingle hash.
    key: u64,
    /// One-permutation: each bin's probe sequence as ranks (see [`ProbeRanks`]), built the first
    /// time a signature with very few filled bins is densified; shared by clones.
    ranks: Arc<OnceLock<ProbeRanks>>,
}

/// The order in which each bin's densification probe sequence first reaches every bin:
/// `rank[b * k + j]` is the number of distinct bins that bin `b`'s sequence reaches before it
/// first reaches bin `j` ([`UNSEEN`] if it does not within the first [`RANK_ATTEMPTS`]` * k`
/// probes). The first filled bin on `b`'s sequence is the filled bin of least rank, so an empty
/// bin is densified by reading one rank per filled bin instead of probing about `k / filled`
/// times: for a tiny document, `k` ranks instead of `k²` hashes, with exactly the same result.
#[derive(Debug)]
struct ProbeRanks {
    rank: Box<[u16]>,
}

/// No rank: the bin was not reached within the probes the table was built from.
const UNSEEN: u16 = u16::MAX;
/// The table follows each sequence for at most this many times `k` probes: a given bin is left
/// unranked with probability `e^-4`, so an empty bin falls back to probing only when none of its
/// (two or more) filled bins is ranked, with probability below `e^-8`. The table has `k²`
/// entries of 2 bytes (32 KiB at 128 slots, 2 MiB at 1024, 128 MiB at the largest, 8192: less
/// than the signatures of 4,096 documents) and costs `4k²` hashes to build, once per hasher.
const RANK_ATTEMPTS: u64 = 4;

impl ProbeRanks {
    fn build(k: usize, key: u64, attempts: u64) -> ProbeRanks {
        let mut rank = vec![UNSEEN; k * k].into_boxed_slice();
        for bin in 0..k {
            let row = &mut rank[bin * k..(bin + 1) * k];
            let mut next = 0u16;
            for attempt in 1..=attempts * k as u64 {
                let j = probe(bin, attempt, k, key);
                if row[j] == UNSEEN {
                    row[j] = next;
                    next += 1;
                    if usize::from(next) == k {
                        break;
                    }
                }
            }
        }
        ProbeRanks { rank }
    }
}

/// Bin `bin`'s `attempt`-th densification probe (attempts count from 1) among `k` bins.
#[inline]
fn probe(bin: usize, attempt: u64, k: usize, key: u64) -> usize {
    let p = xxh3_64_with_seed(&(bin as u64).to_le_bytes(), key ^ attempt);
    (((p >> 32) * k as u64) >> 32) as usize
}

#[inline]
fn mod_mersenne61(x: u128) -> u64 {
    let lo = (x as u64) & MERSENNE_61;
    let hi = (x >> 61) as u64;
    let mut r = lo + (hi & MERSENNE_61) + (hi >> 61);
    while r >= MERSENNE_61 {
        r -= MERSENNE_61;
    }
    r
}

impl MinHasher {
    /// A hasher for `config`.
    pub fn new(config: MinHashConfig) -> MinHasher {
        let seed = config.seed;
        let perms = match config.algorithm {
            Algorithm::Classic => (0..config.num_perm as u64)
                .map(|i| {
                    let a = fmix64(seed ^ fmix64(2 * i + 1)) % (MERSENNE_61 - 1) + 1;
                    let b = fmix64(seed.rotate_left(17) ^ fmix64(2 * i + 2)) % MERSENNE_61;
                    (a, b)
                })
                .collect(),
            Algorithm::OnePermutation => Vec::new(),
        };
        MinHasher { config, perms, key: fmix64(seed ^ 0x9e37_79b9_7f4a_7c15), ranks: Arc::default() }
    }

    /// The configuration.
    pub fn config(&self) -> &MinHashConfig {
        &self.config
    }

    /// The number of slots in each signature.
    pub fn num_perm(&self) -> usize {
        self.config.num_perm
    }

    /// The signature of the set of `shingles` (repeats and order do not matter).
    pub fn sign(&self, shingles: &[u64]) -> Signature {
        let mut out = vec![EMPTY_SLOT; self.num_perm()];
        self.sign_into(shingles, &mut out);
        Signature(out.into_boxed_slice())
    }

    /// Writes the signature of `shingles` into `out`, whose length must be `num_perm`.
    ///
    /// # Panics
    /// If `out.len() != self.num_perm()` (a programming error, not a data error).
    pub fn sign_into(&self, shingles: &[u64], out: &mut [u32]) {
        assert_eq!(out.len(), self.num_perm(), "signature buffer has the wrong length");
        out.fill(EMPTY_SLOT);
        match self.config.algorithm {
            Algorithm::Classic => self.sign_classic(shingles, out),
            Algorithm::OnePermutation => self.sign_oph(shingles, out),
        }
    }

    fn sign_classic(&self, shingles: &[u64], out: &mut [u32]) {
        for &s in shingles {
            let x = (s % MERSENNE_61) as u128;
            for (slot, &(a, b)) in out.iter_mut().zip(&self.perms) {
                let h = mod_mersenne61(a as u128 * x + b as u128);
                // The low 32 bits of a value uniform on [0, p) are uniform to within 2^-29.
                let v = (h as u32).min(EMPTY_SLOT - 1);
                if v < *slot {
                    *slot = v;
                }
            }
        }
    }

    fn sign_oph(&self, shingles: &[u64], out: &mut [u32]) {
        let k = out.len() as u64;
        for &s in shingles {
            let h = fmix64(s ^ self.key);
            let bin = (((h >> 32) * k) >> 32) as usize;
            let v = (h as u32).min(EMPTY_SLOT - 1);
            // Branch-free: a new minimum is rare after the first few shingles of a bin, but
            // unpredictable while the bins fill.
            if let Some(slot) = out.get_mut(bin) {
                *slot = (*slot).min(v);
            }
        }
        self.densify(out);
    }

    /// Optimal densification: each empty bin takes the value of the first non-empty bin on its own
    /// probe sequence. The sequence depends only on the bin index and the seed, so two documents
    /// with the same non-empty bins fill their empty bins identically.
    ///
    /// Following a sequence costs about `k / f` probes when `f` of the `k` bins are filled, so
    /// `k² / f` for a signature: a cliff for tiny documents. Three ways give the same values:
    /// one filled bin is every sequence's first hit; with fewer than about `2√k` filled bins the
    /// filled bin of least [rank](ProbeRanks) is, at `f` reads per empty bin; otherwise the
    /// sequence is followed (fewer than `√k / 2` probes per empty bin). The cost is at most about
    /// `2k√k` steps (`k` for one filled bin), not `k²`.
    fn densify(&self, out: &mut [u32]) {
        let k = out.len();
        let filled: Vec<usize> = (0..k).filter(|&b| out[b] != EMPTY_SLOT).collect();
        let f = filled.len();
        if f == 0 || f == k {
            return;
        }
        if f == 1 {
            let v = out[filled[0]];
            out.fill(v);
            return;
        }
        let ranks = (f * f <= 4 * k).then(|| self.ranks.get_or_init(|| ProbeRanks::build(k, self.key, RANK_ATTEMPTS)));
        // Only originally filled bins may be borrowed from: an empty bin is written below only
        // after every read of it is done (filled bins are never written).
        let mut original: Vec<bool> = vec![false; k];
        for &b in &filled {
            original[b] = true;
        }
        for bin in 0..k {
            if original[bin] {
                continue;
            }
            if let Some(t) = ranks {
                let row = &t.rank[bin * k..(bin + 1) * k];
                let (best, r) = filled.iter().map(|&j| (j, row[j])).min_by_key(|&(_, r)| r).unwrap_or((0, UNSEEN));
                if r != UNSEEN {
                    out[bin] = out[best];
                    continue;
                }
            }
            let mut attempt: u64 = 1;
            loop {
                let j = probe(bin, attempt, k, self.key);
                if original[j] {
                    out[bin] = out[j];
                    break;
                }
                attempt += 1;
            }
        }
    }

    /// The densification of [`densify`](MinHasher::densify) by following every probe sequence,
    /// for tests.
    #[cfg(test)]
    fn densify_by_probing(&self, out: &mut [u32]) {
        let k = out.len();
        let original: Vec<bool> = out.iter().map(|&v| v != EMPTY_SLOT).collect();
        if !original.iter().any(|&o| o) {
            return;
        }
        for bin in (0..k).filter(|&b| !original[b]) {
            let mut attempt = 1;
            while !original[probe(bin, attempt, k, self.key)] {
                attempt += 1;
            }
            out[bin] = out[probe(bin, attempt, k, self.key)];
        }
    }

    /// Signs a batch of shingle lists into a new [`SignatureMatrix`].
    pub fn sign_batch<'a>(&self, batch: impl IntoIterator<Item = &'a [u64]>) -> SignatureMatrix {
        let mut m = SignatureMatrix::new(self.num_perm());
        let mut counter = DistinctCounter::default();
        for shingles in batch {
            let row = m.push_empty(distinct_len(&mut counter, shingles));
            self.sign_into(shingles, row);
        }
        m
    }

    /// Parallel [`sign_batch`](MinHasher::sign_batch) over a slice of shingle lists.
    #[cfg(feature = "parallel")]
    pub fn par_sign_batch(&self, batch: &[Vec<u64>]) -> SignatureMatrix {
        use rayon::prelude::*;
        let k = self.num_perm();
        let mut values = vec![EMPTY_SLOT; k * batch.len()];
        values.par_chunks_mut(k).zip(batch.par_iter()).for_each(|(row, s)| self.sign_into(s, row));
        let set_sizes = batch.par_iter().map_init(DistinctCounter::default, |c, s| distinct_len(c, s)).collect();
        SignatureMatrix { num_perm: k, values, set_sizes }
    }
}

/// The number of distinct values in `hashes`, saturated to `u32`.
pub(crate) fn distinct_len(counter: &mut DistinctCounter, hashes: &[u64]) -> u32 {
    u32::try_from(counter.count(hashes)).unwrap_or(u32::MAX)
}

/// One document's MinHash signature.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Signature(Box<[u32]>);

impl Signature {
    pub(crate) fn from_slots(slots: Vec<u32>) -> Signature {
        Signature(slots.into_boxed_slice())
    }

    /// The slot values.
    pub fn as_slice(&self) -> &[u32] {
        &self.0
    }

    /// Whether no shingle reached the signature (the document had no shingles).
    pub fn is_empty_set(&self) -> bool {
        self.0.iter().all(|&v| v == EMPTY_SLOT)
    }

    /// Estimated Jaccard similarity with `other` (the fraction of agreeing slots).
    pub fn jaccard(&self, other: &Signature) -> f64 {
        estimate_jaccard(&self.0, &other.0)
    }
}

/// The fraction of slots on which two signatures agree: an unbiased estimate of Jaccard.
///
/// Returns 0 for signatures of different lengths or of empty sets.
pub fn estimate_jaccard(a: &[u32], b: &[u32]) -> f64 {
    if a.len() != b.len() || a.is_empty() || a[0] == EMPTY_SLOT && a.iter().all(|&v| v == EMPTY_SLOT) {
        return 0.0;
    }
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    same as f64 / a.len() as f64
}

/// Read access to signature rows, wherever they are held: a [`SignatureMatrix`] in memory, or
/// the memory-mapped segments of an [`Index`](crate::index::Index). Verification and linking
/// take any of them.
pub trait SignatureRows: Sync {
    /// The number of slots per signature.
    fn num_perm(&self) -> usize;
    /// The number of documents.
    fn len(&self) -> usize;
    /// Whether there are no documents.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Document `i`'s signature (`i < len()`).
    fn row(&self, i: usize) -> &[u32];
    /// Document `i`'s set size: its number of distinct shingles (`i < len()`).
    fn set_size(&self, i: usize) -> u32;
    /// Calls `f(i, row)` for every document `i` in order: what a pass over all signatures (the
    /// band stage) reads. Rows held on disk are read in file order, a block at a time.
    fn for_each_row(&self, f: &mut dyn FnMut(usize, &[u32])) -> crate::Result<()> {
        for i in 0..self.len() {
            f(i, self.row(i));
        }
        Ok(())
    }
}

impl SignatureRows for SignatureMatrix {
    fn num_perm(&self) -> usize {
        self.num_perm
    }
    fn len(&self) -> usize {
        self.set_sizes.len()
    }
    fn row(&self, i: usize) -> &[u32] {
        SignatureMatrix::row(self, i)
    }
    fn set_size(&self, i: usize) -> u32 {
        self.set_sizes[i]
    }
}

/// Signatures of a batch of documents, stored row-major in one flat array, with the number of
/// distinct shingles of each document (its set size).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignatureMatrix {
    num_perm: usize,
    values: Vec<u32>,
    set_sizes: Vec<u32>,
}

impl SignatureMatrix {
    /// An empty matrix for signatures of `num_perm` slots.
    pub fn new(num_perm: usize) -> SignatureMatrix {
        SignatureMatrix { num_perm, values: Vec::new(), set_sizes: Vec::new() }
    }

    /// Builds a matrix from its parts; `values.len()` must equal `num_perm * set_sizes.len()`.
    pub fn from_parts(num_perm: usize, values: Vec<u32>, set_sizes: Vec<u32>) -> Result<SignatureMatrix> {
        if num_perm == 0 || values.len() != num_perm * set_sizes.len() {
            return Err(Error::config(format!(
                "signature matrix of {} values does not hold {} rows of {num_perm}",
                values.len(),
                set_sizes.len()
            )));
        }
        Ok(SignatureMatrix { num_perm, values, set_sizes })
    }

    /// A matrix from parts that are known to fit together.
    pub(crate) fn from_raw(num_perm: usize, values: Vec<u32>, set_sizes: Vec<u32>) -> SignatureMatrix {
        debug_assert_eq!(values.len(), num_perm * set_sizes.len());
        SignatureMatrix { num_perm, values, set_sizes }
    }

    /// Appends a row for a document with `set_size` distinct shingles and returns it for filling.
    pub fn push_empty(&mut self, set_size: u32) -> &mut [u32] {
        let start = self.values.len();
        self.values.resize(start + self.num_perm, EMPTY_SLOT);
        self.set_sizes.push(set_size);
        &mut self.values[start..]
    }

    /// Replaces row `i` with `row` (of [`num_perm`](Self::num_perm) slots), for a document of
    /// `set_size` distinct shingles.
    pub(crate) fn replace(&mut self, i: usize, row: &[u32], set_size: u32) {
        self.values[i * self.num_perm..(i + 1) * self.num_perm].copy_from_slice(row);
        self.set_sizes[i] = set_size;
    }

    /// The number of slots per signature.
    pub fn num_perm(&self) -> usize {
        self.num_perm
    }

    /// The number of documents.
    pub fn len(&self) -> usize {
        self.set_sizes.len()
    }

    /// Whether the matrix holds no documents.
    pub fn is_empty(&self) -> bool {
        self.set_sizes.is_empty()
    }

    /// Document `i`'s signature.
    pub fn row(&self, i: usize) -> &[u32] {
        &self.values[i * self.num_perm..(i + 1) * self.num_perm]
    }

    /// Document `i`'s number of distinct shingles.
    pub fn set_size(&self, i: usize) -> u32 {
        self.set_sizes[i]
    }

    /// All set sizes, one per document.
    pub fn set_sizes(&self) -> &[u32] {
        &self.set_sizes
    }

    /// All slot values, row-major.
    pub fn values(&self) -> &[u32] {
        &self.values
    }

    /// The rows, in document order.
    pub fn rows(&self) -> std::slice::ChunksExact<'_, u32> {
        self.values.chunks_exact(self.num_perm)
    }

    /// Estimated Jaccard of documents `i` and `j`.
    pub fn jaccard(&self, i: usize, j: usize) -> f64 {
        estimate_jaccard(self.row(i), self.row(j))
    }

    /// Appends all rows of `other`, which must have the same `num_perm`.
    pub fn extend_from(&mut self, other: &SignatureMatrix) {
        debug_assert_eq!(self.num_perm, other.num_perm);
        self.values.extend_from_slice(&other.values);
        self.set_sizes.extend_from_slice(&other.set_sizes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hasher(a: Algorithm, k: usize) -> MinHasher {
        MinHasher::new(MinHashConfig::builder().algorithm(a).num_perm(k).seed(7).build().unwrap())
    }

    #[test]
    fn identical_sets_agree_everywhere_and_order_is_irrelevant() {
        for a in [Algorithm::Classic, Algorithm::OnePermutation] {
            let h = hasher(a, 64);
            let s1 = h.sign(&[1, 2, 3, 4, 5]);
            let s2 = h.sign(&[5, 4, 3, 3, 2, 1]);
            assert_eq!(s1, s2);
            assert_eq!(s1.jaccard(&s2), 1.0);
            assert!(!s1.is_empty_set());
            assert!(s1.as_slice().iter().all(|&v| v != EMPTY_SLOT), "{a:?} left an empty slot");
        }
    }

    #[test]
    fn empty_set_has_empty_signature() {
        let h = hasher(Algorithm::OnePermutation, 16);
        let e = h.sign(&[]);
        assert!(e.is_empty_set());
        assert_eq!(e.jaccard(&e), 0.0);
    }

    #[test]
    fn disjoint_sets_rarely_agree() {
        let h = hasher(Algorithm::OnePermutation, 256);
        let a: Vec<u64> = (0..1000).collect();
        let b: Vec<u64> = (1000..2000).collect();
        assert!(h.sign(&a).jaccard(&h.sign(&b)) < 0.02);
    }

    #[test]
    fn seeds_change_signatures() {
        let a = MinHasher::new(MinHashConfig::builder().seed(1).build().unwrap());
        let b = MinHasher::new(MinHashConfig::builder().seed(2).build().unwrap());
        assert_ne!(a.sign(&[1, 2, 3]), b.sign(&[1, 2, 3]));
    }

    #[test]
    fn matrix_rows_match_single_signatures() {
        let h = hasher(Algorithm::OnePermutation, 32);
        let docs: Vec<Vec<u64>> = vec![vec![1, 2, 3], vec![], vec![9, 9, 10]];
        let m = h.sign_batch(docs.iter().map(|d| d.as_slice()));
        assert_eq!(m.len(), 3);
        assert_eq!(m.set_sizes(), &[3, 0, 2]);
        for (i, d) in docs.iter().enumerate() {
            assert_eq!(m.row(i), h.sign(d).as_slice());
        }
        #[cfg(feature = "parallel")]
        assert_eq!(h.par_sign_batch(&docs), m);
    }

    /// The fast densification gives exactly the values of following each probe sequence, at
    /// every number of filled bins and both sides of the table's size limit.
    #[test]
    fn densification_equals_probing() {
        for k in [1, 2, 3, 16, 128, 1024] {
            let h = hasher(Algorithm::OnePermutation, k);
            for filled in [1, 2, 3, 5, 11, 40, k / 2, k - 1, k] {
                if filled == 0 || filled > k {
                    continue;
                }
                for seed in 0..3u64 {
                    let mut row = vec![EMPTY_SLOT; k];
                    for i in 0..filled {
                        let b = (fmix64(seed * 7919 + i as u64) % k as u64) as usize;
                        row[b] = (fmix64(i as u64 ^ seed) as u32).min(EMPTY_SLOT - 1);
                    }
                    let (mut fast, mut slow) = (row.clone(), row);
                    h.densify(&mut fast);
                    h.densify_by_probing(&mut slow);
                    assert_eq!(fast, slow, "k {k}, {filled} filled, seed {seed}");
                }
            }
        }
    }

    /// Bins the table leaves unranked fall back to probing, with the same values.
    #[test]
    fn densification_falls_back_past_the_table() {
        for k in [64, 512] {
            let h = hasher(Algorithm::OnePermutation, k);
            // Built from k probes per bin: about a third of the bins unranked in each row.
            assert!(h.ranks.set(ProbeRanks::build(k, h.key, 1)).is_ok());
            let unranked = h.ranks.get().unwrap().rank.iter().filter(|&&r| r == UNSEEN).count();
            assert!(unranked > k * k / 4, "{unranked}");
            for filled in [2, 3, 4] {
                for seed in 0..20u64 {
                    let mut row = vec![EMPTY_SLOT; k];
                    for i in 0..filled {
                        row[(fmix64(seed * 31 + i as u64) % k as u64) as usize] = i as u32;
                    }
                    let (mut fast, mut slow) = (row.clone(), row);
                    h.densify(&mut fast);
                    h.densify_by_probing(&mut slow);
                    assert_eq!(fast, slow, "k {k}, {filled} filled, seed {seed}");
                }
            }
        }
    }

    #[test]
    fn config_is_checked() {
        assert!(MinHashConfig::builder().num_perm(0).build().is_err());
        assert!(MinHashConfig::builder().num_perm(9000).build().is_err());
        assert_eq!("oph".parse::<Algorithm>().unwrap(), Algorithm::OnePermutation);
        assert!("sha1".parse::<Algorithm>().is_err());
    }

    #[test]
    fn mersenne_reduction_is_exact() {
        for x in [0u128, 1, MERSENNE_61 as u128, (MERSENNE_61 as u128) * 3 + 5, u64::MAX as u128 * 12345] {
            assert_eq!(mod_mersenne61(x) as u128, x % MERSENNE_61 as u128);
        }
    }
}
