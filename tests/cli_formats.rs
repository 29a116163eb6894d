//! The `neardupe` binary on Parquet, Arrow and WARC input, and Parquet output: the same clusters
//! as from JSONL, outputs written whole or not at all.

use std::path::Path;
use std::process::Output;
use std::sync::Arc;

use arrow_array::{Array, ArrayRef, BooleanArray, RecordBatch, StringArray, UInt32Array};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

mod common;
use common::{bin, data, run, stderr, stdout};

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "neardupe failed: {}", stderr(&o));
    o
}

/// The sample as a Parquet file (zstd, row groups of 100): `id`, `date`, `text`.
fn sample_parquet(path: &Path) {
    let text = std::fs::read_to_string(data("news-sample.jsonl")).unwrap();
    let docs: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let column = |k: &str| Arc::new(docs.iter().map(|d| d[k].as_str()).collect::<StringArray>()) as ArrayRef;
    let batch =
        RecordBatch::try_from_iter([("id", column("id")), ("date", column("date")), ("text", column("text"))]).unwrap();
    let props = parquet::file::properties::WriterProperties::builder()
        .set_compression(parquet::basic::Compression::ZSTD(Default::default()))
        .set_max_row_group_row_count(Some(100))
        .build();
    let mut w = ArrowWriter::try_new(std::fs::File::create(path).unwrap(), batch.schema(), Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

/// The rows of a Parquet cluster file, as the JSONL output's lines.
fn parquet_as_jsonl(path: &Path) -> String {
    let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(path).unwrap()).unwrap().build().unwrap();
    let mut out = String::new();
    for batch in reader {
        let batch = batch.unwrap();
        let schema = batch.schema();
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, ["id", "cluster", "representative"]);
        assert!(schema.fields().iter().all(|f| !f.is_nullable()));
        let ids = batch.column(0).as_any().downcast_ref::<StringArray>().unwrap();
        let clusters = batch.column(1).as_any().downcast_ref::<UInt32Array>().unwrap();
        let reps = batch.column(2).as_any().downcast_ref::<BooleanArray>().unwrap();
        for i in 0..batch.num_rows() {
            out.push_str(&format!(
                "{{\"id\":{},\"cluster\":{},\"representative\":{}}}\n",
                serde_json::to_string(ids.value(i)).unwrap(),
                clusters.value(i),
                reps.value(i)
            ));
        }
    }
    out
}

#[test]
fn parquet_in_and_out_match_jsonl() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("news.parquet");
    sample_parquet(&table);
    let cluster = |input: &Path, out: &Path, extra: &[&str]| {
        ok(run(bin()
            .args(["cluster", "-q", "--date-field", "date", "--window", "3"])
            .args(extra)
            .arg("-o")
            .arg(out)
            .arg(input)))
    };
    let (from_jsonl, from_parquet) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    cluster(&data("news-sample.jsonl"), &from_jsonl, &[]);
    cluster(&table, &from_parquet, &[]);
    let want = std::fs::read_to_string(&from_jsonl).unwrap();
    assert_eq!(std::fs::read_to_string(&from_parquet).unwrap(), want);
    // `-o x.parquet` writes Parquet, with the JSONL output's rows, typed.
    let out = dir.path().join("clusters.parquet");
    cluster(&table, &out, &[]);
    assert!(std::fs::read(&out).unwrap().starts_with(b"PAR1"));
    assert_eq!(parquet_as_jsonl(&out), want);
    // An explicit format wins over the name; Parquet to standard output.
    cluster(&table, &out, &["--format", "jsonl"]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), want);
    let o = ok(run(bin()
        .args(["cluster", "-q", "--date-field", "date", "--window", "3", "--format", "parquet"])
        .arg(&table)));
    std::fs::write(&out, &o.stdout).unwrap();
    assert_eq!(parquet_as_jsonl(&out), want);
    // `dedup` of a table writes its kept rows as JSONL lines that read back the same.
    let kept = dir.path().join("kept.jsonl");
    ok(run(bin().args(["dedup", "-q", "--date-field", "date", "-o"]).arg(&kept).arg(&table)));
    let o = ok(run(bin().args(["dedup", "-q", "--date-field", "date"]).arg(data("news-sample.jsonl"))));
    let parse = |s: &str| s.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()).collect::<Vec<_>>();
    assert_eq!(parse(&std::fs::read_to_string(&kept).unwrap()), parse(&stdout(&o)));
}

