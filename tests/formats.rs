//! Input formats against the JSONL reader as the oracle: the same documents as WARC records, as
//! Parquet or Arrow rows, or with their fields nested, give byte-identical cluster output; and
//! every kind of damage is an error naming the file and the record (or skipped and listed).

use std::path::{Path, PathBuf};

use neardupe::output::{self, ClusterFormat};
use neardupe::{Config, Corpus, CorpusConfig, Deduper, ErrorKind, WarcId};

/// The bundled sample: `(id, date, text)` per line of `data/news-sample.jsonl`.
fn sample() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(data("news-sample.jsonl")).unwrap();
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let s = |k: &str| v[k].as_str().unwrap().to_string();
            (s("id"), s("date"), s("text"))
        })
        .collect()
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join(name)
}

/// The documents as JSONL `{"id", "date", "text"}` lines.
fn jsonl(docs: &[(String, String, String)]) -> String {
    docs.iter()
        .map(|(id, date, text)| serde_json::json!({"id": id, "date": date, "text": text}).to_string() + "\n")
        .collect()
}

/// The cluster output (JSONL) of a run over `paths`.
fn clusters(paths: &[&Path], corpus: CorpusConfig, config: Config) -> Vec<u8> {
    let corpus = Corpus::open(paths, corpus).unwrap();
    let out = Deduper::new(config).run(&corpus).unwrap();
    let mut v = Vec::new();
    output::write_clusters(&mut v, &out, ClusterFormat::Jsonl).unwrap();
    v
}

fn dated() -> CorpusConfig {
    CorpusConfig::builder().date_field(Some("date".into())).build().unwrap()
}

fn windowed(days: u32) -> Config {
    Config::builder().window_days(Some(days)).build().unwrap()
}

/// One WARC record, as CommonCrawl writes them.
fn warc_record(kind: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut r = format!("WARC/1.0\r\nWARC-Type: {kind}\r\n");
    for (k, v) in headers {
        r.push_str(&format!("{k}: {v}\r\n"));
    }
    r.push_str(&format!("Content-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}\r\n\r\n", body.len()));
    r
}

/// The documents as a WET file: a warcinfo record, then a conversion record per document with
/// the id `<urn:x:ID>`, the address `https://news.example/ID` and the date at noon.
fn wet(docs: &[(String, String, String)]) -> String {
    let mut out = warc_record(
        "warcinfo",
        &[("WARC-Date", "2024-12-01T00:00:00Z"), ("WARC-Record-ID", "<urn:x:info>")],
        "software: test\r\n",
    );
    for (id, date, text) in docs {
        let (rid, uri, when) =
            (format!("<urn:x:{id}>"), format!("https://news.example/{id}"), format!("{date}T12:00:00Z"));
        let headers = [
            ("WARC-Target-URI", uri.as_str()),
            ("WARC-Date", when.as_str()),
            ("WARC-Record-ID", rid.as_str()),
            ("WARC-Refers-To", "<urn:x:response>"),
        ];
        out.push_str(&warc_record("conversion", &headers, text));
    }
    out
}

#[test]
fn wet_records_cluster_as_the_same_documents_as_jsonl() {
    let docs = sample();
    let dir = tempfile::tempdir().unwrap();
    let (wet_path, jsonl_path) = (dir.path().join("news.warc.wet"), dir.path().join("news.jsonl"));
    std::fs::write(&wet_path, wet(&docs)).unwrap();
    let renamed: Vec<_> = docs.iter().map(|(id, d, t)| (format!("<urn:x:{id}>"), d.clone(), t.clone())).collect();
    std::fs::write(&jsonl_path, jsonl(&renamed)).unwrap();
    for config in [Config::default(), windowed(1)] {
        let want = clusters(&[&jsonl_path], dated(), config.clone());
        assert_eq!(clusters(&[&wet_path], CorpusConfig::default(), config), want);
    }
    // By address: the same ids as a JSONL file of addresses.
    let by_uri: Vec<_> =
        docs.iter().map(|(id, d, t)| (format!("https://news.example/{id}"), d.clone(), t.clone())).collect();
    std::fs::write(&jsonl_path, jsonl(&by_uri)).unwrap();
    let uri = CorpusConfig::builder().warc_id(WarcId::TargetUri).build().unwrap();
    assert_eq!(clusters(&[&wet_path], uri, windowed(2)), clusters(&[&jsonl_path], dated(), windowed(2)));
}

