//! Hostile outputs (issue 16, the output side): outputs through symbolic links and into special
//! files, outputs that are inputs or each other, an `index add` whose report cannot be written,
//! closed pipes, and the messages around them. One test per case; each checks the exit status,
//! the message, and that nothing was lost (inputs byte for byte, links still links, special files
//! still special, the index unchanged, no temporary file left behind).
//!
//! No test writes to a real device: special files are a FIFO (or a device node) made in a
//! temporary directory, and `/dev/stdout` is first exercised through a link of the test's own to
//! `/proc/self/fd/1` (the same chain `/dev/stdout` is), so a broken build fails there before it
//! could touch `/dev`.

#![cfg(unix)]

use std::io::Read;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
use common::{bin, data, run, stderr, stdout};

/// A temporary directory with a small corpus (the sample's first 60 lines) in `c.jsonl`.
struct Fixture {
    dir: tempfile::TempDir,
    corpus: PathBuf,
    bytes: Vec<u8>,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let text = std::fs::read_to_string(data("news-sample.jsonl")).unwrap();
        let bytes: String = text.lines().take(60).map(|l| format!("{l}\n")).collect();
        let corpus = dir.path().join("c.jsonl");
        std::fs::write(&corpus, &bytes).unwrap();
        Fixture { dir, corpus, bytes: bytes.into_bytes() }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The corpus is as it was.
    fn assert_corpus_intact(&self) {
        assert_eq!(std::fs::read(&self.corpus).unwrap(), self.bytes, "the input changed");
    }

    /// An index of the corpus in `idx`, and its export.
    fn index(&self) -> (PathBuf, String) {
        let idx = self.path("idx");
        ok(run(bin().args(["index", "build", "-q", "-o"]).arg(&idx).arg(&self.corpus)));
        (idx.clone(), export(&idx))
    }
}

/// No `.neardupe-*` temporary file or directory is left in `dir` (recursively).
fn assert_no_temporary_files(dir: &Path) {
    for entry in walk(dir) {
        let name = entry.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!name.starts_with(".neardupe-"), "temporary file left: {}", entry.display());
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if std::fs::symlink_metadata(&p).unwrap().is_dir() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "neardupe failed: {}", stderr(&o));
    o
}

/// Runs `cmd`, expects exit status 1 without a panic, and returns standard error.
fn fails(cmd: &mut Command) -> String {
    let o = run(cmd);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "expected exit 1: {e}");
    assert!(!e.contains("panicked"), "panic: {e}");
    assert!(o.stdout.is_empty(), "no output on failure: {}", stdout(&o));
    e
}

fn export(idx: &Path) -> String {
    let o = ok(run(bin().args(["index", "export"]).arg(idx)));
    stdout(&o)
}

/// The index passes `check` and exports `before`.
fn assert_index_unchanged(idx: &Path, before: &str) {
    ok(run(bin().args(["index", "check"]).arg(idx)));
    assert_eq!(export(idx), before, "the index changed");
}

fn is_symlink(p: &Path) -> bool {
    std::fs::symlink_metadata(p).unwrap().file_type().is_symlink()
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn mkfifo(p: &Path) -> bool {
    Command::new("mkfifo").arg(p).status().is_ok_and(|s| s.success())
}

// ---------------------------------------------------------------------------------------------
// 1. Symbolic links and special files

/// `-o link`: the link stays a link and the file it leads to (in another directory) gets the
/// output.
#[test]
fn output_through_a_symlink_keeps_the_link() {
    let f = Fixture::new();
    std::fs::create_dir(f.path("elsewhere")).unwrap();
    let target = f.path("elsewhere/clusters.jsonl");
    std::fs::write(&target, "old contents\n").unwrap();
    let link = f.path("link.jsonl");
    symlink("elsewhere/clusters.jsonl", &link).unwrap();
    ok(run(bin().args(["cluster", "-q", "-o"]).arg(&link).arg(&f.corpus)));
    assert!(is_symlink(&link), "the link was replaced");
    let want = stdout(&ok(run(bin().args(["cluster", "-q"]).arg(&f.corpus))));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), want, "the target holds the new output");
    assert_eq!(want.lines().count(), 60);
    f.assert_corpus_intact();
    assert_no_temporary_files(f.dir.path());
}

