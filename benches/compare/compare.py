#!/usr/bin/env python3
"""Compare neardupe with datasketch, rensa and gaoya on one labelled JSONL corpus.

Every tool runs in its own subprocess with the same settings (num_perm, word
n-gram size, threshold; the peers use `bands` x `num_perm/bands` LSH banding,
neardupe its own banding unless --neardupe-args says otherwise). Each run's
wall time and peak RSS are measured from the driver (RSS with os.wait4), its
clusters are scored with `neardupe eval` against the truth file, and one
Markdown table is printed. With --repeat R the median times and the maximum
RSS over R runs are reported.

    python3 benches/compare/compare.py --corpus c1g.jsonl --truth c1g.truth.jsonl --threads 2
    python3 benches/compare/compare.py --synth-stories 2000 --threads 2,1 --peers neardupe,gaoya

The driver uses only the standard library; the peers run in a virtualenv made
from benches/compare/requirements.txt on first use.
"""
import argparse
import datetime
import json
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# neardupe at the peers' settings (plain Jaccard over every shingle, single linkage), first with
# their estimate-only verification, then its own hybrid verification; then all of its defaults
# (containment 0.6 with boilerplate learnt and the chaining guard).
EQUAL = "--similarity jaccard --boilerplate off --guard none"
DEFAULT_VARIANTS = [EQUAL + " --verify estimate", EQUAL, "--threshold 0.6"]
ALL_TOOLS = ["neardupe", "gaoya", "rensa", "datasketch"]
PEERS = {"gaoya", "rensa", "datasketch"}
SINGLE_THREADED = {"datasketch"}
# Stage fields that are not part of the signatures-to-clusters wall time (I/O; thread-seconds).
IO_STAGES = {"read", "write", "parse_cpu", "sketch_cpu"}


def parse_args(argv=None):
    """Command-line options."""
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_argument_group("corpus (either --corpus and --truth, or --synth-stories)")
    src.add_argument("--corpus", help="JSONL corpus, one {\"id\", \"text\"} per line")
    src.add_argument("--truth", help="truth JSONL, one {\"id\", \"cluster\"} per line")
    src.add_argument("--synth-stories", type=int, metavar="N",
                     help="generate a corpus with `neardupe synth --stories N` instead")
    src.add_argument("--synth-seed", type=int, default=1, help="seed for --synth-stories (default 1)")
    src.add_argument("--limit", type=int, metavar="N", help="only the first N documents")
    ap.add_argument("--num-perm", type=int, default=128, help="MinHash permutations (default 128)")
    ap.add_argument("--ngram", type=int, default=5, help="word n-gram size (default 5)")
    ap.add_argument("--threshold", type=float, default=0.8, help="Jaccard threshold (default 0.8)")
    ap.add_argument("--bands", type=int, default=16,
                    help="LSH bands for the peers, rows = num_perm/bands (default 16)")
    ap.add_argument("--neardupe-args", action="append", metavar="ARGS",
                    help="extra arguments for `neardupe cluster`, one shell-quoted string "
                         "(write --neardupe-args=\"--verify exact\" if it starts with a dash); "
                         "repeat it to run several neardupe variants, the first being the one the "
                         "ratios compare with. Default: '%s' (the peers' measure and verification: "
                         "equal settings), then '%s' (neardupe's hybrid verification) and '%s' (all "
                         "of neardupe's defaults; a variant's own --threshold, --num-perm or --ngram "
                         "replaces the common one)" % tuple(DEFAULT_VARIANTS))
    ap.add_argument("--threads", default="2",
                    help="thread counts, comma-separated, e.g. 2,1 (default 2)")
    ap.add_argument("--peers", default=",".join(ALL_TOOLS),
                    help="tools to run, comma-separated (default: all of %s)" % ",".join(ALL_TOOLS))
    ap.add_argument("--peer-repeat", type=int, metavar="R",
                    help="runs per peer (default: --repeat); e.g. more neardupe runs than datasketch ones")
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs per tool; median times and max RSS are reported (default 1)")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per run (default 1800)")
    ap.add_argument("--neardupe", default=os.environ.get(
        "NEARDUPE_BIN", os.path.join(ROOT, "target", "release", "neardupe")),
        help="neardupe binary (default $NEARDUPE_BIN or target/release/neardupe)")
    ap.add_argument("--venv", default=os.environ.get(
        "NEARDUPE_COMPARE_VENV", os.path.join(HERE, ".venv")),
        help="peers' virtualenv, created if missing "
             "(default $NEARDUPE_COMPARE_VENV or benches/compare/.venv)")
    ap.add_argument("--results", metavar="FILE", help="write one JSON line per table row to FILE")
    ap.add_argument("--workdir", help="keep outputs here instead of a temporary directory")
    a = ap.parse_args(argv)
    if a.synth_stories is None and not (a.corpus and a.truth):
        ap.error("give --corpus and --truth, or --synth-stories N")
    if a.synth_stories is not None and a.corpus:
        ap.error("--corpus and --synth-stories are exclusive")
    a.tools = [t.strip() for t in a.peers.split(",") if t.strip()]
    unknown = set(a.tools) - set(ALL_TOOLS)
    if unknown:
        ap.error("unknown tool(s): %s" % ", ".join(sorted(unknown)))
    a.thread_list = [int(t) for t in a.threads.split(",") if t.strip()]
    if a.num_perm % a.bands:
        ap.error("--bands must divide --num-perm (rensa requires it)")
    if a.repeat < 1:
        ap.error("--repeat must be at least 1")
    if a.neardupe_args is None:
        a.neardupe_args = list(DEFAULT_VARIANTS)
    return a


