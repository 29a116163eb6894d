//! Hostile uses of the index's ids on the command line (issue 16, item 6): adding ids the index
//! holds, removing ids it does not, id lists and reports in the wrong places. Each case asserts
//! the exit status and the message, and that nothing was lost: the index's files are unchanged
//! after a refused operation, it passes `index check`, and `index export` gives what it did
//! before. The library's oracles are in `src/index/ids_tests.rs` and `tests/index_ids.rs`.

mod common;
#[path = "common/small_index.rs"]
mod small_index;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{bin, run, stderr, stdout};
use small_index::*;

/// A JSONL input of `docs` in `dir`.
fn jsonl(dir: &Path, name: &str, docs: &[(String, String)]) -> PathBuf {
    let path = dir.join(name);
    let lines: String =
        docs.iter().map(|(id, text)| serde_json::json!({"id": id, "text": text}).to_string() + "\n").collect();
    std::fs::write(&path, lines).unwrap();
    path
}

fn neardupe(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    let mut cmd = bin();
    for a in args {
        cmd.arg(a);
    }
    run(&mut cmd)
}

/// The index at `dir`: `index check` passes and it exports `export`.
fn assert_intact(dir: &Path, exported: &[(String, u32, bool)]) {
    let o = neardupe(&[&"index", &"check", &dir]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    assert_eq!(export(dir), exported);
}

/// A refused command: exit status 1, the message, and the index unchanged.
fn assert_refused(
    o: &Output,
    messages: &[&str],
    dir: &Path,
    before: &[(String, Vec<u8>)],
    exported: &[(String, u32, bool)],
) {
    assert_eq!(o.status.code(), Some(1), "{}", stderr(o));
    for m in messages {
        assert!(stderr(o).contains(m), "{m:?} not in {}", stderr(o));
    }
    assert_eq!(files(dir), before, "the index's files are unchanged");
    assert_intact(dir, exported);
}

/// A scratch directory, an index in it, its files and its export.
type Setup = (tempfile::TempDir, PathBuf, Vec<(String, Vec<u8>)>, Vec<(String, u32, bool)>);

fn setup() -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    build(&dir, "doc", 1);
    let (before, exported) = (files(&dir), export(&dir));
    (tmp, dir, before, exported)
}

