//! [`Deduper::open_and_run`] against its oracle, [`Corpus::open`] then [`Deduper::run`]: the same
//! output whether the boilerplate learnt from the first file holds, changes near its cut (some
//! documents signed again), or changes far from it (all signed again).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::boilerplate::BoilerplateConfig;
use crate::compression::{Compression, Encoder};
use crate::{Config, Corpus, CorpusConfig, Deduper, Output};

/// Pseudo-random words, the same for a seed.
struct Words(u64);

impl Words {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn text(&mut self, n: usize) -> String {
        (0..n).map(|_| format!("w{}", self.next() % 3000)).collect::<Vec<_>>().join(" ")
    }
}

const FOOTER_A: &str = "read more stories like this one on our website and follow us today";
const FOOTER_B: &str = "this report was filed by our correspondent in the capital last night";
const FOOTER_C: &str = "subscribe to the evening newsletter for the latest headlines every day";

/// Three gzipped JSONL files of 1,000 documents each (stories and their copies) at `dir`,
/// footer A in every fifth document, `b(i)` saying which documents carry footer B, `c(i)`
/// footer C; `bad` puts an invalid line into the first file.
fn corpus(dir: &Path, b: impl Fn(usize) -> bool, c: impl Fn(usize) -> bool, bad: bool) -> Vec<PathBuf> {
    let mut words = Words(0x9e37_79b9_7f4a_7c15);
    let mut stories: Vec<String> = Vec::new();
    let mut paths = Vec::new();
    for f in 0..3 {
        let mut lines = String::new();
        for j in 0..1000 {
            let i = f * 1000 + j;
            let mut text = if i % 4 == 3 && !stories.is_empty() {
                // A copy of an earlier story, with a new first sentence.
                let k = (words.next() % stories.len() as u64) as usize;
                format!("{} {}", words.text(6), stories[k])
            } else {
                let t = words.text(60);
                stories.push(t.clone());
                t
            };
            for (on, footer) in [(i % 5 == 0, FOOTER_A), (b(i), FOOTER_B), (c(i), FOOTER_C)] {
                if on {
                    text = format!("{text} {footer}");
                }
            }
            lines.push_str(&format!("{{\"id\": \"d{i}\", \"text\": \"{text}\"}}\n"));
            if bad && i == 500 {
                lines.push_str("{\"id\": \"broken\", \"text\": \n");
            }
        }
        let path = dir.join(format!("f{f}.jsonl.gz"));
        let mut e = Encoder::new(Vec::new(), Compression::Gzip).unwrap();
        e.write_all(lines.as_bytes()).unwrap();
        std::fs::write(&path, e.finish().unwrap()).unwrap();
        paths.push(path);
    }
    paths
}

fn config() -> Config {
    let bp = BoilerplateConfig::builder().sample(300).min_docs(2).build().unwrap();
    Config::builder().boilerplate(Some(bp)).build().unwrap()
}

/// What two runs must agree on.
fn summary(out: &Output) -> String {
    let s = &out.stats;
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        out.ids,
        out.records,
        out.clustering.groups(),
        out.edges,
        (out.signatures.values(), out.signatures.set_sizes()),
        out.filter.as_ref().map(|f| f.frequent().to_vec()),
        out.skipped.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
        (
            s.documents,
            s.candidates,
            s.verified_edges,
            s.clusters,
            s.duplicates,
            s.boilerplate_shingles,
            s.boilerplate_sample,
            s.skipped
        ),
    )
}

/// The run both ways; the stats of `open_and_run` (presigned, resigned).
fn both(paths: &[PathBuf], corpus_config: CorpusConfig) -> (u64, u64) {
    // Whole files, so that the first documents signed are exactly the first file's.
    let corpus_config = corpus_config.with_part_bytes(usize::MAX);
    let corpus = Corpus::open(paths, corpus_config.clone()).unwrap();
    let want = Deduper::new(config()).run(&corpus).unwrap();
    let mut deduper = Deduper::new(config());
    let (opened, got) = deduper.open_and_run(paths, corpus_config, None).unwrap();
    assert_eq!(opened.len(), corpus.len());
    assert_eq!(summary(&got), summary(&want));
    assert!(want.stats.duplicates > 500, "{}", want.stats.duplicates);
    // The deduper keeps the filter the run used, as `run` does.
    assert_eq!(deduper.filter().map(|f| f.frequent().to_vec()), want.filter.as_ref().map(|f| f.frequent().to_vec()));
    (got.stats.presigned, got.stats.resigned)
}

#[test]
fn boilerplate_that_holds_signs_once() {
    let dir = tempfile::tempdir().unwrap();
    let paths = corpus(dir.path(), |_| false, |_| false, false);
    assert_eq!(both(&paths, CorpusConfig::default()), (3000, 0));
}

#[test]
fn boilerplate_changed_near_its_cut_signs_the_documents_it_touches_again() {
    let dir = tempfile::tempdir().unwrap();
    // Footer B: 3% of the first file (10 of its 300 sampled documents, over the cut of 6), 1%
    // of the corpus (4 of the 300 sampled, under it).
    let paths = corpus(dir.path(), |i| i < 1000 && i % 33 == 0, |_| false, false);
    let (presigned, resigned) = both(&paths, CorpusConfig::default());
    assert_eq!(presigned, 3000);
    assert!((31..1000).contains(&resigned), "{resigned}");
}

#[test]
fn boilerplate_far_from_the_start_signs_everything_again() {
    let dir = tempfile::tempdir().unwrap();
    // Footer C: none in the first file, 30% of the others.
    let paths = corpus(dir.path(), |_| false, |i| i >= 1000 && i % 10 < 3, false);
    assert_eq!(both(&paths, CorpusConfig::default()), (0, 0));
}

#[test]
fn invalid_records_fail_or_are_skipped_as_in_a_plain_run() {
    let dir = tempfile::tempdir().unwrap();
    let paths = corpus(dir.path(), |_| false, |_| false, true);
    let skip = CorpusConfig::builder().skip_invalid(true).build().unwrap();
    assert_eq!(both(&paths, skip), (3000, 0));
    let config = CorpusConfig::default().with_part_bytes(usize::MAX);
    let corpus = Corpus::open(&paths, config.clone()).unwrap();
    let want = Deduper::new(self::config()).run(&corpus).map(|_| ()).unwrap_err();
    let got = Deduper::new(self::config()).open_and_run(&paths, config, None).map(|_| ()).unwrap_err();
    assert_eq!(got.to_string(), want.to_string());
}