def log(msg):
    """Progress goes to stderr so stdout holds only the legend and the table."""
    print(msg, file=sys.stderr, flush=True)


def ensure_venv(venv, tools):
    """Create the peers' virtualenv if missing; install requirements if imports fail."""
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        log(f"creating virtualenv {venv}")
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    probe = "import " + ", ".join(sorted(tools))
    if subprocess.run([python, "-c", probe], capture_output=True).returncode != 0:
        req = os.path.join(HERE, "requirements.txt")
        log(f"installing {req} into {venv}")
        subprocess.run([python, "-m", "pip", "install", "-q", "-r", req], check=True)
    return python


def run_measured(cmd, timeout, stdout_path, env=None):
    """Run cmd as its own process; return (status, wall seconds, peak RSS MB).

    The child's own rusage comes from os.wait4, so ru_maxrss is that run's
    peak. On timeout the child's process group is killed and status is
    "timeout"; a non-zero exit gives "exit N".
    """
    with open(stdout_path, "wb") as out, open(stdout_path + ".err", "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, start_new_session=True)
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:  # it finished just now
                pass

        timer = threading.Timer(timeout, kill)
        # The timer thread inherits a mask without SIGINT/SIGTERM, so those reach the
        # main thread and interrupt wait4 below.
        stop = {signal.SIGINT, signal.SIGTERM}
        signal.pthread_sigmask(signal.SIG_BLOCK, stop)
        timer.start()
        signal.pthread_sigmask(signal.SIG_UNBLOCK, stop)
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:  # e.g. Ctrl-C: the child is in its own session, stop it too
            os.killpg(proc.pid, signal.SIGKILL)
            os.waitpid(proc.pid, 0)
            proc.returncode = -signal.SIGKILL
            raise
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)  # tell Popen it was reaped
    if timed_out.is_set():
        state = "timeout"
    elif proc.returncode != 0:
        with open(stdout_path + ".err", errors="replace") as f:
            log(f"  failed: {' '.join(cmd)}\n  {f.read()[-2000:]}")
        state = f"exit {proc.returncode}"
    else:
        state = "ok"
    return state, wall, usage.ru_maxrss / 1024.0


def check_output(cmd):
    """Run a short helper command and return its stdout, or exit with its stderr."""
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{p.stderr}")
    return p.stdout


