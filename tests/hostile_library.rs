//! Hostile inputs (issue 16, the input side) through the library, without the command line:
//! exact ids, duplicate ids, inputs that change under the map, streams, unbounded records.

use std::path::Path;

use neardupe::corpus::{DuplicateIds, escape_path, unescape_path};
use neardupe::{Config, Corpus, CorpusConfig, Deduper, ErrorKind, InputFormat};

const STORY: &str = "The armoured train that Kim uses for foreign visits appears to have departed Pyongyang, \
                     South Korean media said on Tuesday, as officials prepared for a summit in the Russian far east.";

fn ids_of(corpus: &Corpus) -> Vec<String> {
    corpus.documents().map(|d| d.unwrap().id.into_owned()).collect()
}

/// Every id a directory gives names one file, and unescapes to its name.
#[cfg(unix)]
#[test]
fn file_ids_are_exact_and_distinct() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let names: [&[u8]; 6] = [b"caf\xe9", "caf\u{fffd}".as_bytes(), b"a\nb", b"a\\nb", b"x\x7f\x1b", b"\xff\xfe"];
    for (i, n) in names.iter().enumerate() {
        std::fs::write(tmp.path().join(std::ffi::OsStr::from_bytes(n)), format!("{STORY} {i}")).unwrap();
    }
    let corpus = Corpus::open(&[tmp.path()], CorpusConfig::default()).unwrap();
    let ids = ids_of(&corpus);
    assert_eq!(ids.len(), names.len());
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    for (i, id) in ids.iter().enumerate() {
        assert!(!id.contains('\n'), "{id:?}");
        let name = unescape_path(id).unwrap();
        assert_eq!(
            Path::new(std::ffi::OsStr::from_bytes(&name)),
            corpus.record_path(i).strip_prefix(tmp.path()).unwrap()
        );
        assert_eq!(corpus.record_path_escaped(i), escape_path(corpus.record_path(i)));
    }
}

/// `Deduper` runs refuse two documents with one id, naming both, unless told to number them.
#[test]
fn runs_refuse_duplicate_ids_or_number_them() {
    let mut deduper = Deduper::new(Config::builder().build().unwrap());
    let e = deduper.cluster(&[("a", STORY), ("b", "other"), ("a", "third")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DuplicateId);
    assert!(!e.kind().is_invalid_input(), "neither record is invalid on its own");
    assert_eq!(
        e.to_string(),
        "record 3: duplicate id \"a\": also the id of record 1; ids name documents in results (give every document its own id, or set `duplicate_ids` to number them apart)"
    );

    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("d.jsonl");
    std::fs::write(&path, "{\"id\":\"a\",\"text\":\"x y z\"}\n{\"id\":\"a\",\"text\":\"x y z\"}\n").unwrap();
    let corpus = Corpus::open(&[&path], CorpusConfig::default()).unwrap();
    let e = deduper.run(&corpus).unwrap_err();
    assert_eq!(e.location().line, Some(2), "{e}");
    assert!(e.to_string().contains("d.jsonl:line 1 (byte 0)"), "{e}");
    let numbered = CorpusConfig::builder().duplicate_ids(DuplicateIds::Number).build().unwrap();
    let out = deduper.run(&Corpus::open(&[&path], numbered).unwrap()).unwrap();
    assert_eq!(out.ids, ["a", "a~2"]);
    assert_eq!(out.stats.renamed_ids, 1);
}

/// A mapped input that changes during a run is reported by `check_unchanged`; a file replaced
/// by a rename is not a change of what was read.
#[cfg(feature = "mmap")]
#[test]
fn an_input_changed_under_the_map_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("live.jsonl");
    // Long enough to be mapped (shorter files are read: a snapshot, like `mmap(false)` below).
    let long = format!("{{\"id\":\"a\",\"text\":\"{}\"}}\n", "one two three ".repeat(6000));
    std::fs::write(&path, &long).unwrap();
    let corpus = Corpus::open(&[&path], CorpusConfig::default()).unwrap();
    corpus.check_unchanged().unwrap();
    let mut f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
    std::io::Write::write_all(&mut f, b"{\"id\":\"b\",\"text\":\"appended\"}\n").unwrap();
    drop(f);
    let e = corpus.check_unchanged().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(e.to_string().contains("live.jsonl: input changed while it was read"), "{e}");
    assert_eq!(e.options().collect::<Vec<_>>(), ["mmap"]);

    let corpus = Corpus::open(&[&path], CorpusConfig::default()).unwrap();
    let next = tmp.path().join("next.jsonl");
    std::fs::write(&next, "{\"id\":\"c\",\"text\":\"new file\"}\n").unwrap();
    std::fs::rename(&next, &path).unwrap();
    corpus.check_unchanged().unwrap();
    // Read into memory, a file is a snapshot.
    let read = Corpus::open(&[&path], CorpusConfig::builder().mmap(false).build().unwrap()).unwrap();
    std::fs::write(&path, "").unwrap();
    read.check_unchanged().unwrap();
    assert_eq!(ids_of(&read), ["c"]);
}

