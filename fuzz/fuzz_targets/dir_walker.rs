//! Fuzzes the directory walker and file ids: the bytes describe a small tree (raw file names,
//! files, empty files, subdirectories, hidden entries, dangling and good symbolic links), which
//! is written to a scratch directory and opened as a corpus under several configurations.
//!
//! Checks: `Corpus::open` gives a corpus or an error naming a path, never a panic; with
//! `skip_invalid` it always opens; every text file's id is its escaped relative path, unescapes
//! to the name's bytes, is one line, and no two files share one; every visible regular file is a
//! record or listed as left out (hidden ones only with `hidden`); a run with numbered duplicate
//! ids gives unique ids. Escaping round-trips on the raw input, and an id that unescapes is the
//! one spelling of its bytes.

#![no_main]

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use neardupe::corpus::{DuplicateIds, escape_bytes, unescape_path};
use neardupe::{Config, Corpus, CorpusConfig, Deduper, InputFormat};

/// A name from the input: no `/` or NUL, not `.` or `..`, not empty.
fn name(raw: &[u8]) -> Option<Vec<u8>> {
    let n: Vec<u8> = raw.iter().copied().filter(|&b| b != b'/' && b != 0).take(24).collect();
    (!n.is_empty() && n != b"." && n != b"..").then_some(n)
}

#[cfg(unix)]
fn os(bytes: &[u8]) -> &std::ffi::OsStr {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::OsStr::from_bytes(bytes)
}

/// Writes the tree the input describes below `root`: `(kind, name length, name...)` records.
#[cfg(unix)]
fn build(root: &Path, data: &[u8]) {
    let mut dirs: Vec<PathBuf> = vec![root.to_path_buf()];
    let mut i = 0;
    while i + 2 <= data.len() && dirs.len() < 16 {
        let (kind, len) = (data[i], usize::from(data[i + 1] % 16));
        i += 2;
        let end = (i + len).min(data.len());
        let raw = &data[i..end];
        i = end;
        let Some(n) = name(raw) else { continue };
        let parent = dirs[usize::from(kind >> 4) % dirs.len()].clone();
        let path = parent.join(os(&n));
        if std::fs::symlink_metadata(&path).is_ok() {
            continue;
        }
        let _ = match kind % 6 {
            0 | 1 => std::fs::write(&path, format!("text of {} and more words here", escape_bytes(&n))),
            2 => std::fs::write(&path, b""),
            3 => std::fs::create_dir(&path).map(|()| dirs.push(path.clone())),
            4 => std::os::unix::fs::symlink(root.join("no-such-target"), &path),
            _ => std::fs::write(&path, b"{\"id\": \"same\", \"text\": \"a jsonl shard line\"}\n\n"),
        };
    }
}

/// Regular files below `root` (following directory links is not needed: links here point to
/// missing targets), hidden ones left out unless `hidden`.
fn visible_files(root: &Path, hidden: bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root) else { return };
    for e in entries.flatten() {
        let hidden_entry = e.file_name().as_encoded_bytes().first() == Some(&b'.');
        if hidden_entry && !hidden {
            continue;
        }
        let Ok(meta) = std::fs::symlink_metadata(e.path()) else { continue };
        if meta.is_dir() {
            visible_files(&e.path(), hidden, out);
        } else if meta.is_file() {
            out.push(e.path());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    // Escaping round-trips on any bytes, and only the one spelling unescapes.
    let id = escape_bytes(data);
    assert!(!id.chars().any(|c| c.is_control()), "{id:?}");
    assert_eq!(unescape_path(&id).as_deref(), Some(data));
    let s = String::from_utf8_lossy(data);
    if let Some(bytes) = unescape_path(&s) {
        assert_eq!(escape_bytes(&bytes), s);
    }

    #[cfg(unix)]
    {
        let Ok(tmp) = tempfile::Builder::new().prefix("walk").tempdir_in("/dev/shm").or_else(|_| tempfile::tempdir())
        else {
            return;
        };
        let root = tmp.path().join("root");
        std::fs::create_dir(&root).unwrap();
        build(&root, data);
        for (hidden, format, skip) in [
            (false, InputFormat::Text, false),
            (true, InputFormat::Text, true),
            (false, InputFormat::Auto, true),
            (true, InputFormat::Auto, false),
        ] {
            let config = CorpusConfig::builder()
                .hidden(hidden)
                .format(format)
                .skip_invalid(skip)
                .mmap(hidden)
                .duplicate_ids(DuplicateIds::Number)
                .build()
                .unwrap();
            let corpus = match Corpus::open(&[&root], config) {
                Ok(c) => c,
                Err(e) => {
                    assert!(!skip, "skip_invalid always opens: {e}");
                    assert!(e.location().path.is_some(), "{e}");
                    continue;
                }
            };
            let mut seen = HashSet::new();
            for i in 0..corpus.len() {
                let path = corpus.record_path(i).strip_prefix(&root).unwrap().to_path_buf();
                if corpus.is_whole_file(i) {
                    let doc = corpus.document(i).unwrap();
                    assert!(!doc.id.contains('\n') && !doc.id.contains('\r'), "{:?}", doc.id);
                    let name = unescape_path(&doc.id).unwrap();
                    let parts: Vec<Vec<u8>> =
                        path.components().map(|c| c.as_os_str().as_encoded_bytes().to_vec()).collect();
                    assert_eq!(name, parts.join(&b'/'), "{:?}", doc.id);
                    assert!(seen.insert(doc.id.into_owned()), "two files share an id");
                }
            }
            // Every visible regular file is a record or left out (listed).
            let mut files = Vec::new();
            visible_files(&root, hidden, &mut files);
            let recorded: HashSet<&Path> = (0..corpus.len()).map(|i| corpus.record_path(i)).collect();
            let listed: HashSet<PathBuf> = corpus.skipped().iter().filter_map(|e| e.location().path.clone()).collect();
            for f in &files {
                assert!(recorded.contains(f.as_path()) || listed.contains(f), "{} was lost", f.display());
            }
            if format == InputFormat::Text {
                let mut deduper = Deduper::new(Config::builder().boilerplate(None).build().unwrap());
                let out = deduper.run(&corpus).unwrap();
                let unique: HashSet<&String> = out.ids.iter().collect();
                assert_eq!(unique.len(), out.ids.len());
            }
        }
    }
});