/// `data/sample.warc.wet` was written by warcio; `data/sample.warcio.jsonl` is warcio's own
/// reading of it (`benches/scripts/make_sample_wet.py`). Both readers agree on every record.
#[test]
fn the_warcio_sample_reads_as_warcio_reads_it() {
    let corpus = Corpus::open(&[data("sample.warc.wet")], CorpusConfig::default()).unwrap();
    let want: Vec<serde_json::Value> = std::fs::read_to_string(data("sample.warcio.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(corpus.len(), want.len());
    for (i, w) in want.iter().enumerate() {
        let doc = corpus.document(i).unwrap();
        assert_eq!(doc.id, w["id"].as_str().unwrap());
        assert_eq!(doc.text, w["text"].as_str().unwrap());
        assert_eq!(doc.day, neardupe::date::parse_day(w["date"].as_str().unwrap(), None));
    }
    let by_uri =
        Corpus::open(&[data("sample.warc.wet")], CorpusConfig::builder().warc_id(WarcId::TargetUri).build().unwrap())
            .unwrap();
    for (i, w) in want.iter().enumerate() {
        assert_eq!(by_uri.document(i).unwrap().id, w["uri"].as_str().unwrap());
    }
    // A story's copies within days cluster together; its reprint a year later does only without a window.
    let run = |config: Config| Deduper::new(config).run(&corpus).unwrap().clustering;
    let (all, week) = (run(Config::default()), run(windowed(3)));
    let c = |cl: &neardupe::Clustering, i: u32| cl.cluster(neardupe::DocId(i));
    assert!((1..4).all(|i| c(&all, i) == c(&all, 0)) && c(&all, 4) == c(&all, 5) && c(&all, 6) != c(&all, 0));
    assert!((1..3).all(|i| c(&week, i) == c(&week, 0)) && c(&week, 3) != c(&week, 0) && c(&week, 4) == c(&week, 5));
}

/// A WET file as CommonCrawl ships it: `.warc.wet.gz`, each record a gzip member of its own.
/// It reads as the plain file does; cut short, the records before the damage are kept with
/// `skip_invalid`.
#[cfg(feature = "gzip")]
#[test]
fn gzipped_wet_files_read_as_plain_ones() {
    use neardupe::compression::{Compression, Encoder};
    use std::io::Write;
    let docs = &sample()[..40];
    let plain = wet(docs);
    let mut gz = Vec::new();
    for record in plain.split_inclusive("\r\n\r\nWARC/1.0").collect::<Vec<_>>().join("").split("WARC/1.0").skip(1) {
        let mut e = Encoder::new(Vec::new(), Compression::Gzip).unwrap();
        write!(e, "WARC/1.0{record}").unwrap();
        gz.extend(e.finish().unwrap());
    }
    let dir = tempfile::tempdir().unwrap();
    let (plain_path, gz_path) = (dir.path().join("crawl.warc.wet"), dir.path().join("crawl.warc.wet.gz"));
    std::fs::write(&plain_path, &plain).unwrap();
    std::fs::write(&gz_path, &gz).unwrap();
    let want = clusters(&[&plain_path], CorpusConfig::default(), windowed(1));
    assert_eq!(clusters(&[&gz_path], CorpusConfig::default(), windowed(1)), want);
    // Cut inside the 30th member: an error; with skip_invalid, the records before the cut.
    let cut = gz.len() * 3 / 4;
    std::fs::write(&gz_path, &gz[..cut]).unwrap();
    let e = Corpus::open(&[&gz_path], CorpusConfig::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Compression, "{e}");
    let skip = CorpusConfig::builder().skip_invalid(true).build().unwrap();
    let corpus = Corpus::open(&[&gz_path], skip).unwrap();
    assert!(corpus.len() > 20 && corpus.len() < 40, "{}", corpus.len());
    let full = Corpus::open(&[&plain_path], CorpusConfig::default()).unwrap();
    for i in 0..corpus.len() {
        assert_eq!(corpus.document(i).unwrap(), full.document(i).unwrap());
    }
    assert_eq!(corpus.skipped().len(), 1, "the damage, and no truncated record besides");
}

#[test]
fn warc_damage_is_located_and_skippable() {
    let docs = &sample()[..3];
    let good = wet(docs);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.warc");
    // The second document's record loses its Content-Length.
    let second = good.match_indices("WARC/1.0").nth(2).unwrap().0;
    let damaged = good[..second].to_string() + &good[second..].replacen("Content-Length", "Content-Lenth", 1);
    std::fs::write(&path, &damaged).unwrap();
    let e = Corpus::open(&[&path], CorpusConfig::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Malformed);
    assert_eq!(e.to_string(), format!("{}:byte {second}: WARC record has no Content-Length", path.display()));
    let skip = CorpusConfig::builder().skip_invalid(true).build().unwrap();
    let corpus = Corpus::open(&[&path], skip.clone()).unwrap();
    let ids: Vec<String> = corpus.documents().map(|d| d.unwrap().id.into_owned()).collect();
    assert_eq!(ids, [format!("<urn:x:{}>", docs[0].0), format!("<urn:x:{}>", docs[2].0)]);
    assert_eq!(corpus.skipped().len(), 1);
    // Truncated in its last record: the records before are kept with skip_invalid.
    std::fs::write(&path, &good[..good.len() - 40]).unwrap();
    let e = Corpus::open(&[&path], CorpusConfig::default()).unwrap_err();
    assert!(e.to_string().contains("truncated"), "{e}");
    assert_eq!(Corpus::open(&[&path], skip.clone()).unwrap().len(), 2);
    // A record without the header its id comes from, or without a date, is invalid when read.
    let no_uri =
        warc_record("conversion", &[("WARC-Date", "2024-01-01T00:00:00Z"), ("WARC-Record-ID", "<urn:x:1>")], "text");
    std::fs::write(&path, &no_uri).unwrap();
    let uri = CorpusConfig::builder().warc_id(WarcId::TargetUri).build().unwrap();
    let e = Corpus::open(&[&path], uri).unwrap().document(0).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("{}:byte 0: WARC record has no WARC-Target-URI header (see `warc_id`)", path.display())
    );
    let undated = warc_record("conversion", &[("WARC-Record-ID", "<urn:x:1>")], "text");
    std::fs::write(&path, undated).unwrap();
    let e = Corpus::open(&[&path], CorpusConfig::default()).unwrap().document(0).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MissingField);
    // A file of other records only: no documents, and what it held.
    let info = warc_record("warcinfo", &[], "x") + &warc_record("response", &[], "HTTP/1.1 200 OK\r\n\r\n<html>");
    std::fs::write(&path, info).unwrap();
    let e = Corpus::open(&[&path], CorpusConfig::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Empty);
    assert!(e.to_string().contains("no text records (1 response, 1 warcinfo records)"), "{e}");
    // Found by its first bytes whatever its name, and read as text when told so.
    let named = dir.path().join("crawl.data");
    std::fs::write(&named, &good).unwrap();
    assert_eq!(Corpus::open(&[&named], CorpusConfig::default()).unwrap().len(), 3);
    let text = CorpusConfig::builder().format(neardupe::InputFormat::Text).build().unwrap();
    assert_eq!(Corpus::open(&[&named], text).unwrap().len(), 1);
}

