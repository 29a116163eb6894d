//! Compressed input and output through the `neardupe` binary: the sample compressed with gzip
//! (one member and several), zstd, bzip2 and xz, and gzip under a name that says otherwise,
//! clusters to the same bytes as the plain file; damaged archives are errors that write nothing,
//! or with `--skip-invalid` keep the records before the damage; `dedup -o x.gz` and `-o x.zst`
//! round-trip. The compressed files are made here with the library's own encoders.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Output;

use neardupe::compression::{self, Compression, Encoder};

mod common;
use common::{bin, data, run, stderr};

fn compress(c: Compression, bytes: &[u8]) -> Vec<u8> {
    let mut e = Encoder::new(Vec::new(), c).unwrap();
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// The decompressed bytes of `bytes`, as far as they go, and whether the stream was whole.
fn decompress(bytes: &[u8]) -> (Vec<u8>, bool) {
    let mut r = compression::Reader::new(bytes, Path::new("x")).unwrap();
    let mut out = Vec::new();
    let whole = r.read_to_end(&mut out).is_ok();
    (out, whole)
}

fn sample() -> Vec<u8> {
    std::fs::read(data("news-sample.jsonl")).unwrap()
}

fn cluster(args: &[&str], input: &Path, out: &Path) -> Output {
    run(bin().arg("cluster").args(args).arg(input).arg("-o").arg(out))
}

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "neardupe failed: {}", stderr(&o));
    o
}

/// The names in `dir` (no temporary file left behind).
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

#[test]
fn every_compression_clusters_like_the_plain_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let plain = sample();
    let write = |name: &str, bytes: &[u8]| -> PathBuf {
        let p = d.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    // Two gzip members, split at a line end, as `cat a.gz b.gz` makes.
    let half = plain[..plain.len() / 2].iter().rposition(|&b| b == b'\n').unwrap() + 1;
    let multi = [compress(Compression::Gzip, &plain[..half]), compress(Compression::Gzip, &plain[half..])].concat();
    let inputs = [
        write("news.jsonl.gz", &compress(Compression::Gzip, &plain)),
        write("multi.jsonl.gz", &multi),
        write("news.jsonl.zst", &compress(Compression::Zstd, &plain)),
        write("news.jsonl.bz2", &compress(Compression::Bzip2, &plain)),
        write("news.jsonl.xz", &compress(Compression::Xz, &plain)),
        // gzip under a plain name, and under another compression's name.
        write("wrong.jsonl", &compress(Compression::Gzip, &plain)),
        write("wrong.jsonl.zst", &multi),
    ];
    let want = d.join("plain.out");
    ok(cluster(&["-q"], &data("news-sample.jsonl"), &want));
    let want = std::fs::read(&want).unwrap();
    assert_eq!(want.iter().filter(|&&b| b == b'\n').count(), 515);
    for input in &inputs {
        let out = input.with_extension("out");
        ok(cluster(&["-q"], input, &out));
        assert!(std::fs::read(&out).unwrap() == want, "{} clusters otherwise", input.display());
    }
    // Standard input too.
    let o = run(bin().args(["cluster", "-q", "-", "-o", "-"]).stdin(std::fs::File::open(&inputs[4]).unwrap()));
    assert!(ok(o).stdout == want, "stdin");
}

