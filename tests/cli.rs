//! Integration tests: the `neardupe` binary on the bundled sample in data/ and on bad input.

use std::process::Output;

mod common;
use common::{bin, data, run, stderr, stdout};

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "neardupe failed: {}", stderr(&o));
    o
}

/// Runs `neardupe cluster` and expects failure; returns stderr.
fn fails(args: &[&str]) -> String {
    let o = run(bin().arg("cluster").args(args).arg("-q"));
    assert!(!o.status.success(), "expected failure for {args:?}, got success");
    assert_eq!(o.status.code(), Some(1), "exit code for {args:?}");
    let e = stderr(&o);
    assert!(!e.contains("panicked"), "panic for {args:?}: {e}");
    e
}

const STORY: &str = "North Korea's leader Kim Jong Un has reportedly started his journey to Vladivostok for a \
summit with Russia's President Vladimir Putin. The armoured train that Kim uses for foreign visits appears to \
have departed Pyongyang, South Korean media reported citing a government official. The meeting between the two \
leaders is expected to take place as early as Tuesday local time. The Kremlin has confirmed that Kim will visit \
Russia in the coming days.";

const OTHER: &str = "The central bank left its main interest rate unchanged on Thursday, saying that inflation \
was falling faster than it had expected in the spring and that growth would pick up later in the year as \
households spent more of their savings on travel and home improvements.";

#[test]
fn sample_clusters_match_the_truth() {
    let dir = tempfile::tempdir().unwrap();
    let pred = dir.path().join("clusters.jsonl");
    let stats = dir.path().join("stats.json");
    ok(run(bin()
        .args(["cluster", "-q", "-o"])
        .arg(&pred)
        .arg("--stats-json")
        .arg(&stats)
        .arg(data("news-sample.jsonl"))));
    let o = ok(run(bin().args(["eval", "--truth"]).arg(data("news-sample.truth.jsonl")).arg("--pred").arg(&pred)));
    let report: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    let f1 = report["f1"].as_f64().unwrap();
    assert!(f1 >= 0.95, "pairwise F1 {f1} on the sample: {report}");
    assert_eq!(report["missing_in_pred"], 0);
    let stats: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&stats).unwrap()).unwrap();
    assert!(stats["stats"]["verified_edges"].as_u64().unwrap() > 0);
    assert!(stats["stats"]["seconds"]["sign"].as_f64().is_some());
}

#[test]
fn one_and_two_threads_give_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let mut outs = Vec::new();
    for threads in ["1", "2", "2"] {
        for verify in ["hybrid", "estimate", "exact"] {
            let p = dir.path().join(format!("c{threads}-{verify}-{}.jsonl", outs.len()));
            ok(run(bin()
                .args(["cluster", "-q", "--threads", threads, "--verify", verify, "-o"])
                .arg(&p)
                .arg(data("news-sample.jsonl"))));
            outs.push((verify, std::fs::read(&p).unwrap()));
        }
    }
    for (verify, bytes) in &outs {
        let first = &outs.iter().find(|(v, _)| v == verify).unwrap().1;
        assert_eq!(bytes, first, "output differs between thread counts for --verify {verify}");
    }
}

#[test]
fn output_has_one_line_per_document_in_input_order_and_csv_works() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let lines = [
        serde_json::json!({"id": "a", "text": STORY}),
        serde_json::json!({"id": 7, "text": OTHER}),
        serde_json::json!({"text": format!("Kathmandu: {STORY} (News Source: BBC)")}),
    ];
    std::fs::write(&input, lines.iter().map(|l| l.to_string() + "\n").collect::<String>()).unwrap();
    let o = ok(run(bin().args(["cluster", "-q"]).arg(&input)));
    let got: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(got.len(), 3);
    assert_eq!(got[0], serde_json::json!({"id": "a", "cluster": 0, "representative": true}));
    assert_eq!(got[1], serde_json::json!({"id": "7", "cluster": 1, "representative": true}));
    // A record without an id is named by its line: `line:3`, never a bare number that an
    // explicit id could also be.
    assert_eq!(got[2], serde_json::json!({"id": "line:3", "cluster": 0, "representative": false}));
    let o = ok(run(bin().args(["cluster", "-q", "--format", "csv", "--representative", "longest"]).arg(&input)));
    assert_eq!(stdout(&o), "id,cluster,representative\na,0,false\n7,1,true\nline:3,0,true\n");
}

#[test]
fn dedup_copies_records_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let (kept, removed) = (dir.path().join("kept.jsonl"), dir.path().join("removed.jsonl"));
    let input = data("news-sample.jsonl");
    ok(run(bin().args(["dedup", "-q", "-o"]).arg(&kept).arg("--removed").arg(&removed).arg(&input)));
    let all = std::fs::read_to_string(&input).unwrap();
    let kept = std::fs::read_to_string(&kept).unwrap();
    let removed = std::fs::read_to_string(&removed).unwrap();
    let all_lines: Vec<&str> = all.lines().collect();
    assert_eq!(kept.lines().count() + removed.lines().count(), all_lines.len());
    assert!(removed.lines().count() > 0);
    // Every output line is an input line, unchanged, and the kept ones keep input order.
    let mut at = 0;
    for line in kept.lines() {
        at += all_lines[at..].iter().position(|l| *l == line).expect("kept line is an input line") + 1;
    }
    for line in removed.lines() {
        assert!(all_lines.contains(&line));
    }
}

