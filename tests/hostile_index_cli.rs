//! The command-line side of the index's hostile cases (issue 16): `index compact` on a corrupt
//! segment exits 1 and changes nothing; `index build` of a batch too small to learn the
//! boilerplate filter warns, with `-q` too. The library cases are unit tests in
//! `src/index/hostile_tests.rs`.

mod common;
#[path = "common/small_index.rs"]
mod small_index;

use small_index::*;

/// Item 2, the binary: `index compact` exits 1 with the file's name, and `index check` still
/// fails afterwards.
#[test]
fn cli_compact_exits_1_on_a_corrupt_segment() {
    use common::{bin, run, stderr};
    let tmp = tempfile::tempdir().unwrap();
    build(tmp.path(), "doc", 1);
    let name = file_named(tmp.path(), "segment-00000002");
    damage(tmp.path(), &name, b"doc-05", b"doc-95");
    let damaged = files(tmp.path());
    let o = run(bin().args(["index", "compact"]).arg(tmp.path()));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains(&name) && stderr(&o).contains("payload checksum mismatch"), "{}", stderr(&o));
    assert_eq!(files(tmp.path()), damaged);
    let o = run(bin().args(["index", "check"]).arg(tmp.path()));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("payload checksum mismatch"), "{}", stderr(&o));
}

/// Item 9, the binary: `index build` of a small corpus prints the warning (with `--quiet` too).
#[test]
fn cli_build_of_a_small_batch_warns() {
    use common::{bin, run, stderr};
    let tmp = tempfile::tempdir().unwrap();
    let input: std::path::PathBuf = tmp.path().join("small.jsonl");
    let lines: Vec<String> = documents("doc", 5, 5, 3)
        .iter()
        .map(|(id, text)| serde_json::json!({"id": id, "text": text}).to_string())
        .collect();
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let dir = tmp.path().join("idx");
    let o = run(bin().args(["index", "build"]).arg(&input).arg("-o").arg(&dir).arg("-q"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("neardupe: warning: boilerplate filter not learnt yet"), "{}", stderr(&o));
    assert_eq!(export(&dir).len(), 5);
}

/// Red team: an id changed at rest in a segment was exported as the changed id, with exit 0.
/// `index export` verifies every checksum first, exits 1 naming the file, and writes nothing.
#[test]
fn cli_export_of_a_corrupt_segment_fails_and_writes_nothing() {
    use common::{bin, run, stderr};
    let tmp = tempfile::tempdir().unwrap();
    build(tmp.path(), "doc", 1);
    let name = file_named(tmp.path(), "segment-00000002");
    damage(tmp.path(), &name, b"doc-05", b"doc-95");
    let elsewhere = tempfile::tempdir().unwrap();
    let out = elsewhere.path().join("export.jsonl");
    let o = run(bin().args(["index", "export"]).arg(tmp.path()).arg("-o").arg(&out));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains(&name) && stderr(&o).contains("payload checksum mismatch"), "{}", stderr(&o));
    assert!(!out.exists(), "nothing is written");
    let o = run(bin().args(["index", "export"]).arg(tmp.path()));
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty(), "nothing on standard output either");
}
