//! Hostile inputs (issue 16, the input side), one test per case: each asserts the exit status,
//! the message, and that nothing was lost (every document is in the output or counted as left
//! out, and the inputs are unchanged).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{bin, run, stderr, stdout};

const STORY: &str = "The armoured train that Kim uses for foreign visits appears to have departed Pyongyang, \
                     South Korean media said on Tuesday, as officials prepared for a summit in the Russian far east.";
const OTHER: &str = "Central bank officials left interest rates unchanged on Thursday, citing persistent inflation \
                     in services and a labour market that has cooled only slowly since the spring.";

/// Every file below `dir` with its bytes (names as raw bytes): to show inputs are unchanged.
fn snapshot(dir: &Path) -> BTreeMap<Vec<u8>, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walk(dir) {
        let meta = std::fs::symlink_metadata(&e).unwrap();
        let bytes = if meta.is_file() { std::fs::read(&e).unwrap() } else { Vec::new() };
        out.insert(e.as_os_str().as_encoded_bytes().to_vec(), bytes);
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    if std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        for e in std::fs::read_dir(dir).unwrap() {
            out.extend(walk(&e.unwrap().path()));
        }
    }
    out
}

/// The `id` of every line of a `cluster` output.
fn ids(o: &Output) -> Vec<String> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_string())
        .collect()
}

fn cluster(args: &[&str], inputs: &[&Path]) -> Output {
    run(bin().arg("cluster").args(args).args(inputs))
}

fn succeeds(o: &Output) {
    assert!(o.status.success(), "exit {:?}: {}", o.status, stderr(o));
}

/// Exit status 1 and one `neardupe: error:` line that contains every one of `parts`.
fn fails_with(o: &Output, parts: &[&str]) -> String {
    assert_eq!(o.status.code(), Some(1), "{}", stderr(o));
    let e = stderr(o);
    assert!(e.starts_with("neardupe: error: "), "{e}");
    for p in parts {
        assert!(e.contains(p), "{e:?} does not say {p:?}");
    }
    e
}

fn jsonl(lines: &[serde_json::Value]) -> String {
    lines.iter().map(|l| l.to_string() + "\n").collect()
}

/// Runs `cmd` with a deadline: a hang is a failure, not a stuck test run.
fn run_within(cmd: &mut Command, limit: Duration) -> Output {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            child.kill().unwrap();
            panic!("neardupe still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[cfg(unix)]
fn os_name(bytes: &[u8]) -> &std::ffi::OsStr {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::OsStr::from_bytes(bytes)
}

// ---- 3. Paths decoded lossily ----

/// `caf\xe9.txt` (Latin-1) and `caf\xef\xbf\xbd.txt` (a real U+FFFD) were both `caf�.txt`.
#[cfg(unix)]
#[test]
fn file_names_that_differ_in_bytes_keep_different_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("docs");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join(os_name(b"caf\xe9.txt")), STORY).unwrap();
    std::fs::write(dir.join(os_name("caf\u{fffd}.txt".as_bytes())), OTHER).unwrap();
    std::fs::write(dir.join("back\\slash.txt"), OTHER).unwrap();
    let before = snapshot(&dir);
    let o = cluster(&["-q"], &[&dir]);
    succeeds(&o);
    let got = ids(&o);
    assert_eq!(got, ["back\\\\slash.txt", "caf\\xE9.txt", "caf\u{fffd}.txt"]);
    // Each id names exactly one file: unescaped, it is the file's name.
    for id in &got {
        let name = neardupe::corpus::unescape_path(id).unwrap();
        assert!(dir.join(os_name(&name)).is_file(), "{id}");
    }
    assert_eq!(snapshot(&dir), before);
}

/// A file name with a newline printed as two lines.
#[cfg(unix)]
#[test]
fn a_newline_in_a_file_name_is_escaped_on_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("docs");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("new\nline.txt"), STORY).unwrap();
    std::fs::write(dir.join("tab\there.txt"), OTHER).unwrap();
    let o = cluster(&["-q"], &[&dir]);
    succeeds(&o);
    assert_eq!(stdout(&o).lines().count(), 2, "one line per document");
    assert_eq!(ids(&o), ["new\\nline.txt", "tab\\there.txt"]);
    // A file given by name is escaped alike.
    let o = cluster(&["-q", "--format", "csv"], &[&dir.join("new\nline.txt")]);
    succeeds(&o);
    assert!(stdout(&o).lines().nth(1).unwrap().contains("new\\nline.txt,0,true"), "{}", stdout(&o));
}

