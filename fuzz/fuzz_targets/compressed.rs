//! Fuzzes the compressed readers: arbitrary bytes behind each format's magic number (byte 0
//! picks gzip, zstd, bzip2, xz, or none: the bytes as they are), read through
//! `compression::Reader` in small pieces (at most 16 MiB of output, so that a small bomb stops
//! there) and opened as a JSONL stream with `Corpus::from_reader`, with and without
//! `skip_invalid`. Errors are fine; panics are bugs.
//!
//! Also checks that the reader's position counts the bytes it gave, that its errors are of kind
//! `Compression` and name the input and that position; that a damaged stream fails to open
//! without `skip_invalid` and `skip_invalid(true)` always opens; that a whole stream's records
//! lie inside its bytes; and that the bytes after byte 0 round-trip through the gzip or the zstd
//! encoder as two streams.

#![no_main]

use std::io::{Read, Write};
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use neardupe::compression::{self, Compression, Encoder};
use neardupe::{Corpus, CorpusConfig, ErrorKind};

const MAGIC: [&[u8]; 4] = [b"\x1f\x8b\x08", b"\x28\xb5\x2f\xfd", b"BZh91AY&SY", b"\xfd7zXZ\x00"];

/// The most output read from one input.
const CAP: usize = 16 << 20;

/// Where spill files go: memory, where there is a `/dev/shm`.
fn spill_dir() -> Option<&'static Path> {
    Some(Path::new("/dev/shm")).filter(|p| p.is_dir())
}

/// Reads `input` through a `Reader` in pieces: the bytes given (at most `CAP`) and whether the
/// stream ended cleanly.
fn read_capped(input: &[u8]) -> (Vec<u8>, bool) {
    let mut r = match compression::Reader::new(input, Path::new("fuzz")) {
        Ok(r) => r,
        // Only a format this build lacks; the fuzz build has all of them.
        Err(e) => panic!("{e}"),
    };
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match r.read(&mut buf) {
            Ok(0) => return (out, true),
            Ok(n) => {
                out.extend_from_slice(&buf[..n]);
                assert_eq!(r.position(), out.len() as u64);
                if out.len() > CAP {
                    return (out, true);
                }
            }
            Err(e) => {
                let e = r.error(e);
                assert_eq!(e.kind(), ErrorKind::Compression, "{e}");
                assert_eq!(e.location().offset, Some(out.len() as u64), "{e}");
                assert!(e.to_string().starts_with("fuzz:byte "), "{e}");
                return (out, false);
            }
        }
    }
}

fn compress(c: Compression, bytes: &[u8]) -> Vec<u8> {
    let mut e = Encoder::new(Vec::new(), c).unwrap();
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let input = match MAGIC.get(usize::from(pick % 5)) {
        Some(magic) => [magic, rest].concat(),
        None => rest.to_vec(),
    };
    let (out, clean) = read_capped(&input);
    if out.len() > CAP {
        return; // a bomb: not spilled to disk
    }

    for skip in [true, false] {
        let config = CorpusConfig::builder().skip_invalid(skip).build().unwrap();
        match Corpus::from_reader(&input[..], "fuzz.jsonl", config, spill_dir()) {
            Ok(corpus) => {
                assert!(clean || skip, "a damaged stream opened without skip_invalid");
                for i in 0..corpus.len() {
                    // A whole stream's records lie inside its bytes.
                    assert!(!clean || corpus.spans()[i].end <= out.len(), "record {i} past the end");
                    let _ = corpus.document(i).map_err(|e| e.to_string());
                }
            }
            Err(e) => {
                assert!(!skip, "skip_invalid must open: {e}");
                assert!(!clean || e.kind() != ErrorKind::Compression, "a whole stream is damaged: {e}");
                let _ = e.to_string();
            }
        }
    }

    // Round trip through gzip or zstd (byte 0 picks): two streams, cut where byte 0 says (the
    // first may be empty, which is one stream).
    let c = if pick % 2 == 0 { Compression::Gzip } else { Compression::Zstd };
    let cut = usize::from(pick) % (rest.len() + 1);
    let two = [compress(c, &rest[..cut]), compress(c, &rest[cut..])].concat();
    assert_eq!(Compression::detect(&two), Some(c));
    assert_eq!(read_capped(&two), (rest.to_vec(), true), "{c}");
});
