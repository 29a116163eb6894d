//! The bundled sample (`data/`) is exactly what the generator (`crates/synth`) produces with the
//! settings in `data/README.md` (`neardupe synth --stories 150 --seed 2024`): the sample is
//! reproducible and the generator's output does not drift. The test lives in the package that
//! ships `data/`.

use std::collections::HashSet;
use std::path::Path;

use neardupe_synth::SynthConfig;

/// The sample's settings (keep `data/README.md` in step).
const SAMPLE_STORIES: usize = 150;
const SAMPLE_SEED: u64 = 2024;

#[test]
fn bundled_sample_is_reproducible() {
    let config = SynthConfig::builder().stories(SAMPLE_STORIES).seed(SAMPLE_SEED).build().expect("valid config");
    let docs = neardupe_synth::generate(&config);
    let (mut corpus, mut truth) = (Vec::new(), Vec::new());
    neardupe_synth::write_jsonl(&docs, &mut corpus, &mut truth).expect("write to memory");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    assert!(corpus == std::fs::read(dir.join("news-sample.jsonl")).expect("sample exists"), "corpus differs");
    assert!(truth == std::fs::read(dir.join("news-sample.truth.jsonl")).expect("truth exists"), "truth differs");
    let clusters: HashSet<u32> = docs.iter().map(|d| d.cluster).collect();
    assert_eq!((docs.len(), clusters.len()), (515, 201));
}