/// A directory's files are read by extension, hidden ones left out, empty ones listed.
#[test]
fn directories_read_each_file_as_its_extension_says() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("a.jsonl"), "{\"id\":\"j1\",\"text\":\"x\"}\n{\"text\":\"y\"}\n").unwrap();
    std::fs::write(tmp.path().join("b.txt"), "plain text").unwrap();
    std::fs::write(tmp.path().join("c.txt"), "").unwrap();
    std::fs::write(tmp.path().join(".hidden.txt"), "hidden").unwrap();
    let corpus = Corpus::open(&[tmp.path()], CorpusConfig::default()).unwrap();
    assert_eq!(ids_of(&corpus), ["j1", "a.jsonl:2", "b.txt"]);
    assert_eq!(corpus.skipped().len(), 1);
    assert_eq!(corpus.skipped().listed()[0].kind(), ErrorKind::Empty);
    let all = Corpus::open(&[tmp.path()], CorpusConfig::builder().hidden(true).build().unwrap()).unwrap();
    assert_eq!(ids_of(&all), [".hidden.txt", "j1", "a.jsonl:2", "b.txt"]);
    let text = CorpusConfig::builder().format(InputFormat::Text).build().unwrap();
    assert_eq!(ids_of(&Corpus::open(&[tmp.path()], text).unwrap()), ["a.jsonl", "b.txt"]);
}

/// A BOM, CRLF blank-line delimiters and streams through the library.
#[test]
fn byte_order_marks_and_crlf_records() {
    let data = [&b"\xEF\xBB\xBF"[..], b"{\"id\":\"a\",\"text\":\"x\"}\r\n{\"id\":\"b\",\"text\":\"y\"}\r\n"].concat();
    let corpus = Corpus::from_reader(&data[..], "<bytes>", CorpusConfig::default(), None).unwrap();
    assert_eq!(ids_of(&corpus), ["a", "b"]);
    let text = b"\xEF\xBB\xBFone\r\npara\r\n\r\ntwo\r\n\r\n";
    let config = CorpusConfig::builder().format(InputFormat::Text).delimiter(Some("\n\n".into())).build().unwrap();
    let corpus = Corpus::from_reader(&text[..], "t", config, None).unwrap();
    let texts: Vec<String> = corpus.documents().map(|d| d.unwrap().text.into_owned()).collect();
    assert_eq!(texts, ["one\r\npara", "two"]);
    // Only a mark: a file with no documents.
    let e = Corpus::from_reader(&b"\xEF\xBB\xBF"[..], "<mark>", CorpusConfig::default(), None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Empty);
}

/// A text that NFKC makes longer than the record limit is invalid input of the run, not a
/// gigabyte of memory: refused, or skipped with `skip_invalid`.
#[test]
fn normalisation_is_bounded_by_the_record_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("n.jsonl");
    let long = "\u{fdfa}".repeat(20_000); // 60 KB, 660 KB after NFKC
    let lines = [
        serde_json::json!({"id": "short", "text": STORY}).to_string(),
        serde_json::json!({"id": "long", "text": long}).to_string(),
    ];
    std::fs::write(&path, lines.join("\n")).unwrap();
    let mut deduper = Deduper::new(Config::builder().nfkc(true).build().unwrap());
    let config = || CorpusConfig::builder().max_record_bytes(100_000);
    let e = deduper.run(&Corpus::open(&[&path], config().build().unwrap()).unwrap()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RecordTooLarge);
    assert_eq!(e.location().line, Some(2), "{e}");
    assert_eq!(e.options().collect::<Vec<_>>(), ["max_record_bytes"]);
    let out = deduper.run(&Corpus::open(&[&path], config().skip_invalid(true).build().unwrap()).unwrap()).unwrap();
    assert_eq!(out.ids, ["short"]);
    assert_eq!(out.skipped.len(), 1);
}

/// The oracle's pairs can be streamed in order with bounded memory.
#[test]
fn oracle_pairs_stream_in_order() {
    let sets: Vec<neardupe::ShingleSet> = (0..400).map(|_| neardupe::ShingleSet::from_hashes(vec![1, 2, 3])).collect();
    fn ordered_count(seen: &mut u64, last: &mut (u32, u32), pairs: &[neardupe::oracle::ExactPair]) -> Result<(), ()> {
        for p in pairs {
            assert!(*seen == 0 || (p.a, p.b) > *last);
            *last = (p.a, p.b);
            *seen += 1;
        }
        Ok(())
    }
    let (mut seen, mut last) = (0u64, (0, 0));
    neardupe::oracle::exact_pairs_each(&sets, 1.0, 1.1, |p| ordered_count(&mut seen, &mut last, p)).unwrap();
    assert_eq!(seen, 400 * 399 / 2);
    #[cfg(feature = "parallel")]
    {
        let (mut seen, mut last) = (0u64, (0, 0));
        neardupe::oracle::par_exact_pairs_each(&sets, 1.0, 1.1, |p| ordered_count(&mut seen, &mut last, p)).unwrap();
        assert_eq!(seen, 400 * 399 / 2);
    }
}

/// Millions of invalid lines held an error each (2,000,000 bad lines: 500 MB): every one is
/// counted, the first `Skipped::LISTED` are kept with their errors.
#[test]
fn skipped_records_are_counted_and_the_first_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("bad.jsonl");
    let n = neardupe::Skipped::LISTED + 500;
    let mut text: String = (0..n).map(|i| format!("{{not json {i}}}\n")).collect();
    text.push_str(&serde_json::json!({"id": "ok", "text": STORY}).to_string());
    std::fs::write(&path, text).unwrap();
    let config = CorpusConfig::builder().skip_invalid(true).build().unwrap();
    let out = Deduper::new(Config::default()).run(&Corpus::open(&[&path], config).unwrap()).unwrap();
    assert_eq!(out.ids, ["ok"]);
    assert_eq!((out.skipped.len(), out.skipped.listed().len()), (n, neardupe::Skipped::LISTED));
    assert_eq!(out.stats.skipped, n as u64);
    assert_eq!(out.skipped.iter().next().unwrap().location().line, Some(1));
    assert_eq!(out.skipped.listed().last().unwrap().location().line, Some(neardupe::Skipped::LISTED as u64));
}