/// `dedup --removed` of text files listed `caf\xe9.txt` as `caf\u{fffd}.txt`, the name of a unique
/// file that `xargs rm` then deleted; and a name with a newline printed as two lines.
#[cfg(unix)]
#[test]
fn dedup_lists_of_text_files_name_each_file_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("docs");
    std::fs::create_dir(&dir).unwrap();
    // Two copies of one story under names that a lossy decoding confuses with a unique file.
    std::fs::write(dir.join(os_name(b"a-caf\xe9.txt")), STORY).unwrap();
    std::fs::write(dir.join(os_name(b"b-caf\xe9\nx.txt")), STORY).unwrap();
    std::fs::write(dir.join(os_name("b-caf\u{fffd}\nx.txt".as_bytes())), OTHER).unwrap();
    let before = snapshot(&dir);
    let (kept, removed) = (tmp.path().join("kept.txt"), tmp.path().join("removed.txt"));
    let o = run(bin().args(["dedup", "-q", "-o"]).arg(&kept).arg("--removed").arg(&removed).arg(&dir));
    succeeds(&o);
    // Paths as given (the directory, then the name), one a line.
    let prefix = format!("{}/", neardupe::corpus::escape_path(&dir));
    let removed = std::fs::read_to_string(&removed).unwrap();
    assert_eq!(removed, format!("{prefix}b-caf\\xE9\\nx.txt\n"), "one exact, escaped line");
    let kept = std::fs::read_to_string(&kept).unwrap();
    assert_eq!(kept, format!("{prefix}a-caf\\xE9.txt\n{prefix}b-caf\u{fffd}\\nx.txt\n"));
    // Every listed path unescapes to the file it means, and the unique file is not listed as removed.
    for line in kept.lines().chain(removed.lines()) {
        let path = neardupe::corpus::unescape_path(line).unwrap();
        assert!(Path::new(os_name(&path)).is_file(), "{line}");
    }
    assert_eq!(snapshot(&dir), before);
}

// ---- 6. Ids are not identities (input side) ----

/// Two records with one id were clustered silently; now they are refused, naming both records.
#[test]
fn duplicate_ids_are_refused_naming_both_records() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("dups.jsonl");
    let text = jsonl(&[
        serde_json::json!({"id": "a", "text": STORY}),
        serde_json::json!({"id": "b", "text": OTHER}),
        serde_json::json!({"id": "a", "text": OTHER}),
    ]);
    std::fs::write(&input, &text).unwrap();
    let out = tmp.path().join("out.jsonl");
    let o = run(bin().args(["cluster", "-q", "-o"]).arg(&out).arg(&input));
    fails_with(&o, &["dups.jsonl:line 3", "duplicate id \"a\"", "dups.jsonl:line 1", "--duplicate-ids"]);
    assert!(!out.exists(), "no output on an error");
    assert_eq!(std::fs::read_to_string(&input).unwrap(), text);
    // Across files too, and for `dedup`.
    let second = tmp.path().join("more.jsonl");
    std::fs::write(&second, jsonl(&[serde_json::json!({"id": "b", "text": STORY})])).unwrap();
    let o = run(bin().args(["dedup", "-q"]).arg(&second).arg(&input));
    fails_with(&o, &["dups.jsonl:line 2", "duplicate id \"b\"", "more.jsonl:line 1"]);
}

/// With `--duplicate-ids number`, later documents are renamed apart, with a warning.
#[test]
fn duplicate_ids_are_numbered_apart_on_request() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("dups.jsonl");
    let lines = [
        serde_json::json!({"id": "a", "text": STORY}),
        serde_json::json!({"id": "a~2", "text": OTHER}),
        serde_json::json!({"id": "a", "text": OTHER}),
        serde_json::json!({"id": "a", "text": STORY}),
    ];
    std::fs::write(&input, jsonl(&lines)).unwrap();
    let o = cluster(&["-q", "--duplicate-ids", "number"], &[&input]);
    succeeds(&o);
    // "a~2" is taken by the input: the renamed ones never take an input id.
    assert_eq!(ids(&o), ["a", "a~2", "a~3", "a~4"]);
    assert!(stderr(&o).contains("2 documents had the id of an earlier document"), "{}", stderr(&o));
}

/// A record without an id was named "2", the explicit id of another record.
#[test]
fn fallback_ids_never_collide_with_explicit_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("mixed.jsonl");
    let lines = [serde_json::json!({"id": "2", "text": STORY}), serde_json::json!({"text": OTHER})];
    std::fs::write(&input, jsonl(&lines)).unwrap();
    let o = cluster(&["-q"], &[&input]);
    succeeds(&o);
    assert_eq!(ids(&o), ["2", "line:2"]);
    // A file where every record has an id gives the output it always gave.
    let full = tmp.path().join("full.jsonl");
    std::fs::write(&full, jsonl(&[serde_json::json!({"id": 2, "text": STORY})])).unwrap();
    assert_eq!(ids(&cluster(&["-q"], &[&full])), ["2"]);
    // An explicit id equal to a fallback is a duplicate, not a silent merge of names.
    let clash = tmp.path().join("clash.jsonl");
    let lines = [serde_json::json!({"id": "line:2", "text": STORY}), serde_json::json!({"text": OTHER})];
    std::fs::write(&clash, jsonl(&lines)).unwrap();
    fails_with(&cluster(&["-q"], &[&clash]), &["clash.jsonl:line 2", "duplicate id \"line:2\""]);
}

