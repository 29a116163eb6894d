//! The exact all-pairs oracle: every pair of documents whose exact Jaccard or containment reaches a
//! threshold, found by brute force over an inverted index, without MinHash or LSH.
//!
//! This is ground truth for measuring the pipeline: the connected components of the exact pairs
//! ([`components`]) are what a perfect run at the same threshold would produce (with
//! [`Verify::Exact`](crate::Verify::Exact), the pipeline can only link pairs that the oracle
//! lists at the same measure and threshold, given the same shingle sets, so its clusters always
//! lie within the oracle's components). The sets are the caller's: shingle them with
//! [`Deduper::shingler`](crate::Deduper::shingler) to compare with a run.
//!
//! ```
//! use neardupe::ShingleSet;
//! use neardupe::oracle::{components, exact_pairs};
//!
//! let sets: Vec<ShingleSet> =
//!     [vec![1, 2, 3, 4], vec![2, 3, 4, 5], vec![9], vec![1, 2]].into_iter().map(ShingleSet::from_hashes).collect();
//! // Jaccard at least 0.5, containment criterion unused (nothing reaches 1.1).
//! let pairs = exact_pairs(&sets, 0.5, 1.1);
//! assert_eq!(pairs.iter().map(|p| (p.a, p.b)).collect::<Vec<_>>(), [(0, 1), (0, 3)]);
//! assert_eq!(pairs[0].intersection, 3);
//! assert_eq!(components(sets.len(), &pairs), [0, 0, 1, 0]);
//! ```
//!
//! # Cost
//!
//! The index is built from the `S = Σ |set|` (shingle, document) entries, sorted (16 bytes each
//! while sorting). Shingles held by a single document are dropped; the rest become one flat array
//! of postings (documents ascending, 4 bytes per entry) with offsets per shingle, and one flat
//! array of shingle ids per document (4 bytes per entry). Pairs are then counted document by
//! document: for document `a`, every posting after `a` in the lists of `a`'s shingles adds one to a
//! dense counter of `b`'s intersection with `a` (4 bytes per document per thread, reset through a
//! list of the counters touched). The counting costs `Σ df (df − 1) / 2` over the shingles, where
//! `df` is the number of documents holding the shingle: linear for shingles private to a few
//! copies, quadratic in the documents for boilerplate shared by many. Sorting costs
//! `O(S log S)`. Pairs with no shingle in common are never visited, so they are never reported,
//! even at a threshold of 0.

use crate::cluster::{Clustering, Representative};
use crate::graph::UnionFind;
use crate::shingle::ShingleSet;
use crate::verify::exact_reaches;

/// One pair of documents and their exact similarity.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct ExactPair {
    /// The first document (index into the sets), `a < b`.
    pub a: u32,
    /// The second document.
    pub b: u32,
    /// The number of shingles the two share, `|A ∩ B|`.
    pub intersection: u32,
    /// Exact Jaccard similarity `|A ∩ B| / |A ∪ B|`, as [`ShingleSet::jaccard`] computes it.
    pub jaccard: f64,
    /// Exact containment `|A ∩ B| / min(|A|, |B|)`, as [`ShingleSet::containment`] computes it.
    pub containment: f64,
}

/// Every pair `(a, b)`, `a < b`, of `sets` whose exact Jaccard reaches `min_jaccard` or whose
/// exact containment reaches `min_containment`, sorted by `(a, b)`.
///
/// "Reaches" is the comparison of [`Verify::Exact`](crate::Verify::Exact): at or above the
/// threshold, up to rounding of 1e-12. Pass a threshold above 1 (e.g. 1.1) to leave a criterion
/// out. Empty sets never pair, and neither do sets with no shingle in common. See the
/// [module documentation](self) for the cost.
///
/// # Panics
///
/// If there are `u32::MAX` sets or more, or `u32::MAX` or more shingles held by two or more sets.
pub fn exact_pairs(sets: &[ShingleSet], min_jaccard: f64, min_containment: f64) -> Vec<ExactPair> {
    let mut out = Vec::new();
    let collect = |pairs: &[ExactPair]| -> Result<(), std::convert::Infallible> {
        out.extend_from_slice(pairs);
        Ok(())
    };
    let Ok(()) = exact_pairs_each(sets, min_jaccard, min_containment, collect);
    out
}

