//! Every error kind a program acts on, from the public API: what gives it, that its message names
//! the file, line or byte offset, and that hints name the library's options (not CLI flags).

use std::path::{Path, PathBuf};

use neardupe::index::Index;
use neardupe::{Config, Corpus, CorpusConfig, DocId, Document, DocumentSource, Error, ErrorKind, Similarity, Verify};

const STORY: &str = "the central bank raised interest rates by a quarter point on tuesday citing persistent \
                     inflation in services and a tight labour market across the region";

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// The error of reading every document of `path` with `config`.
fn read_err(path: &Path, config: CorpusConfig) -> Error {
    match Corpus::open(&[path], config) {
        Err(e) => e,
        Ok(corpus) => corpus.documents().find_map(Result::err).expect("an invalid record"),
    }
}

fn corpus_config() -> neardupe::corpus::CorpusConfigBuilder {
    CorpusConfig::builder()
}

fn options(e: &Error) -> Vec<&'static str> {
    e.options().collect()
}

#[test]
fn config_values_are_refused_when_built() {
    let bad = [
        Config::builder().threshold(1.5).build(),
        Config::builder().num_perm(0).build(),
        Config::builder().bands_rows(40, 8).build(),
        Config::builder().word_ngrams(0).build(),
        Config::builder().lsh_weights(-1.0, 1.0).build(),
        Config::builder().lsh_weights(f64::INFINITY, 1.0).build(),
        Config::builder().bands_rows(16, 8).lsh_weights(1.0, 1.0).build(),
        Config::builder().similarity(Similarity::Containment).verify(Verify::None).build(),
    ];
    for r in bad {
        let e = r.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config, "{e}");
        assert!(!e.kind().is_invalid_input());
        assert!(!e.to_string().contains("--"), "a library message names no CLI flag: {e}");
    }
    let e = Config::builder().verify(Verify::None).build().unwrap_err();
    assert_eq!(options(&e), ["verify", "similarity"], "{e}");
    assert!(e.to_string().ends_with("(set `verify` to hybrid, estimate or exact, or `similarity` to jaccard)"), "{e}");
    // Valid edge values still build: a same-day window, the largest signature, LSH weights alone.
    Config::builder().window_days(Some(0)).build().unwrap();
    Config::builder().num_perm(8192).build().unwrap();
    Config::builder().lsh_weights(1.0, 0.0).build().unwrap();
    assert_eq!(CorpusConfig::builder().text_field("").build().unwrap_err().kind(), ErrorKind::Config);
    assert_eq!(Corpus::open::<&str>(&[], corpus_config().build().unwrap()).unwrap_err().kind(), ErrorKind::Config);
    assert_eq!("sometimes".parse::<Verify>().unwrap_err().kind(), ErrorKind::Config);
}

#[test]
fn bad_records_are_invalid_input_and_say_where() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let good = format!("{}\n", serde_json::json!({"id": "x", "text": STORY, "date": "2024-04-01"}));
    let at = good.len() as u64;
    let cases: Vec<(PathBuf, CorpusConfig, ErrorKind, &str, Vec<&str>)> = vec![
        (
            write(d, "json.jsonl", format!("{good}{{\"text\": \"unterminated\n").as_bytes()),
            corpus_config().build().unwrap(),
            ErrorKind::Json,
            "json.jsonl:line 2",
            vec![],
        ),
        (
            write(d, "text.jsonl", format!("{good}{{\"body\": \"x\"}}\n").as_bytes()),
            corpus_config().build().unwrap(),
            ErrorKind::MissingField,
            "text.jsonl:line 2",
            vec!["text_field"],
        ),
        (
            write(d, "date.jsonl", format!("{good}{{\"text\": \"x\"}}\n").as_bytes()),
            corpus_config().date_field(Some("date".into())).build().unwrap(),
            ErrorKind::MissingField,
            "date.jsonl:line 2",
            vec!["date_field"],
        ),
        (
            write(d, "soon.jsonl", format!("{good}{{\"text\": \"x\", \"date\": \"soon\"}}\n").as_bytes()),
            corpus_config().date_field(Some("date".into())).build().unwrap(),
            ErrorKind::MissingField,
            "soon.jsonl:line 2",
            vec!["date_format"],
        ),
        (
            write(d, "plain.txt", STORY.as_bytes()),
            corpus_config().date_field(Some("date".into())).build().unwrap(),
            ErrorKind::MissingField,
            "plain.txt: text files have no dates",
            vec!["date_field"],
        ),
        (
            write(d, "utf8.jsonl", &[good.as_bytes(), b"{\"text\": \"caf\xe9\"}\n"].concat()),
            corpus_config().build().unwrap(),
            ErrorKind::Utf8,
            "utf8.jsonl:line 2",
            vec!["lossy_utf8", "skip_invalid"],
        ),
        (
            write(d, "empty.jsonl", b""),
            corpus_config().build().unwrap(),
            ErrorKind::Empty,
            "empty.jsonl: file is empty",
            vec![],
        ),
        (
            write(d, "big.jsonl", format!("{good}{good}").as_bytes()),
            corpus_config().max_record_bytes(good.len() - 2).build().unwrap(),
            ErrorKind::RecordTooLarge,
            "big.jsonl:line 1 (byte 0)",
            vec!["max_record_bytes"],
        ),
    ];
    for (path, config, kind, place, hint) in cases {
        let e = read_err(&path, config);
        assert_eq!(e.kind(), kind, "{e}");
        assert!(kind.is_invalid_input(), "{kind}");
        assert!(e.to_string().contains(place), "{e} does not say {place:?}");
        assert_eq!(options(&e), hint, "{e}");
        assert!(!e.to_string().contains("--"), "a library message names no CLI flag: {e}");
    }
    // The byte offset of bad UTF-8 is the first bad byte's.
    let e = read_err(&d.join("utf8.jsonl"), corpus_config().build().unwrap());
    assert_eq!(e.location().offset, Some(at + "{\"text\": \"caf".len() as u64), "{e}");
    // A window needs dates: in a source that can carry dates, a document without one is
    // invalid input too (a source that cannot is refused before any work).
    let docs = [Document::new("a", STORY)];
    let mut deduper = neardupe::Deduper::new(Config::builder().window_days(Some(3)).build().unwrap());
    let e = deduper.run(&Dated(&docs)).unwrap_err();
    assert_eq!((e.kind(), options(&e)), (ErrorKind::MissingField, vec!["window_days", "date_field"]), "{e}");
    let e = deduper.cluster(&[("a", STORY)]).unwrap_err();
    assert_eq!((e.kind(), options(&e)), (ErrorKind::Config, vec!["window_days", "date_field"]), "{e}");
}

