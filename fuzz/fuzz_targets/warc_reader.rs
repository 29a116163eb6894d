//! Fuzzes the WARC reader: arbitrary bytes as a `.warc` file, opened with and without
//! `skip_invalid` and memory mapping, every record parsed. Errors are fine; panics are bugs.
//!
//! Also checks that mapped and read corpora agree record by record, that `skip_invalid(true)`
//! always opens the file, that every document's text lies inside its record, that the records
//! written back as `dedup` writes them (each record and its closing line ends) read as the same
//! documents, and that the windowed pipeline runs over the documents (WARC records are dated).

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use libfuzzer_sys::fuzz_target;
use neardupe::{Config, Corpus, CorpusConfig, Deduper, DuplicateIds, ErrorKind, InputFormat, WarcId};

fn temp_path(ext: &str) -> PathBuf {
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("neardupe-fuzz-warc-{}-{n}.{ext}", std::process::id()))
}

struct Remove(PathBuf);
impl Drop for Remove {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn windowed() -> &'static Deduper {
    static D: OnceLock<Deduper> = OnceLock::new();
    D.get_or_init(|| Deduper::new(Config::builder().window_days(Some(2)).build().unwrap()))
}

type Parsed = Vec<Result<(String, String, Option<i32>), ErrorKind>>;

fn parse_all(corpus: &Corpus) -> Parsed {
    (0..corpus.len())
        .map(|i| match corpus.document(i) {
            Ok(d) => {
                // The text is the end of the record (its content block), byte for byte.
                assert!(corpus.record_bytes(i).ends_with(d.text.as_bytes()), "the text is not the record's end");
                assert!(d.day.is_some(), "a WARC document without a day");
                Ok((d.id.into_owned(), d.text.into_owned(), d.day))
            }
            Err(e) => {
                let _ = e.to_string();
                Err(e.kind())
            }
        })
        .collect()
}

/// Read as WARC whatever the first bytes (the `parquet_reader` target has the tables).
fn config(skip_invalid: bool, mmap: bool, id: WarcId) -> CorpusConfig {
    CorpusConfig::builder()
        .format(InputFormat::Warc)
        .skip_invalid(skip_invalid)
        .mmap(mmap)
        .warc_id(id)
        .duplicate_ids(DuplicateIds::Number)
        .build()
        .unwrap()
}

fuzz_target!(|data: &[u8]| {
    let path = temp_path("warc");
    std::fs::write(&path, data).unwrap();
    let _guard = Remove(path.clone());
    for id in [WarcId::RecordId, WarcId::TargetUri] {
        for skip_invalid in [false, true] {
            let mapped = Corpus::open(&[&path], config(skip_invalid, true, id));
            let read = Corpus::open(&[&path], config(skip_invalid, false, id));
            match (&mapped, &read) {
                (Ok(m), Ok(r)) => assert_eq!(parse_all(m), parse_all(r), "mmap and read disagree"),
                (Err(m), Err(r)) => {
                    assert_eq!(m.to_string(), r.to_string());
                    assert!(!skip_invalid, "skip_invalid(true) failed to open: {m}");
                }
                _ => panic!("mmap and read disagree: {:?} vs {:?}", mapped.is_ok(), read.is_ok()),
            }
            let Ok(corpus) = mapped else { continue };
            for e in corpus.skipped() {
                let _ = e.to_string();
            }
            // The records written back as `dedup` writes them read as the same documents.
            let mut again = Vec::new();
            for i in 0..corpus.len() {
                again.extend_from_slice(corpus.record_bytes(i));
                again.extend_from_slice(corpus.record_terminator(i));
            }
            let copy = temp_path("warc");
            std::fs::write(&copy, &again).unwrap();
            let _copy_guard = Remove(copy.clone());
            if corpus.len() > 0 {
                let reread = Corpus::open(&[&copy], config(skip_invalid, true, id)).unwrap();
                assert_eq!(parse_all(&reread), parse_all(&corpus), "records written back read otherwise");
            }
            // (A file without documents is left out: no WARC file, so no dates, to window by.)
            if skip_invalid && corpus.dated() {
                let ok = parse_all(&corpus).iter().filter(|r| r.is_ok()).count();
                let out = windowed().clone().run(&corpus).unwrap();
                assert_eq!(out.ids.len(), ok);
            }
        }
    }
});