/// The pairs of [`exact_pairs`], in the same order, handed to `sink` a slice at a time instead
/// of held: memory for pairs stays bounded however many there are (20,000 identical documents
/// have 200 million). Stops at the first error of `sink`.
///
/// # Panics
///
/// As [`exact_pairs`].
pub fn exact_pairs_each<E>(
    sets: &[ShingleSet],
    min_jaccard: f64,
    min_containment: f64,
    mut sink: impl FnMut(&[ExactPair]) -> Result<(), E>,
) -> Result<(), E> {
    let index = Index::build(sets, |entries| entries.sort_unstable());
    let mut counter = Counter::new(sets.len());
    let mut out = Vec::new();
    for a in 0..sets.len() as u32 {
        index.pairs_of(a, &mut counter, min_jaccard, min_containment, &mut out);
        if out.len() >= TASK_PAIRS {
            sink(&out)?;
            out.clear();
        }
    }
    if !out.is_empty() {
        sink(&out)?;
    }
    Ok(())
}

/// Pairs a task holds before handing them on (32 bytes each: 8 MiB), plus one document's.
const TASK_PAIRS: usize = 1 << 18;

/// Parallel [`exact_pairs`]: the same pairs in the same order, counted by rayon over blocks of
/// documents (one counter array per worker).
///
/// # Panics
///
/// As [`exact_pairs`].
#[cfg(feature = "parallel")]
pub fn par_exact_pairs(sets: &[ShingleSet], min_jaccard: f64, min_containment: f64) -> Vec<ExactPair> {
    let mut out = Vec::new();
    let collect = |pairs: &[ExactPair]| -> Result<(), std::convert::Infallible> {
        out.extend_from_slice(pairs);
        Ok(())
    };
    let Ok(()) = par_exact_pairs_each(sets, min_jaccard, min_containment, collect);
    out
}

/// Parallel [`exact_pairs_each`]: the same pairs in the same order, handed to `sink` (on the
/// calling thread) a slice at a time. Blocks of documents are counted in parallel a window at
/// a time; a block stops early once it holds about 256 Ki pairs, and the window then resumes
/// after its last document, so at most about `4 × threads` blocks' worth of pairs (a few tens
/// of MiB) are held at once.
///
/// # Panics
///
/// As [`exact_pairs`].
#[cfg(feature = "parallel")]
pub fn par_exact_pairs_each<E>(
    sets: &[ShingleSet],
    min_jaccard: f64,
    min_containment: f64,
    sink: impl FnMut(&[ExactPair]) -> Result<(), E>,
) -> Result<(), E> {
    par_pairs_each(sets, min_jaccard, min_containment, TASK_PAIRS, sink)
}

/// [`par_exact_pairs_each`] with blocks that stop early at `task_pairs` pairs.
#[cfg(feature = "parallel")]
fn par_pairs_each<E>(
    sets: &[ShingleSet],
    min_jaccard: f64,
    min_containment: f64,
    task_pairs: usize,
    mut sink: impl FnMut(&[ExactPair]) -> Result<(), E>,
) -> Result<(), E> {
    use rayon::prelude::*;
    use std::sync::Mutex;

    /// Documents per parallel task: small enough to balance the uneven work per document (early
    /// documents see the longest posting tails), large enough to amortise a task.
    const BLOCK: usize = 64;

    let index = Index::build(sets, |entries| entries.par_sort_unstable());
    let n = sets.len();
    let threads = rayon::current_num_threads().max(1);
    // One counter array per worker, reused by every window (4 bytes per document each).
    let counters: Vec<Mutex<Counter>> = (0..threads + 1).map(|_| Mutex::new(Counter::new(n))).collect();
    let window = BLOCK * 4 * threads;
    let mut a = 0;
    while a < n {
        let end = (a + window).min(n);
        let starts: Vec<usize> = (a..end).step_by(BLOCK).collect();
        // Each block: its pairs, and where it stopped if it stopped early.
        let blocks: Vec<(Vec<ExactPair>, Option<usize>)> = starts
            .par_iter()
            .map(|&start| {
                let slot = rayon::current_thread_index().map_or(threads, |i| i.min(threads));
                let mut guard = counters[slot].lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                let counter = &mut *guard;
                let stop = end.min(start + BLOCK);
                let mut out = Vec::new();
                for d in start..stop {
                    index.pairs_of(d as u32, counter, min_jaccard, min_containment, &mut out);
                    if out.len() >= task_pairs && d + 1 < stop {
                        return (out, Some(d + 1));
                    }
                }
                (out, None)
            })
            .collect();
        a = end;
        for (pairs, stopped) in blocks {
            if !pairs.is_empty() {
                sink(&pairs)?;
            }
            if let Some(next) = stopped {
                // The blocks after this one are counted again from `next`, in order.
                a = next;
                break;
            }
        }
    }
    Ok(())
}

