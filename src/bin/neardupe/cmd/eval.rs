//! `neardupe eval`: pairwise precision, recall, F1 and ARI of predicted clusters against a truth
//! file, as one JSON line.

use std::path::Path;

use neardupe::{DuplicateIds, Error, Result};

use crate::common::synth_error;

/// Scores `pred` against `truth` and prints the report.
pub(crate) fn run(truth: &Path, pred: &Path, duplicate_ids: DuplicateIds) -> Result<()> {
    let number = duplicate_ids == DuplicateIds::Number;
    let report = neardupe_synth::eval::evaluate_files_with(truth, pred, number).map_err(synth_error)?;
    let line = serde_json::to_string(&report).map_err(|e| Error::config(e.to_string()))?;
    outln!("{line}");
    if report.missing_in_pred > 0 {
        eprintln!(
            "neardupe: warning: {} truth ids missing from {} (scored as singletons), e.g. {:?}",
            report.missing_in_pred,
            pred.display(),
            report.missing_examples
        );
    }
    if report.extra_in_pred > 0 {
        eprintln!(
            "neardupe: warning: {} ids of {} are not in {} (not scored)",
            report.extra_in_pred,
            pred.display(),
            truth.display()
        );
    }
    Ok(())
}
