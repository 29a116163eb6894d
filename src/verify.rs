//! Verification: candidate edges in, edges whose similarity reaches the threshold out.
//!
//! LSH candidates include pairs below the threshold (the S-curve is not a step). A [`Criterion`]
//! says what a duplicate is: a [`Similarity`] (containment, the default, or Jaccard), its
//! threshold, and the containment guard (a pair whose smaller set has fewer than
//! [`min_shingles`](Criterion::min_shingles) shingles is judged by Jaccard). Every decision is made
//! on the Jaccard scale, where the MinHash estimate lives: containment `C >= t` of sets of sizes
//! `a` and `b` (the smaller `m`) is exactly Jaccard `J >= t·m / (a + b − t·m)`.
//!
//! ```
//! use neardupe::verify::{self, BORDERLINE_SE, Decision, ExactSets};
//! use neardupe::{Criterion, DocId, Edge, MinHashConfig, MinHasher, ShingleSet, Similarity};
//! use neardupe::Verify;
//!
//! // Shingle sets: 1 is 0 cut to its first half (a reprint of the opening paragraphs), 2 is
//! // another text, 3 shares 120 of 0's 200 shingles (containment 0.6).
//! let sets: Vec<Vec<u64>> = [0..200, 0..100, 1000..1200, 80..280].into_iter().map(|r| r.collect()).collect();
//! let hasher = MinHasher::new(MinHashConfig::default());
//! let signatures = hasher.sign_batch(sets.iter().map(|s| &s[..]));
//!
//! let containment = Criterion::new(Similarity::Containment, 0.6, 10);
//! // Containment 0.6 for sets of 200 and 100 shingles is Jaccard 60 / (300 - 60).
//! assert_eq!(containment.jaccard_threshold(200, 100), 0.25);
//! // 40 of 128 agreeing slots estimate Jaccard 0.31: above 0.25, but within three standard errors.
//! assert_eq!(containment.decide(40, 128, 200, 100, 0.0), Decision::Pass);
//! assert_eq!(containment.decide(40, 128, 200, 100, BORDERLINE_SE), Decision::Borderline);
//!
//! let reprint = Edge::new(DocId(0), DocId(1));
//! let candidates = [reprint, Edge::new(DocId(0), DocId(2)), Edge::new(DocId(1), DocId(2))];
//! assert_eq!(verify::verify_estimated(&candidates, &signatures, &containment), [reprint]);
//! // On Jaccard (0.5) at the same threshold the reprint is not a duplicate.
//! let jaccard = Criterion::new(Similarity::Jaccard, 0.6, 10);
//! assert!(verify::verify_estimated(&candidates, &signatures, &jaccard).is_empty());
//!
//! // Hybrid: the estimate decides clear pairs, exact shingle sets the borderline ones.
//! let borderline = Edge::new(DocId(0), DocId(3));
//! let margin = BORDERLINE_SE;
//! assert_eq!(containment.decide_edge(&borderline, &signatures, margin), Decision::Borderline);
//! let exact_sets = |docs: Vec<DocId>| {
//!     let exact = docs.iter().map(|d| ShingleSet::from_hashes(sets[d.index()].clone())).collect();
//!     Ok(ExactSets::new(docs, exact))
//! };
//! let candidates = [reprint, borderline];
//! let verified = verify::verify_candidates(Verify::Hybrid, &candidates, &signatures, &containment, exact_sets)?;
//! assert_eq!(verified.edges, [reprint, borderline]); // exact containment 120 / 200 = 0.6
//! assert_eq!(verified.exact_checks, 1);
//! # Ok::<(), neardupe::Error>(())
//! ```
//!
//! # Modes
//!
//! [`verify_candidates`] runs the stage in one of four [`Verify`] modes:
//!
//! * [`Verify::Hybrid`] (the default): each candidate is judged by its signature estimate
//!   ([`split_by_estimate`]), except that pairs whose estimate lies within [`BORDERLINE_SE`] (3)
//!   standard errors of the pair's Jaccard-scale threshold (about ±0.13 at 128 slots and Jaccard
//!   0.4, see [`borderline_margin`]), where the estimate could fall either way, are decided by
//!   their exact similarity on the criterion's measure ([`verify_exact`] over [`ExactSets`]).
//! * [`Verify::Estimate`]: the estimate alone ([`verify_estimated`]).
//! * [`Verify::Exact`]: the exact similarity of every candidate.
//! * [`Verify::None`]: every candidate is kept.
//!
//! Exact checks go in chunks of [`EXACT_CHUNK`] edges, in order. A chunk's pairs whose documents
//! the edges accepted so far already connect are neither checked nor kept ([`unlinked`]): they
//! could not change a cluster. For the rest the caller supplies the shingle sets of the chunk's
//! documents ([`edge_documents`]), re-reading the texts or joining them in from elsewhere, so
//! only one chunk's sets are held at a time.