/// The connected component of each of `n` documents under `pairs`, numbered `0, 1, 2, ...` in
/// the order of each component's first document (the numbering of [`Clustering`]).
///
/// # Panics
///
/// If a pair names a document `>= n`.
pub fn components(n: usize, pairs: &[ExactPair]) -> Vec<u32> {
    let mut uf = UnionFind::new(n);
    for p in pairs {
        uf.union(p.a, p.b);
    }
    Clustering::from_union_find(&mut uf, Representative::First, &[]).clusters().to_vec()
}

/// The inverted index over the shingles held by two or more documents, both ways, as flat arrays.
struct Index {
    /// Set sizes, per document.
    sizes: Vec<usize>,
    /// Shingle `t`'s documents, ascending, are `postings[posting_start[t]..posting_start[t + 1]]`.
    posting_start: Vec<usize>,
    postings: Vec<u32>,
    /// Document `d`'s shared shingles are `terms[term_start[d]..term_start[d + 1]]`.
    term_start: Vec<usize>,
    terms: Vec<u32>,
}

impl Index {
    /// Indexes `sets`, sorting the (shingle, document) entries with `sort`.
    fn build(sets: &[ShingleSet], sort: impl FnOnce(&mut [(u64, u32)])) -> Index {
        let n = sets.len();
        assert!(n < u32::MAX as usize, "the exact oracle takes fewer than u32::MAX sets, got {n}");
        let mut entries: Vec<(u64, u32)> = Vec::with_capacity(sets.iter().map(ShingleSet::len).sum());
        for (d, set) in sets.iter().enumerate() {
            entries.extend(set.as_slice().iter().map(|&h| (h, d as u32)));
        }
        sort(&mut entries);

        let mut posting_start = vec![0];
        let mut postings = Vec::new();
        let mut shared = vec![0usize; n];
        for run in entries.chunk_by(|x, y| x.0 == y.0).filter(|run| run.len() > 1) {
            for &(_, d) in run {
                postings.push(d);
                shared[d as usize] += 1;
            }
            posting_start.push(postings.len());
        }
        drop(entries);
        let shingles = posting_start.len() - 1;
        assert!(shingles < u32::MAX as usize, "the exact oracle takes fewer than u32::MAX shared shingles");

        let mut term_start = Vec::with_capacity(n + 1);
        term_start.push(0);
        for &k in &shared {
            term_start.push(term_start[term_start.len() - 1] + k);
        }
        let mut fill = term_start[..n].to_vec();
        let mut terms = vec![0u32; postings.len()];
        for t in 0..shingles {
            for &d in &postings[posting_start[t]..posting_start[t + 1]] {
                terms[fill[d as usize]] = t as u32;
                fill[d as usize] += 1;
            }
        }
        let sizes = sets.iter().map(ShingleSet::len).collect();
        Index { sizes, posting_start, postings, term_start, terms }
    }

