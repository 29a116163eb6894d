//! The `neardupe` command-line tool: cluster, deduplicate, evaluate and generate corpora.

use std::process::ExitCode;

use clap::Parser;
use neardupe::Result;

mod args;
mod cmd;
mod common;
mod errors;
mod job;

use args::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
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