/// A dangling link: the file it names is created, the link kept.
#[test]
fn output_through_a_dangling_symlink_creates_its_target() {
    let f = Fixture::new();
    let link = f.path("link.jsonl");
    symlink("new.jsonl", &link).unwrap();
    ok(run(bin().args(["cluster", "-q", "-o"]).arg(&link).arg(&f.corpus)));
    assert!(is_symlink(&link));
    assert_eq!(std::fs::read_to_string(f.path("new.jsonl")).unwrap().lines().count(), 60);
}

/// Every output flag of every command writes through a link and keeps it.
#[test]
fn every_output_flag_writes_through_links() {
    let f = Fixture::new();
    let (idx, _) = f.index();
    let batch = f.path("batch.jsonl");
    std::fs::write(&batch, &f.bytes[..f.bytes.iter().position(|&b| b == b'\n').unwrap() + 1]).unwrap();
    std::fs::create_dir(f.path("t")).unwrap();
    // One link (and target) per output: link name, then the command.
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("cluster-o", vec!["cluster", "-q", "-o", "@"]),
        ("stats-json", vec!["cluster", "-q", "-o", "-", "--stats-json", "@"]),
        ("dedup-o", vec!["dedup", "-q", "-o", "@"]),
        ("dedup-removed", vec!["dedup", "-q", "-o", "-", "--removed", "@"]),
        ("oracle-truth", vec!["oracle", "-q", "--jaccard", "0.5", "--truth-out", "@"]),
        ("oracle-pairs", vec!["oracle", "-q", "--jaccard", "0.5", "--truth-out", "-", "--pairs-out", "@"]),
        ("synth-o", vec!["synth", "--stories", "3", "-o", "@", "--truth", "-"]),
        ("synth-truth", vec!["synth", "--stories", "3", "-o", "-", "--truth", "@"]),
        ("index-export", vec!["index", "export", "IDX", "-o", "@"]),
        ("index-query", vec!["index", "query", "-q", "IDX", "BATCH", "-o", "@"]),
        // The index was built from BATCH: its documents replace the stored ones.
        ("index-add", vec!["index", "add", "-q", "IDX", "BATCH", "--existing-ids", "replace", "-o", "@"]),
    ];
    for (name, args) in cases {
        let target = f.path(&format!("t/{name}"));
        std::fs::write(&target, "old\n").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
        let link = f.path(name);
        symlink(&target, &link).unwrap();
        let mut cmd = bin();
        for a in &args {
            match *a {
                "@" => cmd.arg(&link),
                "IDX" => cmd.arg(&idx),
                "BATCH" => cmd.arg(&batch),
                a => cmd.arg(a),
            };
        }
        if matches!(args[0], "cluster" | "dedup" | "oracle") {
            cmd.arg(&f.corpus);
        }
        ok(run(&mut cmd));
        assert!(is_symlink(&link), "{name}: the link was replaced");
        let text = std::fs::read_to_string(&target).unwrap();
        assert!(text != "old\n" && !text.is_empty(), "{name}: the target was not written: {text:?}");
        assert_eq!(mode(&target), 0o644, "{name}: permission bits");
    }
    f.assert_corpus_intact();
    assert_no_temporary_files(f.dir.path());
}

