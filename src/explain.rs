//! Why two documents are, or are not, linked: the numbers behind one pair.
//!
//! [`Deduper::explain`] recomputes, for two texts, everything the pipeline decides a pair by: the
//! shingle-set sizes, the estimated and exact Jaccard and containment, the LSH bands in which the
//! two signatures collide, and what verification makes of the pair under the deduper's options.
//!
//! ```
//! use neardupe::{Config, Deduper};
//!
//! let deduper = Deduper::new(Config::builder().build().unwrap());
//! let a = "The armoured train left Pyongyang on Tuesday morning, heading for the Russian border city.";
//! let b = "Kathmandu: The armoured train left Pyongyang on Tuesday morning, heading for the Russian border city.";
//! let e = deduper.explain(a, b);
//! assert!(e.exact_jaccard > 0.8 && e.candidate && e.linked);
//! ```

use crate::hash::agreeing_slots;
use crate::minhash::estimate_jaccard;
use crate::pipeline::Deduper;
use crate::verify::{BORDERLINE_SE, Decision, Verify};

/// The numbers behind one pair of documents (see [`Deduper::explain`]).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Explanation {
    /// Distinct shingles of each document (after boilerplate is left out, when the deduper has a
    /// boilerplate filter).
    pub set_sizes: [u32; 2],
    /// Signature slots on which the two agree, out of `num_perm`.
    pub agreeing_slots: usize,
    /// The number of signature slots.
    pub num_perm: usize,
    /// Estimated Jaccard: `agreeing_slots / num_perm`.
    pub estimated_jaccard: f64,
    /// Exact Jaccard of the two shingle sets.
    pub exact_jaccard: f64,
    /// Containment estimated from the Jaccard estimate and the set sizes:
    /// `J (|A| + |B|) / ((1 + J) min(|A|, |B|))`, at most 1.
    pub estimated_containment: f64,
    /// Exact containment: `|A n B| / min(|A|, |B|)`.
    pub exact_containment: f64,
    /// LSH bands.
    pub bands: usize,
    /// LSH rows per band.
    pub rows: usize,
    /// The bands in which the two signatures collide.
    pub colliding_bands: Vec<usize>,
    /// Whether LSH makes the pair a candidate (some band collides, and neither set is empty).
    pub candidate: bool,
    /// The measure this pair is judged on: the configured one, or Jaccard when containment is
    /// configured but the smaller document has fewer shingles than the containment guard.
    pub measure: &'static str,
    /// The threshold on the measure's scale.
    pub threshold: f64,
    /// The Jaccard similarity at which this pair reaches the threshold (for containment it
    /// depends on the set sizes).
    pub jaccard_threshold: f64,
    /// The verification mode.
    pub verify: &'static str,
    /// Under hybrid verification: whether the estimate is within the margin of the threshold, so
    /// that the exact similarity decides.
    pub borderline: bool,
    /// Whether verification accepts the pair (regardless of LSH).
    pub passes_verification: bool,
    /// Whether the pipeline links the two directly: a candidate that passes verification. (Two
    /// documents that are not linked directly may still share a cluster through others; a
    /// chaining guard or a time window may still keep a linked pair's clusters apart.)
    pub linked: bool,
}

