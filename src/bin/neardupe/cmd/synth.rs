//! `neardupe synth`: a labelled syndicated-news corpus and its truth file.

use std::path::Path;

use neardupe::{Error, Result};
use neardupe_synth::{SynthConfig, Tier};

use crate::common::synth_error;

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
    // Two outputs in one file would leave only the second; an output that is an input's file
    // or a link to one is refused as for every command.
    let mut outputs = crate::outputs::Outputs::new(&[], None);
    let mut corpus_out = outputs.open("-o", output)?;
    let mut truth_out = outputs.open("--truth", truth)?;
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
    // One block of stories at a time: memory stays that of a block, whatever the corpus size.
    let (mut written, mut corpus, mut truth_buf) = (0usize, Vec::new(), Vec::new());
    for block in neardupe_synth::generate_blocks(&config) {
        corpus.clear();
        truth_buf.clear();
        neardupe_synth::write_jsonl(&block, &mut corpus, &mut truth_buf)
            .map_err(|e| Error::io(output, "cannot write", e))?;
        corpus_out.write(|w| w.write_all(&corpus))?;
        truth_out.write(|w| w.write_all(&truth_buf))?;
        written += block.len();
    }
    corpus_out.commit()?;
    truth_out.commit()?;
    eprintln!("neardupe: wrote {written} documents to {} and {}", output.display(), truth.display());
    Ok(())
}