fn truth_and_pred(dir: &Path, truth: &[(&str, u32)], pred: &[(&str, u32)]) -> (PathBuf, PathBuf) {
    let write = |name: &str, rows: &[(&str, u32)]| {
        let p = dir.join(name);
        let lines: Vec<serde_json::Value> =
            rows.iter().map(|(id, c)| serde_json::json!({"id": id, "cluster": c})).collect();
        std::fs::write(&p, jsonl(&lines)).unwrap();
        p
    };
    (write("truth.jsonl", truth), write("pred.jsonl", pred))
}

/// `eval` scored files with an id listed twice silently.
#[test]
fn eval_refuses_ids_listed_twice_or_numbers_them() {
    let tmp = tempfile::tempdir().unwrap();
    let (truth, pred) =
        truth_and_pred(tmp.path(), &[("a", 0), ("b", 0), ("a", 1)], &[("a", 5), ("b", 5), ("a", 6), ("c", 7)]);
    let o = run(bin().args(["eval", "--truth"]).arg(&truth).arg("--pred").arg(&pred));
    fails_with(&o, &["truth.jsonl:line 3", "duplicate id \"a\"", "also on line 1"]);
    assert!(stdout(&o).is_empty());
    let o = run(bin().args(["eval", "--duplicate-ids", "number", "--truth"]).arg(&truth).arg("--pred").arg(&pred));
    succeeds(&o);
    let report: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!((report["docs"].as_u64(), report["f1"].as_f64()), (Some(3), Some(1.0)), "{report}");
    // The extra prediction "c" is reported, not dropped silently.
    assert_eq!(report["extra_in_pred"], 1);
    assert!(stderr(&o).contains("1 ids of") && stderr(&o).contains("not in"), "{}", stderr(&o));
}

// ---- 7. Hangs and crashes ----

/// A FIFO input blocked forever: `open()` ran before the file-type check. A named pipe given by
/// name is now read as a stream (as `cat` reads it).
#[cfg(unix)]
#[test]
fn a_named_pipe_is_read_as_a_stream() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("feed.jsonl");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let text = jsonl(&[
        serde_json::json!({"id": "p1", "text": STORY}),
        serde_json::json!({"id": "p2", "text": format!("Kathmandu: {STORY}")}),
    ]);
    let writer = {
        let (fifo, text) = (fifo.clone(), text.clone());
        std::thread::spawn(move || std::fs::write(fifo, text).unwrap())
    };
    let o = run_within(bin().args(["cluster", "-q"]).arg(&fifo), Duration::from_secs(60));
    writer.join().unwrap();
    succeeds(&o);
    assert_eq!(ids(&o), ["p1", "p2"]);
}

/// A named pipe inside a directory is never opened (it would block): it is left out and named.
#[cfg(unix)]
#[test]
fn a_named_pipe_inside_a_directory_is_left_out_without_blocking() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("docs");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("a.txt"), STORY).unwrap();
    assert!(Command::new("mkfifo").arg(dir.join("pipe.txt")).status().unwrap().success());
    let o = run_within(bin().args(["cluster", "-q"]).arg(&dir), Duration::from_secs(60));
    succeeds(&o);
    assert_eq!(ids(&o), ["a.txt"]);
    let e = stderr(&o);
    assert!(e.contains("pipe.txt") && e.contains("not a regular file (a named pipe)"), "{e}");
}

/// "not a regular file: not a regular file": a socket is named once, and what it is.
#[cfg(unix)]
#[test]
fn a_socket_is_refused_with_one_clear_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let sock = tmp.path().join("sock.jsonl");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let o = run_within(bin().args(["cluster", "-q"]).arg(&sock), Duration::from_secs(60));
    let e = fails_with(&o, &["sock.jsonl: cannot read input: not a regular file but a socket"]);
    assert_eq!(e.matches("not a regular file").count(), 1, "{e}");
}

/// A truncated mapped input kills the process with SIGBUS: the handler says what happened and
/// exits with status 1 instead of dying without a word. (Sent by hand here: the truncation race
/// itself is measured in the README.)
#[cfg(unix)]
#[test]
fn a_bus_error_gets_a_message_and_status_1() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("never-written.jsonl");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    // Blocks opening the pipe, as `cat` would: a process that is surely running.
    let child = bin().args(["cluster", "-q"]).arg(&fifo).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert!(Command::new("kill").args(["-BUS", &child.id().to_string()]).status().unwrap().success());
    let o = child.wait_with_output().unwrap();
    fails_with(&o, &["bus error (SIGBUS)", "truncated", "--no-mmap"]);
}