#[test]
fn text_directories_and_delimited_files() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(docs.join("world")).unwrap();
    std::fs::write(docs.join("world/a.txt"), STORY).unwrap();
    std::fs::write(docs.join("world/b.txt"), format!("Kathmandu: {STORY}\n\n(News Source: BBC)")).unwrap();
    std::fs::write(docs.join("c.txt"), OTHER).unwrap();
    std::fs::write(docs.join("notes.md"), OTHER).unwrap();
    let o = ok(run(bin().args(["cluster", "-q", "--ext", "txt"]).arg(&docs)));
    let ids: Vec<String> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["c.txt", "world/a.txt", "world/b.txt"]);
    let o = ok(run(bin().args(["dedup", "-q", "--ext", "txt"]).arg(&docs)));
    let kept: Vec<String> = stdout(&o).lines().map(String::from).collect();
    assert_eq!(kept.len(), 2);
    assert!(kept[1].ends_with("a.txt"), "{kept:?}");

    let file = dir.path().join("all.txt");
    std::fs::write(&file, format!("{STORY}\n%%\n{OTHER}\n%%\nLONDON - {STORY}\n")).unwrap();
    let o = ok(run(bin().args(["cluster", "-q", "--delimiter", "\\n%%\\n"]).arg(&file)));
    let clusters: Vec<u64> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["cluster"].as_u64().unwrap())
        .collect();
    assert_eq!(clusters, [0, 1, 0]);
}

#[test]
fn bad_input_gets_a_clear_error_and_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = d.join("out.jsonl");
    std::fs::write(&out, "previous contents\n").unwrap();
    let o = out.to_str().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = d.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_string()
    };
    let good = format!("{}\n", serde_json::json!({"id": "x", "text": STORY}));

    let bad_json = write("bad.jsonl", format!("{good}{{\"id\": 2, \"text\": \"unterminated\n").as_bytes());
    let e = fails(&[&bad_json, "-o", o]);
    assert!(e.contains("bad.jsonl:line 2") && e.contains("invalid JSON"), "{e}");

    let no_text = write("notext.jsonl", format!("{good}{{\"id\": 2, \"body\": \"x\"}}\n").as_bytes());
    let e = fails(&[&no_text, "-o", o]);
    assert!(e.contains("notext.jsonl:line 2") && e.contains("no \"text\" field"), "{e}");

    let mut bytes = good.clone().into_bytes();
    bytes.extend_from_slice(b"{\"text\": \"caf\xe9\"}\n");
    let bad_utf8 = write("utf8.jsonl", &bytes);
    let e = fails(&[&bad_utf8, "-o", o]);
    let at = good.len() + "{\"text\": \"caf".len();
    assert!(e.contains("utf8.jsonl:line 2") && e.contains(&format!("byte {at}")) && e.contains("invalid UTF-8"), "{e}");

    let empty = write("empty.jsonl", b"");
    let e = fails(&[&empty, "-o", o]);
    assert!(e.contains("empty.jsonl") && e.contains("empty"), "{e}");

    let missing = d.join("missing.jsonl");
    let e = fails(&[missing.to_str().unwrap(), "-o", o]);
    assert!(e.contains("missing.jsonl") && e.contains("cannot open"), "{e}");

    // A Unix socket cannot be opened for reading, even by root.
    #[cfg(unix)]
    {
        let sock = d.join("socket.jsonl");
        let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        let e = fails(&[sock.to_str().unwrap(), "-o", o]);
        assert!(e.contains("socket.jsonl") && e.contains("not a regular file but a socket"), "{e}");
    }

    // A 100 MB single line: refused by the record limit, with file, line and size.
    let mut big = good.clone().into_bytes();
    big.extend_from_slice(b"{\"text\": \"");
    big.extend(std::iter::repeat_n(b'a', 100 << 20));
    big.extend_from_slice(b"\"}\n");
    let big_path = write("big.jsonl", &big);
    drop(big);
    let e = fails(&[&big_path, "-o", o]);
    assert!(e.contains("big.jsonl:line 2") && e.contains("100.0 MiB") && e.contains("--max-record-bytes"), "{e}");

    // Nothing was written over the previous output, and no temporary file is left behind.
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous contents\n");
    let leftovers: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    // With --skip-invalid, every bad file and record is counted and the good ones are clustered
    // (each file's good record has the id "x": numbered apart).
    let stats = d.join("stats.json");
    let o = run(bin()
        .args(["cluster", "--skip-invalid", "--duplicate-ids", "number", "-o", o, "--stats-json"])
        .arg(&stats)
        .args([&bad_json, &no_text, &bad_utf8, &empty, &big_path]));
    assert!(o.status.success(), "{}", stderr(&o));
    let s: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&stats).unwrap()).unwrap();
    assert_eq!(s["stats"]["skipped"], 5, "{s}");
    assert_eq!(s["stats"]["documents"], 4, "{s}");
    assert!(stderr(&o).contains("skipped:"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 4);
}

