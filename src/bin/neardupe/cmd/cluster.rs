//! `neardupe cluster`: one output line per document with its cluster id.

use std::path::Path;
use std::time::Instant;

use neardupe::Result;
use neardupe::output::{self, ClusterFormat};

use crate::args::RunArgs;
use crate::common::write_to;
use crate::job::Job;

/// Runs the pipeline and writes every document's cluster.
pub(crate) fn run(args: &RunArgs, output: &Path, output_format: ClusterFormat) -> Result<()> {
    let mut job = Job::run(args)?;
    let t = Instant::now();
    write_to(output, |w| output::write_clusters(w, &job.out, output_format))?;
    job.finish(args, t)
}