/// `-o /dev/stdout` with standard output redirected to a file: the file gets the output and
/// `/dev/stdout` stays what it was. First through the test's own link to `/proc/self/fd/1`
/// (the chain `/dev/stdout` is), which a broken build would replace harmlessly; only then through
/// the real `/dev/stdout`, and only where it is that link.
#[test]
fn dev_stdout_redirected_to_a_file_gets_the_output() {
    let f = Fixture::new();
    if std::fs::metadata("/proc/self/fd").is_err() {
        eprintln!("skipped: no /proc/self/fd");
        return;
    }
    let want = stdout(&ok(run(bin().args(["cluster", "-q"]).arg(&f.corpus))));
    let own = f.path("my-stdout");
    symlink("/proc/self/fd/1", &own).unwrap();
    let mut paths = vec![own.clone(), PathBuf::from("/proc/self/fd/1")];
    if std::fs::read_link("/dev/stdout").is_ok_and(|l| l == Path::new("/proc/self/fd/1")) {
        paths.push(PathBuf::from("/dev/stdout"));
    }
    for (i, path) in paths.iter().enumerate() {
        let redirected = f.path(&format!("out{i}.jsonl"));
        std::fs::write(&redirected, "").unwrap();
        let file = std::fs::File::create(&redirected).unwrap();
        let o = run(bin().args(["cluster", "-q", "-o"]).arg(path).arg(&f.corpus).stdout(file));
        assert!(o.status.success(), "{path:?}: {}", stderr(&o));
        assert_eq!(std::fs::read_to_string(&redirected).unwrap(), want, "{path:?}: the redirected file");
        assert!(is_symlink(path), "{path:?} is still a link");
        if !path.starts_with("/proc") {
            assert_eq!(std::fs::read_link(path).unwrap(), Path::new("/proc/self/fd/1"));
        }
    }
    // `>>`: appended after what was there, as a write to the descriptor would be.
    let appended = f.path("appended.jsonl");
    std::fs::write(&appended, "header\n").unwrap();
    let file = std::fs::OpenOptions::new().append(true).open(&appended).unwrap();
    ok(run(bin().args(["cluster", "-q", "-o"]).arg(&own).arg(&f.corpus).stdout(file)));
    assert_eq!(std::fs::read_to_string(&appended).unwrap(), format!("header\n{want}"));
    f.assert_corpus_intact();
    assert_no_temporary_files(f.dir.path());
}

/// A named pipe (and a link to it) is written in place and stays a pipe.
#[test]
fn fifo_output_is_written_in_place() {
    let f = Fixture::new();
    let fifo = f.path("pipe");
    if !mkfifo(&fifo) {
        eprintln!("skipped: no mkfifo");
        return;
    }
    let link = f.path("pipe-link");
    symlink(&fifo, &link).unwrap();
    let want = stdout(&ok(run(bin().args(["cluster", "-q"]).arg(&f.corpus))));
    for path in [&fifo, &link] {
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        ok(run(bin().args(["cluster", "-q", "-o"]).arg(path).arg(&f.corpus)));
        assert_eq!(reader.join().unwrap(), want, "{path:?}");
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo(), "still a pipe");
        assert!(is_symlink(&link));
    }
    assert_no_temporary_files(f.dir.path());
}

/// A character device (a `/dev/null` of the test's own, where the test may make one) is written
/// in place and stays a device.
#[test]
fn device_output_is_written_in_place() {
    let f = Fixture::new();
    let null = f.path("null");
    let made = Command::new("mknod").arg(&null).args(["c", "1", "3"]).status().is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipped: cannot make a device node here (not root)");
        return;
    }
    ok(run(bin().args(["dedup", "-q", "-o"]).arg(&null).arg("--removed").arg(&null).arg(&f.corpus)));
    assert!(std::fs::metadata(&null).unwrap().file_type().is_char_device(), "still a device");
    f.assert_corpus_intact();
    assert_no_temporary_files(f.dir.path());
}

