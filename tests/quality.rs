//! Result-quality features checked against simple oracles: the containment estimate against exact
//! containment, the chaining guard against an explicit bridge, boilerplate learning against the
//! generator's outlet boilerplate, and the default pipeline on every hard synthetic tier.

use std::collections::HashMap;

use neardupe::boilerplate::BoilerplateConfig;
use neardupe::{Config, Criterion, Deduper, Guard, MinHashConfig, MinHasher, ShingleSet, Similarity, Verify};
use neardupe_synth::{self as synth, DocKind, SynthConfig, Tier, eval};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Estimated containment agrees with exact containment within its statistical bound: the
/// estimate is a function of the Jaccard estimate, so its standard error is the Jaccard one
/// times the slope dC/dJ = (a + b) / (m (1 + J)^2).
#[test]
fn containment_estimate_is_within_its_bound_of_exact_containment() {
    let mut rng = ChaCha8Rng::seed_from_u64(21);
    let k = 256;
    let hasher = MinHasher::new(MinHashConfig::builder().num_perm(k).seed(3).build().unwrap());
    let criterion = Criterion::new(Similarity::Containment, 0.5, 1);
    let (mut outside, trials) = (0, 400);
    for _ in 0..trials {
        // A small set partly inside a large one, size ratio 0.1..1.
        let big: Vec<u64> = (0..rng.random_range(100..2000)).map(|_| rng.random()).collect();
        let small_len = rng.random_range(big.len() / 10..=big.len()).max(20);
        let inside = rng.random_range(0..=small_len);
        let mut small: Vec<u64> = big[..inside.min(big.len())].to_vec();
        small.extend((small.len()..small_len).map(|_| rng.random::<u64>()));
        let (a, b) = (ShingleSet::from_hashes(small.clone()), ShingleSet::from_hashes(big.clone()));
        let (sa, sb) = (hasher.sign(&small), hasher.sign(&big));
        let agree = sa.as_slice().iter().zip(sb.as_slice()).filter(|(x, y)| x == y).count();
        let j_hat = agree as f64 / k as f64;
        let (na, nb) = (a.len() as u32, b.len() as u32);
        let c_hat = criterion.from_jaccard(j_hat, na, nb);
        let (j, c) = (a.jaccard(&b), a.containment(&b));
        let slope = f64::from(na + nb) / (f64::from(na.min(nb)) * (1.0 + j).powi(2));
        let se = slope * (j * (1.0 - j) / k as f64).sqrt();
        if (c_hat - c).abs() > 4.0 * se + 2.0 / k as f64 {
            outside += 1;
        }
    }
    assert!(outside * 100 <= trials, "{outside} of {trials} estimates outside 4 standard errors");
}

fn words(seed: u64, n: usize) -> Vec<String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(|_| format!("w{}", rng.random_range(0..1_000_000u32))).collect()
}

/// A short excerpt contained in two different long stories bridges them under single linkage;
/// the representative guard keeps them apart, and reports the refusal.
#[test]
fn the_chaining_guard_refuses_a_bridge() {
    let story_a = words(1, 400);
    let excerpt: Vec<String> = story_a[..80].to_vec();
    let mut story_f = excerpt.clone();
    story_f.extend(words(2, 320)); // another story that quotes the excerpt
    let docs = [("a", story_a.join(" ")), ("excerpt", excerpt.join(" ")), ("f", story_f.join(" "))];
    let run = |guard| {
        let mut d = Deduper::new(Config::builder().guard(guard).boilerplate(None).build().unwrap());
        d.cluster(&docs).unwrap()
    };
    let single = run(Guard::None);
    assert_eq!(single.clustering.num_clusters(), 1, "the bridge links all three without a guard");
    let guarded = run(Guard::Representative);
    let c = &guarded.clustering;
    assert_eq!(c.num_clusters(), 2);
    assert_ne!(c.clusters()[0], c.clusters()[2], "the two stories must stay apart");
    assert!(c.clusters()[1] == c.clusters()[0] || c.clusters()[1] == c.clusters()[2]);
    assert_eq!(guarded.stats.guard_refusals, 1);
    // Under single linkage the cluster is flagged as loose: a member is far from its representative.
    assert_eq!(single.stats.suspicious_clusters, 1);
    assert!(single.stats.largest_clusters[0].loose);
    assert_eq!(guarded.stats.suspicious_clusters, 0);
}

