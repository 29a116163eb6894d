//! The synthetic corpus generator: determinism, ground truth, tiers, JSONL output, and the
//! text-level properties the benchmarks rely on (copies are near-duplicates of their originals,
//! same-topic distractors are not).

use std::collections::{HashMap, HashSet};

use neardupe::{ShingleConfig, ShingleSet, Shingler};
use neardupe_synth::{self as synth, DocKind, SynthConfig, SynthDoc, Tier};

fn config(stories: usize, seed: u64, tiers: Vec<Tier>) -> SynthConfig {
    SynthConfig::builder().stories(stories).seed(seed).tiers(tiers).build().expect("valid config")
}

fn five_grams(text: &str) -> ShingleSet {
    let config = ShingleConfig::builder().words(5).build().expect("valid shingle config");
    Shingler::new(config).shingle_set(text)
}

fn quantile(values: &mut [f64], q: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    values[((values.len() - 1) as f64 * q).round() as usize]
}

/// The story number in an id: `s0042-c1` and `d0042` give 42.
fn story_of(id: &str) -> Option<usize> {
    let digits = id.strip_prefix('s').or_else(|| id.strip_prefix('d'))?;
    digits.split('-').next()?.parse().ok()
}

#[test]
fn same_seed_same_corpus_other_seed_other_corpus() {
    let a = synth::generate(&config(40, 9, Tier::all()));
    let b = synth::generate(&config(40, 9, Tier::all()));
    let c = synth::generate(&config(40, 10, Tier::all()));
    assert_eq!(a, b);
    assert_ne!(a, c);
    let (mut ja, mut jb) = (Vec::new(), Vec::new());
    synth::write_jsonl(&a, &mut ja, &mut jb).expect("write to memory");
    let (mut ka, mut kb) = (Vec::new(), Vec::new());
    synth::write_jsonl(&b, &mut ka, &mut kb).expect("write to memory");
    assert_eq!((ja, jb), (ka, kb), "byte-identical output");
}

#[test]
fn ids_are_unique_and_clusters_follow_the_stories() {
    let docs = synth::generate(&config(300, 4, Tier::all()));
    let ids: HashSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids.len(), docs.len(), "duplicate ids");

    let originals: HashMap<usize, &SynthDoc> = docs
        .iter()
        .filter(|d| d.kind == DocKind::Original)
        .map(|d| (story_of(&d.id).expect("story number"), d))
        .collect();
    assert_eq!(originals.len(), 300);
    let mut cluster_sizes: HashMap<u32, usize> = HashMap::new();
    for d in &docs {
        *cluster_sizes.entry(d.cluster).or_default() += 1;
        let story = story_of(&d.id).expect("story number");
        let original = originals[&story];
        match d.kind {
            DocKind::Original => assert_eq!(d.tier, None),
            DocKind::Copy => {
                assert_eq!(d.cluster, original.cluster, "{} is not in its original's cluster", d.id);
                assert!(d.date >= original.date, "{} predates its original", d.id);
                assert!(d.tier.is_some_and(|t| t != Tier::FollowUp && t != Tier::SharedBoilerplate));
            }
            DocKind::Distractor => {
                assert_ne!(d.cluster, original.cluster);
                assert!(matches!(d.tier, None | Some(Tier::FollowUp)));
            }
        }
        assert!(d.date.len() == 10 && (d.date.starts_with("2024-") || d.date.starts_with("2025-01-")), "{}", d.date);
    }
    for d in docs.iter().filter(|d| d.kind == DocKind::Distractor) {
        assert_eq!(cluster_sizes[&d.cluster], 1, "distractor {} shares its cluster", d.id);
    }
}

#[test]
fn every_requested_tier_occurs() {
    let docs = synth::generate(&config(400, 2, Tier::all()));
    let mut counts: HashMap<Tier, usize> = HashMap::new();
    for t in docs.iter().filter_map(|d| d.tier) {
        *counts.entry(t).or_default() += 1;
    }
    eprintln!("tier counts (all tiers, 400 stories): {counts:?}");
    for t in Tier::all().into_iter().filter(|t| *t != Tier::SharedBoilerplate) {
        assert!(counts.get(&t).copied().unwrap_or(0) > 0, "no {t} documents");
    }

    // Shared boilerplate: unrelated documents from one outlet share its fixed block.
    let with_block = docs.iter().filter(|d| d.text.contains("© 2024 The Valley Gazette. All rights reserved.")).count();
    let with_footer_line = docs.iter().filter(|d| d.text.contains("Editor-in-chief: Rajendra Thapa.")).count();
    assert!(with_footer_line > 5 && with_footer_line <= with_block);

    // Standard tiers only produce standard copies.
    let standard = synth::generate(&config(200, 2, Tier::standard()));
    let used: HashSet<Tier> = standard.iter().filter_map(|d| d.tier).collect();
    assert_eq!(used, Tier::standard().into_iter().collect());
    assert!(!standard.iter().any(|d| d.text.contains("Editor-in-chief: Rajendra Thapa.")));
}

