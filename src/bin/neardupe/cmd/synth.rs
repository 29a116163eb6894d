//! `neardupe synth`: a labelled syndicated-news corpus and its truth file.

use std::path::Path;

use neardupe::{Error, Result};
use neardupe_synth::{SynthConfig, Tier};

use crate::common::{synth_error, write_to};

/// Generates the corpus and writes it to `output` and its truth to `truth`.
pub(crate) fn run(
    stories: usize,
    copies: f64,
    distractors: f64,
    tiers: Option<&str>,
    seed: u64,
    output: &Path,
    truth: &Path,
) -> Result<()> {
    // Two outputs in one file would leave only the second.
    crate::outputs::Outputs::new(&[], None).check_only(&[("-o", output), ("--truth", truth)])?;
    let tiers = match tiers {
        None => Tier::standard(),
        Some("all") => Tier::all(),
        Some(list) => {
            list.split(',').map(|t| t.trim().parse::<Tier>()).collect::<Result<Vec<_>, _>>().map_err(synth_error)?
        }
    };
    let config = SynthConfig::builder()
        .stories(stories)
        .copies_per_story(copies)
        .distractor_rate(distractors)
        .tiers(tiers)
        .seed(seed)
        .build()
        .map_err(synth_error)?;
    let docs = neardupe_synth::generate(&config);
    let mut corpus = Vec::new();
    let mut truth_buf = Vec::new();
    neardupe_synth::write_jsonl(&docs, &mut corpus, &mut truth_buf)
        .map_err(|e| Error::io(output, "cannot write", e))?;
    write_to(output, |w| w.write_all(&corpus))?;
    write_to(truth, |w| w.write_all(&truth_buf))?;
    eprintln!("neardupe: wrote {} documents to {} and {}", docs.len(), output.display(), truth.display());
    Ok(())
}