/// `oracle` on identical documents held every pair (4.9 GB for 20,000): pairs are now streamed
/// into the union-find and to --pairs-out, in order.
#[test]
fn oracle_streams_the_pairs_of_identical_documents() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("same.jsonl");
    let n = 1500;
    let lines: Vec<serde_json::Value> =
        (0..n).map(|i| serde_json::json!({"id": format!("d{i}"), "text": STORY})).collect();
    std::fs::write(&input, jsonl(&lines)).unwrap();
    let (truth, pairs) = (tmp.path().join("truth.jsonl"), tmp.path().join("pairs.jsonl"));
    let o = run(bin()
        .args(["oracle", "-q", "--boilerplate", "off", "--jaccard", "0.9", "--truth-out"])
        .arg(&truth)
        .arg("--pairs-out")
        .arg(&pairs)
        .arg(&input));
    succeeds(&o);
    let truth = std::fs::read_to_string(&truth).unwrap();
    assert_eq!(truth.lines().count(), n);
    assert!(truth.lines().all(|l| l.ends_with("\"cluster\":0}")));
    let pairs = std::fs::read_to_string(&pairs).unwrap();
    assert_eq!(pairs.lines().count(), n * (n - 1) / 2);
    assert!(pairs.starts_with("{\"a\":\"d0\",\"b\":\"d1\","), "in (a, b) order");
    assert!(pairs.lines().last().unwrap().starts_with(&format!("{{\"a\":\"d{}\",\"b\":\"d{}\",", n - 2, n - 1)));

    // 3,000 copies: 4.5 million pairs, 144 MB held before (a peak of 290 MB in a release build),
    // about 60 MB now, whatever the number of pairs.
    let lines: Vec<serde_json::Value> =
        (0..3000).map(|i| serde_json::json!({"id": format!("d{i}"), "text": STORY})).collect();
    std::fs::write(&input, jsonl(&lines)).unwrap();
    let truth = tmp.path().join("truth3k.jsonl");
    let args = ["oracle", "-q", "--boilerplate", "off", "--jaccard", "0.9", "--truth-out", truth.to_str().unwrap()];
    if let Some(kib) = peak_rss_kib(&args, &[&input]) {
        assert!(kib < 150 * 1024, "peak {kib} KiB");
    }
    assert!(std::fs::read_to_string(&truth).unwrap().lines().all(|l| l.ends_with("\"cluster\":0}")));
}

// ---- 8. Cost cliffs (input and signing side) ----

/// Densification cost about k² probes per tiny document: 8192 slots took 150 ms a document.
#[test]
fn tiny_documents_sign_in_linear_time_at_many_slots() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("tiny.jsonl");
    // Five words: one word 5-gram each, one filled bin of 8192.
    let lines: Vec<serde_json::Value> = (0..200)
        .map(|i| serde_json::json!({"id": i.to_string(), "text": format!("w{i} alpha beta gamma delta")}))
        .collect();
    std::fs::write(&input, jsonl(&lines)).unwrap();
    let started = Instant::now();
    let o = run_within(
        bin().args(["cluster", "-q", "--num-perm", "8192", "--boilerplate", "off"]).arg(&input),
        Duration::from_secs(120),
    );
    succeeds(&o);
    assert_eq!(ids(&o).len(), 200);
    // Before: 200 × 8192² / 2 probes, minutes in a debug build. Now a few seconds at most.
    assert!(started.elapsed() < Duration::from_secs(30), "{:?}", started.elapsed());
}

/// NFKC on 24 MB of U+FDFA took 853 MB: the normalised text now counts against
/// --max-record-bytes, with a clear message, and --skip-invalid leaves only that record out.
#[test]
fn nfkc_growth_is_bounded_by_the_record_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("ligatures.jsonl");
    let lines = [
        serde_json::json!({"id": "ok", "text": STORY}),
        serde_json::json!({"id": "huge", "text": "\u{fdfa} ".repeat(100_000)}),
    ];
    std::fs::write(&input, jsonl(&lines)).unwrap();
    let args = ["-q", "--nfkc", "--max-record-bytes", "1000000"];
    let o = cluster(&args, &[&input]);
    fails_with(&o, &["ligatures.jsonl:line 2", "grows past the limit of 976.6 KiB under NFKC", "--max-record-bytes"]);
    let o = cluster(&[&args[..], &["--skip-invalid"]].concat(), &[&input]);
    succeeds(&o);
    assert_eq!(ids(&o), ["ok"]);
    assert!(stderr(&o).contains("1 invalid records or files left out"), "{}", stderr(&o));
    // Without NFKC the same record is within the limit.
    let o = cluster(&["-q", "--max-record-bytes", "1000000"], &[&input]);
    succeeds(&o);
    assert_eq!(ids(&o), ["ok", "huge"]);
}