use crate::graph::{Edge, UnionFind};
use crate::hash::agreeing_slots;
use crate::minhash::SignatureRows;
use crate::shingle::ShingleSet;

/// How candidate pairs are checked before they link two documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Verify {
    /// Keep every LSH candidate.
    None,
    /// Keep a candidate when its estimated Jaccard (signature agreement) reaches the threshold.
    Estimate,
    /// Keep a candidate when the exact Jaccard of its shingle sets reaches the threshold.
    Exact,
    /// The estimate for clear cases, the exact Jaccard for borderline ones (the default).
    #[default]
    Hybrid,
}

crate::names::option_names! {
    Verify, "verification" {
        Hybrid => "hybrid",
        Estimate => "estimate",
        Exact => "exact",
        None => "none",
    }
    aliases { "off" => None, "signature" => Estimate, "on" => Estimate }
}

/// Three standard errors of the MinHash estimate at Jaccard `threshold` with `num_perm` slots: the
/// band around the threshold in which [`Verify::Hybrid`] asks for the exact similarity.
pub fn borderline_margin(threshold: f64, num_perm: usize) -> f64 {
    3.0 * (threshold * (1.0 - threshold) / num_perm.max(1) as f64).sqrt()
}

/// The similarity measure two documents are compared on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Similarity {
    /// Jaccard, |A ∩ B| / |A ∪ B|: the two texts are mostly the same text.
    Jaccard,
    /// Containment, |A ∩ B| / min(|A|, |B|): the shorter text is mostly inside the longer one
    /// (a reprint cut to its first paragraphs, a copy after a long preface). Pairs whose smaller
    /// set has fewer than [`Criterion::min_shingles`] shingles are judged by Jaccard instead, so
    /// that a tiny document does not join everything it occurs in.
    #[default]
    Containment,
}

crate::names::option_names! {
    Similarity, "similarity" {
        Containment => "containment",
        Jaccard => "jaccard",
    }
}

/// The rule that decides whether two documents are near-duplicates: a [`Similarity`], its
/// threshold, and the containment guard. Every decision is made on the Jaccard scale, where the
/// MinHash estimate lives: containment `C >= t` of sets of sizes `a` and `b` (smaller `m`) is
/// exactly Jaccard `J >= t·m / (a + b − t·m)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Criterion {
    similarity: Similarity,
    threshold: f64,
    min_shingles: u32,
}

/// What the signature estimate says about a pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Clearly at or above the threshold.
    Pass,
    /// Clearly below it.
    Fail,
    /// Within three standard errors of the threshold: the estimate cannot tell.
    Borderline,
}

impl Criterion {
    /// A criterion; `threshold` in `(0, 1)`. `min_shingles` is the containment guard (ignored
    /// for Jaccard).
    pub fn new(similarity: Similarity, threshold: f64, min_shingles: u32) -> Criterion {
        Criterion { similarity, threshold, min_shingles }
    }

