//! `neardupe dedup`: the kept records (representatives and singletons) byte for byte, and
//! optionally the removed ones.

use std::path::Path;
use std::time::Instant;

use neardupe::output;
use neardupe::{DocId, Result};

use crate::args::{MemoryArgs, RunArgs};
use crate::common::unescape;
use crate::job::Job;
use crate::outputs::Outputs;

/// Runs the pipeline and copies the kept (and the removed) records.
pub(crate) fn run(args: &RunArgs, memory: &MemoryArgs, output: &Path, removed: Option<&Path>) -> Result<()> {
    let mut outputs = Outputs::new(&args.input.inputs, None);
    let mut kept_out = outputs.open("-o", output)?;
    let mut removed_out = outputs.open_some("--removed", removed)?;
    let mut stats = outputs.open_some("--stats-json", args.stats_json.as_deref())?;
    let mut job = Job::run(args, memory)?;
    let t = Instant::now();
    let delim = args.input.delimiter.as_deref().map(unescape);
    let c = &job.out.clustering;
    kept_out.write(|w| {
        output::write_records(w, &job.corpus, &job.out, delim.as_deref(), |i| c.is_representative(DocId(i as u32)))
    })?;
    if let Some(removed_out) = &mut removed_out {
        removed_out.write(|w| {
            output::write_records(w, &job.corpus, &job.out, delim.as_deref(), |i| !c.is_representative(DocId(i as u32)))
        })?;
    }
    job.finish(args, t, stats.as_mut())?;
    for sink in [Some(kept_out), removed_out, stats].into_iter().flatten() {
        sink.commit()?;
    }
    Ok(())
}