/// Nested fields: the same documents with their fields inside objects cluster the same.
#[test]
fn nested_fields_cluster_as_flat_ones() {
    let docs = sample();
    let dir = tempfile::tempdir().unwrap();
    let (flat, nested) = (dir.path().join("flat.jsonl"), dir.path().join("nested.jsonl"));
    std::fs::write(&flat, jsonl(&docs)).unwrap();
    let lines: String = docs
        .iter()
        .map(|(id, date, text)| {
            let v = serde_json::json!({"meta": {"url": id, "date": {"published": date}}, "text": "not this", "body": {"text": text}});
            v.to_string() + "\n"
        })
        .collect();
    std::fs::write(&nested, lines).unwrap();
    let config = CorpusConfig::builder()
        .text_field("body.text")
        .id_field("meta.url")
        .date_field(Some("meta.date.published".into()))
        .build()
        .unwrap();
    assert_eq!(clusters(&[&nested], config, windowed(1)), clusters(&[&flat], dated(), windowed(1)));
}

/// Without the `parquet` feature a table is an error saying so, skipped or not.
#[cfg(not(feature = "parquet"))]
#[test]
fn tables_need_the_parquet_feature() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.parquet");
    std::fs::write(&path, b"PAR1 a table PAR1").unwrap();
    for skip in [false, true] {
        let e = Corpus::open(&[&path], CorpusConfig::builder().skip_invalid(skip).build().unwrap()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Unsupported);
        assert!(e.to_string().contains("needs neardupe's `parquet` feature"), "{e}");
    }
}

#[cfg(feature = "parquet")]
mod tables {
    use std::sync::Arc;