    /// The configured measure.
    pub fn similarity(&self) -> Similarity {
        self.similarity
    }

    /// The threshold.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// The fewest shingles the smaller document must have for containment to apply.
    pub fn min_shingles(&self) -> u32 {
        self.min_shingles
    }

    /// The measure a pair of sets of sizes `a` and `b` is judged on: containment only when it is
    /// configured and the smaller set has at least [`min_shingles`](Self::min_shingles).
    pub fn measure(&self, a: u32, b: u32) -> Similarity {
        match self.similarity {
            Similarity::Containment if a.min(b) >= self.min_shingles.max(1) => Similarity::Containment,
            _ => Similarity::Jaccard,
        }
    }

    /// The Jaccard similarity at which a pair of sets of sizes `a` and `b` reaches the threshold.
    pub fn jaccard_threshold(&self, a: u32, b: u32) -> f64 {
        match self.measure(a, b) {
            Similarity::Jaccard => self.threshold,
            Similarity::Containment => {
                let small = f64::from(a.min(b)) * self.threshold;
                small / (f64::from(a) + f64::from(b) - small)
            }
        }
    }

    /// The pair's similarity on its [measure](Self::measure), estimated from a Jaccard estimate.
    pub fn from_jaccard(&self, jaccard: f64, a: u32, b: u32) -> f64 {
        match self.measure(a, b) {
            Similarity::Jaccard => jaccard,
            Similarity::Containment => {
                let inter = jaccard * (f64::from(a) + f64::from(b)) / (1.0 + jaccard);
                (inter / f64::from(a.min(b))).min(1.0)
            }
        }
    }

    /// The pair's exact similarity on its measure, from its intersection size.
    pub fn exact(&self, intersection: usize, a: usize, b: usize) -> f64 {
        let (a32, b32) = (u32::try_from(a).unwrap_or(u32::MAX), u32::try_from(b).unwrap_or(u32::MAX));
        let denominator = match self.measure(a32, b32) {
            Similarity::Jaccard => a + b - intersection,
            Similarity::Containment => a.min(b),
        };
        if denominator == 0 { 0.0 } else { intersection as f64 / denominator as f64 }
    }

    /// Whether an exact similarity reaches the threshold (inclusive, up to rounding).
    pub fn exact_passes(&self, similarity: f64) -> bool {
        exact_reaches(similarity, self.threshold)
    }

    /// What `agree` agreeing slots out of `num_perm` say about a pair of sets of sizes `a` and
    /// `b`: compared on the Jaccard scale, in slot counts, with `margin` standard-error bands
    /// (`margin = 0` gives only [`Decision::Pass`] or [`Decision::Fail`]).
    pub fn decide(&self, agree: usize, num_perm: usize, a: u32, b: u32, margin: f64) -> Decision {
        let t = self.jaccard_threshold(a, b);
        let m = margin * (t * (1.0 - t) / num_perm.max(1) as f64).sqrt();
        if estimate_reaches(agree, num_perm, t + m) {
            Decision::Pass
        } else if m > 0.0 && estimate_reaches(agree, num_perm, t - m) {
            Decision::Borderline
        } else {
            Decision::Fail
        }
    }

    /// [`decide`](Self::decide) for an edge of a signature matrix.
    pub fn decide_edge<S: SignatureRows + ?Sized>(&self, e: &Edge, signatures: &S, margin: f64) -> Decision {
        let (i, j) = (e.a.index(), e.b.index());
        let agree = agreeing_slots(signatures.row(i), signatures.row(j));
        self.decide(agree, signatures.num_perm(), signatures.set_size(i), signatures.set_size(j), margin)
    }
}

/// The number of standard errors around the threshold that [`Verify::Hybrid`] treats as
/// borderline.
pub const BORDERLINE_SE: f64 = 3.0;