def prepare_corpus(a, work):
    """Return (corpus, truth) paths: synthesised and/or cut to --limit documents."""
    corpus, truth = a.corpus, a.truth
    if a.synth_stories is not None:
        corpus, truth = os.path.join(work, "synth.jsonl"), os.path.join(work, "synth.truth.jsonl")
        log(f"generating corpus: neardupe synth --stories {a.synth_stories} --seed {a.synth_seed}")
        check_output([a.neardupe, "synth", "--stories", str(a.synth_stories),
                      "--seed", str(a.synth_seed), "-o", corpus, "--truth", truth])
    if a.limit:
        cut, cut_truth = os.path.join(work, "limit.jsonl"), os.path.join(work, "limit.truth.jsonl")
        ids = set()
        with open(corpus, encoding="utf-8") as src, open(cut, "w", encoding="utf-8") as dst:
            for line in src:
                if len(ids) >= a.limit:
                    break
                if line.strip():
                    ids.add(json.loads(line)["id"])
                    dst.write(line)
        with open(truth, encoding="utf-8") as src, open(cut_truth, "w", encoding="utf-8") as dst:
            for line in src:
                if line.strip() and json.loads(line)["id"] in ids:
                    dst.write(line)
        corpus, truth = cut, cut_truth
    return corpus, truth


def corpus_size(path):
    """Return (documents, MB of text as UTF-8, 1 MB = 1e6 bytes)."""
    docs, nbytes = 0, 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                docs += 1
                nbytes += len(json.loads(line)["text"].encode("utf-8"))
    return docs, nbytes / 1e6


def warm(path):
    """Read `path` once so that every run starts with the corpus in the page cache."""
    with open(path, "rb") as f:
        while f.read(16 << 20):
            pass


def run_neardupe(a, corpus, threads, out, extra):
    """One `neardupe cluster` run with extra arguments `extra`; returns a measurement dict."""
    stats_path = out + ".stats.json"
    extra = shlex.split(extra)
    # The common settings, unless the variant sets them itself (e.g. neardupe's own threshold).
    common = [("--threshold", a.threshold), ("--num-perm", a.num_perm), ("--ngram", a.ngram)]
    cmd = [a.neardupe, "cluster", "--threads", str(threads), "-q", "--stats-json", stats_path, "-o", out]
    for flag, value in common:
        if flag not in extra:
            cmd += [flag, str(value)]
    cmd += extra + [corpus]
    state, wall, rss = run_measured(cmd, a.timeout, out + ".stdout")
    m = {"status": state, "wall_s": wall, "rss_mb": rss}
    if state == "ok":
        with open(stats_path) as f:
            stats = json.load(f)
        inner = stats.get("stats", stats)
        stages = inner.get("seconds", stats.get("seconds", {}))
        m.update(stats=stats, stages=stages, docs=inner.get("documents"),
                 bands=inner.get("bands"), rows=inner.get("rows"),
                 pipeline_s=sum(v for k, v in stages.items() if k not in IO_STAGES))
    return m


def run_peer(a, python, peer, corpus, threads, out):
    """One peer_runner.py run in the venv; returns a measurement dict."""
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads),
               OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    cmd = [python, os.path.join(HERE, "peer_runner.py"), "--peer", peer, "--corpus", corpus,
           "--out", out, "--num-perm", str(a.num_perm), "--ngram", str(a.ngram),
           "--threshold", str(a.threshold), "--bands", str(a.bands)]
    state, wall, rss = run_measured(cmd, a.timeout, out + ".stdout", env)
    m = {"status": state, "wall_s": wall, "rss_mb": rss}
    if state == "ok":
        with open(out + ".stdout") as f:
            runner = json.loads(f.read().strip().splitlines()[-1])
        m.update(runner=runner, docs=runner["docs"], pipeline_s=runner["pipeline_s"],
                 version=runner["version"])
    return m