    use arrow_array::{
        Array, ArrayRef, BinaryArray, Date32Array, DictionaryArray, Int64Array, RecordBatch, StringArray, StructArray,
        TimestampMillisecondArray, types::Int32Type,
    };
    use arrow_schema::{Field, Fields};
    use parquet::arrow::ArrowWriter;
    use parquet::basic::{Compression, ZstdLevel};
    use parquet::file::properties::WriterProperties;

    use super::*;

    /// Writes `columns` as a Parquet file of row groups of `group` rows.
    fn write_parquet(path: &Path, columns: Vec<(&str, ArrayRef)>, compression: Compression, group: usize) {
        let batch = RecordBatch::try_from_iter(columns).unwrap();
        let props =
            WriterProperties::builder().set_compression(compression).set_max_row_group_row_count(Some(group)).build();
        let mut w = ArrowWriter::try_new(std::fs::File::create(path).unwrap(), batch.schema(), Some(props)).unwrap();
        // Several batches, so that row groups and batches do not line up.
        let mut at = 0;
        while at < batch.num_rows() {
            let n = 77.min(batch.num_rows() - at);
            w.write(&batch.slice(at, n)).unwrap();
            at += n;
        }
        w.close().unwrap();
    }

    fn strings(v: impl IntoIterator<Item = Option<String>>) -> ArrayRef {
        Arc::new(v.into_iter().collect::<StringArray>())
    }

    /// The sample's columns: id, date (a string), text.
    fn sample_columns(docs: &[(String, String, String)]) -> Vec<(&'static str, ArrayRef)> {
        vec![
            ("id", strings(docs.iter().map(|d| Some(d.0.clone())))),
            ("date", strings(docs.iter().map(|d| Some(d.1.clone())))),
            ("text", strings(docs.iter().map(|d| Some(d.2.clone())))),
        ]
    }

    fn days(docs: &[(String, String, String)]) -> Vec<i32> {
        docs.iter().map(|d| neardupe::date::parse_day(&d.1, None).unwrap()).collect()
    }

    #[test]
    fn parquet_rows_cluster_as_the_same_documents_as_jsonl() {
        let docs = sample();
        let dir = tempfile::tempdir().unwrap();
        let jsonl_path = dir.path().join("news.jsonl");
        std::fs::write(&jsonl_path, jsonl(&docs)).unwrap();
        let want = clusters(&[&jsonl_path], dated(), windowed(1));
        let codecs = [
            Compression::SNAPPY,
            Compression::ZSTD(ZstdLevel::default()),
            Compression::UNCOMPRESSED,
            Compression::GZIP(Default::default()),
            Compression::LZ4_RAW,
        ];
        for (i, codec) in codecs.into_iter().enumerate() {
            let path = dir.path().join(format!("news-{i}.parquet"));
            write_parquet(&path, sample_columns(&docs), codec, 100);
            assert_eq!(clusters(&[&path], dated(), windowed(1)), want, "{codec:?}");
        }
        // Typed dates, a dictionary-encoded id, the text as UTF-8 bytes, extra columns left unread.
        let day = Arc::new(Date32Array::from(days(&docs))) as ArrayRef;
        let millis: Vec<i64> = days(&docs).iter().map(|&d| i64::from(d) * 86_400_000 + 43_200_000).collect();
        let ids: DictionaryArray<Int32Type> = docs.iter().map(|d| d.0.as_str()).collect();
        let texts = BinaryArray::from_iter_values(docs.iter().map(|d| d.2.as_bytes()));
        let path = dir.path().join("typed.parquet");
        let columns = vec![
            ("n", Arc::new(Int64Array::from_iter_values(0..docs.len() as i64)) as ArrayRef),
            ("id", Arc::new(ids) as ArrayRef),
            ("date", day),
            ("stamp", Arc::new(TimestampMillisecondArray::from(millis)) as ArrayRef),
            ("text", Arc::new(texts) as ArrayRef),
        ];
        write_parquet(&path, columns, Compression::SNAPPY, 1000);
        assert_eq!(clusters(&[&path], dated(), windowed(1)), want);
        let stamp = CorpusConfig::builder().date_field(Some("stamp".into())).build().unwrap();
        assert_eq!(clusters(&[&path], stamp, windowed(1)), want);
    }

