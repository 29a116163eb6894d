//! The `neardupe` command-line tool: cluster, deduplicate, evaluate and generate corpora.

use std::process::ExitCode;

use clap::Parser;
use neardupe::Result;

/// `eprintln!` for the whole binary, shadowing std's: a message to a standard error that is
/// closed or failing (`neardupe ... 2>&1 | head -1`) is dropped instead of panicking, since
/// there is nowhere left to report anything.
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// `println!` that returns (with `?`) an error instead of panicking when standard output
/// fails: a closed pipe (`| head -1`) ends the run quietly, anything else is reported.
macro_rules! outln {
    ($($arg:tt)*) => {
        crate::common::print_line(format_args!($($arg)*))?
    };
}

mod args;
mod cmd;
mod common;
mod errors;
mod job;
mod outputs;

use args::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of an output went away (`neardupe ... | head -1`): it has what it wanted,
        // so stop quietly, as other Unix tools do.
        Err(e) if errors::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("neardupe: error: {}", errors::cli_message(&e));
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Cluster { run, output, output_format } => cmd::cluster::run(&run, &output, output_format),
        Command::Dedup { run, output, removed } => cmd::dedup::run(&run, &output, removed.as_deref()),
        Command::Explain { id1, id2, run, json } => cmd::explain::run(&id1, &id2, &run, json),
        Command::Oracle { run, jaccard, containment, truth_out, pairs_out } => {
            cmd::oracle::run(&run, jaccard, containment, &truth_out, pairs_out.as_deref())
        }
        Command::Index { command } => cmd::index::run(command),
        Command::Eval { truth, pred } => cmd::eval::run(&truth, &pred),
        Command::Synth { stories, copies, distractors, tiers, seed, output, truth } => {
            cmd::synth::run(stories, copies, distractors, tiers.as_deref(), seed, &output, &truth)
        }
    }
}