def median_run(runs):
    """Summarise repeats: median wall and pipeline seconds, max RSS, last run's details."""
    ok = [r for r in runs if r["status"] == "ok"]
    if len(ok) < len(runs):
        return next(r for r in runs if r["status"] != "ok")
    best = dict(ok[-1])
    best["wall_s"] = statistics.median(r["wall_s"] for r in ok)
    best["pipeline_s"] = statistics.median(r["pipeline_s"] for r in ok)
    best["rss_mb"] = max(r["rss_mb"] for r in ok)
    best["all_wall_s"] = [round(r["wall_s"], 3) for r in ok]
    return best


def plan(a):
    """(threads, tool) runs in table order: per thread count neardupe first.

    datasketch ignores threads, so it runs once: in the 1-thread group if one
    was asked for, otherwise in the first group.
    """
    single_group = 1 if 1 in a.thread_list else a.thread_list[0]
    runs = []
    for threads in a.thread_list:
        for tool in ALL_TOOLS:
            if tool not in a.tools:
                continue
            if tool in SINGLE_THREADED and threads != single_group:
                continue
            if tool == "neardupe":
                runs.extend((threads, tool, extra) for extra in a.neardupe_args)
            else:
                runs.append((threads, tool, None))
    return runs


def machine():
    """Short machine description: core count and CPU model."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}), {model}"


def fmt(x, digits=2):
    """Number formatting for the table; '-' for missing values."""
    return "-" if x is None else f"{x:.{digits}f}"


def make_row(tool, label, threads, m, mb, score, base):
    """One result row; ratios compare with the neardupe run `base` (same thread group)."""
    ok = m["status"] == "ok"
    # neardupe is timed as a whole process; peers by their pipeline (sig -> clusters) time.
    secs = (m["wall_s"] if tool == "neardupe" else m.get("pipeline_s")) if ok else None
    row = {"tool": label, "version": m.get("version"), "status": m["status"],
           "threads": 1 if tool in SINGLE_THREADED else threads, "docs": m.get("docs"),
           "text_mb": round(mb, 2), "wall_s": round(m["wall_s"], 3) if ok else None,
           "pipeline_s": round(m["pipeline_s"], 3) if ok else None,
           "mb_per_s": round(mb / secs, 2) if secs else None,
           "peak_rss_mb": round(m["rss_mb"], 1) if ok else None,
           "time_ratio": None, "rss_ratio": None}
    for k in ("precision", "recall", "f1", "ari", "missing_in_pred"):
        row[k] = score.get(k) if score else None
    if ok and base and base["status"] == "ok":
        row["time_ratio"] = round(secs / base["wall_s"], 3)
        row["rss_ratio"] = round(base["rss_mb"] / m["rss_mb"], 3)
    for k in ("all_wall_s", "stages", "bands", "rows", "runner", "stats"):
        if k in m:
            row[k] = m[k]
    return row


def print_table(rows, legend):
    """Print the legend and the Markdown table to stdout."""
    print(legend + "\n")
    head = ["tool", "version", "threads", "docs", "MB", "wall s", "pipeline s", "MB/s",
            "peak RSS MB", "P", "R", "F1", "ARI", "time peer/nd", "RSS nd/peer"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        if r["status"] != "ok":
            cells = [r["tool"], r["version"] or "-", str(r["threads"]), r["status"].upper()]
            cells += [""] * (len(head) - len(cells))
        else:
            ratio = lambda x: "-" if x is None else f"{x:.1f}x" if x >= 1 else f"{x:.2f}x"
            cells = [r["tool"], r["version"] or "-", str(r["threads"]), str(r["docs"]),
                     fmt(r["text_mb"], 1), fmt(r["wall_s"]), fmt(r["pipeline_s"]),
                     fmt(r["mb_per_s"], 1), fmt(r["peak_rss_mb"], 0),
                     fmt(r["precision"], 4), fmt(r["recall"], 4), fmt(r["f1"], 4),
                     fmt(r["ari"], 4), ratio(r["time_ratio"]), ratio(r["rss_ratio"])]
        print("| " + " | ".join(cells) + " |")


def main(argv=None):
    a = parse_args(argv)
    # On SIGTERM unwind like Ctrl-C: the running child is killed and the temp dir removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    a.neardupe = os.path.abspath(a.neardupe)
    if not os.access(a.neardupe, os.X_OK):
        sys.exit(f"neardupe binary not found: {a.neardupe} (cargo build --release, or --neardupe)")
    peers = [t for t in a.tools if t in PEERS]
    python = ensure_venv(a.venv, peers) if peers else None
    work = a.workdir or tempfile.mkdtemp(prefix="neardupe-compare-")
    os.makedirs(work, exist_ok=True)
    try:
        corpus, truth = prepare_corpus(a, work)
        docs, mb = corpus_size(corpus)
        nd_version = check_output([a.neardupe, "--version"]).split()[-1]
        rows, base = [], {}
        for threads, tool, extra in plan(a):
            runs = []
            label = tool if extra is None else f"neardupe {extra}".strip()
            repeats = a.repeat if tool == "neardupe" or a.peer_repeat is None else a.peer_repeat
            for rep in range(repeats):
                slug = "".join(c if c.isalnum() else "_" for c in label)
                out = os.path.join(work, f"{slug}-t{threads}-r{rep}.jsonl")
                log(f"run {label} threads={1 if tool in SINGLE_THREADED else threads} repeat {rep + 1}/{repeats}")
                warm(corpus)
                if tool == "neardupe":
                    m = run_neardupe(a, corpus, threads, out, extra)
                    m["version"] = nd_version
                else:
                    m = run_peer(a, python, tool, corpus, threads, out)
                runs.append(m)
                if m["status"] != "ok":
                    break
            m = median_run(runs)
            score = None
            if m["status"] == "ok":
                score = json.loads(check_output([a.neardupe, "eval", "--truth", truth,
                                                 "--pred", out]))
            if tool == "neardupe" and threads not in base:
                base[threads] = m
            rows.append(make_row(tool, label, threads, m, mb, score, base.get(threads)))
            log(f"  {m['status']} wall {m['wall_s']:.2f} s, peak RSS {m['rss_mb']:.0f} MB")
        nd = next((r for r in rows if r["tool"].startswith("neardupe") and r.get("bands")), None)
        nd_banding = f"{nd['bands']}x{nd['rows']}" if nd else "auto"
        settings = (f"num_perm {a.num_perm}, word {a.ngram}-grams, threshold {a.threshold}, "
                    f"peers' LSH {a.bands}x{a.num_perm // a.bands} bands x rows, "
                    f"neardupe's {nd_banding}"
                    + "; ratios against the first neardupe row")
        legend = (
            f"Corpus {a.corpus or 'neardupe synth --stories %d --seed %d' % (a.synth_stories, a.synth_seed)}"
            f"{' (first %d docs)' % a.limit if a.limit else ''}: {docs} docs, {mb:.1f} MB of text. "
            f"Settings: {settings}. Machine: {machine()}. Date: {datetime.date.today()}.\n"
            f"Median of {a.repeat} run(s) per neardupe variant"
            f"{'' if a.peer_repeat is None else ' and %d per peer' % a.peer_repeat}; peak RSS = max os.wait4 ru_maxrss of each run's process. "
            f"wall s = whole process (load, sign, cluster, write); pipeline s = signatures to clusters "
            f"(neardupe: its stages except read/write). MB/s and time peer/nd take neardupe's wall s "
            f"but the peers' pipeline s (this favours the peers). time peer/nd > 1: neardupe is faster; "
            f"RSS nd/peer < 1: neardupe uses less memory. datasketch is single-threaded and runs once.")
        print_table(rows, legend)
        if a.results:
            with open(a.results, "w", encoding="utf-8") as f:
                for r in rows:
                    f.write(json.dumps({"corpus": a.corpus or f"synth:{a.synth_stories}",
                                        "limit": a.limit, "num_perm": a.num_perm,
                                        "ngram": a.ngram, "threshold": a.threshold,
                                        "peer_bands": a.bands, "date": str(datetime.date.today()),
                                        **r}) + "\n")
    finally:
        if not a.workdir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