    /// Appends the pairs `(a, b)`, `b > a`, that reach a threshold to `out`, in order of `b`.
    fn pairs_of(
        &self,
        a: u32,
        counter: &mut Counter,
        min_jaccard: f64,
        min_containment: f64,
        out: &mut Vec<ExactPair>,
    ) {
        let ai = a as usize;
        for &t in &self.terms[self.term_start[ai]..self.term_start[ai + 1]] {
            let docs = &self.postings[self.posting_start[t as usize]..self.posting_start[t as usize + 1]];
            let after = docs.partition_point(|&d| d <= a);
            for &b in &docs[after..] {
                let c = &mut counter.count[b as usize];
                if *c == 0 {
                    counter.touched.push(b);
                }
                *c += 1;
            }
        }
        counter.touched.sort_unstable();
        for &b in &counter.touched {
            let inter = std::mem::take(&mut counter.count[b as usize]);
            let (size_a, size_b) = (self.sizes[ai], self.sizes[b as usize]);
            // The same arithmetic as ShingleSet::jaccard and ShingleSet::containment, so that the
            // values are bit-identical to a pairwise check.
            let jaccard = inter as f64 / (size_a + size_b - inter as usize) as f64;
            let containment = inter as f64 / size_a.min(size_b) as f64;
            if exact_reaches(jaccard, min_jaccard) || exact_reaches(containment, min_containment) {
                out.push(ExactPair { a, b, intersection: inter, jaccard, containment });
            }
        }
        counter.touched.clear();
    }
}

/// Intersection counts of one document with every later document, and which are non-zero.
struct Counter {
    count: Vec<u32>,
    touched: Vec<u32>,
}

