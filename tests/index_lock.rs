//! Locking of the persistent index, through the `neardupe` binary: one writer at a time, and
//! readers never block. While a writer holds `LOCK` (the library's `Index::open_writable`, in
//! this process), a second writer fails at once with "another process is writing" and leaves the
//! index alone, while `stats`, `export`, `query` and `check` work; while a writer process
//! commits, readers see the old or the new state. (Killed writers: `tests/index_kill.rs`.)

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use neardupe::index::Index;

mod common;
#[path = "common/index_states.rs"]
mod index_states;

use common::{stderr, stdout};
use index_states::{
    BATCH, State, add, build, compact, copy_dir, count, export, first_difference, index, ok, stats, temporary_files,
    write_batches,
};

/// Runs `cmd` to its end, failing the test if it takes longer than `limit` (it would be
/// waiting for a lock).
fn run_within(cmd: &mut Command, limit: Duration, what: &str) -> Output {
    let child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("the neardupe binary runs");
    let id = child.id();
    let t = Instant::now();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    match rx.recv_timeout(limit) {
        Ok(o) => o.expect("the neardupe binary runs"),
        Err(_) => panic!("{what} still runs after {:?} (process {id}): it blocks", t.elapsed()),
    }
}

#[test]
fn one_writer_at_a_time_and_readers_never_block() {
    let tmp = tempfile::tempdir().unwrap();
    let batches = write_batches(tmp.path(), &[BATCH, BATCH]);
    let dir = tmp.path().join("index");
    build(&dir, &batches[..1]);
    let before = State::of(&dir);
    let done = tmp.path().join("done");
    copy_dir(&dir, &done);
    ok(add(&done, &batches[1]).stdout(Stdio::null()), "index add (uninterrupted)");
    let after = State::of(&done);
    let limit = Duration::from_secs(20);

    let writer = Index::open_writable(&dir).unwrap();
    assert!(writer.is_writable());
    for (what, mut cmd) in [("index add", add(&dir, &batches[1])), ("index compact", compact(&dir))] {
        let o = run_within(&mut cmd, limit, what);
        let e = stderr(&o);
        assert!(!o.status.success(), "{what} succeeded while another writer holds the lock");
        assert!(e.contains("another process is writing"), "{what}: unclear message: {e}");
        assert!(!e.contains("panicked"), "{what} panicked: {e}");
    }
    // Readers work meanwhile, and see the index unchanged.
    for args in [&["stats"][..], &["check"], &["export", "-o", "-"]] {
        let o = run_within(&mut index(args, &dir), limit, &format!("index {args:?}"));
        assert!(o.status.success(), "index {args:?} fails while a writer holds the lock: {}", stderr(&o));
    }
    let mut query = index(&["query", "-q", "--limit", "1"], &dir);
    let o = run_within(query.arg(&batches[0]), limit, "index query");
    assert!(o.status.success(), "index query fails while a writer holds the lock: {}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), BATCH, "index query answers every document");
    assert!(export(&dir) == before.export, "a refused writer changed the index");
    assert_eq!(temporary_files(&dir), Vec::<String>::new(), "a refused writer left temporary files");
    drop(writer);

    // Once the lock is free, a writer proceeds; readers meanwhile see the old or the new state.
    let mut child = add(&dir, &batches[1]).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    let (mut reads, mut reads_before) = (0, 0);
    let status = loop {
        let done = child.try_wait().unwrap();
        let exported = export(&dir);
        reads += 1;
        if exported == before.export {
            reads_before += 1;
        } else {
            assert!(
                exported == after.export,
                "read {reads}: a reader sees a third state while a writer commits: {}",
                first_difference(&exported, &after.export)
            );
        }
        let s = stats(&dir);
        assert!(
            [before.documents, after.documents].contains(&count(&s, "documents")),
            "read {reads}: a reader sees {s} while a writer commits"
        );
        if let Some(status) = done {
            break status;
        }
    };
    let mut e = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut e).unwrap();
    assert!(status.success(), "index add after the lock was released: {e}");
    assert!(export(&dir) == after.export, "the writer did not add the batch");
    eprintln!("{reads} reads while a writer ran, {reads_before} of them of the state before");
}
