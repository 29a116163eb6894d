//! Index states through the `neardupe` binary, shared by the kill tests (`tests/index_kill.rs`)
//! and the lock tests (`tests/index_lock.rs`): synthetic batches, `index` commands, and the state
//! of an index (its export, counts and files) to compare with another.
#![allow(dead_code)] // each includer uses some of them

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use neardupe_synth::{self as synth, SynthConfig, Tier};

use crate::common::{bin, run, stderr, stdout};

/// Documents in each of the two batches of the `add` tests (the compaction test splits the same
/// documents into four segments): fewer in a debug build, whose binary is some 15 times slower.
pub(crate) const BATCH: usize = if cfg!(debug_assertions) { 150 } else { 800 };

/// `neardupe index COMMAND DIR ARGS...`, never at a failure point (whatever the environment says).
pub(crate) fn index(args: &[&str], dir: &Path) -> Command {
    let mut cmd = bin();
    cmd.env_remove("NEARDUPE_FAILPOINT").arg("index").arg(args[0]).arg(dir).args(&args[1..]);
    cmd
}

/// Runs `cmd` and expects success.
pub(crate) fn ok(cmd: &mut Command, what: &str) -> Output {
    let o = run(cmd);
    assert!(o.status.success(), "{what} failed ({}): {}", o.status, stderr(&o));
    o
}

/// `neardupe index add DIR BATCH -q` (report to standard output).
pub(crate) fn add(dir: &Path, batch: &Path) -> Command {
    let mut cmd = index(&["add", "-q", "-o", "-"], dir);
    cmd.arg(batch);
    cmd
}

pub(crate) fn compact(dir: &Path) -> Command {
    index(&["compact"], dir)
}

/// Every document's cluster, as `neardupe index export` writes it.
pub(crate) fn export(dir: &Path) -> String {
    stdout(&ok(&mut index(&["export", "-o", "-"], dir), &format!("index export {}", dir.display())))
}

/// The "stats" object of `neardupe index stats`.
pub(crate) fn stats(dir: &Path) -> serde_json::Value {
    let o = ok(&mut index(&["stats"], dir), &format!("index stats {}", dir.display()));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("index stats prints JSON");
    json["stats"].clone()
}

pub(crate) fn count(stats: &serde_json::Value, key: &str) -> u64 {
    stats[key].as_u64().unwrap_or_else(|| panic!("index stats has no count {key:?}: {stats}"))
}

/// The names of the files in `dir`, sorted.
pub(crate) fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

pub(crate) fn temporary_files(dir: &Path) -> Vec<String> {
    files(dir).into_iter().filter(|n| n.starts_with(".tmp-")).collect()
}

/// Copies the (flat) index directory `from` to a new directory `to`.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir(to).unwrap();
    for name in files(from) {
        std::fs::copy(from.join(&name), to.join(&name)).unwrap();
    }
}

/// A committed state of an index, to compare others with.
pub(crate) struct State {
    pub(crate) export: String,
    pub(crate) documents: u64,
    pub(crate) segments: u64,
    pub(crate) files: Vec<String>,
}

impl State {
    pub(crate) fn of(dir: &Path) -> State {
        let s = stats(dir);
        State {
            export: export(dir),
            documents: count(&s, "documents"),
            segments: count(&s, "segments"),
            files: files(dir),
        }
    }
}

/// Where two exports first differ, for a failure message (exports are too long to print).
pub(crate) fn first_difference(a: &str, b: &str) -> String {
    let (la, lb) = (a.lines().count(), b.lines().count());
    match a.lines().zip(b.lines()).enumerate().find(|(_, (x, y))| x != y) {
        Some((i, (x, y))) => format!("{la} vs {lb} lines; line {}: {x:?} vs {y:?}", i + 1),
        None => format!("{la} vs {lb} lines, equal as far as the shorter goes"),
    }
}

/// Writes the first documents of a synthetic news corpus (every copy tier, outlet boilerplate,
/// so documents join clusters across batches) to JSONL files of the given sizes (at most
/// `4 * BATCH` documents in all).
pub(crate) fn write_batches(dir: &Path, sizes: &[usize]) -> Vec<PathBuf> {
    let config = SynthConfig::builder().stories(2 * BATCH).seed(11).tiers(Tier::all()).build().unwrap();
    let docs = synth::generate(&config);
    let total: usize = sizes.iter().sum();
    assert!(docs.len() >= total, "the synthetic corpus has {} documents, {total} wanted", docs.len());
    let mut docs = docs.iter();
    sizes
        .iter()
        .enumerate()
        .map(|(b, &n)| {
            let path = dir.join(format!("batch{b}-{n}.jsonl"));
            let mut text = String::new();
            for d in docs.by_ref().take(n) {
                text.push_str(&serde_json::json!({"id": d.id, "text": d.text}).to_string());
                text.push('\n');
            }
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect()
}

/// Builds an index in `dir` from `batches[0]`, then adds each other batch.
pub(crate) fn build(dir: &Path, batches: &[PathBuf]) {
    ok(bin().args(["index", "build", "-q", "-o"]).arg(dir).arg(&batches[0]), "index build");
    for b in &batches[1..] {
        ok(add(dir, b).stdout(Stdio::null()), "index add");
    }
}