/// Issue 16: documents that each change 3 words of the previous one (a drifting chain) formed
/// guarded clusters of 51 in which 42.7% of pairs had containment below 0.6, some 0.054: the
/// guard compared only the two cores of each merge. Now every member must stay similar to its
/// cluster's core, so the drift within a cluster is bounded (by the threshold, less the guard's
/// allowance for the estimate's error).
#[test]
fn the_guard_bounds_the_drift_within_a_cluster() {
    let mut rng = ChaCha8Rng::seed_from_u64(16);
    let mut doc = words(3, 200);
    let docs: Vec<(String, String)> = (0..1500)
        .map(|i| {
            for _ in 0..3 {
                let at = rng.random_range(0..doc.len());
                doc[at] = format!("w{}", rng.random_range(0..1_000_000u32));
            }
            (i.to_string(), doc.join(" "))
        })
        .collect();
    let run = |guard| {
        let mut d = Deduper::new(Config::builder().guard(guard).boilerplate(None).build().unwrap());
        d.cluster(&docs).unwrap()
    };
    assert_eq!(run(Guard::None).clustering.num_clusters(), 1, "single linkage follows the chain to its end");
    let guarded = run(Guard::Representative);
    let words_of: Vec<Vec<&str>> = docs.iter().map(|(_, t)| t.split(' ').collect()).collect();
    let sets: Vec<std::collections::HashSet<&[&str]>> = words_of.iter().map(|w| w.windows(5).collect()).collect();
    let containment =
        |a: usize, b: usize| sets[a].intersection(&sets[b]).count() as f64 / sets[a].len().min(sets[b].len()) as f64;
    let (mut worst, mut pairs, mut below) = (1.0f64, 0usize, 0usize);
    let groups = guarded.clustering.groups();
    for members in &groups {
        let members: Vec<usize> = members.iter().map(|d| d.index()).collect();
        let core = *members.iter().max_by_key(|&&d| (sets[d].len(), std::cmp::Reverse(d))).unwrap();
        for (i, &a) in members.iter().enumerate() {
            worst = worst.min(containment(a, core));
            for &b in &members[i + 1..] {
                pairs += 1;
                below += usize::from(containment(a, b) < 0.6);
            }
        }
    }
    let largest = groups.iter().map(Vec::len).max().unwrap();
    assert!(largest <= 40, "largest guarded cluster: {largest}");
    // Each member is similar to its core within the guard's allowance for the estimate's error
    // (3 standard errors: about 0.46 in containment here, less a little estimate noise).
    assert!(worst >= 0.3, "a member's containment with its core: {worst:.3}");
    assert!(below * 5 <= pairs, "{below} of {pairs} pairs in a cluster below 0.6");
    assert!(guarded.stats.guard_refusals > 0);
}

/// Without a window or guard, guarded union-find is plain union-find.
#[test]
fn guarded_union_without_constraints_is_union_find() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for _ in 0..50 {
        let n = rng.random_range(1..80u32);
        let edges: Vec<(u32, u32)> =
            (0..rng.random_range(0..120)).map(|_| (rng.random_range(0..n), rng.random_range(0..n))).collect();
        let mut plain = neardupe::UnionFind::new(n as usize);
        let mut guarded = neardupe::cluster::GuardedUnion::new(n as usize, None);
        for &(x, y) in &edges {
            plain.union(x, y);
            assert!(guarded.link(x, y, None, u64::from, |_, _| true));
        }
        let mut g = guarded.into_union_find();
        for x in 0..n {
            for y in 0..n {
                assert_eq!(plain.find(x) == plain.find(y), g.find(x) == g.find(y));
            }
        }
    }
}

/// A window keeps a cluster's date span within the window.
#[test]
fn the_window_bounds_a_clusters_date_span() {
    let mut g = neardupe::cluster::GuardedUnion::new(4, Some(&[0, 3, 6, 9]));
    let yes = |_: u32, _: u32| true;
    assert!(g.link(0, 1, Some(5), u64::from, yes));
    assert!(!g.link(1, 2, Some(5), u64::from, yes), "0..6 spans 6 days");
    assert!(g.link(2, 3, Some(5), u64::from, yes));
    assert_eq!(g.window_refusals, 1);
}

/// `(id, text)` or `(id, cluster label)` pairs.
type Pairs = Vec<(String, String)>;

fn synth_corpus(stories: usize, seed: u64, tiers: Vec<Tier>) -> (Pairs, Pairs) {
    let config = SynthConfig::builder().stories(stories).seed(seed).tiers(tiers).build().unwrap();
    let docs = synth::generate(&config);
    let truth = docs.iter().map(|d| (d.id.clone(), d.cluster.to_string())).collect();
    (docs.iter().map(|d| (d.id.clone(), d.text.clone())).collect(), truth)
}

