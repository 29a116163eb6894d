//! The fast code checked against simple oracles: MinHash estimates against exact Jaccard, LSH
//! candidates against brute-force all pairs, and the one-permutation scheme against the classic one.

use neardupe::lsh::{self, LshParams};
use neardupe::minhash::{Algorithm, MinHashConfig, MinHasher};
use neardupe::{Clustering, Edge, Representative, ShingleSet};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A pair of sets with a chosen size and Jaccard similarity, built from fresh random elements.
fn pair(rng: &mut ChaCha8Rng, size: usize, j: f64) -> (Vec<u64>, Vec<u64>) {
    // |A| = |B| = size, |A ∩ B| = c, J = c / (2 size - c)  =>  c = 2 size J / (1 + J).
    let c = ((2.0 * size as f64 * j) / (1.0 + j)).round() as usize;
    let common: Vec<u64> = (0..c).map(|_| rng.random()).collect();
    let mut a = common.clone();
    let mut b = common;
    a.extend((0..size - c).map(|_| rng.random::<u64>()));
    b.extend((0..size - c).map(|_| rng.random::<u64>()));
    (a, b)
}

struct ErrorStats {
    mean_error: f64,
    /// Mean of error² / (J(1-J)/k): about 1 for an estimator with the classic variance.
    normalised_mse: f64,
    pairs: usize,
}

fn error_stats(algorithm: Algorithm, k: usize, sizes: &[usize], seed: u64) -> ErrorStats {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut sum_e, mut sum_z2, mut n) = (0.0, 0.0, 0usize);
    for trial in 0..600 {
        let size = sizes[trial % sizes.len()];
        let target = 0.05 + 0.9 * rng.random::<f64>();
        let (a, b) = pair(&mut rng, size, target);
        let exact = ShingleSet::from_hashes(a.clone()).jaccard(&ShingleSet::from_hashes(b.clone()));
        // A fresh seed per pair, so that the errors of different pairs are independent.
        let cfg = MinHashConfig::builder().algorithm(algorithm).num_perm(k).seed(rng.random()).build().unwrap();
        let h = MinHasher::new(cfg);
        let est = h.sign(&a).jaccard(&h.sign(&b));
        let e = est - exact;
        sum_e += e;
        sum_z2 += e * e / (exact * (1.0 - exact) / k as f64);
        n += 1;
    }
    ErrorStats { mean_error: sum_e / n as f64, normalised_mse: sum_z2 / n as f64, pairs: n }
}

#[test]
fn minhash_estimates_are_unbiased_with_the_textbook_variance() {
    // Large, medium and small sets (small ones leave most one-permutation bins empty).
    let sizes = [2000, 400, 150, 60, 20];
    for algorithm in [Algorithm::Classic, Algorithm::OnePermutation] {
        for k in [64, 128, 256] {
            let s = error_stats(algorithm, k, &sizes, 42 + k as u64);
            // Mean error: within 4 standard errors of 0. The per-pair standard deviation is at most
            // sqrt(0.25 / k); the mean of n independent errors has sd at most that / sqrt(n).
            let bound = 4.0 * (0.25 / k as f64).sqrt() / (s.pairs as f64).sqrt();
            assert!(s.mean_error.abs() < bound, "{algorithm:?} k={k}: mean error {} > {bound}", s.mean_error);
            // Variance: the mean normalised squared error of the classic estimator is 1 (its
            // standard error over 600 pairs is about 0.06); allow 1.25.
            assert!(s.normalised_mse < 1.25, "{algorithm:?} k={k}: normalised MSE {}", s.normalised_mse);
            eprintln!("{algorithm:?} k={k}: mean error {:+.5}, normalised MSE {:.3}", s.mean_error, s.normalised_mse);
        }
    }
}

#[test]
fn one_permutation_is_as_accurate_as_classic() {
    // The fast scheme is the default only while this holds.
    for k in [64, 128] {
        let sizes = [1000, 200, 50];
        let classic = error_stats(Algorithm::Classic, k, &sizes, 7);
        let oph = error_stats(Algorithm::OnePermutation, k, &sizes, 7);
        assert!(
            oph.normalised_mse <= classic.normalised_mse * 1.15 + 0.05,
            "k={k}: OPH normalised MSE {} vs classic {}",
            oph.normalised_mse,
            classic.normalised_mse
        );
    }
}

#[test]
fn densified_signatures_of_tiny_sets_stay_consistent() {
    let h = MinHasher::new(MinHashConfig::builder().num_perm(256).seed(3).build().unwrap());
    // A 3-element set fills at most 3 bins; densification must copy the same way for both docs.
    assert_eq!(h.sign(&[10, 20, 30]).jaccard(&h.sign(&[30, 20, 10])), 1.0);
    let est = h.sign(&[10, 20, 30]).jaccard(&h.sign(&[10, 20, 31]));
    assert!(est > 0.0 && est < 1.0);
}