#[test]
fn a_bad_table_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("t.parquet");
    let batch = RecordBatch::try_from_iter([(
        "text",
        Arc::new(StringArray::from(vec![Some("one two three four five"), None])) as ArrayRef,
    )])
    .unwrap();
    let mut w = ArrowWriter::try_new(std::fs::File::create(&table).unwrap(), batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let out = dir.path().join("out.parquet");
    std::fs::write(&out, "old").unwrap();
    let o = run(bin().args(["cluster", "-q", "-o"]).arg(&out).arg(&table));
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains(&format!(
            "{}: row 2: column \"text\" is null (--skip-invalid leaves such rows out)",
            table.display()
        )),
        "{e}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "no temporary file left");
    let o = ok(run(bin().args(["cluster", "--skip-invalid", "-o"]).arg(&out).arg(&table)));
    assert!(stderr(&o).contains("row 2"), "{}", stderr(&o));
    assert_eq!(parquet_as_jsonl(&out), "{\"id\":\"line:1\",\"cluster\":0,\"representative\":true}\n");
    // A missing column lists the columns there are.
    let o = run(bin().args(["cluster", "-q", "--text-field", "body"]).arg(&table));
    assert!(stderr(&o).contains("has no column \"body\" (its columns: text) (see --text-field)"), "{}", stderr(&o));
}

#[test]
fn wet_files_cluster_with_a_window() {
    let wet = data("sample.warc.wet");
    let lines = |args: &[&str]| -> Vec<serde_json::Value> {
        let o = ok(run(bin().args(["cluster", "-q"]).args(args).arg(&wet)));
        stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    };
    let c = |v: &[serde_json::Value]| v.iter().map(|l| l["cluster"].as_u64().unwrap()).collect::<Vec<_>>();
    // Four copies of a story, the last a year later; a story and its copy; a page of its own.
    assert_eq!(c(&lines(&[])), [0, 0, 0, 0, 1, 1, 2]);
    assert_eq!(c(&lines(&["--window", "3"])), [0, 0, 0, 1, 2, 2, 3]);
    let by_uri = lines(&["--warc-id", "target-uri"]);
    assert_eq!(by_uri[0]["id"], "https://river-news.example/2024/03/mekong-treaty");
    assert!(lines(&[])[0]["id"].as_str().unwrap().starts_with("<urn:uuid:"));
    // dedup keeps whole records: a WARC file that reads back as the kept documents.
    let dir = tempfile::tempdir().unwrap();
    let kept = dir.path().join("kept.warc.wet");
    ok(run(bin().args(["dedup", "-q", "--window", "3", "-o"]).arg(&kept).arg(&wet)));
    let again = ok(run(bin().args(["cluster", "-q"]).arg(&kept)));
    let ids: Vec<String> = stdout(&again)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 4);
    // A window without dates is still refused for JSONL.
    let o = run(bin().args(["cluster", "-q", "--window", "3"]).arg(data("news-sample.jsonl")));
    assert!(!o.status.success() && stderr(&o).contains("--date-field"), "{}", stderr(&o));
}

/// An index with a time window takes WET input without `--date-field` (records are dated by
/// `WARC-Date`), in `build`, `add` and `query`, and clusters as `cluster` does; JSONL without
/// dates is still refused.
#[test]
fn a_windowed_index_takes_wet_files() {
    let wet = data("sample.warc.wet");
    let dir = tempfile::tempdir().unwrap();
    let ix = dir.path().join("ix");
    let opts = ["--window", "3", "--boilerplate", "off"];
    ok(run(bin().args(["index", "build", "-q", "-o"]).arg(&ix).args(opts).arg(&wet)));
    let exported = dir.path().join("export.jsonl");
    ok(run(bin().args(["index", "export"]).arg(&ix).arg("-o").arg(&exported)));
    let clustered = dir.path().join("cluster.jsonl");
    ok(run(bin().args(["cluster", "-q", "--verify", "estimate", "-o"]).arg(&clustered).args(opts).arg(&wet)));
    assert_eq!(std::fs::read_to_string(&exported).unwrap(), std::fs::read_to_string(&clustered).unwrap());
    // Adding the same records again under the target URI as id: each joins its own copy's cluster.
    let added = ok(run(bin().args(["index", "add", "-q", "--warc-id", "target-uri"]).arg(&ix).arg(&wet)));
    let added = stdout(&added);
    assert_eq!(added.lines().count(), 7);
    assert!(added.lines().all(|l| l.contains("\"joined\"")), "{added}");
    let found = ok(run(bin().args(["index", "query", "-q"]).arg(&ix).arg(&wet)));
    assert_eq!(stdout(&found).lines().count(), 7);
    let o = run(bin().args(["index", "add", "-q"]).arg(&ix).arg(data("news-sample.jsonl")));
    assert!(!o.status.success() && stderr(&o).contains("--date-field"), "{}", stderr(&o));
}
