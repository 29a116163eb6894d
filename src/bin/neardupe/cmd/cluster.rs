//! `neardupe cluster`: one output line per document with its cluster id.

use std::path::Path;
use std::time::Instant;

use neardupe::Result;
use neardupe::output::{self, ClusterFormat};

use crate::args::{MemoryArgs, RunArgs};
use crate::job::Job;
use crate::outputs::Outputs;

/// Runs the pipeline and writes every document's cluster.
pub(crate) fn run(
    args: &RunArgs,
    memory: &MemoryArgs,
    output: &Path,
    output_format: Option<ClusterFormat>,
) -> Result<()> {
    let output_format = output_format.unwrap_or_else(|| ClusterFormat::for_path(output));
    let mut outputs = Outputs::new(&args.input.inputs, None);
    let mut out = outputs.open("-o", output)?;
    let mut stats = outputs.open_some("--stats-json", args.stats_json.as_deref())?;
    let mut job = Job::run(args, memory)?;
    let t = Instant::now();
    out.write(|w| output::write_clusters(w, &job.out, output_format))?;
    job.finish(args, t, stats.as_mut())?;
    out.commit()?;
    stats.map_or(Ok(()), |s| s.commit())
}
