//! Fuzzes the table readers: arbitrary bytes as a `.parquet` file and as an `.arrow` file (an
//! IPC file or stream), opened with and without `skip_invalid`, with flat and dotted column
//! names and a date column, every row parsed. Errors are fine; panics are bugs. (Start from the
//! small valid files in `seeds/parquet_reader/`: random bytes rarely get past the footer.)
//!
//! Also checks that `skip_invalid(true)` always opens the file, that every row read is a
//! document or an error of its own, and that the pipeline runs over what was read.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use libfuzzer_sys::fuzz_target;
use neardupe::{Config, Corpus, CorpusConfig, Deduper, DuplicateIds};

fn temp_path(ext: &str) -> PathBuf {
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("neardupe-fuzz-table-{}-{n}.{ext}", std::process::id()))
}

struct Remove(PathBuf);
impl Drop for Remove {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn deduper() -> &'static Deduper {
    static D: OnceLock<Deduper> = OnceLock::new();
    D.get_or_init(|| Deduper::new(Config::builder().build().unwrap()))
}

fn open(path: &PathBuf, skip_invalid: bool, text: &str, date: Option<&str>) {
    let config = CorpusConfig::builder()
        .skip_invalid(skip_invalid)
        .text_field(text)
        .date_field(date.map(str::to_string))
        .duplicate_ids(DuplicateIds::Number)
        .build()
        .unwrap();
    match Corpus::open(&[path], config) {
        Ok(corpus) => {
            for e in corpus.skipped() {
                let _ = e.to_string();
            }
            let mut ok = 0;
            for i in 0..corpus.len() {
                match corpus.document(i) {
                    Ok(_) => ok += 1,
                    Err(e) => {
                        let _ = e.to_string();
                    }
                }
            }
            if skip_invalid && date.is_none() {
                let out = deduper().clone().run(&corpus).unwrap();
                assert_eq!(out.ids.len(), ok);
            }
        }
        Err(e) => {
            let _ = e.to_string();
            assert!(!skip_invalid, "skip_invalid(true) failed to open: {e}");
        }
    }
}

/// Panics inside the decoders (arrow-ipc 59 panics on some damaged schemas) are caught by the
/// table reader and reported as a damaged file: they are not this crate's bugs, so they do not
/// stop the fuzzer. Every other panic still aborts, as libFuzzer's hook makes it.
fn ignore_decoder_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let file = info.location().map_or("", |l| l.file());
            let decoder = [
                "/arrow-ipc-",
                "/arrow-array-",
                "/arrow-buffer-",
                "/arrow-data-",
                "/arrow-schema-",
                "/arrow-select-",
                "/parquet-",
            ];
            if !decoder.iter().any(|d| file.contains(d)) {
                fuzzer_hook(info);
            }
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    ignore_decoder_panics();
    for ext in ["parquet", "arrow"] {
        let path = temp_path(ext);
        std::fs::write(&path, data).unwrap();
        let _guard = Remove(path.clone());
        for skip_invalid in [false, true] {
            open(&path, skip_invalid, "text", None);
        }
        open(&path, true, "text", Some("date"));
        open(&path, true, "meta.text", Some("meta.date"));
    }
});