/// Splits `edges` by their estimated similarity: those clearly at or above the threshold are
/// kept, those clearly below dropped, and the rest (within [`BORDERLINE_SE`] standard errors)
/// returned as borderline. Both lists keep the input order.
pub fn split_by_estimate<S: SignatureRows + ?Sized>(
    edges: &[Edge],
    signatures: &S,
    criterion: &Criterion,
) -> (Vec<Edge>, Vec<Edge>) {
    let (mut kept, mut borderline) = (Vec::new(), Vec::new());
    for &e in edges {
        match criterion.decide_edge(&e, signatures, BORDERLINE_SE) {
            Decision::Pass => kept.push(e),
            Decision::Borderline => borderline.push(e),
            Decision::Fail => {}
        }
    }
    (kept, borderline)
}

/// The edges whose estimated similarity reaches the threshold, in their input order.
pub fn verify_estimated<S: SignatureRows + ?Sized>(edges: &[Edge], signatures: &S, criterion: &Criterion) -> Vec<Edge> {
    edges.iter().copied().filter(|e| criterion.decide_edge(e, signatures, 0.0) == Decision::Pass).collect()
}

/// Parallel [`verify_estimated`]: the same edges in the same order.
#[cfg(feature = "parallel")]
pub fn par_verify_estimated<S: SignatureRows + ?Sized>(
    edges: &[Edge],
    signatures: &S,
    criterion: &Criterion,
) -> Vec<Edge> {
    use rayon::prelude::*;
    edges.par_iter().copied().filter(|e| criterion.decide_edge(e, signatures, 0.0) == Decision::Pass).collect()
}

/// Whether `agree` of `k` slots is an estimate at or above `threshold` (compared in slot counts,
/// so that rounding does not move a pair across the threshold).
pub(crate) fn estimate_reaches(agree: usize, k: usize, threshold: f64) -> bool {
    agree as f64 >= threshold * k as f64 - 1e-9
}

/// Whether an exact similarity reaches `threshold` (inclusive, up to rounding).
pub(crate) fn exact_reaches(similarity: f64, threshold: f64) -> bool {
    similarity >= threshold - 1e-12
}

/// The edges whose exact similarity reaches the threshold, from the shingle sets of their
/// documents (see [`edge_documents`] and [`ExactSets`]).
pub fn verify_exact(edges: &[Edge], sets: &ExactSets, criterion: &Criterion) -> Vec<Edge> {
    edges.iter().copied().filter(|e| criterion.exact_passes(sets.similarity(e, criterion))).collect()
}

/// Parallel [`verify_exact`].
#[cfg(feature = "parallel")]
pub fn par_verify_exact(edges: &[Edge], sets: &ExactSets, criterion: &Criterion) -> Vec<Edge> {
    use rayon::prelude::*;
    edges.par_iter().copied().filter(|e| criterion.exact_passes(sets.similarity(e, criterion))).collect()
}

/// The edges whose documents `linked` does not yet connect, in their input order: the only ones
/// whose verification could still change a cluster.
pub fn unlinked(edges: &[Edge], linked: &mut UnionFind) -> Vec<Edge> {
    edges.iter().copied().filter(|e| linked.find(e.a.0) != linked.find(e.b.0)).collect()
}

/// The distinct documents that appear in `edges`, sorted.
pub fn edge_documents(edges: &[Edge]) -> Vec<crate::DocId> {
    let mut docs: Vec<crate::DocId> = edges.iter().flat_map(|e| [e.a, e.b]).collect();
    docs.sort_unstable();
    docs.dedup();
    docs
}

/// Exact checks are made in chunks of this many edges, in order: only one chunk's shingle sets
/// are held at a time, and an edge that the edges accepted before it already connect is not
/// checked.
pub const EXACT_CHUNK: usize = 4096;

/// The edges that pass verification, and the exact work it took.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// The edges kept, sorted.
    pub edges: Vec<Edge>,
    /// Pairs whose exact similarity was computed.
    pub exact_checks: u64,
    /// Documents whose shingle sets were computed for exact checks (once per chunk).
    pub exact_documents: u64,
}