/// A replaced output keeps its permission bits (0644, 0640, 0600 alike); a new one gets the
/// mode any new file gets here (0666 less the umask), not 0600.
#[test]
fn replaced_output_keeps_its_permission_bits() {
    let f = Fixture::new();
    let out = f.path("out.jsonl");
    for m in [0o644, 0o640, 0o600, 0o664] {
        std::fs::write(&out, "old\n").unwrap();
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(m)).unwrap();
        ok(run(bin().args(["cluster", "-q", "-o"]).arg(&out).arg(&f.corpus)));
        assert_eq!(mode(&out), m, "replacing a {m:o} file");
        assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 60);
    }
    let plain = f.path("plain");
    std::fs::File::create(&plain).unwrap();
    let new = f.path("new.jsonl");
    ok(run(bin().args(["cluster", "-q", "-o"]).arg(&new).arg(&f.corpus)));
    assert_eq!(mode(&new), mode(&plain), "a new output");
}

// ---------------------------------------------------------------------------------------------
// 2. Outputs that are inputs, or each other

/// `cluster c.jsonl -o c.jsonl`.
#[test]
fn output_that_is_the_input_is_refused() {
    let f = Fixture::new();
    let e = fails(bin().args(["cluster", "-q"]).arg(&f.corpus).arg("-o").arg(&f.corpus));
    let c = f.corpus.display().to_string();
    assert!(e.contains(&format!("-o {c} is the input {c}: refusing to overwrite it")), "{e}");
    f.assert_corpus_intact();
    assert_no_temporary_files(f.dir.path());
}

/// The input by another name: `./c.jsonl`, a hard link, a symbolic link.
#[test]
fn output_that_is_the_input_by_another_name_is_refused() {
    let f = Fixture::new();
    std::fs::hard_link(&f.corpus, f.path("hard.jsonl")).unwrap();
    symlink("c.jsonl", f.path("soft.jsonl")).unwrap();
    for name in ["./c.jsonl", "hard.jsonl", "soft.jsonl", "../tmpdir/c.jsonl"] {
        let name = name.replace("tmpdir", &f.dir.path().file_name().unwrap().to_string_lossy());
        let e = fails(bin().current_dir(f.dir.path()).args(["cluster", "-q", "c.jsonl", "-o", &name]));
        assert!(e.contains(&format!("-o {name} is the input c.jsonl: refusing to overwrite it")), "{e}");
        f.assert_corpus_intact();
        assert!(is_symlink(&f.path("soft.jsonl")));
    }
    assert_no_temporary_files(f.dir.path());
}

/// An output inside an input directory: a new file there, a file that is read from there, and
/// a file read through a link in it.
#[test]
fn output_inside_an_input_directory_is_refused() {
    let f = Fixture::new();
    let d = f.path("docs");
    std::fs::create_dir_all(d.join("sub")).unwrap();
    std::fs::write(d.join("sub/a.txt"), "one text of a few words for the corpus here").unwrap();
    symlink(&f.corpus, d.join("linked.jsonl")).unwrap();
    let e = fails(bin().args(["cluster", "-q"]).arg(&d).arg("-o").arg(d.join("sub/new.jsonl")));
    assert!(e.contains(&format!("is inside the input directory {}: refusing to write there", d.display())), "{e}");
    assert!(!d.join("sub/new.jsonl").exists());
    let e = fails(bin().args(["cluster", "-q"]).arg(&d).arg("-o").arg(d.join("sub/a.txt")));
    assert!(e.contains(&format!("is a file in the input directory {}: refusing to overwrite it", d.display())), "{e}");
    let e = fails(bin().args(["cluster", "-q"]).arg(&d).arg("-o").arg(&f.corpus));
    assert!(e.contains(&format!("is a file in the input directory {}", d.display())), "{e}");
    assert_eq!(std::fs::read_to_string(d.join("sub/a.txt")).unwrap(), "one text of a few words for the corpus here");
    f.assert_corpus_intact();
    assert_no_temporary_files(f.dir.path());
}