#[test]
fn bad_options_are_refused() {
    let e = fails(&[data("news-sample.jsonl").to_str().unwrap(), "--threshold", "1.5"]);
    assert!(e.contains("threshold"), "{e}");
    let e = fails(&[data("news-sample.jsonl").to_str().unwrap(), "--bands", "40", "--rows", "8"]);
    assert!(e.contains("exceeds num_perm"), "{e}");
    let o = run(bin().args(["cluster", "--verify", "sometimes", "x.jsonl"]));
    assert_eq!(o.status.code(), Some(2), "usage errors exit with 2");
}

#[test]
fn eval_reports_missing_ids() {
    let dir = tempfile::tempdir().unwrap();
    let truth = dir.path().join("t.jsonl");
    let pred = dir.path().join("p.jsonl");
    std::fs::write(
        &truth,
        "{\"id\":\"a\",\"cluster\":1}\n{\"id\":\"b\",\"cluster\":1}\n{\"id\":\"c\",\"cluster\":2}\n",
    )
    .unwrap();
    std::fs::write(&pred, "{\"id\":\"a\",\"cluster\":0}\n{\"id\":\"b\",\"cluster\":0}\n").unwrap();
    let o = ok(run(bin().args(["eval", "--truth"]).arg(&truth).arg("--pred").arg(&pred)));
    let r: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(r["f1"], 1.0);
    assert_eq!(r["missing_in_pred"], 1);
    assert!(stderr(&o).contains("missing"));
}

#[test]
fn explain_reports_a_pair_as_cluster_decides_it() {
    // A story and its republished copy in the sample are linked; two different stories are not.
    let o = ok(run(bin().args(["explain", "s0000-orig", "s0000-c1", "--json"]).arg(data("news-sample.jsonl"))));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    let e = &v["explanation"];
    assert_eq!(e["linked"], true, "{v}");
    assert_eq!(e["candidate"], true);
    assert!(e["exact_jaccard"].as_f64().unwrap() > 0.4);
    assert!(e["exact_containment"].as_f64().unwrap() >= e["exact_jaccard"].as_f64().unwrap());
    assert!(!e["colliding_bands"].as_array().unwrap().is_empty());
    let o = ok(run(bin().args(["explain", "s0025-c2", "s0135-c5"]).arg(data("news-sample.jsonl"))));
    let text = stdout(&o);
    assert!(text.contains("not a candidate") && text.contains("linked directly: no"), "{text}");
    assert!(text.contains("data/news-sample.jsonl:1"), "{text}");
    // An unknown id is a clear error.
    let o = run(bin().args(["explain", "s0000-orig", "no-such-id"]).arg(data("news-sample.jsonl")));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no document with id no-such-id"), "{}", stderr(&o));
}

#[test]
fn the_time_window_keeps_distant_copies_apart() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("dated.jsonl");
    let line =
        |id: &str, date: &str, text: &str| serde_json::json!({"id": id, "published": date, "text": text}).to_string();
    let lines = [
        line("orig", "2024-04-01", STORY),
        line("copy-2d", "2024-04-03T08:00:00Z", &format!("Kathmandu: {STORY} (News Source: BBC)")),
        line("copy-1y", "Tue, 01 Apr 2025 10:00:00 +0000", &format!("Seoul: {STORY}")),
        line("other", "1711929600", OTHER),
    ];
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let clusters = |extra: &[&str]| -> Vec<u64> {
        let out = ok(run(bin().args(["cluster", "-q", "--date-field", "published"]).args(extra).arg(&input)));
        stdout(&out)
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["cluster"].as_u64().unwrap())
            .collect()
    };
    let all = clusters(&[]);
    assert!(all[0] == all[1] && all[1] == all[2] && all[3] != all[0], "{all:?}");
    let week = clusters(&["--window", "7"]);
    assert!(week[0] == week[1] && week[2] != week[0] && week[3] != week[0], "{week:?}");
    // A record without a readable date is an error naming the field and the line.
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, format!("{}\n{}\n", lines[0], line("x", "soon", OTHER))).unwrap();
    let e = fails(&["--date-field", "published", "--window", "7", bad.to_str().unwrap()]);
    assert!(e.contains("\"published\" is not a date") && e.contains("line 2"), "{e}");
    let o = run(bin().args(["cluster", "-q", "--window", "7"]).arg(&bad));
    assert!(!o.status.success() && stderr(&o).contains("--date-field"), "{}", stderr(&o));
}