/// Outlet boilerplate stamped on every document of an outlet is learnt and left out: unrelated
/// stories of one outlet no longer look alike, and copies look more like their originals.
#[test]
fn boilerplate_is_learnt_from_the_corpus() {
    let (docs, truth) = synth_corpus(400, 3, vec![Tier::Light, Tier::Truncated, Tier::SharedBoilerplate]);
    let mut on = Deduper::new(Config::builder().build().unwrap());
    let out = on.cluster(&docs).unwrap();
    let filter = out.filter.clone().expect("a filter was learnt");
    assert!(out.stats.boilerplate_shingles > 20, "{}", out.stats.boilerplate_shingles);
    assert_eq!(out.stats.boilerplate_shingles, filter.len() as u64);
    // An outlet footer line is boilerplate: its shingles are all in the filter.
    let footer = docs.iter().find_map(|(_, t)| t.lines().find(|l| l.starts_with("Editor-in-chief:"))).unwrap();
    let raw = neardupe::Shingler::default().shingle_set(footer);
    assert!(raw.as_slice().iter().all(|&h| filter.contains(h)), "{footer:?} is not boilerplate");
    // A story's own text is not.
    let own = on.shingler().shingle_set(&docs[0].1);
    assert!(!own.is_empty());
    let pred: HashMap<String, String> =
        out.ids.iter().enumerate().map(|(i, id)| (id.clone(), out.clustering.clusters()[i].to_string())).collect();
    let report = eval::score(&truth, &pred);
    assert!(report.precision >= 0.995 && report.recall >= 0.99, "{report:?}");
    // The filter can be switched off, and then nothing is left out.
    let off = Deduper::new(Config::builder().boilerplate(None).build().unwrap()).cluster(&docs).unwrap();
    assert_eq!(off.stats.boilerplate_shingles, 0);
    assert!(off.filter.is_none());
    let cut = BoilerplateConfig::builder().max_df(0.5).build().unwrap();
    let rare = Deduper::new(Config::builder().boilerplate(Some(cut)).build().unwrap()).cluster(&docs).unwrap();
    assert!(rare.stats.boilerplate_shingles < out.stats.boilerplate_shingles);
}

/// The default pipeline on every hard tier: each copy lands with its original, distractors and
/// follow-ups stay apart.
#[test]
fn defaults_put_every_tier_with_its_original() {
    let config = SynthConfig::builder().stories(300).seed(17).tiers(Tier::all()).build().unwrap();
    let docs = synth::generate(&config);
    let pairs: Vec<(String, String)> = docs.iter().map(|d| (d.id.clone(), d.text.clone())).collect();
    let out = Deduper::new(Config::builder().build().unwrap()).cluster(&pairs).unwrap();
    let cluster_of: HashMap<&str, u32> =
        out.ids.iter().enumerate().map(|(i, id)| (id.as_str(), out.clustering.clusters()[i])).collect();
    let original: HashMap<u32, &str> =
        docs.iter().filter(|d| d.kind == DocKind::Original).map(|d| (d.cluster, d.id.as_str())).collect();
    let mut per_tier: HashMap<Tier, (usize, usize)> = HashMap::new();
    for d in docs.iter().filter(|d| d.kind == DocKind::Copy) {
        let e = per_tier.entry(d.tier.unwrap()).or_default();
        e.1 += 1;
        if cluster_of[d.id.as_str()] == cluster_of[original[&d.cluster]] {
            e.0 += 1;
        }
    }
    for (tier, (found, total)) in &per_tier {
        assert!(*found as f64 >= 0.97 * *total as f64, "{tier}: {found}/{total} copies with their original");
    }
    let truth: Vec<(String, String)> = docs.iter().map(|d| (d.id.clone(), d.cluster.to_string())).collect();
    let pred: HashMap<String, String> = cluster_of.iter().map(|(id, c)| (id.to_string(), c.to_string())).collect();
    let report = eval::score(&truth, &pred);
    assert!(report.precision >= 0.99 && report.ari >= 0.98, "{report:?}");
    // Jaccard alone at the same threshold misses the heavy truncations.
    let jaccard = Config::builder().similarity(Similarity::Jaccard).verify(Verify::Hybrid).build().unwrap();
    let j = Deduper::new(jaccard).cluster(&pairs).unwrap();
    assert!(j.stats.duplicates < out.stats.duplicates);
}