/// Standard output appending to the input (`cluster c.jsonl >> c.jsonl`, `-o -` or
/// `-o /proc/self/fd/1`).
#[test]
fn stdout_appending_to_the_input_is_refused() {
    let f = Fixture::new();
    for out in ["-", "/proc/self/fd/1"] {
        if out.starts_with("/proc") && std::fs::metadata("/proc/self/fd").is_err() {
            continue;
        }
        let append = std::fs::OpenOptions::new().append(true).open(&f.corpus).unwrap();
        let o = run(bin().args(["cluster", "-q", "-o", out]).arg(&f.corpus).stdout(append));
        assert_eq!(o.status.code(), Some(1), "{out}");
        let e = stderr(&o);
        assert!(e.contains(&format!("-o {out} is the input {}", f.corpus.display())), "{e}");
        f.assert_corpus_intact();
    }
}

/// `dedup c -o k --removed k`.
#[test]
fn dedup_kept_and_removed_in_one_file_is_refused() {
    let f = Fixture::new();
    let k = f.path("k.jsonl");
    for existing in [false, true] {
        if existing {
            std::fs::write(&k, "previous\n").unwrap();
        }
        let e = fails(bin().args(["dedup", "-q"]).arg(&f.corpus).arg("-o").arg(&k).arg("--removed").arg(&k));
        let k = k.display();
        assert!(e.contains(&format!("--removed {k} is the same file as -o {k}: refusing to write both to it")), "{e}");
    }
    assert_eq!(std::fs::read_to_string(&k).unwrap(), "previous\n");
    // By another name: a link to it.
    symlink(&k, f.path("k-link")).unwrap();
    let e = fails(bin().args(["dedup", "-q"]).arg(&f.corpus).arg("-o").arg(&k).arg("--removed").arg(f.path("k-link")));
    assert!(e.contains("is the same file as -o"), "{e}");
    assert_eq!(std::fs::read_to_string(&k).unwrap(), "previous\n");
    f.assert_corpus_intact();
    assert_no_temporary_files(f.dir.path());
}

/// `-o x --stats-json x`.
#[test]
fn stats_json_into_the_output_is_refused() {
    let f = Fixture::new();
    let x = f.path("x");
    let e = fails(bin().args(["cluster", "-q"]).arg(&f.corpus).arg("-o").arg(&x).arg("--stats-json").arg(&x));
    assert!(e.contains(&format!("--stats-json {0} is the same file as -o {0}", x.display())), "{e}");
    assert!(!x.exists());
    let e = fails(bin().args(["dedup", "-q"]).arg(&f.corpus).arg("--stats-json").arg(&f.corpus));
    assert!(e.contains(&format!("--stats-json {0} is the input {0}", f.corpus.display())), "{e}");
    f.assert_corpus_intact();
    assert_no_temporary_files(f.dir.path());
}

/// `synth -o x --truth x`.
#[test]
fn synth_corpus_and_truth_in_one_file_is_refused() {
    let f = Fixture::new();
    let x = f.path("x.jsonl");
    let e = fails(bin().args(["synth", "--stories", "3", "-o"]).arg(&x).arg("--truth").arg(&x));
    assert!(e.contains(&format!("--truth {0} is the same file as -o {0}", x.display())), "{e}");
    assert!(!x.exists());
    // `oracle` likewise.
    let e = fails(
        bin()
            .args(["oracle", "-q", "--jaccard", "0.5"])
            .arg(&f.corpus)
            .arg("--truth-out")
            .arg(&x)
            .arg("--pairs-out")
            .arg(&x),
    );
    assert!(e.contains("--pairs-out") && e.contains("is the same file as --truth-out"), "{e}");
    assert!(!x.exists());
    assert_no_temporary_files(f.dir.path());
}

