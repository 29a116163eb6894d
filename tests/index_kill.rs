//! Crash safety of the persistent index: writers killed at every durable-write step, through the
//! `neardupe` binary built with the test-only `failpoints` feature (run with
//! `cargo test --features failpoints --test index_kill`).
//!
//! The index's write helpers (`src/index/store.rs`) pass a numbered failure point before each
//! step where a crash could matter: creating, writing, flushing and syncing each temporary file,
//! renaming it into place (the `MANIFEST` too: the commit), syncing the directory, and removing
//! each dead file. `NEARDUPE_FAILPOINT=count` lists an operation's steps;
//! `NEARDUPE_FAILPOINT=N` ends the process with `_exit` (no cleanup, as a crash) at step N. Each
//! test runs its operation with N = 1, 2, ... on a fresh copy of the same index until a run
//! completes without reaching N, so every step of every writer is killed once, whatever the
//! machine's speed, and a writer that later gains steps is covered without changing the test.
//!
//! After every kill `index check` passes and `index export` (every document's cluster) is
//! exactly the state before the change or the state after it, never a third one, and
//! `index stats` agrees. Then the next writer proceeds: the OS released the dead writer's lock,
//! and it completes the change and removes the dead writer's temporary and unlisted files,
//! leaving the same files as an uninterrupted run. The kills before the commit (the `MANIFEST`
//! rename) and after it are counted, and both must occur. The counts print with
//! `cargo test --features failpoints --test index_kill -- --nocapture`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

mod common;
#[path = "common/index_states.rs"]
mod index_states;

use common::{run, stderr};
use index_states::{
    BATCH, State, add, build, compact, copy_dir, count, export, files, first_difference, index, ok, stats,
    temporary_files, write_batches,
};

/// The exit status of a process ended at a failure point (`src/index/failpoint.rs`).
const FAILPOINT_EXIT: i32 = 86;

/// The prefix of the line a failure point prints.
const FAILPOINT_LINE: &str = "neardupe failpoint ";

/// The steps `cmd` passes, in order, as `NEARDUPE_FAILPOINT=count` lists them.
fn steps(cmd: &mut Command) -> Vec<String> {
    let o = run(cmd.env("NEARDUPE_FAILPOINT", "count").stdout(Stdio::null()));
    assert!(o.status.success(), "counting the steps: {}", stderr(&o));
    let steps: Vec<String> = stderr(&o)
        .lines()
        .filter_map(|l| l.strip_prefix(FAILPOINT_LINE))
        .enumerate()
        .map(|(i, l)| {
            let (n, step) = l.split_once(": ").expect("a failure point line is `N: STEP`");
            assert_eq!(n, (i + 1).to_string(), "failure points are numbered from 1 in order");
            step.to_string()
        })
        .collect();
    assert!(!steps.is_empty(), "the operation passes no failure point: is the `failpoints` feature on?");
    steps
}

/// Runs `cmd` with `NEARDUPE_FAILPOINT=n`: the step it died at, or `None` if it completed.
fn run_to(cmd: &mut Command, n: usize) -> Option<String> {
    let o = run(cmd.env("NEARDUPE_FAILPOINT", n.to_string()).stdout(Stdio::null()));
    let e = stderr(&o);
    if o.status.success() {
        return None;
    }
    assert_eq!(o.status.code(), Some(FAILPOINT_EXIT), "failure point {n}: the operation failed: {e}");
    let prefix = format!("{FAILPOINT_LINE}{n}: ");
    let line = e.lines().find_map(|l| l.strip_prefix(&prefix)?.strip_suffix(" (exiting)"));
    Some(line.unwrap_or_else(|| panic!("failure point {n}: no failure point line in {e:?}")).to_string())
}

