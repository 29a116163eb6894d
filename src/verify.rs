//! Verification: candidate edges in, edges whose similarity reaches the threshold out.
//!
//! LSH candidates include pairs below the threshold (the S-curve is not a step). By default
//! ([`Verify::Hybrid`]) each candidate is judged by its signature-estimated Jaccard, except that
//! pairs whose estimate lies within three standard errors of the threshold (about ±0.13 at 128
//! slots and threshold 0.4), where the estimate could fall either way, are decided by the exact
//! Jaccard of their shingle sets. [`Verify::Estimate`] uses the estimate alone, [`Verify::Exact`]
//! the exact Jaccard for every candidate, and [`Verify::None`] keeps every candidate.

use crate::cluster::{Edge, UnionFind};
use crate::minhash::SignatureMatrix;
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

impl std::str::FromStr for Verify {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Verify> {
        match s {
            "none" | "off" => Ok(Verify::None),
            "estimate" | "signature" | "on" => Ok(Verify::Estimate),
            "exact" => Ok(Verify::Exact),
            "hybrid" => Ok(Verify::Hybrid),
            _ => Err(crate::Error::config(format!(
                "unknown verification {s:?} (expected hybrid, estimate, exact or none)"
            ))),
        }
    }
}

impl Verify {
    /// A stable name: `none`, `estimate`, `exact` or `hybrid`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verify::None => "none",
            Verify::Estimate => "estimate",
            Verify::Exact => "exact",
            Verify::Hybrid => "hybrid",
        }
    }
}

/// Three standard errors of the MinHash estimate at `threshold` with `num_perm` slots: the band
/// around the threshold in which [`Verify::Hybrid`] asks for the exact Jaccard.
pub fn borderline_margin(threshold: f64, num_perm: usize) -> f64 {
    3.0 * (threshold * (1.0 - threshold) / num_perm.max(1) as f64).sqrt()
}

/// Splits `edges` by their estimated Jaccard: those at or above `threshold + margin` are kept,
/// those below `threshold - margin` dropped, and the rest returned as borderline. Both lists keep
/// the input order.
pub fn split_by_estimate(
    edges: &[Edge],
    signatures: &SignatureMatrix,
    threshold: f64,
    margin: f64,
) -> (Vec<Edge>, Vec<Edge>) {
    let (mut kept, mut borderline) = (Vec::new(), Vec::new());
    for &e in edges {
        if passes_estimate(&e, signatures, threshold + margin) {
            kept.push(e);
        } else if passes_estimate(&e, signatures, threshold - margin) {
            borderline.push(e);
        }
    }
    (kept, borderline)
}

/// The edges whose estimated Jaccard reaches `threshold`, in their input order.
pub fn verify_estimated(edges: &[Edge], signatures: &SignatureMatrix, threshold: f64) -> Vec<Edge> {
    edges.iter().copied().filter(|e| passes_estimate(e, signatures, threshold)).collect()
}

/// Parallel [`verify_estimated`]: the same edges in the same order.
#[cfg(feature = "parallel")]
pub fn par_verify_estimated(edges: &[Edge], signatures: &SignatureMatrix, threshold: f64) -> Vec<Edge> {
    use rayon::prelude::*;
    edges.par_iter().copied().filter(|e| passes_estimate(e, signatures, threshold)).collect()
}

fn passes_estimate(e: &Edge, signatures: &SignatureMatrix, threshold: f64) -> bool {
    let (x, y) = (signatures.row(e.a.index()), signatures.row(e.b.index()));
    estimate_reaches(agreeing_slots(x, y), signatures.num_perm(), threshold)
}

/// The number of slots on which two signatures agree.
pub(crate) fn agreeing_slots(x: &[u32], y: &[u32]) -> usize {
    x.iter().zip(y).filter(|(p, q)| p == q).count()
}

/// Whether `agree` of `k` slots is an estimate at or above `threshold` (compared in slot counts,
/// so that rounding does not move a pair across the threshold).
pub(crate) fn estimate_reaches(agree: usize, k: usize, threshold: f64) -> bool {
    agree as f64 >= threshold * k as f64 - 1e-9
}

/// Whether an exact Jaccard reaches `threshold` (inclusive, up to rounding).
pub(crate) fn exact_reaches(jaccard: f64, threshold: f64) -> bool {
    jaccard >= threshold - 1e-12
}

/// The edges whose exact Jaccard reaches `threshold`, from the shingle sets of their documents
/// (see [`edge_documents`] and [`ExactSets`]).
pub fn verify_exact(edges: &[Edge], sets: &ExactSets, threshold: f64) -> Vec<Edge> {
    edges.iter().copied().filter(|e| exact_reaches(sets.jaccard(e), threshold)).collect()
}

/// Parallel [`verify_exact`].
#[cfg(feature = "parallel")]
pub fn par_verify_exact(edges: &[Edge], sets: &ExactSets, threshold: f64) -> Vec<Edge> {
    use rayon::prelude::*;
    edges.par_iter().copied().filter(|e| exact_reaches(sets.jaccard(e), threshold)).collect()
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DocId;

    #[test]
    fn estimate_threshold_is_inclusive() {
        let m = SignatureMatrix::from_parts(4, vec![1, 2, 3, 4, 1, 2, 3, 9, 5, 6, 7, 8], vec![4, 4, 4]).unwrap();
        let edges = vec![Edge::new(DocId(0), DocId(1)), Edge::new(DocId(0), DocId(2))];
        assert_eq!(verify_estimated(&edges, &m, 0.75), vec![edges[0]]);
        assert_eq!(verify_estimated(&edges, &m, 0.76), vec![]);
    }

    #[test]
    fn split_keeps_clear_pairs_and_returns_borderline_ones() {
        // Agreement 4/4, 3/4 and 0/4 with document 0.
        let m =
            SignatureMatrix::from_parts(4, vec![1, 2, 3, 4, 1, 2, 3, 9, 5, 6, 7, 8, 1, 2, 3, 4], vec![4; 4]).unwrap();
        let e = |b| Edge::new(DocId(0), DocId(b));
        let (kept, borderline) = split_by_estimate(&[e(1), e(2), e(3)], &m, 0.7, 0.1);
        assert_eq!(kept, vec![e(3)]);
        assert_eq!(borderline, vec![e(1)]);
        assert!((borderline_margin(0.4, 128) - 0.1299).abs() < 1e-3);
    }

    #[test]
    fn exact_uses_sets() {
        let s = |v: Vec<u64>| ShingleSet::from_hashes(v);
        let sets = ExactSets::new(vec![DocId(0), DocId(2)], vec![s(vec![1, 2, 3]), s(vec![1, 2, 4])]);
        let e = Edge::new(DocId(0), DocId(2));
        assert!((sets.jaccard(&e) - 0.5).abs() < 1e-12);
        assert_eq!(verify_exact(&[e], &sets, 0.5), vec![e]);
        assert_eq!(verify_exact(&[e], &sets, 0.6), vec![]);
        assert_eq!(edge_documents(&[e, Edge::new(DocId(2), DocId(0))]), vec![DocId(0), DocId(2)]);
    }
}