/// Stage: the `candidates` (sorted, as from the LSH stage) that pass `verify` under `criterion`.
///
/// `exact_sets` is called for [`Verify::Exact`] and the borderline pairs of [`Verify::Hybrid`]
/// only, once per chunk of [`EXACT_CHUNK`] edges with the sorted documents of the chunk's edges
/// that earlier accepted edges do not already connect; it returns their shingle sets (a run
/// re-reads and shingles the texts; a distributed engine joins them in). The parallel checks run
/// with the `parallel` feature.
pub fn verify_candidates<S, F>(
    verify: Verify,
    candidates: &[Edge],
    signatures: &S,
    criterion: &Criterion,
    exact_sets: F,
) -> crate::Result<Verified>
where
    S: SignatureRows + ?Sized,
    F: FnMut(Vec<crate::DocId>) -> crate::Result<ExactSets>,
{
    let mut split = Split::default();
    split.add(verify, candidates, signatures, criterion);
    split.finish(verify, signatures, criterion, exact_sets)
}

/// [`verify_candidates`] of candidates that come in chunks (in order, as from
/// [`EdgeRuns::merge`](crate::spill::EdgeRuns::merge)): the same edges as over their
/// concatenation, with only the accepted and the borderline edges kept in memory. Each chunk is
/// verified against the rows `rows_of(chunk)` gives (the rows of its documents read from disk,
/// say), or against `signatures` when it gives `None`. Also returns the number of candidates.
pub fn verify_candidate_chunks<S, F, I, C, R>(
    verify: Verify,
    chunks: I,
    signatures: &S,
    criterion: &Criterion,
    mut rows_of: C,
    exact_sets: F,
) -> crate::Result<(Verified, u64)>
where
    S: SignatureRows + ?Sized,
    F: FnMut(Vec<crate::DocId>) -> crate::Result<ExactSets>,
    I: IntoIterator<Item = crate::Result<Vec<Edge>>>,
    C: FnMut(&[Edge]) -> crate::Result<Option<R>>,
    R: SignatureRows,
{
    let mut split = Split::default();
    let mut candidates = 0u64;
    for chunk in chunks {
        let chunk = chunk?;
        candidates += chunk.len() as u64;
        let rows = match verify {
            Verify::Estimate | Verify::Hybrid => rows_of(&chunk)?,
            Verify::None | Verify::Exact => None,
        };
        match rows {
            Some(rows) => split.add(verify, &chunk, &rows, criterion),
            None => split.add(verify, &chunk, signatures, criterion),
        }
    }
    Ok((split.finish(verify, signatures, criterion, exact_sets)?, candidates))
}

/// Candidates split by their estimate: those kept outright and those left for exact checks.
#[derive(Default)]
struct Split {
    kept: Vec<Edge>,
    exact: Vec<Edge>,
}

impl Split {
    fn add<S: SignatureRows + ?Sized>(
        &mut self,
        verify: Verify,
        candidates: &[Edge],
        signatures: &S,
        criterion: &Criterion,
    ) {
        match verify {
            Verify::None => self.kept.extend_from_slice(candidates),
            Verify::Estimate => {
                #[cfg(feature = "parallel")]
                let kept = par_verify_estimated(candidates, signatures, criterion);
                #[cfg(not(feature = "parallel"))]
                let kept = verify_estimated(candidates, signatures, criterion);
                self.kept.extend(kept);
            }
            Verify::Exact => self.exact.extend_from_slice(candidates),
            Verify::Hybrid => {
                let (kept, borderline) = split_by_estimate(candidates, signatures, criterion);
                self.kept.extend(kept);
                self.exact.extend(borderline);
            }
        }
    }