/// The same bound holds for the texts `index query` takes.
#[test]
fn nfkc_growth_is_bounded_in_index_queries() {
    let tmp = tempfile::tempdir().unwrap();
    let (batch, queries, idx) = (tmp.path().join("b.jsonl"), tmp.path().join("q.jsonl"), tmp.path().join("idx"));
    std::fs::write(&batch, jsonl(&[serde_json::json!({"id": "ok", "text": STORY})])).unwrap();
    let lines = [
        serde_json::json!({"id": "q1", "text": STORY}),
        serde_json::json!({"id": "huge", "text": "\u{fdfa} ".repeat(100_000)}),
    ];
    std::fs::write(&queries, jsonl(&lines)).unwrap();
    succeeds(&run(bin().args(["index", "build", "-q", "--nfkc", "-o"]).arg(&idx).arg(&batch)));
    let query = |extra: &[&str]| {
        run(bin().args(["index", "query", "-q", "--max-record-bytes", "1000000"]).args(extra).arg(&idx).arg(&queries))
    };
    let o = query(&[]);
    fails_with(&o, &["q.jsonl:line 2", "grows past the limit of 976.6 KiB under NFKC", "--max-record-bytes"]);
    assert!(stdout(&o).is_empty(), "nothing written: {}", stdout(&o));
    let o = query(&["--skip-invalid"]);
    succeeds(&o);
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("{\"id\":\"q1\""), "{out}");
    assert!(stderr(&o).contains("1 invalid records or files left out"), "{}", stderr(&o));
}

/// Peak memory of `args` on `inputs` in KiB, from `/usr/bin/time -f %M` (None where it is
/// missing).
fn peak_rss_kib(args: &[&str], inputs: &[&Path]) -> Option<u64> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let o = run(Command::new(time).args(["-f", "%M"]).arg(env!("CARGO_BIN_EXE_neardupe")).args(args).args(inputs));
    succeeds(&o);
    stderr(&o).lines().last()?.trim().parse().ok()
}

/// Character 5-grams on three 60 MB records took 3.2 GB: a record's char n-grams no longer keep
/// an array of character boundaries and bitmaps beside the shingles.
#[test]
fn char_ngrams_of_a_large_record_stay_within_a_multiple_of_it() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("big.txt");
    let words: String = (0..800_000u32).map(|i| format!("w{} ", i % 50_000)).collect(); // 5.4 MB
    std::fs::write(&input, &words).unwrap();
    let Some(kib) =
        peak_rss_kib(&["cluster", "-q", "--char-ngrams", "5", "--threads", "1", "-o", "/dev/null"], &[&input])
    else {
        return;
    };
    let record_kib = words.len() as u64 / 1024;
    // 8 bytes of hash per character plus the text itself, and the process: about 12x the record
    // (63 MB in a release build; before, 174 MB, 32x).
    assert!(kib < 15 * record_kib, "peak {kib} KiB for a record of {record_kib} KiB");
}

/// `--threads 100000` spent 30 s starting threads: capped at 4 per core, with a warning.
#[test]
fn threads_are_capped_at_a_multiple_of_the_cores() {
    let started = Instant::now();
    let input = common::data("news-sample.jsonl");
    let o = run_within(bin().args(["cluster", "-q", "--threads", "100000"]).arg(&input), Duration::from_secs(120));
    succeeds(&o);
    assert!(stderr(&o).contains("--threads 100000 is more than 4 per core"), "{}", stderr(&o));
    assert!(started.elapsed() < Duration::from_secs(60), "{:?}", started.elapsed());
    let one = run(bin().args(["cluster", "-q", "--threads", "1"]).arg(&input));
    assert_eq!(o.stdout, one.stdout, "the same clusters");
}

// ---- 9. Quietly wrong ----

/// A directory of `.jsonl` shards was read as one text document per shard.
#[test]
fn jsonl_shards_in_a_directory_are_read_as_jsonl() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("shards");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("part-0.jsonl"),
        jsonl(&[serde_json::json!({"id": "a", "text": STORY}), serde_json::json!({"text": OTHER})]),
    )
    .unwrap();
    std::fs::write(dir.join("part-1.jsonl"), jsonl(&[serde_json::json!({"id": "b", "text": STORY})])).unwrap();
    std::fs::write(dir.join("note.txt"), OTHER).unwrap();
    let before = snapshot(&dir);
    let o = cluster(&["-q"], &[&dir]);
    succeeds(&o);
    assert_eq!(ids(&o), ["note.txt", "a", "part-0.jsonl:2", "b"]);
    assert_eq!(snapshot(&dir), before);
}

/// Hidden files and `.git/` were read as documents.
#[test]
fn hidden_files_and_git_are_left_out_unless_asked_for() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("repo");
    std::fs::create_dir_all(dir.join(".git/objects")).unwrap();
    std::fs::write(dir.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(dir.join(".git/objects/ab"), OTHER).unwrap();
    std::fs::write(dir.join(".notes.txt"), OTHER).unwrap();
    std::fs::write(dir.join("story.txt"), STORY).unwrap();
    let o = cluster(&["-q"], &[&dir]);
    succeeds(&o);
    assert_eq!(ids(&o), ["story.txt"]);
    let o = cluster(&["-q", "--hidden"], &[&dir]);
    succeeds(&o);
    assert_eq!(ids(&o), [".git/HEAD", ".git/objects/ab", ".notes.txt", "story.txt"]);
    // A hidden path given by name is read.
    assert_eq!(ids(&cluster(&["-q"], &[&dir.join(".notes.txt")])).len(), 1);
}

