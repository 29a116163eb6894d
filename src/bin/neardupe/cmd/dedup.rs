//! `neardupe dedup`: the kept records (representatives and singletons) byte for byte, and
//! optionally the removed ones.

use std::path::Path;
use std::time::Instant;

use neardupe::output;
use neardupe::{DocId, Result};

use crate::args::RunArgs;
use crate::common::{unescape, write_to};
use crate::job::Job;

/// Runs the pipeline and copies the kept (and the removed) records.
pub(crate) fn run(args: &RunArgs, output: &Path, removed: Option<&Path>) -> Result<()> {
    let mut job = Job::run(args)?;
    let t = Instant::now();
    let delim = args.input.delimiter.as_deref().map(unescape);
    let c = &job.out.clustering;
    write_to(output, |w| {
        output::write_records(w, &job.corpus, &job.out, delim.as_deref(), |i| c.is_representative(DocId(i as u32)))
    })?;
    if let Some(removed) = removed {
        write_to(removed, |w| {
            output::write_records(w, &job.corpus, &job.out, delim.as_deref(), |i| !c.is_representative(DocId(i as u32)))
        })?;
    }
    job.finish(args, t)
}
