//! Library errors in the command line's words: the library's hints name its options
//! (`text_field`, see [`Error::options`]); the command line names the flags that set them.

use neardupe::Error;

/// Every library option an error's hint names, and the flag that sets it.
const FLAGS: &[(&str, &str)] = &[
    ("text_field", "--text-field"),
    ("date_field", "--date-field"),
    ("date_format", "--date-format"),
    ("max_record_bytes", "--max-record-bytes"),
    ("memory_limit", "--memory"),
    ("tmp_dir", "--tmp-dir"),
    ("lossy_utf8", "--lossy-utf8"),
    ("skip_invalid", "--skip-invalid"),
    ("window_days", "--window"),
    ("verify", "--verify"),
    ("similarity", "--similarity"),
    ("duplicate_ids", "--duplicate-ids"),
    ("existing_ids", "--existing-ids"),
    ("mmap", "--no-mmap"),
    ("hidden", "--hidden"),
    ("warc_id", "--warc-id"),
    ("extensions", "--ext"),
    ("threshold", "--threshold"),
    ("num_perm", "--num-perm"),
    ("word_ngrams", "--ngram"),
    ("char_ngrams", "--char-ngrams"),
    ("min_size_ratio", "--min-size-ratio"),
    ("bands_rows", "--bands"),
];

/// `e` as the command line says it: the options its hint names as flags.
pub(crate) fn cli_message(e: &Error) -> String {
    e.to_string_with(|option| FLAGS.iter().find(|(o, _)| *o == option).map(|(_, flag)| flag.to_string()))
}

/// Whether `e` is a write to a pipe (or socket) whose reader has closed it
/// (`neardupe ... | head -1`).
pub(crate) fn is_broken_pipe(e: &Error) -> bool {
    let Some(source) = std::error::Error::source(e) else { return false };
    let io = source
        .downcast_ref::<std::io::Error>()
        .or_else(|| source.downcast_ref::<std::sync::Arc<std::io::Error>>().map(|arc| &**arc));
    io.is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flag_is_one_of_ours() {
        use clap::CommandFactory;
        fn longs(c: &clap::Command, out: &mut Vec<String>) {
            out.extend(c.get_arguments().filter_map(|a| a.get_long()).map(|l| format!("--{l}")));
            c.get_subcommands().for_each(|s| longs(s, out));
        }
        let mut all = Vec::new();
        longs(&crate::Cli::command(), &mut all);
        for (option, flag) in FLAGS {
            assert!(all.iter().any(|l| l == flag), "{option}: no flag {flag}");
        }
    }

    #[test]
    fn hints_name_flags() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        std::fs::write(&path, "{\"body\": \"x\"}\n").unwrap();
        let corpus = neardupe::Corpus::open(&[&path], neardupe::CorpusConfig::default()).unwrap();
        let e = corpus.document(0).unwrap_err();
        assert!(cli_message(&e).ends_with("line 1 (byte 0): record has no \"text\" field (see --text-field)"), "{e}");
        let e = neardupe::Config::builder().verify(neardupe::Verify::None).build().unwrap_err();
        assert!(cli_message(&e).ends_with("(set --verify to hybrid, estimate or exact, or --similarity to jaccard)"));
    }
}