/// The issue's case: the same batch added twice. The second `add` is refused, naming the id
/// and its line, and adds nothing.
#[test]
fn adding_the_same_batch_twice_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = documents("doc", 30, 10, 1);
    let input = jsonl(tmp.path(), "batch.jsonl", &docs);
    let dir = tmp.path().join("idx");
    let o = neardupe(&[&"index", &"build", &input, &"-o", &dir, &"-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (before, exported) = (files(&dir), export(&dir));
    let o = neardupe(&[&"index", &"add", &dir, &input, &"-q"]);
    assert_refused(
        &o,
        &[
            "batch.jsonl:line 1",
            "id \"doc-00\" is already in the index (document 0); nothing was added",
            "--existing-ids",
        ],
        &dir,
        &before,
        &exported,
    );
}

/// `--existing-ids skip` leaves the stored documents and reports the skipped ones;
/// `--existing-ids replace` replaces them in one commit. Either way the index passes `check`.
#[test]
fn existing_ids_are_skipped_or_replaced() {
    let (tmp, dir, _, exported) = setup();
    let docs = vec![("doc-03".to_string(), story(90, 60)), ("fresh".to_string(), story(91, 60))];
    let input = jsonl(tmp.path(), "b.jsonl", &docs);
    let o = neardupe(&[&"index", &"add", &dir, &input, &"--existing-ids", &"skip", &"-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(r#"{"id":"doc-03","reason":"already in the index","status":"skipped"}"#),
        "{}",
        stdout(&o)
    );
    let after = export(&dir);
    assert_eq!(after.len(), exported.len() + 1);
    assert_eq!(after[..exported.len()], exported[..], "the stored documents are unchanged");

    let changes = tmp.path().join("changes.jsonl");
    let o = neardupe(&[&"index", &"add", &dir, &input, &"--existing-ids", &"replace", &"--changes", &changes, &"-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let after = export(&dir);
    assert_eq!(after.len(), exported.len() + 1, "two replaced, none added");
    assert_eq!(after.iter().filter(|a| a.0 == "doc-03" || a.0 == "fresh").count(), 2);
    assert!(changes.exists());
    // doc-03 told story 3, like doc-11 and doc-19: one of them now represents that cluster.
    let lines = std::fs::read_to_string(&changes).unwrap();
    assert!(lines.contains(r#""old_representative":"doc-03""#), "{lines}");
    assert_intact(&dir, &after);
}

/// Removing an id the index does not hold is refused by default and removes nothing, the ids
/// before it included; `--missing ignore` removes the others.
#[test]
fn removing_a_missing_id_is_refused() {
    let (_tmp, dir, before, exported) = setup();
    let o = neardupe(&[&"index", &"remove", &dir, &"doc-01", &"nope"]);
    assert_refused(&o, &["id \"nope\" is not in the index; nothing was removed"], &dir, &before, &exported);
    let o = neardupe(&[&"index", &"remove", &dir, &"doc-01", &"nope", &"--missing", &"ignore"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("removed 1 documents") && stderr(&o).contains("(1 ids not in the index)"),
        "{}",
        stderr(&o)
    );
    let mut want = exported.clone();
    want.retain(|a| a.0 != "doc-01");
    let after = export(&dir);
    assert_eq!(after.iter().map(|a| &a.0).collect::<Vec<_>>(), want.iter().map(|a| &a.0).collect::<Vec<_>>());
    assert_intact(&dir, &after);
}

/// An empty id list (no arguments, an empty file) is refused: a script whose list came out
/// empty by mistake learns of it.
#[test]
fn removing_nothing_is_refused() {
    let (tmp, dir, before, exported) = setup();
    let o = neardupe(&[&"index", &"remove", &dir]);
    assert_refused(&o, &["no ids to remove"], &dir, &before, &exported);
    let empty = tmp.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    let o = neardupe(&[&"index", &"remove", &dir, &"--ids", &empty]);
    assert_refused(&o, &["no ids to remove"], &dir, &before, &exported);
}

/// Id lists: one a line (an empty line is an error naming it), or JSONL with an `id` field,
/// from a file or standard input; a file inside the index is refused.
#[test]
fn id_lists_are_read_exactly_and_never_from_the_index() {
    let (tmp, dir, before, exported) = setup();
    let manifest = dir.join("MANIFEST");
    let o = neardupe(&[&"index", &"remove", &dir, &"--ids", &manifest]);
    assert_refused(&o, &["is inside the index directory", "refusing to read it"], &dir, &before, &exported);
    let o = neardupe(&[&"index", &"get", &dir, &"--ids", &manifest]);
    assert_refused(&o, &["is inside the index directory"], &dir, &before, &exported);

    let list = tmp.path().join("ids.txt");
    std::fs::write(&list, "doc-01\n\ndoc-02\n").unwrap();
    let o = neardupe(&[&"index", &"remove", &dir, &"--ids", &list]);
    assert_refused(&o, &["ids.txt:2: empty line, not an id"], &dir, &before, &exported);
    std::fs::write(&list, "{\"id\": \"doc-01\"}\n{\"name\": \"doc-02\"}\n").unwrap();
    let o = neardupe(&[&"index", &"remove", &dir, &"--ids", &list, &"--ids-format", &"jsonl"]);
    assert_refused(&o, &["ids.txt:2: the record has no \"id\" field"], &dir, &before, &exported);
    // A near-miss of an id is not the id.
    std::fs::write(&list, "doc-01 \n").unwrap();
    let o = neardupe(&[&"index", &"remove", &dir, &"--ids", &list]);
    assert_refused(&o, &["id \"doc-01 \" is not in the index"], &dir, &before, &exported);

    let mut cmd = bin();
    cmd.args(["index", "remove"]).arg(&dir).args(["--ids", "-", "--ids-format", "jsonl", "-q"]);
    cmd.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"{\"id\": \"doc-01\"}\n{\"id\": \"doc-02\"}\n").unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(export(&dir).len(), exported.len() - 2);
}

/// `--changes` and `-o` may not overwrite the id list, the input, each other or land in the
/// index; each refusal comes before anything is removed or added.
#[test]
fn reports_never_overwrite_inputs_or_the_index() {
    let (tmp, dir, before, exported) = setup();
    let list = tmp.path().join("ids.txt");
    std::fs::write(&list, "doc-01\n").unwrap();
    let o = neardupe(&[&"index", &"remove", &dir, &"--ids", &list, &"--changes", &list]);
    assert_refused(&o, &["--changes", "is the input", "refusing to overwrite it"], &dir, &before, &exported);
    assert_eq!(std::fs::read_to_string(&list).unwrap(), "doc-01\n");
    let inside = dir.join("changes.jsonl");
    let o = neardupe(&[&"index", &"remove", &dir, &"doc-01", &"--changes", &inside]);
    assert_refused(
        &o,
        &["--changes", "is inside the index directory", "refusing to write there"],
        &dir,
        &before,
        &exported,
    );

    let input = jsonl(tmp.path(), "b.jsonl", &[("new".to_string(), story(80, 60))]);
    let original = std::fs::read(&input).unwrap();
    let o = neardupe(&[&"index", &"add", &dir, &input, &"--changes", &input]);
    assert_refused(&o, &["--changes", "is the input"], &dir, &before, &exported);
    assert_eq!(std::fs::read(&input).unwrap(), original);
    let report = tmp.path().join("report.jsonl");
    let o = neardupe(&[&"index", &"add", &dir, &input, &"-o", &report, &"--changes", &report]);
    assert_refused(&o, &["--changes", "is the same file as -o"], &dir, &before, &exported);
    let o = neardupe(&[&"index", &"add", &dir, &input, &"--changes", &dir.join("MANIFEST")]);
    assert_refused(
        &o,
        &["--changes", "is a file in the index directory", "refusing to overwrite it"],
        &dir,
        &before,
        &exported,
    );
    let o = neardupe(&[&"index", &"get", &dir, &"doc-01", &"-o", &dir.join("x")]);
    assert_refused(&o, &["-o", "inside the index directory"], &dir, &before, &exported);
}

/// `index get`: one line per id, found or not, with the cluster's representative and members.
#[test]
fn get_reports_each_id() {
    let (_tmp, dir, _, exported) = setup();
    let o = neardupe(&[&"index", &"get", &dir, &"doc-03", &"nope"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1], serde_json::json!({"id": "nope", "found": false}));
    let cluster = exported.iter().find(|a| a.0 == "doc-03").unwrap().1;
    let members: Vec<&str> = exported.iter().filter(|a| a.1 == cluster).map(|a| a.0.as_str()).collect();
    let rep = exported.iter().find(|a| a.1 == cluster && a.2).unwrap().0.as_str();
    assert_eq!(lines[0]["found"], true);
    assert_eq!(lines[0]["cluster"], cluster);
    assert_eq!(lines[0]["representative"], rep);
    assert_eq!(lines[0]["members"], serde_json::json!(members));
    assert_intact(&dir, &exported);
}