/// Shards in a directory, each compressed otherwise, are decompressed at once (one per worker)
/// and read in the directory's order; text files and delimited text files too.
#[test]
fn directories_of_compressed_shards_and_text_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let plain = sample();
    let lines: Vec<&[u8]> = plain.split_inclusive(|&b| b == b'\n').collect();
    let (shards, packed) = (d.join("shards"), d.join("packed"));
    std::fs::create_dir_all(&shards).unwrap();
    std::fs::create_dir_all(&packed).unwrap();
    let formats =
        [None, Some(Compression::Gzip), Some(Compression::Zstd), Some(Compression::Bzip2), Some(Compression::Xz)];
    for (i, chunk) in lines.chunks(110).enumerate() {
        let bytes = chunk.concat();
        std::fs::write(shards.join(format!("part-{i}.jsonl")), &bytes).unwrap();
        let (name, bytes) = match formats[i % formats.len()] {
            None => (format!("part-{i}.jsonl"), bytes),
            Some(c) => (format!("part-{i}.jsonl.{}", ["gz", "zst", "bz2", "xz"][i % 5 - 1]), compress(c, &bytes)),
        };
        std::fs::write(packed.join(name), bytes).unwrap();
    }
    let (a, b) = (d.join("a.out"), d.join("b.out"));
    ok(cluster(&["-q"], &shards, &a));
    ok(cluster(&["-q", "--ext", "jsonl"], &packed, &b));
    assert!(std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap());
    assert_eq!(std::fs::read(&b).unwrap().iter().filter(|&&x| x == b'\n').count(), 515);

    // Text files: one document each, named by their paths.
    let texts = d.join("texts");
    std::fs::create_dir_all(&texts).unwrap();
    let story = "Kim Jong Un's armoured train left Pyongyang for Vladivostok on Monday, officials said. ".repeat(8);
    std::fs::write(texts.join("a.txt.gz"), compress(Compression::Gzip, story.as_bytes())).unwrap();
    std::fs::write(texts.join("b.txt.zst"), compress(Compression::Zstd, format!("Seoul: {story}").as_bytes())).unwrap();
    std::fs::write(texts.join("c.txt"), "The central bank held rates on Thursday. ".repeat(8)).unwrap();
    let o = ok(run(bin().args(["cluster", "-q", "-o", "-"]).arg(&texts)));
    let got = String::from_utf8(o.stdout).unwrap();
    assert!(got.contains("\"id\":\"a.txt.gz\",\"cluster\":0"), "{got}");
    assert!(got.contains("\"id\":\"b.txt.zst\",\"cluster\":0"), "{got}");
    assert!(got.contains("\"id\":\"c.txt\",\"cluster\":1"), "{got}");

    // Delimited text: records numbered in the decompressed stream.
    let delimited = d.join("stories.txt.bz2");
    std::fs::write(
        &delimited,
        compress(Compression::Bzip2, format!("{story}\n\nnot a copy at all\n\n{story}").as_bytes()),
    )
    .unwrap();
    let o = ok(run(bin().args(["cluster", "-q", "--delimiter", "\\n\\n", "-o", "-"]).arg(&delimited)));
    let got = String::from_utf8(o.stdout).unwrap();
    assert!(got.contains("#1\",\"cluster\":0") && got.contains("#3\",\"cluster\":0"), "{got}");
}

