//! Crash safety and locking of the persistent index, through the `neardupe` binary.
//!
//! - **Killed writers.** `neardupe index add` and `neardupe index compact` run as child processes
//!   and are killed (SIGKILL on Unix) after deterministic pseudo-random delays spread from 0 to
//!   1.5 times the operation's duration (the median of three timed runs). After every kill
//!   `index check`
//!   passes and `index export` (every document's cluster) is exactly the state before the change
//!   or the state after it, never a third one, and `index stats` agrees. Then the next writer
//!   proceeds: the OS released the dead writer's lock, and it completes the change and removes
//!   the dead writer's temporary and unlisted files, leaving the same files as an uninterrupted
//!   run. The test counts the kills that landed before and after the commit and requires both
//!   (should the machine's speed change so much after the timing that every kill lands on one
//!   side, a few more kills at shorter or longer delays follow, counted as `extra`).
//! - **One writer, readers never block.** While a writer holds `LOCK` (the library's
//!   `Index::open_writable`, in this process), a second writer fails at once with "another
//!   process is writing" and leaves the index alone, while `stats`, `export`, `query` and
//!   `check` work; while a writer process commits, readers see the old or the new state.
//!
//! The tests run one at a time (the kill tests time operations) and print their counts (see them
//! with `cargo test --release --test index_kill -- --nocapture`).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use neardupe::index::Index;
use neardupe_synth::{self as synth, SynthConfig, Tier};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

mod common;
use common::{bin, run, stderr, stdout};

/// Documents in each of the two batches of the `add` test (the compaction test splits the same
/// documents into four segments): fewer in a debug build, whose binary is some 15 times slower.
const BATCH: usize = if cfg!(debug_assertions) { 150 } else { 800 };

/// Kills of `index add` and of `index compact`.
const ADD_KILLS: usize = 48;
const COMPACT_KILLS: usize = 40;

/// The delays spread over this multiple of the operation's measured duration, so that some kills
/// come after the commit even if a run is slower than the timed ones.
const SPAN: f64 = 1.5;

/// The kill tests time operations: the tests run one at a time, not in parallel with each other.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn index(args: &[&str], dir: &Path) -> Command {
    let mut cmd = bin();
    cmd.arg("index").arg(args[0]).arg(dir).args(&args[1..]);
    cmd
}

/// Runs `cmd` and expects success.
fn ok(cmd: &mut Command, what: &str) -> Output {
    let o = run(cmd);
    assert!(o.status.success(), "{what} failed ({}): {}", o.status, stderr(&o));
    o
}

/// `neardupe index add DIR BATCH -q` (report to standard output).
fn add(dir: &Path, batch: &Path) -> Command {
    let mut cmd = index(&["add", "-q", "-o", "-"], dir);
    cmd.arg(batch);
    cmd
}

fn compact(dir: &Path) -> Command {
    index(&["compact"], dir)
}

/// Every document's cluster, as `neardupe index export` writes it.
fn export(dir: &Path) -> String {
    stdout(&ok(&mut index(&["export", "-o", "-"], dir), &format!("index export {}", dir.display())))
}

/// The "stats" object of `neardupe index stats`.
fn stats(dir: &Path) -> serde_json::Value {
    let o = ok(&mut index(&["stats"], dir), &format!("index stats {}", dir.display()));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("index stats prints JSON");
    json["stats"].clone()
}

fn count(stats: &serde_json::Value, key: &str) -> u64 {
    stats[key].as_u64().unwrap_or_else(|| panic!("index stats has no count {key:?}: {stats}"))
}

/// The names of the files in `dir`, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

fn temporary_files(dir: &Path) -> Vec<String> {
    files(dir).into_iter().filter(|n| n.starts_with(".tmp-")).collect()
}

/// Copies the (flat) index directory `from` to a new directory `to`.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir(to).unwrap();
    for name in files(from) {
        std::fs::copy(from.join(&name), to.join(&name)).unwrap();
    }
}

/// A committed state of an index, to compare others with.
struct State {
    export: String,
    documents: u64,
    segments: u64,
    files: Vec<String>,
}

