#!/usr/bin/env python3
"""Scaling of `neardupe cluster` with corpus size and threads, with a per-stage breakdown.

For each corpus (e.g. 256 MB, 1 GiB and 4 GiB from the same generator), and each thread count,
runs `neardupe cluster` --repeat times with the page cache warmed first, and prints one Markdown
table: median wall seconds, MB/s, peak RSS (os.wait4), the median stage seconds from
--stats-json (read, parse+shingle+sign, band, verify, union, write), and the time ratio against
the previous (smaller) corpus next to its size ratio.

    cargo build --release
    python3 benches/scripts/scaling.py --threads 2 --repeat 3 c256m.jsonl c1g.jsonl c4g.jsonl \\
        -- --threshold 0.8

Arguments after `--` go to `neardupe cluster`.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STAGES = ["read", "sign", "band", "verify", "union", "write"]


def warm(path):
    """Read `path` once so that every run starts with the corpus in the page cache."""
    with open(path, "rb") as f:
        while f.read(16 << 20):
            pass


def run(binary, corpus, threads, extra, work):
    """One run: (wall seconds, peak RSS MB, stats dict)."""
    stats_path = os.path.join(work, "stats.json")
    out = os.path.join(work, "clusters.jsonl")
    cmd = [binary, "cluster", "-q", "--threads", str(threads), "--stats-json", stats_path, "-o", out]
    cmd += extra + [corpus]
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    err = p.stderr.read().decode()
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd)} failed: {err}")
    with open(stats_path) as f:
        stats = json.load(f)
    return wall, usage.ru_maxrss / 1024.0, stats


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpora", nargs="+", help="JSONL corpora, smallest first")
    ap.add_argument("--threads", default="2", help="thread counts, comma-separated (default 2)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per cell; medians are reported (default 3)")
    ap.add_argument("--neardupe", default=os.environ.get("NEARDUPE_BIN", os.path.join(ROOT, "target", "release", "neardupe")))
    a = ap.parse_args(argv)
    print(f"neardupe cluster {' '.join(extra)}; median of {a.repeat} runs; page cache warmed before each run.\n")
    head = ["corpus", "docs", "MB", "threads", "wall s", "MB/s", "peak RSS MB"] + [f"{s} s" for s in STAGES]
    head += ["size ratio", "time ratio"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    with tempfile.TemporaryDirectory(prefix="neardupe-scaling-") as work:
        for threads in [int(t) for t in a.threads.split(",")]:
            prev = None
            for corpus in a.corpora:
                runs = []
                for _ in range(a.repeat):
                    warm(corpus)
                    runs.append(run(a.neardupe, corpus, threads, extra, work))
                wall = statistics.median(r[0] for r in runs)
                rss = max(r[1] for r in runs)
                stats = runs[-1][2]
                mb = stats["input_bytes"] / 1e6
                docs = stats["stats"]["documents"]
                stages = [statistics.median(r[2]["stats"]["seconds"][s] for r in runs) for s in STAGES]
                ratios = ["-", "-"]
                if prev:
                    ratios = [f"{mb / prev[0]:.2f}x", f"{wall / prev[1]:.2f}x"]
                cells = [os.path.basename(corpus), str(docs), f"{mb:.0f}", str(threads), f"{wall:.2f}",
                         f"{mb / wall:.0f}", f"{rss:.0f}"] + [f"{s:.2f}" for s in stages] + ratios
                print("| " + " | ".join(cells) + " |", flush=True)
                prev = (mb, wall)


if __name__ == "__main__":
    main()