/// A damaged archive of each format (cut short, its second stream's header broken, bytes in the
/// middle flipped): an error naming the file, the first line lost and the decompressed offset,
/// and no output; with `--skip-invalid` the records before the damage are clustered and the
/// damage is reported.
#[test]
fn damaged_archives_write_nothing_or_keep_the_records_before_the_damage() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let plain = sample();
    let ids: Vec<String> = plain
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_string())
        .collect();
    let split = plain[..plain.len() / 3].iter().rposition(|&b| b == b'\n').unwrap() + 1;
    let first_lines = plain[..split].iter().filter(|&&b| b == b'\n').count();
    for c in Compression::ALL {
        let whole = compress(c, &plain);
        let mut broken = compress(c, &plain[split..]);
        broken[..4].iter_mut().for_each(|b| *b ^= 0xa5);
        let two = [compress(c, &plain[..split]), broken].concat();
        let mut flipped = whole.clone();
        let mid = flipped.len() / 2;
        flipped[mid..mid + 32].iter_mut().for_each(|b| *b ^= 0xa5);
        let cases = [
            ("cut", &whole[..whole.len() * 2 / 3], None),
            ("second-header", &two[..], Some(first_lines)),
            ("flipped", &flipped[..], None),
        ];
        for (how, bytes, want_kept) in cases {
            assert!(!decompress(bytes).1, "{c} {how}: the damage is found");
            let case = d.join(format!("{how}-{c}"));
            std::fs::create_dir_all(&case).unwrap();
            let input = case.join(format!("news.jsonl.{c}"));
            std::fs::write(&input, bytes).unwrap();
            let out = case.join("clusters.jsonl");
            let o = cluster(&["-q"], &input, &out);
            let e = stderr(&o);
            assert_eq!(o.status.code(), Some(1), "{c} {how}: {e}");
            let at = format!("news.jsonl.{c}:line ");
            let line: usize = e
                .split(&at)
                .nth(1)
                .and_then(|r| r.split(' ').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("{c} {how}: {e} does not say {at}N"));
            assert!(e.contains(&format!("{at}{line} (byte ")), "{e}");
            assert!(e.contains(&format!("corrupt or truncated {c} stream")), "{e}");
            assert!(e.contains("--skip-invalid keeps the records before the damage"), "{e}");
            assert_eq!(names(&case), [format!("news.jsonl.{c}")], "{c} {how}: nothing written");
            if let Some(kept) = want_kept {
                assert_eq!(line, kept + 1, "{c} {how}: every record of the first stream is read");
            }
            if how == "cut" {
                assert!(line > 1, "{c}: a stream cut at two thirds gives records");
            }

            let o = ok(cluster(&["--skip-invalid"], &input, &out));
            let e = stderr(&o);
            assert!(e.contains("skipped: ") && e.contains(&format!("{at}{line} (byte ")), "{c} {how}: {e}");
            if how != "flipped" {
                // (Bytes flipped in a stream may decode to wrong bytes before a checksum finds
                // them; a cut or a broken header loses nothing before it.)
                let got: Vec<String> = std::fs::read_to_string(&out)
                    .unwrap()
                    .lines()
                    .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_string())
                    .collect();
                assert_eq!(got, ids[..line - 1], "{c} {how}: the records before the damage, in order");
            }
        }
    }
}

/// `dedup -o x.jsonl.gz` (and `.zst`) writes the kept records compressed: they decompress to
/// the bytes `-o x.jsonl` writes. A failed run leaves no compressed output behind.
#[test]
fn dedup_writes_compressed_outputs_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input = d.join("news.jsonl.gz");
    std::fs::write(&input, compress(Compression::Gzip, &sample())).unwrap();
    let dedup = |out: &Path, removed: &Path| {
        run(bin().args(["dedup", "-q"]).arg(&input).arg("-o").arg(out).arg("--removed").arg(removed))
    };
    ok(dedup(&d.join("kept.jsonl"), &d.join("removed.jsonl")));
    let kept = std::fs::read(d.join("kept.jsonl")).unwrap();
    let removed = std::fs::read(d.join("removed.jsonl")).unwrap();
    assert!(!kept.is_empty() && !removed.is_empty());
    for (c, ext) in [(Compression::Gzip, "gz"), (Compression::Zstd, "zst")] {
        let (k, r) = (d.join(format!("kept.jsonl.{ext}")), d.join(format!("removed.jsonl.{ext}")));
        ok(dedup(&k, &r));
        for (path, want) in [(&k, &kept), (&r, &removed)] {
            let bytes = std::fs::read(path).unwrap();
            assert_eq!(Compression::detect(&bytes), Some(c), "{}", path.display());
            assert!(decompress(&bytes) == (want.clone(), true), "{} round-trips", path.display());
        }
        // The compressed output reads back as input.
        let o = ok(run(bin().args(["cluster", "-q", "-o", "-"]).arg(&k)));
        assert_eq!(o.stdout.iter().filter(|&&b| b == b'\n').count(), kept.iter().filter(|&&b| b == b'\n').count());
    }
    // A damaged input: the error, and no output.
    let bytes = std::fs::read(&input).unwrap();
    std::fs::write(&input, &bytes[..bytes.len() - 100]).unwrap();
    let before = names(d);
    let o = run(bin().args(["dedup", "-q"]).arg(&input).arg("-o").arg(d.join("new.jsonl.gz")));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(names(d), before, "no output and no temporary file");
}