impl Deduper {
    /// Explains what the pipeline makes of the pair of texts `a` and `b` under this deduper's
    /// options.
    pub fn explain(&self, a: &str, b: &str) -> Explanation {
        let config = self.config();
        let mut sketcher = self.sketcher();
        let (sa, sb) = (sketcher.sketch(a), sketcher.sketch(b));
        let (ra, rb) = (sa.signature.as_slice(), sb.signature.as_slice());
        let num_perm = ra.len();
        let agreeing_slots = agreeing_slots(ra, rb);
        let estimated_jaccard = estimate_jaccard(ra, rb);
        let (xa, xb) = (self.shingle_set(a), self.shingle_set(b));
        let exact_jaccard = xa.jaccard(&xb);
        let exact_containment = xa.containment(&xb);
        let small = sa.set_size.min(sb.set_size);
        let estimated_containment = if small == 0 {
            0.0
        } else {
            let j = estimated_jaccard;
            (j * f64::from(sa.set_size + sb.set_size) / ((1.0 + j) * f64::from(small))).min(1.0)
        };
        let lsh = config.lsh();
        let colliding_bands: Vec<usize> = lsh
            .band_keys(ra)
            .zip(lsh.band_keys(rb))
            .enumerate()
            .filter(|(_, (x, y))| x == y)
            .map(|(band, _)| band)
            .collect();
        let candidate = !colliding_bands.is_empty() && sa.set_size > 0 && sb.set_size > 0;
        let criterion = config.criterion();
        let (na, nb) = (sa.set_size, sb.set_size);
        let exact = criterion.exact_passes(criterion.exact(xa.intersection_len(&xb), xa.len(), xb.len()));
        let decide = |margin| criterion.decide(agreeing_slots, num_perm, na, nb, margin);
        let mut borderline = false;
        let passes_verification = match config.verify() {
            Verify::None => true,
            Verify::Estimate => decide(0.0) == Decision::Pass,
            Verify::Exact => exact,
            Verify::Hybrid => match decide(BORDERLINE_SE) {
                Decision::Pass => true,
                Decision::Fail => false,
                Decision::Borderline => {
                    borderline = true;
                    exact
                }
            },
        };
        let measure = criterion.measure(na, nb).as_str();
        Explanation {
            set_sizes: [sa.set_size, sb.set_size],
            agreeing_slots,
            num_perm,
            estimated_jaccard,
            exact_jaccard,
            estimated_containment,
            exact_containment,
            bands: lsh.bands(),
            rows: lsh.rows(),
            colliding_bands,
            candidate,
            measure,
            threshold: criterion.threshold(),
            jaccard_threshold: criterion.jaccard_threshold(na, nb),
            verify: config.verify().as_str(),
            borderline,
            passes_verification,
            linked: candidate && passes_verification,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Config, Deduper, DocId, Similarity, Verify};

    #[test]
    fn explanation_agrees_with_the_pipeline() {
        let texts = [
            "one two three four five six seven eight nine ten eleven twelve thirteen fourteen",
            "one two three four five six seven eight nine ten eleven twelve thirteen fifteen",
            "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron",
            "",
        ];
        let modes = [Verify::None, Verify::Estimate, Verify::Exact, Verify::Hybrid];
        let sims = [Similarity::Jaccard, Similarity::Containment];
        for (verify, sim) in modes.into_iter().flat_map(|v| sims.map(|s| (v, s))) {
            if (verify, sim) == (Verify::None, Similarity::Containment) {
                continue;
            }
            let config = Config::builder().threshold(0.5).verify(verify).similarity(sim).min_shingles(5);
            let mut d = Deduper::new(config.build().unwrap());
            let docs: Vec<(String, &str)> = texts.iter().enumerate().map(|(i, t)| (i.to_string(), *t)).collect();
            let out = d.cluster(&docs).unwrap();
            for i in 0..texts.len() {
                for j in i + 1..texts.len() {
                    let e = d.explain(texts[i], texts[j]);
                    let linked = out.clustering.cluster(DocId(i as u32)) == out.clustering.cluster(DocId(j as u32));
                    assert_eq!(e.linked, linked, "{verify:?} {sim:?} {i} {j}: {e:?}");
                    assert!(e.exact_containment >= e.exact_jaccard);
                }
            }
        }
        let e = Deduper::new(Config::builder().build().unwrap()).explain(texts[0], texts[1]);
        assert_eq!(e.set_sizes, [10, 10]);
        assert!((e.exact_jaccard - 9.0 / 11.0).abs() < 1e-12);
        assert!((e.exact_containment - 0.9).abs() < 1e-12);
        assert!((e.estimated_containment - e.exact_containment).abs() < 0.2);
    }
}