/// Documents that may carry dates (as a user's own storage would).
struct Dated<'a>(&'a [Document<'a>]);

impl DocumentSource for Dated<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn document(&self, i: usize) -> neardupe::Result<Document<'_>> {
        Ok(self.0[i].clone())
    }
}

#[test]
fn missing_paths_are_not_found_and_other_io_errors_io() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("missing.jsonl");
    let e = Corpus::open(&[&missing], corpus_config().build().unwrap()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert!(e.to_string().contains("missing.jsonl: cannot open input"), "{e}");
    #[cfg(unix)]
    {
        let sock = tmp.path().join("socket.jsonl");
        let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        let e = Corpus::open(&[&sock], corpus_config().build().unwrap()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Io, "{e}");
        assert!(e.to_string().contains("socket.jsonl"), "{e}");
    }
}

/// An index of two documents in `dir` (no boilerplate, so that files of indexes with the same
/// documents and other parameters differ only by the parameters).
fn small_index(dir: &Path, num_perm: usize) -> Index {
    let config = Config::builder().num_perm(num_perm).boilerplate(None).build().unwrap();
    let mut index = Index::create(dir, config).unwrap();
    index.insert_batch(&[("a", STORY), ("b", "an unrelated note about gardening in the spring")][..]).unwrap();
    index
}

fn segment_of(dir: &Path) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("segment-"))
        .unwrap()
}

#[test]
fn index_errors_have_the_kind_a_program_acts_on() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ix");

    // NotFound: no index there (and opening makes nothing).
    for e in [Index::open(&dir).unwrap_err(), Index::open_writable(&dir).unwrap_err()] {
        assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
        assert!(e.to_string().contains("ix is not a neardupe index"), "{e}");
    }
    assert!(!dir.exists());

    let mut writer = small_index(&dir, 128);
    // Locked: a second writer, in this process or another.
    let e = Index::open_writable(&dir).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Locked, "{e}");
    assert_eq!(Index::create(&dir, Config::default()).unwrap_err().kind(), ErrorKind::Locked);
    // NotFound: a document beyond the last.
    assert_eq!(writer.document_id(DocId(2)).unwrap_err().kind(), ErrorKind::NotFound);
    writer.compact().unwrap();
    drop(writer);

    // AlreadyExists / Incompatible: creating over an index, with its parameters or others.
    let same = Config::builder().boilerplate(None).build().unwrap();
    let e = Index::create(&dir, same).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AlreadyExists, "{e}");
    let windowed = Config::builder().boilerplate(None).window_days(Some(7)).build().unwrap();
    let e = Index::create(&dir, windowed).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Incompatible, "{e}");
    assert!(e.to_string().contains("window: 7 days vs none"), "{e}");

    // ReadOnly: changing an index opened to read.
    let mut reader = Index::open(&dir).unwrap();
    assert!(!reader.is_writable());
    let e = reader.insert_batch(&[("c", STORY)][..]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ReadOnly, "{e}");
    drop(reader);

    // Corrupt: a flipped byte in a segment's payload (found by `check`), a listed file missing,
    // a segment of another index with other parameters.
    let segment = segment_of(&dir);
    let good = std::fs::read(&segment).unwrap();
    let mut bad = good.clone();
    *bad.last_mut().unwrap() ^= 1;
    std::fs::write(&segment, &bad).unwrap();
    let e = Index::open(&dir).unwrap().check().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Corrupt, "{e}");
    assert!(e.to_string().contains("checksum") && e.to_string().contains("segment-"), "{e}");
    std::fs::remove_file(&segment).unwrap();
    for e in [Index::open(&dir).unwrap_err(), Index::open_writable(&dir).unwrap_err()] {
        assert_eq!(e.kind(), ErrorKind::Corrupt, "{e}");
        assert!(e.to_string().contains("missing, though the MANIFEST lists it"), "{e}");
    }
    let other = tmp.path().join("other");
    drop(small_index(&other, 64));
    std::fs::copy(segment_of(&other), &segment).unwrap();
    let e = Index::open(&dir).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Corrupt, "{e}");
    // The MANIFEST pins each file, so a segment from another index is caught before its
    // parameters are compared.
    assert!(e.to_string().contains("not the file the MANIFEST lists"), "{e}");
    std::fs::write(&segment, &good).unwrap();
    Index::open(&dir).unwrap().check().unwrap();
}

#[test]
fn a_window_without_dates_is_refused_before_any_work() {
    let config = Config::builder().window_days(Some(3)).build().unwrap();
    let docs = [("a", "some text about the harbour strike"), ("b", "some text about the harbour strike")];
    let e = neardupe::Deduper::new(config).cluster(&docs).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config, "{e}");
    assert!(e.to_string().contains("window") && e.to_string().contains("`date_field`"), "{e}");
}