/// The outcomes of the kills of one operation.
#[derive(Debug, Default)]
struct Tally {
    /// The steps of an uninterrupted run (each killed once).
    steps: usize,
    /// Killed, and the index holds the state before the change.
    killed_before: usize,
    /// Killed, and the index holds the state after it (the kill came after the commit).
    killed_after: usize,
    /// Of `killed_after`, the kills of `add` between the commit of the batch and that of the
    /// merge of the segments that follows it (two segments).
    unmerged: usize,
    /// Kills that left temporary files (`.tmp-*`).
    left_temporary: usize,
    /// Kills that left `.nd` files the state they show does not list (uncommitted or superseded;
    /// not counted for `unmerged`).
    left_other: usize,
}

/// Kills `op` (a command on the index directory it is given) at each of its steps, each time on
/// a fresh copy of `base` in `scratch`, and calls `inspect(at, dir)` on the index it left, which
/// returns whether it holds the state after the change (and runs the next writer), counting the
/// kills before and after the commit in `tally`. Ends with the first run that completes, which
/// must be the one whose failure point is just past the counted steps; both kinds of kill must
/// have occurred.
fn kill_at_every_step(
    what: &str,
    base: &Path,
    scratch: &Path,
    op: &dyn Fn(&Path) -> Command,
    tally: &mut Tally,
    inspect: &mut dyn FnMut(&str, &Path, &mut Tally) -> bool,
) {
    let count_dir = scratch.join(format!("{what}-count"));
    copy_dir(base, &count_dir);
    let steps = steps(&mut op(&count_dir));
    std::fs::remove_dir_all(&count_dir).unwrap();
    tally.steps = steps.len();
    for n in 1.. {
        let dir = scratch.join(format!("{what}-kill-{n}"));
        copy_dir(base, &dir);
        let Some(step) = run_to(&mut op(&dir), n) else {
            assert_eq!(
                n,
                steps.len() + 1,
                "`{what}` completed before its failure point {n} ({} steps counted)",
                steps.len()
            );
            std::fs::remove_dir_all(&dir).unwrap();
            break;
        };
        assert!(n <= steps.len(), "`{what}` reached failure point {n} ({step}), past the {} counted", steps.len());
        assert_eq!(step, steps[n - 1], "`{what}`: failure point {n} is another step than counted");
        let at = format!("`{what}` killed at step {n} of {} ({step})", steps.len());
        let after = inspect(&at, &dir, tally);
        match after {
            true => tally.killed_after += 1,
            false => tally.killed_before += 1,
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
    assert!(tally.killed_before > 0, "`{what}`: no step before the commit: {tally:?}");
    assert!(tally.killed_after > 0, "`{what}`: no step after the commit: {tally:?}");
}

#[test]
fn killed_add_leaves_the_old_or_the_new_state_and_the_next_writer_completes_it() {
    let t = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let batches = write_batches(tmp.path(), &[BATCH, BATCH]);
    let batch2 = &batches[1];

    let base = tmp.path().join("base");
    build(&base, &batches[..1]);
    let before = State::of(&base);
    let done = tmp.path().join("done");
    copy_dir(&base, &done);
    ok(add(&done, batch2).stdout(Stdio::null()), "index add (uninterrupted)");
    let after = State::of(&done);
    assert_eq!(before.documents, BATCH as u64);
    assert_eq!(after.documents, 2 * BATCH as u64);
    assert_ne!(before.export, after.export);
    // A writer that finds the added documents committed compacts instead (a kill may land
    // between the batch's commit and the merge that follows it): the files it leaves.
    let done_compacted = tmp.path().join("done-compacted");
    copy_dir(&done, &done_compacted);
    ok(&mut compact(&done_compacted), "index compact (uninterrupted)");
    let after_compacted = State::of(&done_compacted);
    assert_eq!(after_compacted.export, after.export, "compaction changed the clusters");

    let mut tally = Tally::default();
    kill_at_every_step("index add", &base, tmp.path(), &|dir| add(dir, batch2), &mut tally, &mut |at, dir, tally| {
        let check = run(&mut index(&["check"], dir));
        assert!(check.status.success(), "{at}: index check fails: {}", stderr(&check));
        let exported = export(dir);
        let s = stats(dir);
        let is_after = if exported == before.export {
            false
        } else if exported == after.export {
            true
        } else {
            panic!(
                "{at}: the index shows a third state: vs before {}; vs after {}",
                first_difference(&exported, &before.export),
                first_difference(&exported, &after.export)
            );
        };
        let expected = if is_after { after.documents } else { before.documents };
        assert_eq!(count(&s, "documents"), expected, "{at}: stats disagree with the export ({s})");
        let unmerged = is_after && count(&s, "segments") != after.segments;
        tally.unmerged += usize::from(unmerged);
        tally.left_temporary += usize::from(!temporary_files(dir).is_empty());
        let reference = if is_after { &after.files } else { &before.files };
        tally.left_other +=
            usize::from(!unmerged && files(dir).iter().any(|f| !f.starts_with(".tmp-") && !reference.contains(f)));

        // The next writer is not blocked, completes the change and removes the leftovers.
        let reference = if is_after {
            ok(&mut compact(dir), &format!("{at}: index compact after the kill"));
            &after_compacted
        } else {
            ok(add(dir, batch2).stdout(Stdio::null()), &format!("{at}: index add after the kill"));
            &after
        };
        let exported = export(dir);
        assert!(
            exported == after.export,
            "{at}: after the next writer the index is not the added state: {}",
            first_difference(&exported, &after.export)
        );
        assert_eq!(temporary_files(dir), Vec::<String>::new(), "{at}: temporary files remain after the next writer");
        assert_eq!(files(dir), reference.files, "{at}: the next writer leaves other files than an uninterrupted run");
        is_after
    });
    eprintln!("index add of {BATCH} documents to {BATCH}, killed at each step: {tally:?}; {:.1?} in all", t.elapsed());
    assert!(tally.unmerged > 0, "no kill between the batch's commit and the merge's: {tally:?}");
    assert!(tally.left_temporary > 0, "no kill left a temporary file: {tally:?}");
}

#[test]
fn killed_compaction_leaves_the_clusters_and_the_next_writer_completes_it() {
    let t = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    // Each batch smaller than the one before: add keeps them as separate segments.
    let sizes = [2 * BATCH, BATCH, BATCH / 2, BATCH / 2 - 1];
    let batches = write_batches(tmp.path(), &sizes);
    let base = tmp.path().join("base");
    build(&base, &batches);
    let before = State::of(&base);
    assert_eq!(before.documents, sizes.iter().sum::<usize>() as u64);
    assert_eq!(before.segments, sizes.len() as u64, "the index to compact has one segment a batch");
    let done = tmp.path().join("done");
    copy_dir(&base, &done);
    ok(&mut compact(&done), "index compact (uninterrupted)");
    let compacted = State::of(&done);
    assert_eq!(compacted.segments, 1);
    assert!(compacted.export == before.export, "compaction changed the clusters");

    let mut tally = Tally::default();
    kill_at_every_step("index compact", &base, tmp.path(), &|dir| compact(dir), &mut tally, &mut |at, dir, tally| {
        let check = run(&mut index(&["check"], dir));
        assert!(check.status.success(), "{at}: index check fails: {}", stderr(&check));
        let exported = export(dir);
        assert!(
            exported == before.export,
            "{at}: the clusters changed: {}",
            first_difference(&exported, &before.export)
        );
        let s = stats(dir);
        assert_eq!(count(&s, "documents"), before.documents, "{at}: {s}");
        let segments = count(&s, "segments");
        assert!(
            segments == before.segments || segments == 1,
            "{at}: {segments} segments, neither the {} before nor 1",
            before.segments
        );
        let is_after = segments == 1;
        tally.left_temporary += usize::from(!temporary_files(dir).is_empty());
        let reference = if is_after { &compacted.files } else { &before.files };
        tally.left_other += usize::from(files(dir).iter().any(|f| !f.starts_with(".tmp-") && !reference.contains(f)));

        ok(&mut compact(dir), &format!("{at}: index compact after the kill"));
        assert!(export(dir) == before.export, "{at}: the next compaction changed the clusters");
        assert_eq!(files(dir), compacted.files, "{at}: the next writer leaves other files than an uninterrupted run");
        is_after
    });
    eprintln!(
        "index compact of {} documents in {} segments, killed at each step: {tally:?}; {:.1?} in all",
        before.documents,
        before.segments,
        t.elapsed()
    );
    assert!(tally.left_temporary > 0, "no kill left a temporary file: {tally:?}");
}

#[test]
fn killed_removal_leaves_the_old_or_the_new_state_and_the_next_writer_completes_it() {
    let t = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let batches = write_batches(tmp.path(), &[BATCH, BATCH / 2]);
    let base = tmp.path().join("base");
    build(&base, &batches);
    let before = State::of(&base);
    // Every seventh document, from both segments.
    let ids: Vec<String> = export(&base)
        .lines()
        .step_by(7)
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_string())
        .collect();
    let list = tmp.path().join("remove.txt");
    std::fs::write(&list, ids.join("\n") + "\n").unwrap();
    let remove = |dir: &Path| {
        let mut cmd = index(&["remove", "-q", "--ids"], dir);
        cmd.arg(&list);
        cmd
    };
    let done = tmp.path().join("done");
    copy_dir(&base, &done);
    ok(&mut remove(&done), "index remove (uninterrupted)");
    let after = State::of(&done);
    assert_eq!(after.documents, before.documents - ids.len() as u64);
    let done_compacted = tmp.path().join("done-compacted");
    copy_dir(&done, &done_compacted);
    ok(&mut compact(&done_compacted), "index compact (uninterrupted)");
    let after_compacted = State::of(&done_compacted);
    assert!(after_compacted.export == after.export, "compaction changed the clusters");

    let mut tally = Tally::default();
    kill_at_every_step("index remove", &base, tmp.path(), &remove, &mut tally, &mut |at, dir, tally| {
        let check = run(&mut index(&["check"], dir));
        assert!(check.status.success(), "{at}: index check fails: {}", stderr(&check));
        let exported = export(dir);
        let is_after = if exported == before.export {
            false
        } else if exported == after.export {
            true
        } else {
            panic!(
                "{at}: the index shows a third state: vs before {}; vs after {}",
                first_difference(&exported, &before.export),
                first_difference(&exported, &after.export)
            );
        };
        let s = stats(dir);
        let expected = if is_after { after.documents } else { before.documents };
        assert_eq!(count(&s, "documents"), expected, "{at}: stats disagree with the export ({s})");
        tally.left_temporary += usize::from(!temporary_files(dir).is_empty());
        let reference = if is_after { &after.files } else { &before.files };
        tally.left_other += usize::from(files(dir).iter().any(|f| !f.starts_with(".tmp-") && !reference.contains(f)));

        // The next writer: the removal again (before the commit) or a compaction (after it).
        let reference = if is_after {
            ok(&mut compact(dir), &format!("{at}: index compact after the kill"));
            &after_compacted
        } else {
            ok(&mut remove(dir), &format!("{at}: index remove after the kill"));
            &after
        };
        assert!(export(dir) == after.export, "{at}: after the next writer the index is not the removed state");
        assert_eq!(temporary_files(dir), Vec::<String>::new(), "{at}: temporary files remain after the next writer");
        assert_eq!(files(dir), reference.files, "{at}: the next writer leaves other files than an uninterrupted run");
        is_after
    });
    eprintln!(
        "index remove of {} of {} documents, killed at each step: {tally:?}; {:.1?} in all",
        ids.len(),
        before.documents,
        t.elapsed()
    );
    assert!(tally.left_temporary > 0, "no kill left a temporary file: {tally:?}");
}