/// Documents: clusters of sets derived from a base by replacing a random fraction of elements.
fn corpus(rng: &mut ChaCha8Rng, clusters: usize) -> Vec<Vec<u64>> {
    let mut docs = Vec::new();
    for _ in 0..clusters {
        let size = rng.random_range(30..300);
        let base: Vec<u64> = (0..size).map(|_| rng.random()).collect();
        docs.push(base.clone());
        for _ in 0..rng.random_range(0..4) {
            let keep = rng.random_range(0.3..1.0);
            let d: Vec<u64> = base.iter().map(|&x| if rng.random_bool(keep) { x } else { rng.random() }).collect();
            docs.push(d);
        }
    }
    docs
}

#[test]
fn lsh_candidates_match_brute_force_banding() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let docs = corpus(&mut rng, 150);
    let h = MinHasher::new(MinHashConfig::builder().num_perm(128).seed(5).build().unwrap());
    let m = h.sign_batch(docs.iter().map(|d| d.as_slice()));
    let params = LshParams::new(16, 8, 128).unwrap();
    let mut records = lsh::band_records(&m, &params, 0);
    let edges = lsh::candidate_edges(&mut records);
    #[cfg(feature = "parallel")]
    {
        let mut r2 = lsh::par_band_records(&m, &params, 0);
        assert_eq!(lsh::par_candidate_edges(&mut r2), edges);
        assert_eq!(lsh::par_band_edges(&m, &params), edges);
    }
    // The in-process form (one bucket table per band) gives the same edges.
    assert_eq!(lsh::band_edges(&m, &params), edges);
    // Brute force: pairs that agree on all rows of some band.
    let n = docs.len();
    let collide = |i: usize, j: usize| m.row(i).chunks(8).zip(m.row(j).chunks(8)).take(16).any(|(x, y)| x == y);
    let mut brute = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            if collide(i, j) {
                brute.push((i, j));
            }
        }
    }
    // Every candidate edge is a colliding pair...
    for e in &edges {
        assert!(collide(e.a.index(), e.b.index()), "edge {e:?} shares no band");
    }
    // ...and every colliding pair is an edge (these buckets are all small enough to give every
    // pair), so every colliding pair is also connected.
    let set: std::collections::HashSet<(usize, usize)> = edges.iter().map(|e| (e.a.index(), e.b.index())).collect();
    let c = Clustering::from_edges(n, &edges, Representative::First, &[]);
    for &(i, j) in &brute {
        assert!(set.contains(&(i, j)), "colliding pair ({i}, {j}) is not a candidate");
        assert_eq!(c.clusters()[i], c.clusters()[j], "colliding pair ({i}, {j}) not connected");
    }
    assert_eq!(edges.len(), brute.len());
    assert!(!brute.is_empty() && records.len() > edges.len());
}

#[test]
fn lsh_recall_follows_the_s_curve() {
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    let docs = corpus(&mut rng, 400);
    let sets: Vec<ShingleSet> = docs.iter().map(|d| ShingleSet::from_hashes(d.clone())).collect();
    let threshold = 0.5;
    let params = LshParams::optimal(threshold, 128, 0.5, 0.5).unwrap();
    let h = MinHasher::new(MinHashConfig::builder().num_perm(128).seed(9).build().unwrap());
    let m = h.sign_batch(docs.iter().map(|d| d.as_slice()));
    let edges: std::collections::HashSet<Edge> =
        lsh::candidate_edges(&mut lsh::band_records(&m, &params, 0)).into_iter().collect();
    let c = Clustering::from_edges(docs.len(), &edges.iter().copied().collect::<Vec<_>>(), Representative::First, &[]);
    let (mut expected, mut found, mut total) = (0.0, 0usize, 0usize);
    for i in 0..docs.len() {
        for j in i + 1..docs.len() {
            let jac = sets[i].jaccard(&sets[j]);
            if jac >= threshold {
                total += 1;
                expected += params.probability(jac);
                if c.clusters()[i] == c.clusters()[j] {
                    found += 1;
                }
            }
        }
    }
    assert!(total > 100, "too few similar pairs ({total}) for a meaningful test");
    // Recall is at least the S-curve's expectation (minus 4 sd of a binomial); union-find can only
    // add connections.
    let sd = (expected * (1.0 - expected / total as f64)).sqrt();
    assert!(found as f64 >= expected - 4.0 * sd - 1.0, "found {found} of {total}, S-curve expects {expected:.1}");
    eprintln!("LSH recall on exact J >= {threshold}: {found}/{total} (S-curve expects {expected:.1})");
}