    fn finish<S, F>(
        self,
        verify: Verify,
        signatures: &S,
        criterion: &Criterion,
        mut exact_sets: F,
    ) -> crate::Result<Verified>
    where
        S: SignatureRows + ?Sized,
        F: FnMut(Vec<crate::DocId>) -> crate::Result<ExactSets>,
    {
        let mut out = Verified::default();
        let Split { mut kept, exact } = self;
        if matches!(verify, Verify::Exact | Verify::Hybrid) {
            let mut linked = UnionFind::new(signatures.len());
            for e in &kept {
                linked.union(e.a.0, e.b.0);
            }
            for chunk in exact.chunks(EXACT_CHUNK) {
                let open = unlinked(chunk, &mut linked);
                let docs = edge_documents(&open);
                out.exact_checks += open.len() as u64;
                out.exact_documents += docs.len() as u64;
                let sets = exact_sets(docs)?;
                #[cfg(feature = "parallel")]
                let passed = par_verify_exact(&open, &sets, criterion);
                #[cfg(not(feature = "parallel"))]
                let passed = verify_exact(&open, &sets, criterion);
                drop(sets);
                for e in &passed {
                    linked.union(e.a.0, e.b.0);
                }
                kept.extend(passed);
            }
            kept.sort_unstable();
        }
        out.edges = kept;
        Ok(out)
    }
}

/// Shingle sets of the documents that appear in candidate edges, for exact verification.
#[derive(Clone, Debug, Default)]
pub struct ExactSets {
    docs: Vec<crate::DocId>,
    sets: Vec<ShingleSet>,
}

impl ExactSets {
    /// Pairs `docs` (sorted, as from [`edge_documents`]) with their shingle `sets`.
    pub fn new(docs: Vec<crate::DocId>, sets: Vec<ShingleSet>) -> ExactSets {
        debug_assert_eq!(docs.len(), sets.len());
        ExactSets { docs, sets }
    }

    /// The set of `doc`, if it is held.
    pub fn get(&self, doc: crate::DocId) -> Option<&ShingleSet> {
        self.docs.binary_search(&doc).ok().map(|i| &self.sets[i])
    }

    /// The exact Jaccard of an edge's two documents (0 if either set is missing).
    pub fn jaccard(&self, e: &Edge) -> f64 {
        match (self.get(e.a), self.get(e.b)) {
            (Some(x), Some(y)) => x.jaccard(y),
            _ => 0.0,
        }
    }