/// One empty file aborted a directory run: it is now left out and named.
#[test]
fn an_empty_file_does_not_stop_a_directory_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("docs");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("a.txt"), STORY).unwrap();
    std::fs::write(dir.join("b.txt"), "").unwrap();
    std::fs::write(dir.join("c.jsonl"), "\n\n").unwrap();
    std::fs::write(dir.join("d.txt"), OTHER).unwrap();
    let o = cluster(&["-q"], &[&dir]);
    succeeds(&o);
    assert_eq!(ids(&o), ["a.txt", "d.txt"]);
    let e = stderr(&o);
    assert!(e.contains("2 invalid records or files left out") && e.contains("b.txt: file is empty"), "{e}");
    // Given by name, an empty file is still an error.
    fails_with(&cluster(&["-q"], &[&dir.join("b.txt")]), &["b.txt: file is empty"]);
}

/// Found while red-teaming: a directory holding only hidden files (or none) gave zero documents
/// and exit 0, silently. It is an error now, saying why, like an empty file given by name.
#[test]
fn a_directory_with_nothing_to_read_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("dotfiles");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join(".bashrc"), OTHER).unwrap();
    std::fs::write(dir.join("notes.md"), OTHER).unwrap();
    let o = cluster(&["-q", "--ext", "txt"], &[&dir]);
    fails_with(
        &o,
        &["dotfiles: directory holds no files to read", "1 hidden entries", "1 files with other extensions"],
    );
    let o = cluster(&["-q", "--skip-invalid", "--ext", "txt"], &[&dir, &common::data("news-sample.jsonl")]);
    succeeds(&o);
    assert!(stderr(&o).contains("1 invalid records or files left out"), "{}", stderr(&o));
}

/// `--skip-invalid` did not cover unreadable files or dangling links.
#[cfg(unix)]
#[test]
fn skip_invalid_covers_dangling_links_and_unreadable_files() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("docs");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("a.txt"), STORY).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("gone.txt"), dir.join("b.txt")).unwrap();
    let locked = dir.join("c.txt");
    std::fs::write(&locked, OTHER).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let unreadable = std::fs::read(&locked).is_err(); // root reads it anyway
    let o = cluster(&["-q"], &[&dir]);
    fails_with(&o, &["b.txt", "dangling symbolic link"]);
    let o = cluster(&["-q", "--skip-invalid"], &[&dir]);
    succeeds(&o);
    let want: &[&str] = if unreadable { &["a.txt"] } else { &["a.txt", "c.txt"] };
    assert_eq!(ids(&o), want);
    let left_out = if unreadable { 2 } else { 1 };
    assert!(stderr(&o).contains(&format!("{left_out} invalid records or files left out")), "{}", stderr(&o));
    // A dangling link given by name is skipped too; a path that does not exist is always an error.
    let o = cluster(&["-q", "--skip-invalid"], &[&dir.join("a.txt"), &dir.join("b.txt")]);
    succeeds(&o);
    let o = cluster(&["-q", "--skip-invalid"], &[&dir.join("a.txt"), &dir.join("typo.txt")]);
    fails_with(&o, &["typo.txt: cannot open input"]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).unwrap();
}

/// `--delimiter '\n\n'` on a CRLF file silently gave one record.
#[test]
fn blank_line_delimiters_split_crlf_files() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("windows.txt");
    let text = format!("{STORY}\r\n\r\n{OTHER}\r\nsecond line\r\n\r\n\r\nKathmandu: {STORY}\r\n");
    std::fs::write(&input, &text).unwrap();
    let o = cluster(&["-q", "--delimiter", "\\n\\n"], &[&input]);
    succeeds(&o);
    let name = input.to_str().unwrap();
    assert_eq!(ids(&o), [format!("{name}#1"), format!("{name}#2"), format!("{name}#3")]);
    assert_eq!(std::fs::read_to_string(&input).unwrap(), text);
}

/// `dedup --skip-invalid -q` dropped records with no count.
#[test]
fn records_left_out_are_counted_even_when_quiet() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("some-bad.jsonl");
    let text = format!(
        "{}{{\"id\": \"broken\", \"text\": \n{}",
        jsonl(&[serde_json::json!({"id": "a", "text": STORY})]),
        jsonl(&[serde_json::json!({"id": "b", "body": "no text"}), serde_json::json!({"id": "c", "text": OTHER})])
    );
    std::fs::write(&input, text).unwrap();
    let o = run(bin().args(["dedup", "--skip-invalid", "-q"]).arg(&input));
    succeeds(&o);
    assert_eq!(stdout(&o).lines().count(), 2);
    let e = stderr(&o);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(e.contains("warning: 2 invalid records or files left out (first: ") && e.contains("line 2"), "{e}");
}

// ---- 10. Messages (input side) ----