#[test]
fn defaults_and_copy_rates() {
    let c = SynthConfig::default();
    assert_eq!((c.stories(), c.copies_per_story(), c.distractor_rate(), c.seed()), (200, 2.0, 0.3, 1));
    assert_eq!(c.tiers(), Tier::standard().as_slice());
    // 1,000 stories, so the averages are within a few standard errors of the settings.
    let docs = synth::generate(&SynthConfig::builder().stories(1_000).build().expect("valid config"));
    let count = |k: DocKind| docs.iter().filter(|d| d.kind == k).count() as f64;
    let copies = count(DocKind::Copy) / 1_000.0;
    let distractors = count(DocKind::Distractor) / 1_000.0;
    eprintln!("default settings, 1,000 stories: {copies:.2} copies and {distractors:.2} distractors per story");
    assert!((1.7..=2.3).contains(&copies), "{copies}");
    assert!((0.25..=0.35).contains(&distractors), "{distractors}");

    let none = synth::generate(
        &SynthConfig::builder().stories(50).copies_per_story(0.0).distractor_rate(0.0).build().expect("valid"),
    );
    assert!(none.iter().all(|d| d.kind == DocKind::Original) && none.len() == 50);
}

#[test]
fn generate_text_has_the_requested_size_and_unicode() {
    for bytes in [200, 1_000, 10_000, 100_000, 1_000_000] {
        let text = synth::generate_text(bytes, 7);
        let diff = (text.len() as f64 - bytes as f64).abs() / bytes as f64;
        assert!(diff <= 0.10, "{bytes}: got {} bytes", text.len());
        assert!(!text.is_ascii(), "{bytes}: no non-ASCII characters");
        if bytes >= 10_000 {
            assert!(text.contains("\n\n") && text.contains('’') && text.contains('—'));
        }
    }
    assert_eq!(synth::generate_text(5_000, 1), synth::generate_text(5_000, 1));
    assert_ne!(synth::generate_text(5_000, 1), synth::generate_text(5_000, 2));
    assert_eq!(synth::generate_text(0, 1), "");
}