    /// The exact similarity of an edge's two documents on `criterion`'s measure (0 if either
    /// set is missing).
    pub fn similarity(&self, e: &Edge, criterion: &Criterion) -> f64 {
        match (self.get(e.a), self.get(e.b)) {
            (Some(x), Some(y)) => criterion.exact(x.intersection_len(y), x.len(), y.len()),
            _ => 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DocId;
    use crate::SignatureMatrix;

    fn jaccard(t: f64) -> Criterion {
        Criterion::new(Similarity::Jaccard, t, 0)
    }

    #[test]
    fn estimate_threshold_is_inclusive() {
        let m = SignatureMatrix::from_parts(4, vec![1, 2, 3, 4, 1, 2, 3, 9, 5, 6, 7, 8], vec![4, 4, 4]).unwrap();
        let edges = vec![Edge::new(DocId(0), DocId(1)), Edge::new(DocId(0), DocId(2))];
        assert_eq!(verify_estimated(&edges, &m, &jaccard(0.75)), vec![edges[0]]);
        assert_eq!(verify_estimated(&edges, &m, &jaccard(0.76)), vec![]);
    }

    #[test]
    fn split_keeps_clear_pairs_and_returns_borderline_ones() {
        // 100 slots; document 1 agrees with document 0 on 100, document 2 on 60, document 3 on 10.
        // At t = 0.5 three standard errors are 0.15: pass from 65 slots, borderline from 35.
        let base: Vec<u32> = (0..100).collect();
        let agreeing = |n: u32| -> Vec<u32> { (0..100).map(|i| if i < n { i } else { 1000 + i }).collect() };
        let values = [base, agreeing(100), agreeing(60), agreeing(10)].concat();
        let m = SignatureMatrix::from_parts(100, values, vec![50; 4]).unwrap();
        let e = |b| Edge::new(DocId(0), DocId(b));
        let (kept, borderline) = split_by_estimate(&[e(1), e(2), e(3)], &m, &jaccard(0.5));
        assert_eq!(kept, vec![e(1)]);
        assert_eq!(borderline, vec![e(2)]);
        assert!((borderline_margin(0.4, 128) - 0.1299).abs() < 1e-3);
    }

    #[test]
    fn exact_uses_sets() {
        let s = |v: Vec<u64>| ShingleSet::from_hashes(v);
        let sets = ExactSets::new(vec![DocId(0), DocId(2)], vec![s(vec![1, 2, 3]), s(vec![1, 2, 4])]);
        let e = Edge::new(DocId(0), DocId(2));
        assert!((sets.jaccard(&e) - 0.5).abs() < 1e-12);
        assert_eq!(verify_exact(&[e], &sets, &jaccard(0.5)), vec![e]);
        assert_eq!(verify_exact(&[e], &sets, &jaccard(0.6)), vec![]);
        let containment = Criterion::new(Similarity::Containment, 0.6, 1);
        assert!((sets.similarity(&e, &containment) - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(verify_exact(&[e], &sets, &containment), vec![e]);
        assert_eq!(edge_documents(&[e, Edge::new(DocId(2), DocId(0))]), vec![DocId(0), DocId(2)]);
    }

    #[test]
    fn containment_on_the_jaccard_scale() {
        let c = Criterion::new(Similarity::Containment, 0.8, 10);
        // A 100-shingle reprint inside a 400-shingle original: C = 0.8 is J = 80 / 420.
        assert!((c.jaccard_threshold(100, 400) - 80.0 / 420.0).abs() < 1e-12);
        assert!((c.from_jaccard(80.0 / 420.0, 100, 400) - 0.8).abs() < 1e-12);
        assert!((c.exact(80, 100, 400) - 0.8).abs() < 1e-12);
        // Below the guard, the pair is judged by Jaccard.
        assert_eq!(c.measure(9, 400), Similarity::Jaccard);
        assert_eq!(c.jaccard_threshold(9, 400), 0.8);
        assert!((c.exact(9, 9, 400) - 9.0 / 400.0).abs() < 1e-12);
        assert_eq!(c.decide(25, 128, 100, 400, 0.0), Decision::Pass); // 25/128 = 0.195 >= 0.190
        assert_eq!(c.decide(24, 128, 100, 400, 0.0), Decision::Fail);
        assert_eq!("jaccard".parse::<Similarity>().unwrap(), Similarity::Jaccard);
        assert!("cosine".parse::<Similarity>().is_err());
    }

    proptest::proptest! {
        #[test]
        fn containment_from_exact_jaccard_is_exact_containment(
            a in proptest::collection::btree_set(0u64..300, 1..120),
            b in proptest::collection::btree_set(0u64..300, 1..120),
        ) {
            let (a, b) = (ShingleSet::from_hashes(a.into_iter().collect()), ShingleSet::from_hashes(b.into_iter().collect()));
            let c = Criterion::new(Similarity::Containment, 0.5, 1);
            let (na, nb) = (a.len() as u32, b.len() as u32);
            let via_jaccard = c.from_jaccard(a.jaccard(&b), na, nb);
            proptest::prop_assert!((via_jaccard - a.containment(&b)).abs() < 1e-9);
            let exact = c.exact(a.intersection_len(&b), a.len(), b.len());
            proptest::prop_assert!((exact - a.containment(&b)).abs() < 1e-12);
            // The Jaccard-scale threshold agrees with the containment threshold.
            proptest::prop_assert_eq!(a.jaccard(&b) >= c.jaccard_threshold(na, nb) - 1e-9, exact >= 0.5 - 1e-9);
        }
    }
}