impl State {
    fn of(dir: &Path) -> State {
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
fn first_difference(a: &str, b: &str) -> String {
    let (la, lb) = (a.lines().count(), b.lines().count());
    match a.lines().zip(b.lines()).enumerate().find(|(_, (x, y))| x != y) {
        Some((i, (x, y))) => format!("{la} vs {lb} lines; line {}: {x:?} vs {y:?}", i + 1),
        None => format!("{la} vs {lb} lines, equal as far as the shorter goes"),
    }
}

/// Writes the first documents of a synthetic news corpus (every copy tier, outlet boilerplate,
/// so documents join clusters across batches) to JSONL files of the given sizes (at most
/// `4 * BATCH` documents in all).
fn write_batches(dir: &Path, sizes: &[usize]) -> Vec<PathBuf> {
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
fn build(dir: &Path, batches: &[PathBuf]) {
    ok(bin().args(["index", "build", "-q", "-o"]).arg(dir).arg(&batches[0]), "index build");
    for b in &batches[1..] {
        ok(add(dir, b).stdout(Stdio::null()), "index add");
    }
}

/// The median duration of three runs of `op` (which makes its command from a fresh copy of
/// `base` in `scratch`).
fn measure(base: &Path, scratch: &Path, op: &dyn Fn(&Path) -> Command) -> Duration {
    let mut times: Vec<Duration> = (0..3)
        .map(|i| {
            let dir = scratch.join(format!("timing-{i}"));
            copy_dir(base, &dir);
            let t = Instant::now();
            let status = op(&dir).stdout(Stdio::null()).stderr(Stdio::null()).status().unwrap();
            let elapsed = t.elapsed();
            assert!(status.success(), "timing run {i} failed: {status}");
            std::fs::remove_dir_all(&dir).unwrap();
            elapsed
        })
        .collect();
    times.sort();
    times[1]
}

/// `n` delays from 0 to `span`: one at a random point of each of `n` equal slices, shuffled
/// (seeded, so every run kills at the same points).
fn delays(n: usize, span: Duration, seed: u64) -> Vec<Duration> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out: Vec<Duration> = (0..n).map(|i| span.mul_f64((i as f64 + rng.random::<f64>()) / n as f64)).collect();
    for i in (1..n).rev() {
        out.swap(i, rng.random_range(0..=i));
    }
    out
}

/// How a child ended.
enum Fate {
    /// Killed while it ran.
    Killed,
    /// It had exited before the kill.
    Finished(ExitStatus),
}

/// Spawns `cmd` (output discarded), sleeps `delay` and kills it unless it has exited.
fn kill_after(cmd: &mut Command, delay: Duration) -> Fate {
    let mut child: Child = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("the neardupe binary runs");
    std::thread::sleep(delay);
    if let Some(status) = child.try_wait().unwrap() {
        return Fate::Finished(status);
    }
    child.kill().unwrap();
    child.wait().unwrap();
    Fate::Killed
}

/// The outcomes of the kills of one operation.
#[derive(Debug, Default)]
struct Tally {
    /// Killed, and the index holds the state before the change.
    killed_before: usize,
    /// Killed, and the index holds the state after it (the kill came after the commit).
    killed_after: usize,
    /// The process had exited before the kill (the state after).
    finished: usize,
    /// Of `killed_after`, the kills of `add` between the commit of the batch and that of the
    /// merge of the segments that follows it (two segments).
    unmerged: usize,
    /// Kills beyond the planned ones, because every planned one landed on the same side.
    extra: usize,
    /// Kills that left temporary files (`.tmp-*`).
    left_temporary: usize,
    /// Kills that left `.nd` files the state they show does not list (uncommitted or superseded;
    /// not counted for `unmerged`).
    left_other: usize,
}

impl Tally {
    fn after(&self) -> usize {
        self.killed_after + self.finished
    }

    fn record(&mut self, fate: &Fate, after: bool) {
        match (fate, after) {
            (Fate::Killed, false) => self.killed_before += 1,
            (Fate::Killed, true) => self.killed_after += 1,
            (Fate::Finished(_), true) => self.finished += 1,
            (Fate::Finished(status), false) => panic!("the operation finished ({status}) without changing the index"),
        }
    }
}

/// Calls `kill(i, delay, tally)` for each of `n` delays spread over `span`, then, while no kill
/// landed before the commit, at halved delays, and while none landed after it, at doubled
/// delays (at most 8 more each).
fn kill_series(
    n: usize,
    span: Duration,
    seed: u64,
    tally: &mut Tally,
    mut kill: impl FnMut(usize, Duration, &mut Tally),
) {
    let mut i = 0;
    for delay in delays(n, span, seed) {
        kill(i, delay, tally);
        i += 1;
    }
    let mut delay = span;
    while tally.killed_before == 0 && tally.extra < 8 {
        delay /= 2;
        tally.extra += 1;
        kill(i, delay, tally);
        i += 1;
    }
    let mut delay = span;
    while tally.after() == 0 && tally.extra < 16 {
        delay *= 2;
        tally.extra += 1;
        kill(i, delay, tally);
        i += 1;
    }
}

#[test]
fn killed_add_leaves_the_old_or_the_new_state_and_the_next_writer_completes_it() {
    let _serial = serial();
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

    let duration = measure(&base, tmp.path(), &|dir| add(dir, batch2));
    let mut tally = Tally::default();
    kill_series(ADD_KILLS, duration.mul_f64(SPAN), 0x6b11, &mut tally, |i, delay, tally| {
        let dir = tmp.path().join(format!("kill-add-{i}"));
        copy_dir(&base, &dir);
        let fate = kill_after(&mut add(&dir, batch2), delay);
        let at = format!("kill {i} after {delay:?} of `index add`");

        let check = run(&mut index(&["check"], &dir));
        assert!(check.status.success(), "{at}: index check fails: {}", stderr(&check));
        let exported = export(&dir);
        let s = stats(&dir);
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
        tally.record(&fate, is_after);
        let unmerged = is_after && count(&s, "segments") != after.segments;
        tally.unmerged += usize::from(unmerged);
        tally.left_temporary += usize::from(!temporary_files(&dir).is_empty());
        let reference = if is_after { &after.files } else { &before.files };
        tally.left_other +=
            usize::from(!unmerged && files(&dir).iter().any(|f| !f.starts_with(".tmp-") && !reference.contains(f)));

        // The next writer is not blocked, completes the change and removes the leftovers.
        let reference = if is_after {
            ok(&mut compact(&dir), &format!("{at}: index compact after the kill"));
            &after_compacted
        } else {
            ok(add(&dir, batch2).stdout(Stdio::null()), &format!("{at}: index add after the kill"));
            &after
        };
        let exported = export(&dir);
        assert!(
            exported == after.export,
            "{at}: after the next writer the index is not the added state: {}",
            first_difference(&exported, &after.export)
        );
        assert_eq!(temporary_files(&dir), Vec::<String>::new(), "{at}: temporary files remain after the next writer");
        assert_eq!(files(&dir), reference.files, "{at}: the next writer leaves other files than an uninterrupted run");
        std::fs::remove_dir_all(&dir).unwrap();
    });
    eprintln!(
        "index add of {BATCH} documents to {BATCH} takes {duration:.1?}; {ADD_KILLS} kills up to {:.1?}: \
         {tally:?}; {:.1?} in all",
        duration.mul_f64(SPAN),
        t.elapsed()
    );
    assert!(tally.killed_before > 0, "no kill landed before the commit: {tally:?}");
    assert!(tally.after() > 0, "no kill landed after the commit: {tally:?}");
}

#[test]
fn killed_compaction_leaves_the_clusters_and_the_next_writer_completes_it() {
    let _serial = serial();
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

    let duration = measure(&base, tmp.path(), &|dir| compact(dir));
    let mut tally = Tally::default();
    kill_series(COMPACT_KILLS, duration.mul_f64(SPAN), 0xc0c0, &mut tally, |i, delay, tally| {
        let dir = tmp.path().join(format!("kill-compact-{i}"));
        copy_dir(&base, &dir);
        let fate = kill_after(&mut compact(&dir), delay);
        let at = format!("kill {i} after {delay:?} of `index compact`");

        let check = run(&mut index(&["check"], &dir));
        assert!(check.status.success(), "{at}: index check fails: {}", stderr(&check));
        let exported = export(&dir);
        assert!(
            exported == before.export,
            "{at}: the clusters changed: {}",
            first_difference(&exported, &before.export)
        );
        let s = stats(&dir);
        assert_eq!(count(&s, "documents"), before.documents, "{at}: {s}");
        let segments = count(&s, "segments");
        assert!(
            segments == before.segments || segments == 1,
            "{at}: {segments} segments, neither the {} before nor 1",
            before.segments
        );
        tally.record(&fate, segments == 1);
        tally.left_temporary += usize::from(!temporary_files(&dir).is_empty());
        let reference = if segments == 1 { &compacted.files } else { &before.files };
        tally.left_other += usize::from(files(&dir).iter().any(|f| !f.starts_with(".tmp-") && !reference.contains(f)));

        ok(&mut compact(&dir), &format!("{at}: index compact after the kill"));
        assert!(export(&dir) == before.export, "{at}: the next compaction changed the clusters");
        assert_eq!(files(&dir), compacted.files, "{at}: the next writer leaves other files than an uninterrupted run");
        std::fs::remove_dir_all(&dir).unwrap();
    });
    eprintln!(
        "index compact of {} documents in {} segments takes {duration:.1?}; {COMPACT_KILLS} kills up to {:.1?}: \
         {tally:?}; {:.1?} in all",
        before.documents,
        before.segments,
        duration.mul_f64(SPAN),
        t.elapsed()
    );
    assert!(tally.killed_before > 0, "no kill landed before the commit: {tally:?}");
    assert!(tally.after() > 0, "no kill landed after the commit: {tally:?}");
}

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
    let _serial = serial();
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
