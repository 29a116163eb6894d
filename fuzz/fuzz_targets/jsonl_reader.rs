//! Fuzzes the JSONL reader: arbitrary bytes as a `.jsonl` file, opened with and without
//! `skip_invalid`, `lossy_utf8` and memory mapping, every record parsed. Errors are fine; panics
//! are bugs.
//!
//! Also checks that memory-mapped and read-into-memory corpora agree record by record, that
//! `skip_invalid(true)` never fails to open an existing file, that `lossy_utf8` never reports
//! invalid UTF-8, and that the pipeline runs over whatever the reader accepts, also with a date
//! field and a time window.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use libfuzzer_sys::fuzz_target;
use neardupe::{Config, Corpus, CorpusConfig, Deduper, Document, DuplicateIds, ErrorKind};

/// A file name unique to this process and call (libFuzzer may run several processes at once).
fn temp_path() -> PathBuf {
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("neardupe-fuzz-{}-{n}.jsonl", std::process::id()))
}

/// Removes the temp file even if a check below panics.
struct Remove(PathBuf);
impl Drop for Remove {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Building a `Config` optimises the banding (a few milliseconds): do it once.
fn deduper() -> &'static Deduper {
    static D: OnceLock<Deduper> = OnceLock::new();
    D.get_or_init(|| Deduper::new(Config::builder().build().unwrap()))
}

/// A deduper with a one-day window (dates read from the `date` field).
fn windowed() -> &'static Deduper {
    static D: OnceLock<Deduper> = OnceLock::new();
    D.get_or_init(|| Deduper::new(Config::builder().window_days(Some(1)).build().unwrap()))
}

type Parsed = Vec<Result<(String, String), ErrorKind>>;

fn parse_all(corpus: &Corpus) -> Parsed {
    (0..corpus.len())
        .map(|i| {
            corpus.document(i).map(|Document { id, text, .. }| (id.into_owned(), text.into_owned())).map_err(|e| {
                // Formatting the error must not panic either.
                let _ = e.to_string();
                e.kind()
            })
        })
        .collect()
}

/// How one corpus is opened.
#[derive(Clone, Copy, Debug)]
struct Opts {
    skip_invalid: bool,
    mmap: bool,
    lossy_utf8: bool,
    max_record_bytes: Option<usize>,
    run_pipeline: bool,
}

fn open(path: &PathBuf, o: Opts) -> Option<(usize, Parsed)> {
    // Records with one id are numbered apart, so that every valid record is in a run's output.
    let mut b = CorpusConfig::builder()
        .skip_invalid(o.skip_invalid)
        .mmap(o.mmap)
        .lossy_utf8(o.lossy_utf8)
        .duplicate_ids(DuplicateIds::Number);
    if let Some(m) = o.max_record_bytes {
        b = b.max_record_bytes(m);
    }
    let config = b.build().unwrap();
    match Corpus::open(&[path], config) {
        Ok(corpus) => {
            for e in corpus.skipped() {
                let _ = e.to_string();
            }
            let parsed = parse_all(&corpus);
            if o.lossy_utf8 {
                assert!(!parsed.contains(&Err(ErrorKind::Utf8)), "lossy_utf8 still rejected a record as invalid UTF-8");
            }
            if o.run_pipeline {
                // The pipeline must run over whatever the reader accepts (skipping the invalid).
                let ok = parsed.iter().filter(|r| r.is_ok()).count();
                match deduper().clone().run(&corpus) {
                    Ok(out) => {
                        assert_eq!(out.ids.len(), ok);
                        assert_eq!(out.ids.len() + out.skipped.len(), corpus.len());
                        let unique: std::collections::HashSet<&String> = out.ids.iter().collect();
                        assert_eq!(unique.len(), out.ids.len(), "ids are unique after numbering");
                    }
                    // Without skip_invalid, a run stops at the first invalid record.
                    Err(e) => assert!(!o.skip_invalid && ok < parsed.len(), "the run failed: {e}"),
                }
            }
            Some((corpus.len(), parsed))
        }
        Err(e) => {
            let _ = e.to_string();
            assert!(!o.skip_invalid, "skip_invalid(true) failed to open an existing file: {e}");
            None
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let path = temp_path();
    std::fs::write(&path, data).unwrap();
    let _guard = Remove(path.clone());

    for skip_invalid in [false, true] {
        for lossy_utf8 in [false, true] {
            let o = Opts { skip_invalid, mmap: true, lossy_utf8, max_record_bytes: None, run_pipeline: true };
            let mapped = open(&path, o);
            let read = open(&path, Opts { mmap: false, run_pipeline: false, ..o });
            assert_eq!(mapped, read, "mmap and read disagree ({o:?})");
        }
    }
    // A small record limit exercises the too-large path.
    let limit = data.first().map_or(1, |&b| b as usize + 1);
    let o =
        Opts { skip_invalid: true, mmap: true, lossy_utf8: false, max_record_bytes: Some(limit), run_pipeline: true };
    open(&path, o);
    open(&path, Opts { skip_invalid: false, mmap: false, ..o });

    // With a date field: every value is parsed as a date or refused, and the windowed pipeline
    // runs over the records that have dates.
    let config = CorpusConfig::builder()
        .skip_invalid(true)
        .date_field(Some("date".into()))
        .duplicate_ids(DuplicateIds::Number)
        .build()
        .unwrap();
    if let Ok(corpus) = Corpus::open(&[&path], config) {
        let parsed = parse_all(&corpus);
        let ok = parsed.iter().filter(|r| r.is_ok()).count();
        let out = windowed().clone().run(&corpus).unwrap();
        assert_eq!(out.ids.len(), ok);
    }
});