impl Counter {
    fn new(n: usize) -> Counter {
        Counter { count: vec![0; n], touched: Vec::new() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The oracle's oracle: every pair by a nested loop over `ShingleSet`'s own measures.
    fn naive_pairs(sets: &[ShingleSet], min_jaccard: f64, min_containment: f64) -> Vec<ExactPair> {
        let mut out = Vec::new();
        for a in 0..sets.len() {
            for b in a + 1..sets.len() {
                let (x, y) = (&sets[a], &sets[b]);
                let inter = x.intersection_len(y);
                let (jaccard, containment) = (x.jaccard(y), x.containment(y));
                if inter > 0 && (exact_reaches(jaccard, min_jaccard) || exact_reaches(containment, min_containment)) {
                    out.push(ExactPair { a: a as u32, b: b as u32, intersection: inter as u32, jaccard, containment });
                }
            }
        }
        out
    }

    /// Small sets over a small universe, so that pairs overlap at every degree; some are empty.
    fn sets_strategy() -> impl Strategy<Value = Vec<ShingleSet>> {
        prop::collection::vec(prop::collection::vec(0u64..40, 0..20), 0..25)
            .prop_map(|v| v.into_iter().map(ShingleSet::from_hashes).collect())
    }

    fn threshold() -> impl Strategy<Value = f64> {
        prop_oneof![Just(0.0), Just(0.5), Just(1.0), Just(1.1), 0.0f64..=1.0]
    }

    proptest! {
        #[test]
        fn matches_the_nested_loop(sets in sets_strategy(), j in threshold(), c in threshold()) {
            let want = naive_pairs(&sets, j, c);
            prop_assert_eq!(&exact_pairs(&sets, j, c), &want);
            #[cfg(feature = "parallel")]
            prop_assert_eq!(&par_exact_pairs(&sets, j, c), &want);
        }

        #[test]
        fn each_criterion_alone(sets in sets_strategy(), t in 0.0f64..=1.0) {
            let by_jaccard = exact_pairs(&sets, t, 1.1);
            prop_assert!(by_jaccard.iter().all(|p| p.jaccard >= t - 1e-12));
            prop_assert_eq!(&by_jaccard, &naive_pairs(&sets, t, 1.1));
            let by_containment = exact_pairs(&sets, 1.1, t);
            prop_assert!(by_containment.iter().all(|p| p.containment >= t - 1e-12));
            prop_assert_eq!(&by_containment, &naive_pairs(&sets, 1.1, t));
            // Containment is never below Jaccard, so it finds at least the same pairs.
            prop_assert!(by_jaccard.iter().all(|p| by_containment.contains(p)));
        }

        #[test]
        fn components_are_those_of_the_pairs(sets in sets_strategy(), j in 0.0f64..=1.0) {
            let pairs = exact_pairs(&sets, j, 1.1);
            let comp = components(sets.len(), &pairs);
            // Linked documents share a component, and a component's documents are connected:
            // merging along the pairs from singletons gives the same partition.
            for p in &pairs {
                prop_assert_eq!(comp[p.a as usize], comp[p.b as usize]);
            }
            let mut label: Vec<usize> = (0..sets.len()).collect();
            loop {
                let mut changed = false;
                for p in &pairs {
                    let m = label[p.a as usize].min(label[p.b as usize]);
                    for d in [p.a as usize, p.b as usize] {
                        if label[d] != m {
                            label[d] = m;
                            changed = true;
                        }
                    }
                }
                if !changed {
                    break;
                }
            }
            for x in 0..sets.len() {
                for y in 0..sets.len() {
                    prop_assert_eq!(comp[x] == comp[y], label[x] == label[y]);
                }
            }
        }
    }

    #[test]
    fn hand_computed_pairs() {
        let sets: Vec<ShingleSet> = [vec![1, 2, 3, 4], vec![1, 2, 3, 4, 5, 6, 7, 8], vec![], vec![8, 9], vec![10]]
            .into_iter()
            .map(ShingleSet::from_hashes)
            .collect();
        // 0 ⊂ 1: J = 4/8, containment 1. 1 and 3 share 8: J = 1/9, containment 1/2.
        let all = exact_pairs(&sets, 0.0, 1.1);
        assert_eq!(all.iter().map(|p| (p.a, p.b, p.intersection)).collect::<Vec<_>>(), [(0, 1, 4), (1, 3, 1)]);
        assert_eq!((all[0].jaccard, all[0].containment), (0.5, 1.0));
        assert_eq!((all[1].jaccard, all[1].containment), (1.0 / 9.0, 0.5));
        assert_eq!(exact_pairs(&sets, 0.5, 1.1).len(), 1);
        assert_eq!(exact_pairs(&sets, 0.6, 1.1).len(), 0);
        assert_eq!(exact_pairs(&sets, 1.1, 0.5).len(), 2);
        assert_eq!(exact_pairs(&sets, 1.1, 1.0).len(), 1);
        assert_eq!(components(5, &all), [0, 0, 1, 0, 2]);
        assert!(exact_pairs(&[], 0.0, 0.0).is_empty());
        assert_eq!(components(0, &[]), Vec::<u32>::new());
    }

    /// Blocks that stop early and windows that resume give the pairs in the same order.
    #[cfg(feature = "parallel")]
    #[test]
    fn streamed_pairs_are_the_pairs_in_order() {
        let sets: Vec<ShingleSet> = (0..300u64).map(|i| ShingleSet::from_hashes(vec![7, 8, 9, 100 + i % 3])).collect();
        let want = exact_pairs(&sets, 0.5, 1.1);
        assert_eq!(want.len(), 300 * 299 / 2);
        for budget in [1, 7, 1000, usize::MAX] {
            let mut got = Vec::new();
            let mut calls = 0;
            let sink = |p: &[ExactPair]| -> Result<(), ()> {
                calls += 1;
                got.extend_from_slice(p);
                Ok(())
            };
            par_pairs_each(&sets, 0.5, 1.1, budget, sink).unwrap();
            assert_eq!(got, want, "budget {budget}");
            assert!(calls > 1);
        }
        // An error of the sink stops the stream.
        let mut seen = 0;
        let r = par_exact_pairs_each(&sets, 0.5, 1.1, |p| {
            seen += p.len();
            Err::<(), &str>("disk full")
        });
        assert_eq!(r, Err("disk full"));
        assert!(seen > 0 && seen < want.len());
    }

    #[test]
    fn identical_sets_all_pair() {
        let sets: Vec<ShingleSet> = (0..5).map(|_| ShingleSet::from_hashes(vec![7, 8, 9])).collect();
        let pairs = exact_pairs(&sets, 1.0, 1.1);
        assert_eq!(pairs.len(), 10);
        assert!(pairs.iter().all(|p| p.jaccard == 1.0 && p.intersection == 3));
        assert_eq!(components(5, &pairs), [0; 5]);
    }
}