#[test]
fn jsonl_has_the_documented_fields() {
    let docs = synth::generate(&config(30, 5, Tier::all()));
    let (mut corpus, mut truth) = (Vec::new(), Vec::new());
    synth::write_jsonl(&docs, &mut corpus, &mut truth).expect("write to memory");
    let corpus = String::from_utf8(corpus).expect("UTF-8");
    let truth = String::from_utf8(truth).expect("UTF-8");
    assert_eq!(corpus.lines().count(), docs.len());
    assert_eq!(truth.lines().count(), docs.len());
    for ((c, t), d) in corpus.lines().zip(truth.lines()).zip(&docs) {
        // Fields in the documented order.
        let order = |line: &str, keys: &[&str]| {
            let at: Vec<Option<usize>> = keys.iter().map(|k| line.find(&format!("\"{k}\":"))).collect();
            at.iter().all(Option::is_some) && at.windows(2).all(|w| w[0] < w[1])
        };
        assert!(c.starts_with("{\"id\":") && order(c, &["id", "date", "text"]), "{c}");
        assert!(order(t, &["id", "cluster", "kind", "tier"]), "{t}");
        let c: serde_json::Value = serde_json::from_str(c).expect("corpus JSON");
        let t: serde_json::Value = serde_json::from_str(t).expect("truth JSON");
        assert_eq!(c.as_object().map(|o| o.len()), Some(3));
        assert_eq!(t.as_object().map(|o| o.len()), Some(4));
        assert_eq!(c["text"], d.text.as_str());
        assert_eq!(t["id"], d.id.as_str());
        assert_eq!(t["cluster"], d.cluster);
        assert_eq!(t["kind"], d.kind.as_str());
        match d.tier {
            Some(tier) => assert_eq!(t["tier"], tier.as_str()),
            None => assert!(t["tier"].is_null()),
        }
    }
    assert!(truth.contains(r#""kind":"original","tier":null"#));
}

/// Exact word 5-gram Jaccard of every copy and distractor with its story's original, by kind
/// and tier.
fn similarity_to_originals(docs: &[SynthDoc]) -> (HashMap<Tier, Vec<f64>>, Vec<f64>, Vec<f64>) {
    let sets: HashMap<&str, ShingleSet> = docs.iter().map(|d| (d.id.as_str(), five_grams(&d.text))).collect();
    let originals: HashMap<usize, &str> = docs
        .iter()
        .filter(|d| d.kind == DocKind::Original)
        .filter_map(|d| Some((story_of(&d.id)?, d.id.as_str())))
        .collect();
    let (mut copies, mut distractors, mut follow_ups) = (HashMap::<Tier, Vec<f64>>::new(), Vec::new(), Vec::new());
    for d in docs {
        let Some(orig) = story_of(&d.id).and_then(|s| originals.get(&s)) else { continue };
        let j = sets[d.id.as_str()].jaccard(&sets[orig]);
        match (d.kind, d.tier) {
            (DocKind::Copy, Some(t)) => copies.entry(t).or_default().push(j),
            (DocKind::Distractor, None) => distractors.push(j),
            (DocKind::Distractor, Some(_)) => follow_ups.push(j),
            _ => {}
        }
    }
    (copies, distractors, follow_ups)
}

/// Light copies are near-duplicates of their originals and same-topic distractors are not, by
/// exact word 5-gram Jaccard through the crate's own shingler.
#[test]
fn copies_are_close_and_distractors_are_far() {
    let docs = synth::generate(&SynthConfig::builder().stories(600).build().expect("valid config"));
    let (mut copies, mut distractors, _) = similarity_to_originals(&docs);
    let light = copies.get_mut(&Tier::Light).expect("light copies");
    let (n, med, lo) = (light.len(), quantile(light, 0.5), quantile(light, 0.0));
    eprintln!("default corpus, 600 stories: Light copy vs original n={n} median {med:.3} min {lo:.3}");
    assert!(med > 0.6, "median Light copy Jaccard {med}");

    let n = distractors.len();
    let below = distractors.iter().filter(|&&j| j < 0.3).count();
    let (med, p95, max) =
        (quantile(&mut distractors, 0.5), quantile(&mut distractors, 0.95), quantile(&mut distractors, 1.0));
    eprintln!("distractor vs its original: n={n} median {med:.3} p95 {p95:.3} max {max:.3}; {below}/{n} below 0.3");
    assert!(n >= 100 && below * 100 >= n * 95, "{below}/{n} distractors below 0.3");
}

/// The similarity of each tier to its original, for the record (and a sanity order).
#[test]
fn tiers_grade_from_easy_to_hard() {
    let docs = synth::generate(&config(600, 1, Tier::all()));
    let (copies, _, mut follow_ups) = similarity_to_originals(&docs);
    let mut tiers: Vec<_> = copies.into_iter().collect();
    tiers.sort_by_key(|(t, _)| *t);
    let mut medians = HashMap::new();
    for (t, js) in &mut tiers {
        let n = js.len();
        let (lo, med, hi) = (quantile(js, 0.0), quantile(js, 0.5), quantile(js, 1.0));
        eprintln!("copy vs original, {:<16} n={n:<4} median {med:.3}  min {lo:.3}  max {hi:.3}", t.as_str());
        medians.insert(*t, med);
    }
    let (n, med, max) = (follow_ups.len(), quantile(&mut follow_ups, 0.5), quantile(&mut follow_ups, 1.0));
    eprintln!("follow-up vs its original: n={n} median {med:.3} max {max:.3}");
    assert!(medians[&Tier::Light] > medians[&Tier::Edited]);
    assert!(medians[&Tier::Edited] > medians[&Tier::Truncated]);
    assert!(medians[&Tier::Truncated] > medians[&Tier::HeavyTruncation]);
    assert!(max < 0.5, "a follow-up is too close to its original: {max}");
}

/// Issue 16: `synth` held the whole corpus in memory. It comes in blocks of `BLOCK_STORIES`
/// stories now: every story's documents (and their cluster) in one block, the blocks' union the
/// corpus `generate` returns, and the clusters numbered as one corpus.
#[test]
fn blocks_hold_whole_stories_and_make_the_corpus() {
    let config = config(synth::BLOCK_STORIES + 37, 3, Tier::standard());
    let blocks: Vec<Vec<SynthDoc>> = synth::generate_blocks(&config).collect();
    assert_eq!(blocks.len(), 2);
    let story_block: HashMap<usize, usize> = blocks
        .iter()
        .enumerate()
        .flat_map(|(b, docs)| docs.iter().map(move |d| (story_of(&d.id).expect("story id"), b)))
        .collect();
    for (b, docs) in blocks.iter().enumerate() {
        for d in docs {
            assert_eq!(story_block[&story_of(&d.id).unwrap()], b, "{} left its story's block", d.id);
        }
    }
    assert_eq!(story_block.values().filter(|&&b| b == 1).count(), 37);
    let all: Vec<SynthDoc> = blocks.into_iter().flatten().collect();
    let ids: HashSet<&str> = all.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids.len(), all.len(), "ids are unique across blocks");
    let clusters: HashSet<u32> = all.iter().map(|d| d.cluster).collect();
    let originals = all.iter().filter(|d| d.kind == DocKind::Original).count();
    let distractors = all.iter().filter(|d| d.kind == DocKind::Distractor).count();
    assert_eq!(clusters.len(), originals + distractors, "one cluster per story and per distractor");
    assert_eq!(synth::generate(&config), all);
}