    #[test]
    fn struct_columns_are_reached_by_dotted_names() {
        let docs = sample();
        let dir = tempfile::tempdir().unwrap();
        let jsonl_path = dir.path().join("news.jsonl");
        std::fs::write(&jsonl_path, jsonl(&docs)).unwrap();
        let cols = sample_columns(&docs);
        let fields: Fields = cols.iter().map(|(n, a)| Field::new(*n, a.data_type().clone(), true)).collect();
        let meta = StructArray::new(fields, cols.iter().map(|(_, a)| a.clone()).collect(), None);
        let path = dir.path().join("nested.parquet");
        write_parquet(
            &path,
            vec![("meta", Arc::new(meta) as ArrayRef), ("text", strings(docs.iter().map(|_| Some("x".into()))))],
            Compression::SNAPPY,
            200,
        );
        let config = CorpusConfig::builder()
            .text_field("meta.text")
            .id_field("meta.id")
            .date_field(Some("meta.date".into()))
            .build()
            .unwrap();
        assert_eq!(clusters(&[&path], config, windowed(1)), clusters(&[&jsonl_path], dated(), windowed(1)));
    }

    #[test]
    fn arrow_files_and_streams_read_as_parquet_does() {
        let docs = sample();
        let dir = tempfile::tempdir().unwrap();
        let jsonl_path = dir.path().join("news.jsonl");
        std::fs::write(&jsonl_path, jsonl(&docs)).unwrap();
        let want = clusters(&[&jsonl_path], dated(), Config::default());
        let batch = RecordBatch::try_from_iter(sample_columns(&docs)).unwrap();
        let (file, stream) = (dir.path().join("news.arrow"), dir.path().join("cache-0001.arrow"));
        let mut w =
            arrow_ipc::writer::FileWriter::try_new(std::fs::File::create(&file).unwrap(), &batch.schema()).unwrap();
        let mut s =
            arrow_ipc::writer::StreamWriter::try_new(std::fs::File::create(&stream).unwrap(), &batch.schema()).unwrap();
        for at in (0..batch.num_rows()).step_by(100) {
            let part = batch.slice(at, 100.min(batch.num_rows() - at));
            w.write(&part).unwrap();
            s.write(&part).unwrap();
        }
        w.finish().unwrap();
        s.finish().unwrap();
        assert_eq!(clusters(&[&file], dated(), Config::default()), want);
        assert_eq!(clusters(&[&stream], dated(), Config::default()), want);
        // Found by their first bytes under any name.
        let renamed = dir.path().join("news.bin");
        std::fs::copy(&stream, &renamed).unwrap();
        assert_eq!(clusters(&[&renamed], dated(), Config::default()), want);
    }

    #[test]
    fn bad_tables_name_the_file_the_row_and_the_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        let texts = || strings([Some("one two three".to_string()), None, Some("four five six".to_string())]);
        let ids = || strings([Some("a".to_string()), Some("b".to_string()), None]);
        write_parquet(&path, vec![("id", ids()), ("body", texts())], Compression::SNAPPY, 10);
        let p = path.display();
        let open = |config: CorpusConfig| Corpus::open(&[&path], config);