/// A UTF-8 byte order mark gave "invalid JSON: expected value (column 1)".
#[test]
fn a_byte_order_mark_is_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("bom.jsonl");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(jsonl(&[serde_json::json!({"id": "a", "text": STORY})]).as_bytes());
    std::fs::write(&input, &bytes).unwrap();
    let o = cluster(&["-q"], &[&input]);
    succeeds(&o);
    assert_eq!(ids(&o), ["a"]);
    let text = tmp.path().join("bom.txt");
    std::fs::write(&text, [&b"\xEF\xBB\xBF"[..], STORY.as_bytes()].concat()).unwrap();
    let dedup = run(bin().args(["dedup", "-q", "--input-format", "text", "--delimiter", "\\n\\n"]).arg(&text));
    succeeds(&dedup);
    assert_eq!(stdout(&dedup), format!("{STORY}\n\n"), "the mark is no part of the record");
}

/// `--date-field id` reported `record has no "id" field`.
#[test]
fn the_date_field_can_be_the_id_field() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("dated.jsonl");
    let lines = [
        serde_json::json!({"id": "2024-03-01", "text": STORY}),
        serde_json::json!({"id": "2024-03-20", "text": format!("Kathmandu: {STORY}")}),
    ];
    std::fs::write(&input, jsonl(&lines)).unwrap();
    let o = cluster(&["-q", "--date-field", "id", "--window", "7"], &[&input]);
    succeeds(&o);
    let out = stdout(&o);
    assert!(out.contains("\"cluster\":0") && out.contains("\"cluster\":1"), "19 days apart: two clusters\n{out}");
}

/// `T25:00:00Z` was accepted as a time.
#[test]
fn impossible_times_are_not_dates() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("times.jsonl");
    let lines = [
        serde_json::json!({"id": "a", "text": STORY, "date": "2024-03-01T23:59:59Z"}),
        serde_json::json!({"id": "b", "text": OTHER, "date": "2024-03-01T25:00:00Z"}),
    ];
    std::fs::write(&input, jsonl(&lines)).unwrap();
    let o = cluster(&["-q", "--date-field", "date", "--window", "3"], &[&input]);
    fails_with(&o, &["times.jsonl:line 2", "field \"date\" is not a date: \"2024-03-01T25:00:00Z\"", "--date-format"]);
}

/// A windowed index `add` asked for `--date-field` through a hint about `--window`, an option
/// `add` does not take.
#[test]
fn a_windowed_index_add_asks_for_the_date_field() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("dated.jsonl");
    let lines = [serde_json::json!({"id": "a", "text": STORY, "date": "2024-03-01"})];
    std::fs::write(&input, jsonl(&lines)).unwrap();
    let more = tmp.path().join("more.jsonl");
    std::fs::write(&more, jsonl(&[serde_json::json!({"id": "b", "text": OTHER, "date": "2024-03-02"})])).unwrap();
    let idx = tmp.path().join("idx");
    let o =
        run(bin().args(["index", "build", "-q", "--date-field", "date", "--window", "7", "-o"]).arg(&idx).arg(&input));
    succeeds(&o);
    let export = || stdout(&run(bin().args(["index", "export"]).arg(&idx)));
    let before = export();
    let o = run(bin().args(["index", "add", "-q"]).arg(&idx).arg(&more));
    let e = fails_with(&o, &["keeps a time window of 7 days", "--date-field"]);
    assert!(!e.contains("--window"), "{e}");
    assert_eq!(export(), before, "nothing was added");
    let o = run(bin().args(["index", "add", "-q", "--date-field", "date"]).arg(&idx).arg(&more));
    succeeds(&o);
    assert_eq!(export().lines().count(), 2);
}

// ---- Found in the red-team pass ----

