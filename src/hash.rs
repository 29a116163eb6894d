//! Hashing helpers shared by the stages: a 64-bit finaliser, distinct counting of hash lists, and
//! the agreement of two signatures. A leaf module: it imports no other stage.
//!
//! ```
//! use neardupe::hash::{DistinctCounter, agreeing_slots};
//!
//! let mut counter = DistinctCounter::default();
//! assert_eq!(counter.count(&[7, 3, 7, 11, 3]), 3);
//! // Two 4-slot signatures that agree on 3 slots: an estimated Jaccard of 0.75.
//! assert_eq!(agreeing_slots(&[5, 6, 7, 8], &[5, 6, 0, 8]), 3);
//! ```

/// 2⁶⁴ / φ, odd: the multiplier of Fibonacci hashing.
const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// A 64-bit finaliser (a bijection with full avalanche): murmur3's fmix64.
#[inline]
pub(crate) fn fmix64(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// Counts the distinct values of hash lists without sorting them; reuse one per thread.
///
/// Each value sets one bit of a bitmap with at least 32 bits per value, at the position given by
/// Fibonacci hashing (the top bits of the value times an odd constant). Values whose bit is
/// already set are *clashes*: only the values that fall on clashing bits (a few percent) are
/// sorted and counted exactly; every other value has a bit of its own, so it is distinct.
#[derive(Clone, Debug, Default)]
pub struct DistinctCounter {
    seen: Vec<u64>,
    clash: Vec<u64>,
    clashing: Vec<u64>,
}

impl DistinctCounter {
    /// The number of distinct values in `hashes`.
    pub fn count(&mut self, hashes: &[u64]) -> usize {
        let n = hashes.len();
        if n < 2 {
            return n;
        }
        let bits = (32 * n).next_power_of_two().trailing_zeros().max(6);
        let slot = |h: u64| {
            let b = (h.wrapping_mul(GOLDEN) >> (64 - bits)) as usize;
            (b >> 6, 1u64 << (b & 63))
        };
        for map in [&mut self.seen, &mut self.clash] {
            map.clear();
            map.resize(1 << (bits - 6), 0);
        }
        let mut clashes = false;
        for &h in hashes {
            let (w, m) = slot(h);
            if self.seen[w] & m == 0 {
                self.seen[w] |= m;
            } else {
                self.clash[w] |= m;
                clashes = true;
            }
        }
        if !clashes {
            return n;
        }
        self.clashing.clear();
        for &h in hashes {
            let (w, m) = slot(h);
            if self.clash[w] & m != 0 {
                self.clashing.push(h);
            }
        }
        let on_clashing_bits = self.clashing.len();
        self.clashing.sort_unstable();
        self.clashing.dedup();
        n - on_clashing_bits + self.clashing.len()
    }
}

/// The number of slots on which two signatures agree: times `1 / num_perm`, the estimated
/// Jaccard similarity of their documents.
///
/// ```
/// assert_eq!(neardupe::hash::agreeing_slots(&[1, 2, 3, 4], &[1, 9, 3, 8]), 2);
/// ```
pub fn agreeing_slots(x: &[u32], y: &[u32]) -> usize {
    x.iter().zip(y).filter(|(p, q)| p == q).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_counter_counts() {
        let mut c = DistinctCounter::default();
        assert_eq!(c.count(&[5, 1, 5, 9, 1]), 3);
        assert_eq!(c.count(&[]), 0);
        let v: Vec<u64> = (0..1000).map(|i| fmix64(i % 700)).collect();
        assert_eq!(c.count(&v), 700);
    }

    proptest::proptest! {
        #[test]
        fn distinct_counter_matches_sort_dedup(v in proptest::collection::vec(0u64..40, 0..200), big in proptest::collection::vec(proptest::num::u64::ANY, 0..200)) {
            let mut c = DistinctCounter::default();
            for v in [v, big] {
                let mut sorted = v.clone();
                sorted.sort_unstable();
                sorted.dedup();
                proptest::prop_assert_eq!(c.count(&v), sorted.len());
            }
        }
    }
}