        let e = open(CorpusConfig::default()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::MissingField);
        assert_eq!(
            e.to_string(),
            format!("{p}: the Parquet file has no column \"text\" (its columns: id, body) (see `text_field`)")
        );
        let body = || CorpusConfig::builder().text_field("body");
        let e = open(body().build().unwrap()).unwrap_err();
        assert_eq!(e.to_string(), format!("{p}: row 2: column \"body\" is null (`skip_invalid` leaves such rows out)"));
        // Skipped: listed, and the rows after it keep their numbers (the row without an id is line:3).
        let corpus = open(body().skip_invalid(true).build().unwrap()).unwrap();
        let ids: Vec<String> = corpus.documents().map(|d| d.unwrap().id.into_owned()).collect();
        assert_eq!(ids, ["a", "line:3"]);
        assert_eq!(corpus.skipped().len(), 1);
        let e = open(body().id_field("body").text_field("id").build().unwrap()).unwrap_err();
        assert!(e.to_string().contains("row 3: column \"id\" is null"), "{e}");
        // A column of the wrong type.
        let e = open(CorpusConfig::builder().text_field("body").date_field(Some("id".into())).build().unwrap());
        assert!(e.unwrap_err().to_string().contains("row 1: column \"id\" is not a date: \"a\""));
        write_parquet(
            &path,
            vec![("text", Arc::new(Int64Array::from(vec![1, 2])) as ArrayRef)],
            Compression::SNAPPY,
            10,
        );
        let e = open(CorpusConfig::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("{p}: column \"text\" holds Int64 values, not text (strings, or binary UTF-8)")
        );
        // Text bytes that are not UTF-8: an error, or replaced with lossy_utf8.
        let bad = Arc::new(BinaryArray::from_iter_values([&b"ok"[..], b"caf\xE9"])) as ArrayRef;
        write_parquet(&path, vec![("text", bad)], Compression::SNAPPY, 10);
        let e = open(CorpusConfig::default()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Utf8);
        assert!(e.to_string().starts_with(&format!("{p}: row 2: column \"text\" is not valid UTF-8 (byte 3")), "{e}");
        let lossy = open(CorpusConfig::builder().lossy_utf8(true).build().unwrap()).unwrap();
        assert_eq!(lossy.document(1).unwrap().text, "caf\u{FFFD}");
        // A record over the size limit.
        write_parquet(&path, vec![("text", strings([Some("a".repeat(100))]))], Compression::SNAPPY, 10);
        let e = open(CorpusConfig::builder().max_record_bytes(50).build().unwrap()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::RecordTooLarge);
        assert!(e.to_string().contains("row 1: record of"), "{e}");
        // No rows at all.
        write_parquet(&path, vec![("text", strings(Vec::<Option<String>>::new()))], Compression::SNAPPY, 10);
        assert_eq!(open(CorpusConfig::default()).unwrap_err().kind(), ErrorKind::Empty);
    }

    #[test]
    fn damaged_parquet_files_are_errors_naming_the_file() {
        let docs = &sample()[..50];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        write_parquet(&path, sample_columns(docs), Compression::SNAPPY, 10);
        let good = std::fs::read(&path).unwrap();
        let skip = CorpusConfig::builder().skip_invalid(true).build().unwrap();
        let mut cases: Vec<Vec<u8>> = vec![good[..good.len() / 2].to_vec(), b"PAR1 not really PAR1".to_vec()];
        // Bytes flipped in the pages, the footer, and its length.
        for at in [100, good.len() / 2, good.len() - 60, good.len() - 7] {
            let mut bad = good.clone();
            bad[at] ^= 0x55;
            cases.push(bad);
        }
        for bad in cases {
            std::fs::write(&path, &bad).unwrap();
            // An error naming the file, or (a flipped byte inside a text) documents.
            match Corpus::open(&[&path], CorpusConfig::default()) {
                Err(e) => assert!(e.to_string().starts_with(&path.display().to_string()), "{e}"),
                Ok(c) => assert!(c.len() <= docs.len()),
            }
            let corpus = Corpus::open(&[&path], skip.clone()).unwrap();
            assert!(corpus.len() + corpus.skipped().len() > 0);
        }
        // A .parquet file that is not one.
        std::fs::write(&path, jsonl(docs)).unwrap();
        let e = Corpus::open(&[&path], CorpusConfig::default()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Malformed);
        assert!(e.to_string().contains("not a Parquet file"), "{e}");
    }

    /// Inputs on which the decoders panicked (found by the `parquet_reader` fuzz target): a
    /// Parquet file whose embedded Arrow schema names an unknown type (no longer read), an Arrow
    /// stream whose batch's buffers lie past its body, and a Parquet file whose row counts
    /// overflow when added (now checked first). Each is a damaged file, never a panic out of
    /// `Corpus::open`.
    #[test]
    fn decoder_panics_are_damaged_files() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tables");
        for name in
            ["arrow-schema-unknown-type.parquet", "arrow-stream-decoder-panic.arrows", "row-count-overflow.parquet"]
        {
            let path = dir.join(name);
            match Corpus::open(&[&path], CorpusConfig::default()) {
                Ok(corpus) => assert!(corpus.documents().count() <= 5, "{name}"),
                Err(e) => assert!(matches!(e.kind(), ErrorKind::Malformed | ErrorKind::MissingField), "{name}: {e}"),
            }
            let skip = CorpusConfig::builder().skip_invalid(true).build().unwrap();
            Corpus::open(&[&path], skip).unwrap();
        }
    }

    #[test]
    fn a_table_in_a_directory_reads_as_its_rows() {
        let docs = sample();
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = docs.split_at(200);
        write_parquet(&dir.path().join("part-0.parquet"), sample_columns(a), Compression::SNAPPY, 64);
        std::fs::write(dir.path().join("part-1.jsonl"), jsonl(b)).unwrap();
        let all = tempfile::tempdir().unwrap();
        let whole = all.path().join("all.jsonl");
        std::fs::write(&whole, jsonl(&docs)).unwrap();
        assert_eq!(clusters(&[dir.path()], dated(), windowed(1)), clusters(&[&whole], dated(), windowed(1)));
    }
}
