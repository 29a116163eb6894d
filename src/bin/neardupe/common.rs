//! Helpers that several commands share: options → library configuration, the worker pool,
//! writing outputs, the progress bar.

use std::io::{IsTerminal, Write};
use std::path::Path;

use neardupe::boilerplate::BoilerplateConfig;
use neardupe::{Config, CorpusConfig, Error, Result};

use crate::args::{InputArgs, RunArgs};

/// neardupe's error for an error of `neardupe-synth` (the `synth` and `eval` commands): the same
/// kind and message.
pub(crate) fn synth_error(e: neardupe_synth::Error) -> Error {
    use neardupe::ErrorKind;
    use neardupe_synth::ErrorKind as Synth;
    let kind = match e.kind() {
        Synth::NotFound => ErrorKind::NotFound,
        Synth::Io => ErrorKind::Io,
        Synth::Json => ErrorKind::Json,
        Synth::MissingField => ErrorKind::MissingField,
        Synth::Utf8 => ErrorKind::Utf8,
        Synth::Empty => ErrorKind::Empty,
        Synth::DuplicateId => ErrorKind::DuplicateId,
        // Config, and kinds added later.
        _ => ErrorKind::Config,
    };
    Error::new(kind, e.to_string())
}

/// Understands `\n`, `\t`, `\r` and `\\` in a delimiter given on the command line.
pub(crate) fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// The configuration that `args` ask for.
pub(crate) fn config_of(args: &RunArgs) -> Result<Config> {
    let mut b = Config::builder()
        .threshold(args.threshold)
        .num_perm(args.num_perm)
        .seed(args.seed)
        .algorithm(args.algorithm)
        .nfkc(args.nfkc)
        .tokenizer(args.tokenizer)
        .verify(args.verify)
        .representative(args.representative)
        .similarity(args.similarity)
        .min_shingles(args.min_shingles)
        .min_size_ratio(args.min_size_ratio)
        .guard(args.guard)
        .window_days(args.window);
    if args.boilerplate == "on" {
        let bp = BoilerplateConfig::builder()
            .max_df(args.boilerplate_df)
            .min_docs(args.boilerplate_min_docs)
            .sample(args.boilerplate_sample)
            .build()?;
        b = b.boilerplate(Some(bp));
    } else {
        b = b.boilerplate(None);
    }
    b = match args.char_ngrams {
        Some(n) => b.char_ngrams(n),
        None => b.word_ngrams(args.ngram),
    };
    if let (Some(bands), Some(rows)) = (args.bands, args.rows) {
        b = b.bands_rows(bands, rows);
    }
    b.build()
}

/// The corpus options that `input` asks for.
pub(crate) fn corpus_config_of(input: &InputArgs) -> Result<CorpusConfig> {
    CorpusConfig::builder()
        .format(input.input_format)
        .text_field(input.text_field.clone())
        .id_field(input.id_field.clone())
        .delimiter(input.delimiter.as_deref().map(unescape))
        .extensions(input.ext.clone())
        .max_record_bytes(input.max_record_bytes)
        .skip_invalid(input.skip_invalid)
        .lossy_utf8(input.lossy_utf8)
        .mmap(!input.no_mmap)
        .date_field(input.date_field.clone())
        .date_format(input.date_format.clone())
        .hidden(input.hidden)
        .duplicate_ids(input.duplicate_ids)
        .warc_id(input.warc_id)
        .spill_dir(input.tmp_dir.clone())
        .build()
}

/// The most worker threads per core: more only cost time to start (100,000 threads take 30 s)
/// and memory, since the work is computation.
const THREADS_PER_CORE: usize = 4;

/// The worker pool of `--threads`, at most [`THREADS_PER_CORE`] per core (with a warning).
pub(crate) fn pool_of(input: &InputArgs) -> Result<rayon::ThreadPool> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = input.threads {
        if n == 0 {
            return Err(Error::config("--threads must be at least 1"));
        }
        let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
        let most = THREADS_PER_CORE * cores;
        let n = if n > most {
            eprintln!(
                "neardupe: warning: --threads {n} is more than {THREADS_PER_CORE} per core on {cores} cores; using {most} threads"
            );
            most
        } else {
            n
        };
        pool = pool.num_threads(n);
    }
    pool.build().map_err(|e| Error::config(format!("cannot start worker threads: {e}")))
}

/// A progress bar on standard error, or none when `quiet` or standard error is not a terminal.
pub(crate) fn progress_bar(quiet: bool, len: Option<u64>) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len.unwrap_or(0));
    let template = match len {
        Some(_) => "{spinner} {pos}/{len} docs [{bar:30}] {msg} {elapsed}",
        None => "{spinner} {pos} docs {msg} {elapsed}",
    };
    let style =
        indicatif::ProgressStyle::with_template(template).unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}

/// `amount` per second over `seconds`, or `None` when there is nothing to measure: nothing
/// done, or under 10 ms (a tiny run would report an absurd rate).
pub(crate) fn rate(amount: f64, seconds: f64) -> Option<f64> {
    (amount > 0.0 && seconds >= 0.01).then(|| amount / seconds)
}

/// Writes `line` and a newline to standard output (see `outln!`).
pub(crate) fn print_line(line: std::fmt::Arguments<'_>) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_fmt(line)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush())
        .map_err(|e| Error::io(Path::new("-"), "cannot write to standard output", e))
}

#[cfg(test)]
mod tests {
    use super::rate;

    /// A progress report a microsecond after the start, or a run with nothing in it, has no rate
    /// (it once showed 22,304 MB/s).
    #[test]
    fn rates_need_something_measurable() {
        assert_eq!(rate(0.0223, 1e-6), None);
        assert_eq!(rate(0.0, 5.0), None);
        assert_eq!(rate(0.0223, 0.0), None);
        assert_eq!(rate(10.0, 2.0), Some(5.0));
    }
}