/// `index add idx b -o idx/MANIFEST`, and every other output into the index directory.
#[test]
fn output_into_the_index_is_refused() {
    let f = Fixture::new();
    let (idx, before) = f.index();
    let manifest = std::fs::read(idx.join("MANIFEST")).unwrap();
    let m = idx.join("MANIFEST");
    let e = fails(bin().args(["index", "add", "-q"]).arg(&idx).arg(&f.corpus).arg("-o").arg(&m));
    let i = idx.display();
    assert!(
        e.contains(&format!("-o {} is a file in the index directory {i}: refusing to overwrite it", m.display())),
        "{e}"
    );
    for cmd in [&["add", "-q", "IDX", "C"][..], &["query", "-q", "IDX", "C"], &["export", "IDX"]] {
        let mut c = bin();
        c.arg("index");
        for a in cmd {
            match *a {
                "IDX" => c.arg(&idx),
                "C" => c.arg(&f.corpus),
                a => c.arg(a),
            };
        }
        let e = fails(c.arg("-o").arg(idx.join("report.jsonl")));
        assert!(e.contains(&format!("is inside the index directory {i}: refusing to write there")), "{cmd:?}: {e}");
    }
    let e = fails(bin().args(["index", "add", "-q"]).arg(&idx).arg(&f.corpus).arg("-o").arg(&idx));
    assert!(e.contains("output is a directory"), "{e}");
    assert_eq!(std::fs::read(&m).unwrap(), manifest);
    assert_index_unchanged(&idx, &before);
    f.assert_corpus_intact();
    assert_no_temporary_files(f.dir.path());
}

/// `index build -o DIR` into an input directory, over a non-empty directory, and through a link.
#[test]
fn index_build_into_an_input_or_a_full_directory_is_refused() {
    let f = Fixture::new();
    let d = f.path("docs");
    std::fs::create_dir(&d).unwrap();
    std::fs::copy(&f.corpus, d.join("c.jsonl")).unwrap();
    let e = fails(bin().args(["index", "build", "-q"]).arg(&d).arg("-o").arg(d.join("idx")));
    assert!(e.contains(&format!("is inside the input directory {}", d.display())), "{e}");
    let e = fails(bin().args(["index", "build", "-q"]).arg(&f.corpus).arg("-o").arg(&d));
    assert!(e.contains(&format!("{} exists and is not empty", d.display())), "{e}");
    assert_eq!(std::fs::read_dir(&d).unwrap().count(), 1);
    // Through a link: the index goes where the link leads; the link stays.
    let link = f.path("idx-link");
    symlink("real-idx", &link).unwrap();
    ok(run(bin().args(["index", "build", "-q"]).arg(&f.corpus).arg("-o").arg(&link)));
    assert!(is_symlink(&link));
    assert!(f.path("real-idx/MANIFEST").is_file());
    f.assert_corpus_intact();
    assert_no_temporary_files(f.dir.path());
}

// ---------------------------------------------------------------------------------------------
// 3. `index add` whose report cannot be written

/// `index add -o /nonexistent/x`: refused before the batch, so a rerun adds nothing twice.
#[test]
fn index_add_report_in_a_missing_directory_fails_before_the_batch() {
    let f = Fixture::new();
    let (idx, before) = f.index();
    let e = fails(bin().args(["index", "add", "-q"]).arg(&idx).arg(&f.corpus).args(["-o", "/nonexistent/x"]));
    assert!(e.contains("/nonexistent/x: the output's directory /nonexistent does not exist"), "{e}");
    assert!(!e.contains("committed"), "{e}");
    assert_index_unchanged(&idx, &before);
    assert_no_temporary_files(f.dir.path());
}

/// `index add -o somedir`: refused before the batch.
#[test]
fn index_add_report_into_a_directory_fails_before_the_batch() {
    let f = Fixture::new();
    let (idx, before) = f.index();
    let somedir = f.path("somedir");
    std::fs::create_dir(&somedir).unwrap();
    let e = fails(bin().args(["index", "add", "-q"]).arg(&idx).arg(&f.corpus).arg("-o").arg(&somedir));
    assert!(e.contains(&format!("{}: output is a directory", somedir.display())), "{e}");
    assert_index_unchanged(&idx, &before);
    assert_eq!(std::fs::read_dir(&somedir).unwrap().count(), 0);
}

