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
    #[cfg(unix)]
    sigbus::install();
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
        Command::Cluster { run, memory, output, output_format } => {
            cmd::cluster::run(&run, &memory, &output, output_format)
        }
        Command::Dedup { run, memory, output, removed } => cmd::dedup::run(&run, &memory, &output, removed.as_deref()),
        Command::Explain { id1, id2, run, json } => cmd::explain::run(&id1, &id2, &run, json),
        Command::Oracle { run, jaccard, containment, truth_out, pairs_out } => {
            cmd::oracle::run(&run, jaccard, containment, &truth_out, pairs_out.as_deref())
        }
        Command::Index { command } => cmd::index::run(command),
        Command::Eval { truth, pred, duplicate_ids } => cmd::eval::run(&truth, &pred, duplicate_ids),
        Command::Synth { stories, copies, distractors, tiers, seed, output, truth } => {
            cmd::synth::run(stories, copies, distractors, tiers.as_deref(), seed, &output, &truth)
        }
    }
}

/// A message instead of a silent death when a memory-mapped file shrinks under the process.
///
/// Inputs and index files are memory-mapped; reading a page past the end of a file that another
/// process truncated meanwhile raises `SIGBUS`, which would kill the process without a word. The
/// handler writes one line to standard error and exits with status 1 (it cannot tell which file:
/// the README's limits say what to do). Nothing else raises `SIGBUS` in neardupe.
#[cfg(unix)]
#[allow(unsafe_code)]
mod sigbus {
    const MESSAGE: &[u8] = b"neardupe: error: bus error (SIGBUS): a memory-mapped file (an input or an index file) \
was truncated or replaced in place while neardupe read it; leave inputs unchanged during a run, or read them with --no-mmap\n";

    extern "C" fn on_sigbus(_signal: libc::c_int) {
        // SAFETY: `write` and `_exit` are async-signal-safe; MESSAGE is a static byte string.
        unsafe {
            libc::write(2, MESSAGE.as_ptr().cast(), MESSAGE.len());
            libc::_exit(1);
        }
    }

    /// Installs the handler (once, at start, before any file is mapped).
    pub(crate) fn install() {
        // SAFETY: a zeroed `sigaction` is a valid value (no flags, empty mask); the handler is an
        // `extern "C" fn(c_int)`, as `sa_sigaction` expects without `SA_SIGINFO`; a failure
        // leaves the default action, which is what happens without a handler.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_sigbus as extern "C" fn(libc::c_int) as libc::sighandler_t;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut());
        }
    }
}
