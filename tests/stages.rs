//! The stage claim: composing only the public stage functions, in order, gives exactly the
//! clusters of [`Deduper::run`]. This is what the Python binding and a Spark or Ray job do: each
//! step below is a batch-shaped function that could run inside a map or after a shuffle.
//!
//! 1. input: [`Corpus::open`] and [`DocumentSource::document`];
//! 2. boilerplate: [`Deduper::learn_boilerplate`] (a sample of the corpus → a filter);
//! 3. signatures: [`Sketcher::sketch_batch`] with that filter;
//! 4. banding: [`lsh::band_records`] → [`lsh::candidate_edges`] (the record form a shuffle sorts);
//! 5. verification: [`verify::verify_candidates`], exact checks from [`Shingler::shingle_set`];
//! 6. linking: [`link::link`].

use std::sync::Arc;

use neardupe::link::{self, Linked};
use neardupe::lsh;
use neardupe::verify::{self, ExactSets};
use neardupe::{
    Clustering, Config, Corpus, CorpusConfig, DocId, Document, DocumentSource, Guard, Result, SignatureMatrix,
    Similarity,
};
use neardupe_synth::{self as synth, SynthConfig, Tier};

/// The clusters of the public stages, one after the other, over `source`.
fn staged<S: DocumentSource + ?Sized>(config: &Config, source: &S) -> Result<Clustering> {
    // Stage 1: documents (each record read once for signing).
    let docs: Vec<Document<'_>> = (0..source.len()).map(|i| source.document(i)).collect::<Result<_>>()?;

    // Stage 2: boilerplate learnt from a sample, as a filter every later stage uses.
    let bare = neardupe::Deduper::new(config.clone());
    let filter = match config.boilerplate() {
        Some(bp) => Some(Arc::new(bare.learn_boilerplate(source, bp)?.0)),
        None => None,
    };
    let deduper = bare.with_filter(filter);

    // Stage 3: signatures and set sizes, batch-shaped.
    let mut sketcher = deduper.sketcher();
    let signatures: SignatureMatrix = sketcher.sketch_batch(docs.iter().map(|d| d.text.as_ref()));

    // Stage 4: band records, sorted into candidate edges by the bucket rule.
    let mut records = lsh::band_records(&signatures, config.lsh(), 0);
    let candidates = lsh::candidate_edges(&mut records);

    // Stage 5: verification; borderline pairs are checked on their exact shingle sets.
    let mut shingler = deduper.shingler();
    let exact_sets = |ids: Vec<DocId>| -> Result<ExactSets> {
        let sets = ids.iter().map(|d| shingler.shingle_set(&docs[d.index()].text)).collect();
        Ok(ExactSets::new(ids, sets))
    };
    let verified =
        verify::verify_candidates(config.verify(), &candidates, &signatures, &config.criterion(), exact_sets)?;

    // Stage 6: linking, with the chaining guard and window of the configuration.
    let days: Option<Vec<i32>> = config.window().map(|_| docs.iter().map(|d| d.day.unwrap_or(0)).collect());
    let lengths: Vec<u64> = docs.iter().map(|d| d.text.len() as u64).collect();
    let Linked { clustering, .. } = link::link(config, &verified.edges, &signatures, days.as_deref(), &lengths);
    Ok(clustering)
}

fn configs() -> Vec<(&'static str, Config)> {
    vec![
        ("defaults", Config::builder().build().unwrap()),
        (
            "jaccard 0.8, no guard",
            Config::builder().similarity(Similarity::Jaccard).threshold(0.8).guard(Guard::None).build().unwrap(),
        ),
    ]
}

fn assert_same(name: &str, corpus: &str, config: &Config, source: &(impl DocumentSource + ?Sized)) {
    let staged = staged(config, source).unwrap();
    let run = neardupe::Deduper::new(config.clone()).run(source).unwrap();
    assert_eq!(staged.len(), source.len());
    assert_eq!(staged, run.clustering, "{corpus}, {name}: the composed stages differ from Deduper::run");
    assert!(run.stats.verified_edges > 0, "{corpus}, {name}: the run links something");
    assert!(run.clustering.num_multi_clusters() > 5, "{corpus}, {name}: there are clusters to compare");
}

#[test]
fn stages_equal_the_run_on_the_bundled_sample() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/news-sample.jsonl");
    let corpus = Corpus::open(&[path], CorpusConfig::default()).unwrap();
    for (name, config) in configs() {
        assert_same(name, "news-sample", &config, &corpus);
    }
}

#[test]
fn stages_equal_the_run_on_a_synthetic_corpus_with_boilerplate() {
    let config = SynthConfig::builder().stories(150).seed(23).tiers(Tier::all()).build().unwrap();
    let docs: Vec<(String, String)> = synth::generate(&config).into_iter().map(|d| (d.id, d.text)).collect();
    assert!(docs.len() > 400);
    for (name, config) in configs() {
        // The corpus has outlet boilerplate: the default configuration learns a filter from it.
        if config.boilerplate().is_some() {
            let mut deduper = neardupe::Deduper::new(config.clone());
            let out = deduper.run(&docs[..]).unwrap();
            assert!(out.stats.boilerplate_shingles > 0, "boilerplate is learnt");
        }
        assert_same(name, "synthetic", &config, &docs[..]);
    }
}

#[test]
fn the_learnt_filter_stays_with_the_deduper() {
    let config = SynthConfig::builder().stories(60).seed(3).tiers(Tier::all()).build().unwrap();
    let docs: Vec<(String, String)> = synth::generate(&config).into_iter().map(|d| (d.id, d.text)).collect();
    let mut deduper = neardupe::Deduper::new(Config::default());
    let out = deduper.cluster(&docs).unwrap();
    assert!(out.stats.boilerplate_shingles > 0);
    let mut sketcher = deduper.sketcher();
    let mut row = vec![0u32; deduper.config().minhash().num_perm()];
    for (i, (_, text)) in docs.iter().enumerate() {
        let set_size = sketcher.sketch_into(text, &mut row);
        assert_eq!(row, out.signatures.row(i), "document {i}: the deduper signs as the run did");
        assert_eq!(set_size, out.signatures.set_size(i));
    }
}