/// `index add -o newdir/` (a path that can only name a directory): refused before the batch,
/// not at the rename after it.
#[test]
fn index_add_report_named_like_a_directory_fails_before_the_batch() {
    let f = Fixture::new();
    let (idx, before) = f.index();
    for name in ["newdir/", "newdir/.", "newdir/.."] {
        let out = format!("{}/{name}", f.dir.path().display());
        let e = fails(bin().args(["index", "add", "-q"]).arg(&idx).arg(&f.corpus).args(["-o", &out]));
        assert!(e.contains("output names a directory (it ends in /, . or ..), not a file"), "{e}");
        assert_index_unchanged(&idx, &before);
    }
    assert!(!f.path("newdir").exists());
    assert_no_temporary_files(f.dir.path());
}

/// A small tmpfs mounted in the test's directory and unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: PathBuf, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir(&at).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Tmpfs(at))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// `index add` whose report hits a full disk after the batch is committed: exit 1 with
/// "committed, report not written", and the index holds the batch (and passes `check`), so
/// the user knows not to add it again. Needs root and `mount -t tmpfs`; skipped otherwise.
#[test]
fn index_add_report_on_a_full_disk_says_committed() {
    let f = Fixture::new();
    let (idx, before) = f.index();
    let Some(full) = Tmpfs::mount(f.path("full"), "64k") else {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    };
    // Fill it.
    let mut filler = std::fs::File::create(full.0.join("filler")).unwrap();
    let block = vec![0u8; 4096];
    while std::io::Write::write_all(&mut filler, &block).is_ok() {}
    drop(filler);
    let batch = f.path("batch.jsonl");
    let text = std::fs::read_to_string(data("news-sample.jsonl")).unwrap();
    let lines: String = text.lines().skip(60).take(40).map(|l| format!("{l}\n")).collect();
    std::fs::write(&batch, &lines).unwrap();
    let report = full.0.join("report.jsonl");
    let e = fails(bin().args(["index", "add", "-q"]).arg(&idx).arg(&batch).arg("-o").arg(&report));
    assert!(e.contains("committed, report not written: ") && e.contains("No space left on device"), "{e}");
    assert!(!e.contains("at path"), "{e}");
    ok(run(bin().args(["index", "check"]).arg(&idx)));
    let after = export(&idx);
    assert_eq!(after.lines().count(), before.lines().count() + 40, "the batch is in the index");
    assert!(after.starts_with(&before));
    assert!(!report.exists());
    assert_no_temporary_files(&full.0);
}

// ---------------------------------------------------------------------------------------------
// 4. Messages