/// `-` was read as a file named `-` ("cannot open input: No such file or directory"); it is
/// standard input, as for other Unix tools, read as JSONL by default, and only once.
#[test]
fn a_dash_is_standard_input() {
    use std::io::Write;
    let text = jsonl(&[serde_json::json!({"id": "a", "text": STORY}), serde_json::json!({"id": "b", "text": STORY})]);
    let mut child = bin().args(["cluster", "-q", "-"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    succeeds(&o);
    assert_eq!(ids(&o), ["a", "b"]);
    let o = run(bin().args(["cluster", "-q", "-", "-"]).stdin(Stdio::null()));
    fails_with(&o, &["standard input (`-`) is given more than once"]);
    // An unwritable temporary directory is named as such.
    let o = run(bin().args(["cluster", "-q", "-"]).env("TMPDIR", "/nonexistent/neardupe-test").stdin(Stdio::null()));
    fails_with(&o, &["/nonexistent/neardupe-test", "cannot create a spill file", "TMPDIR"]);
}

/// A file of /proc reports size 0 but has contents: it was "file is empty".
#[cfg(target_os = "linux")]
#[test]
fn files_that_report_no_size_are_read() {
    let o = cluster(&["-q", "--input-format", "text"], &[Path::new("/proc/self/status")]);
    succeeds(&o);
    assert_eq!(ids(&o), ["/proc/self/status"]);
}

/// One file given twice (by two names, a symbolic or a hard link) was reported as a duplicate id
/// of itself; it is named as what it is.
#[cfg(unix)]
#[test]
fn one_file_given_twice_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("c.jsonl");
    std::fs::write(&input, jsonl(&[serde_json::json!({"id": "a", "text": STORY})])).unwrap();
    let (soft, hard) = (tmp.path().join("soft.jsonl"), tmp.path().join("hard.jsonl"));
    std::os::unix::fs::symlink(&input, &soft).unwrap();
    std::fs::hard_link(&input, &hard).unwrap();
    for other in [&soft, &hard] {
        let o = cluster(&["-q"], &[&input, other]);
        fails_with(&o, &["c.jsonl and ", "are the same file, given twice"]);
    }
}

/// `explain` shingled its two documents before the run that applies the record limit: a text
/// that NFKC makes huge was normalised without a limit. The run comes first now, and a document
/// it leaves out is named with the reason.
#[test]
fn explain_applies_the_record_limit_first() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("ex.jsonl");
    let lines = [
        serde_json::json!({"id": "a", "text": STORY}),
        serde_json::json!({"id": "huge", "text": "\u{fdfa} ".repeat(100_000)}),
    ];
    std::fs::write(&input, jsonl(&lines)).unwrap();
    let explain = |extra: &[&str]| {
        run(bin().args(["explain", "a", "huge", "--nfkc", "--max-record-bytes", "1000000"]).args(extra).arg(&input))
    };
    fails_with(&explain(&[]), &["ex.jsonl:line 2", "grows past the limit", "--max-record-bytes"]);
    fails_with(&explain(&["--skip-invalid"]), &["document huge was left out as invalid", "ex.jsonl:line 2"]);
}

/// `cluster - -o x < x` read the file as standard input and then replaced it with its output.
#[cfg(target_os = "linux")]
#[test]
fn an_output_that_is_standard_input_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("x.jsonl");
    let text = jsonl(&[serde_json::json!({"id": "a", "text": STORY})]);
    std::fs::write(&input, &text).unwrap();
    let o = run(bin().args(["cluster", "-q", "-", "-o"]).arg(&input).stdin(std::fs::File::open(&input).unwrap()));
    fails_with(&o, &["x.jsonl is standard input", "refusing to overwrite it"]);
    assert_eq!(std::fs::read_to_string(&input).unwrap(), text);
}

/// Red team: `index query` against an index with a time window compared no dates, so a copy
/// from a year later was reported a duplicate that `index add` would never link. A query now
/// needs a date, and a match beyond the window is `"duplicate": false, "outside_window": true`.
#[test]
fn a_windowed_index_query_compares_dates() {
    let tmp = tempfile::tempdir().unwrap();
    let stored = tmp.path().join("stored.jsonl");
    std::fs::write(
        &stored,
        jsonl(&[
            serde_json::json!({"id": "a", "text": STORY, "date": "2024-03-01"}),
            serde_json::json!({"id": "b", "text": OTHER, "date": "2024-03-02"}),
        ]),
    )
    .unwrap();
    let dir = tmp.path().join("idx");
    let build = run(bin()
        .args(["index", "build", "-q", "--date-field", "date", "--window", "7", "--boilerplate", "off"])
        .arg(&stored)
        .arg("-o")
        .arg(&dir));
    succeeds(&build);
    let queries = tmp.path().join("queries.jsonl");
    let copy = format!("Kathmandu: {STORY}");
    std::fs::write(
        &queries,
        jsonl(&[
            serde_json::json!({"id": "near", "text": copy, "date": "2024-03-05"}),
            serde_json::json!({"id": "late", "text": copy, "date": "2025-03-05"}),
        ]),
    )
    .unwrap();
    let undated = run(bin().args(["index", "query"]).arg(&dir).arg(&queries));
    assert_eq!(undated.status.code(), Some(1), "{}", stderr(&undated));
    assert!(
        stderr(&undated).contains("every query needs a date: name its field with --date-field"),
        "{}",
        stderr(&undated)
    );
    let o = run(bin().args(["index", "query", "-q", "--date-field", "date", "--limit", "1"]).arg(&dir).arg(&queries));
    succeeds(&o);
    let lines: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    let first = |i: usize| &lines[i]["matches"][0];
    assert_eq!((first(0)["id"].as_str(), first(0)["duplicate"].as_bool()), (Some("a"), Some(true)));
    assert_eq!(first(0)["outside_window"], false);
    assert_eq!((first(1)["id"].as_str(), first(1)["duplicate"].as_bool()), (Some("a"), Some(false)));
    assert_eq!(first(1)["outside_window"], true);
    assert!(first(1)["similarity"].as_f64().unwrap() > 0.9, "as similar as before: {}", first(1));
}
