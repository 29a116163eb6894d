//! The exact all-pairs oracle on realistic text: the generator's syndicated-news corpus shingled
//! by the pipeline's own shingler, checked against a nested loop, and the pipeline with exact
//! verification checked against the oracle.

use std::collections::HashSet;

use neardupe::oracle::{ExactPair, components, exact_pairs};
use neardupe::{Config, Deduper, ShingleSet, Similarity, Verify};
use neardupe_synth::{self as synth, SynthConfig, Tier};

fn corpus(stories: usize, seed: u64) -> Vec<(String, String)> {
    let config = SynthConfig::builder().stories(stories).seed(seed).tiers(Tier::all()).build().expect("valid config");
    synth::generate(&config).into_iter().map(|d| (d.id, d.text)).collect()
}

/// Every pair sharing a shingle, with its Jaccard and containment, by a nested loop over
/// `ShingleSet`'s own measures.
fn all_pairs(sets: &[ShingleSet]) -> Vec<(u32, u32, f64, f64)> {
    let mut out = Vec::new();
    for a in 0..sets.len() {
        for b in a + 1..sets.len() {
            if sets[a].intersection_len(&sets[b]) > 0 {
                out.push((a as u32, b as u32, sets[a].jaccard(&sets[b]), sets[a].containment(&sets[b])));
            }
        }
    }
    out
}

fn naive(all: &[(u32, u32, f64, f64)], min_jaccard: f64, min_containment: f64) -> Vec<(u32, u32, f64, f64)> {
    all.iter().copied().filter(|&(_, _, j, c)| j >= min_jaccard - 1e-12 || c >= min_containment - 1e-12).collect()
}

fn tuples(pairs: &[ExactPair]) -> Vec<(u32, u32, f64, f64)> {
    pairs.iter().map(|p| (p.a, p.b, p.jaccard, p.containment)).collect()
}

#[test]
fn synthetic_news_pairs_match_the_nested_loop() {
    let docs = corpus(30, 3);
    for config in [
        Config::builder().build().expect("defaults"),
        Config::builder().word_ngrams(3).build().expect("valid"),
        Config::builder().char_ngrams(5).nfkc(true).build().expect("valid"),
    ] {
        let deduper = Deduper::new(config);
        let sets: Vec<ShingleSet> = docs.iter().map(|(_, text)| deduper.shingle_set(text)).collect();
        let all = all_pairs(&sets);
        for (j, c) in [(0.4, 1.1), (1.1, 0.5), (0.05, 0.7)] {
            let want = naive(&all, j, c);
            let got = exact_pairs(&sets, j, c);
            assert_eq!(tuples(&got), want, "{:?} at J {j} containment {c}", deduper.config().shingle());
            #[cfg(feature = "parallel")]
            assert_eq!(neardupe::oracle::par_exact_pairs(&sets, j, c), got);
        }
    }
}

/// With exact verification the pipeline links only pairs at or above the threshold, on either
/// measure, so every verified edge is an oracle pair and every cluster lies within one oracle
/// component. (Boilerplate learning is off: the oracle's sets here are unfiltered.)
#[test]
fn exact_verification_links_only_oracle_pairs() {
    let docs = corpus(150, 8);
    for (similarity, t) in [
        (Similarity::Jaccard, 0.3),
        (Similarity::Jaccard, 0.6),
        (Similarity::Containment, 0.5),
        (Similarity::Containment, 0.8),
    ] {
        let config = Config::builder().similarity(similarity).threshold(t).verify(Verify::Exact).boilerplate(None);
        let mut deduper = Deduper::new(config.build().expect("valid"));
        let out = deduper.cluster(&docs).expect("in-memory run");
        let sets: Vec<ShingleSet> = docs.iter().map(|(_, text)| deduper.shingle_set(text)).collect();
        let pairs = match similarity {
            Similarity::Jaccard => exact_pairs(&sets, t, 1.1),
            Similarity::Containment => exact_pairs(&sets, 1.1, t),
        };
        let listed: HashSet<(u32, u32)> = pairs.iter().map(|p| (p.a, p.b)).collect();
        for e in &out.edges {
            assert!(listed.contains(&(e.a.0, e.b.0)), "edge {e:?} at {similarity:?} {t} is not an oracle pair");
        }
        let comp = components(docs.len(), &pairs);
        for i in 0..docs.len() {
            for k in i + 1..docs.len() {
                if out.clustering.clusters()[i] == out.clustering.clusters()[k] {
                    assert_eq!(comp[i], comp[k], "{} and {} at {similarity:?} {t}", docs[i].0, docs[k].0);
                }
            }
        }
        assert!(!pairs.is_empty() && !out.edges.is_empty(), "{similarity:?} {t}: nothing to compare");
    }
}