/// `neardupe ... | head -1`: a reader that goes away ends the run quietly with status 0, for
/// every command that writes to standard output.
#[test]
fn closed_pipe_exits_quietly() {
    let f = Fixture::new();
    let (idx, _) = f.index();
    let truth = f.path("truth.jsonl");
    ok(run(bin().args(["oracle", "-q", "--jaccard", "0.5", "--truth-out"]).arg(&truth).arg(&f.corpus)));
    let cases: Vec<Vec<&std::ffi::OsStr>> = vec![
        vec!["cluster".as_ref(), "-q".as_ref(), f.corpus.as_os_str()],
        vec!["cluster".as_ref(), "--format".as_ref(), "csv".as_ref(), f.corpus.as_os_str()],
        vec!["dedup".as_ref(), "-q".as_ref(), f.corpus.as_os_str()],
        vec!["explain".as_ref(), "s0011-orig".as_ref(), "s0011-c2".as_ref(), f.corpus.as_os_str()],
        vec!["eval".as_ref(), "--truth".as_ref(), truth.as_os_str(), "--pred".as_ref(), truth.as_os_str()],
        vec!["index".as_ref(), "stats".as_ref(), idx.as_os_str()],
        vec!["index".as_ref(), "export".as_ref(), idx.as_os_str()],
        vec!["index".as_ref(), "query".as_ref(), "-q".as_ref(), idx.as_os_str(), f.corpus.as_os_str()],
    ];
    for args in cases {
        let mut child = bin().args(&args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        drop(child.stdout.take()); // the reader is gone before the first write
        let mut err = String::new();
        child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        let status = child.wait().unwrap();
        assert!(status.success(), "{args:?}: {status:?}: {err}");
        assert!(!err.contains("Broken pipe") && !err.contains("panicked"), "{args:?}: {err}");
    }
    // And after some output was read, as `| head -1` does.
    let mut child = bin().args(["dedup", "-q"]).arg(data("news-sample.jsonl")).stdout(Stdio::piped()).spawn().unwrap();
    let mut first = [0u8; 100];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    assert!(child.wait().unwrap().success());
}

/// An input that is not a regular file says so once.
#[test]
fn not_a_regular_file_is_said_once() {
    let e = fails(bin().args(["cluster", "-q", "/dev/null"]));
    assert!(e.contains("/dev/null") && e.contains("not a regular file"), "{e}");
    assert_eq!(e.matches("not a regular file").count(), 1, "{e}");
}

/// A run too short or too empty to measure reports no rate, not 22,304 MB/s.
#[test]
fn tiny_runs_report_no_absurd_rate() {
    let f = Fixture::new();
    let one = f.path("one.jsonl");
    std::fs::write(&one, "{\"id\": \"a\", \"text\": \"just a few words\"}\n").unwrap();
    let empty = f.path("empty.jsonl");
    std::fs::write(&empty, "").unwrap();
    let stats = f.path("stats.json");
    for input in [&one, &empty] {
        let o = ok(run(bin().args(["cluster", "--skip-invalid", "-o", "-", "--stats-json"]).arg(&stats).arg(input)));
        for rate in stderr(&o).split(" MB/s").filter_map(|s| s.rsplit('(').next()?.parse::<f64>().ok()) {
            assert!(rate < 1000.0, "{input:?}: {rate} MB/s: {}", stderr(&o));
        }
        let s: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&stats).unwrap()).unwrap();
        let rate = &s["mb_per_s"];
        assert!(rate.is_null() || rate.as_f64().is_some_and(|r| r < 1000.0), "{input:?}: {rate}");
    }
}

/// `dedup` keeps CRLF line ends byte for byte, in kept and removed records alike.
#[test]
fn dedup_keeps_crlf_line_ends() {
    let f = Fixture::new();
    let crlf = f.path("crlf.jsonl");
    let text = String::from_utf8(f.bytes.clone()).unwrap().replace('\n', "\r\n");
    std::fs::write(&crlf, &text).unwrap();
    let (kept, removed) = (f.path("kept.jsonl"), f.path("removed.jsonl"));
    ok(run(bin().args(["dedup", "-q"]).arg(&crlf).arg("-o").arg(&kept).arg("--removed").arg(&removed)));
    let (kept, removed) = (std::fs::read_to_string(&kept).unwrap(), std::fs::read_to_string(&removed).unwrap());
    assert!(!removed.is_empty(), "the sample has duplicates");
    let mut got: Vec<&str> = kept.split_inclusive('\n').chain(removed.split_inclusive('\n')).collect();
    let mut want: Vec<&str> = text.split_inclusive('\n').collect();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want, "every record with its CRLF");
    assert_eq!(std::fs::read_to_string(&crlf).unwrap(), text);
}

/// The identity checks compare devices and inodes: an unrelated file with the input's name in
/// another directory is fine.
#[test]
fn same_name_elsewhere_is_not_the_input() {
    let f = Fixture::new();
    std::fs::create_dir(f.path("out")).unwrap();
    let other = f.path("out/c.jsonl");
    ok(run(bin().args(["cluster", "-q", "-o"]).arg(&other).arg(&f.corpus)));
    assert_eq!(std::fs::read_to_string(&other).unwrap().lines().count(), 60);
    let meta = |p: &Path| std::fs::metadata(p).unwrap();
    assert_ne!(meta(&other).ino(), meta(&f.corpus).ino());
    f.assert_corpus_intact();
}
