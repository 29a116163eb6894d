//! Fuzzes the parallel (`par_*`, rayon) stage functions against their sequential twins. Byte 0
//! picks a configuration (word or character shingles and their size, the similarity, the rows per
//! band of a second, loose banding), the rest is a batch of documents separated by `\0` (lossy
//! UTF-8). Checks, each parallel result equal to the sequential one:
//!
//! - signing: `MinHasher::par_sign_batch` = `sign_batch`, `Sketcher::par_sketch_batch` =
//!   `sketch_batch`, and both agree with each other;
//! - banding, with the configuration's LSH parameters and with loose ones (1 or 2 rows a band, so
//!   that most pairs are candidates): `lsh::par_band_records` = `band_records`,
//!   `par_candidate_edges` = `candidate_edges` (sorted, unique, `a < b`), `par_band_edges` =
//!   `band_edges` = the records' edges;
//! - verification: `verify::par_verify_estimated` = `verify_estimated`, `par_verify_exact` =
//!   `verify_exact`, each a subsequence of the candidates;
//! - the exact oracle: `oracle::par_exact_pairs` = `exact_pairs`, and `par_exact_pairs_each`
//!   hands on the same pairs in the same order.

#![no_main]

use libfuzzer_sys::fuzz_target;
use neardupe::lsh::{self, LshParams};
use neardupe::verify::{self, ExactSets};
use neardupe::{Config, Deduper, Edge, MinHasher, ShingleSet, Similarity, oracle};

const NUM_PERM: usize = 16;

fn deduper(selector: u8) -> Deduper {
    let n = 1 + usize::from(selector & 3);
    let mut b = Config::builder().num_perm(NUM_PERM).threshold([0.3, 0.5, 0.8][usize::from(selector >> 4) % 3]);
    b = if selector & 4 == 0 { b.word_ngrams(n) } else { b.char_ngrams(n + 2) };
    if selector & 8 != 0 {
        b = b.similarity(Similarity::Jaccard);
    }
    // A configuration the builder refuses is not this target's concern: fall back to one it takes.
    let config = b.build().unwrap_or_else(|_| Config::builder().num_perm(NUM_PERM).build().unwrap());
    Deduper::new(config)
}

fn assert_edges_sorted(edges: &[Edge], n: usize, what: &str) {
    for e in edges {
        assert!(e.a < e.b && e.b.index() < n, "{what}: edge {e:?} of {n} documents");
    }
    assert!(edges.windows(2).all(|w| w[0] < w[1]), "{what}: edges not sorted and unique");
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let texts: Vec<String> = rest.split(|&b| b == 0).map(|d| String::from_utf8_lossy(d).into_owned()).collect();
    let n = texts.len();
    let deduper = deduper(selector);
    let config = deduper.config().clone();

    // Signing.
    let mut shingler = deduper.shingler();
    let shingles: Vec<Vec<u64>> = texts.iter().map(|t| shingler.shingles(t).collect()).collect();
    let hasher = MinHasher::new(*config.minhash());
    let signed = hasher.sign_batch(shingles.iter().map(Vec::as_slice));
    assert_eq!(hasher.par_sign_batch(&shingles), signed, "par_sign_batch");
    let sketcher = deduper.sketcher();
    let sketched = sketcher.clone().sketch_batch(texts.iter().map(String::as_str));
    assert_eq!(sketcher.par_sketch_batch(&texts), sketched, "par_sketch_batch");
    assert_eq!(sketched.len(), n);

    // Banding, with the configuration's parameters and with loose ones.
    let rows = 1 + usize::from(selector >> 7);
    let loose = LshParams::new(NUM_PERM / rows, rows, NUM_PERM).unwrap();
    let mut all_candidates = Vec::new();
    for params in [*config.lsh(), loose] {
        for first_id in [0, 7] {
            let records = lsh::band_records(&sketched, &params, first_id);
            assert_eq!(lsh::par_band_records(&sketched, &params, first_id), records, "par_band_records");
        }
        let mut records = lsh::band_records(&sketched, &params, 0);
        let mut par_records = records.clone();
        let candidates = lsh::candidate_edges(&mut records);
        assert_eq!(lsh::par_candidate_edges(&mut par_records), candidates, "par_candidate_edges");
        assert_edges_sorted(&candidates, n, "candidate_edges");
        let banded = lsh::band_edges(&sketched, &params);
        assert_eq!(banded, candidates, "band_edges and candidate_edges");
        assert_eq!(lsh::par_band_edges(&sketched, &params), banded, "par_band_edges");
        all_candidates = candidates;
    }

    // Verification, of the loose banding's candidates (the most).
    let criterion = config.criterion();
    let estimated = verify::verify_estimated(&all_candidates, &sketched, &criterion);
    assert_eq!(verify::par_verify_estimated(&all_candidates, &sketched, &criterion), estimated, "par_verify_estimated");
    let docs = verify::edge_documents(&all_candidates);
    let sets: Vec<ShingleSet> = docs.iter().map(|d| shingler.shingle_set(&texts[d.index()])).collect();
    let exact_sets = ExactSets::new(docs, sets);
    let exact = verify::verify_exact(&all_candidates, &exact_sets, &criterion);
    assert_eq!(verify::par_verify_exact(&all_candidates, &exact_sets, &criterion), exact, "par_verify_exact");
    for verified in [&estimated, &exact] {
        let mut it = all_candidates.iter();
        assert!(verified.iter().all(|e| it.any(|c| c == e)), "verified edges are not a subsequence of the candidates");
    }

    // The exact oracle.
    let sets: Vec<ShingleSet> = texts.iter().map(|t| shingler.shingle_set(t)).collect();
    let (jaccard, containment) = match config.criterion().similarity() {
        Similarity::Jaccard => (config.threshold(), 1.1),
        _ => (1.1, config.threshold()),
    };
    let pairs = oracle::exact_pairs(&sets, jaccard, containment);
    assert_eq!(oracle::par_exact_pairs(&sets, jaccard, containment), pairs, "par_exact_pairs");
    let mut streamed = Vec::new();
    oracle::par_exact_pairs_each(&sets, jaccard, containment, |p| {
        streamed.extend_from_slice(p);
        Ok::<(), ()>(())
    })
    .unwrap();
    assert_eq!(streamed, pairs, "par_exact_pairs_each");
});
