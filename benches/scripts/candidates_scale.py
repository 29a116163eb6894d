#!/usr/bin/env python3
"""Candidates per document against corpus size and the generator's sentence pool (issue 14).

The peers' generator in fast mode draws every sentence of every document from a fixed pool
(`--pool-sentences`, 300,000 by default). Two documents of different stories then share
sentences more often as the corpus grows, and those shared sentences make LSH candidates that
verification rejects. This script separates the two causes: for each (target size, pool) it
generates a corpus with the generator (once; kept in --work), clusters it at the defaults with
`--stats-json`, scores it against the generator's truth, and prints one Markdown row: documents,
documents per pool sentence, candidates and candidates per document, verified edges per
document, exact checks, F1.

    cargo build --release
    python3 benches/scripts/candidates_scale.py --work /tmp/cand \\
        --gen ../shared/peers/gen_corpus.py --python /work/venv-peers/bin/python \\
        256M:75000 256M:18750 1G:300000 1G:75000

If candidates per document follow documents per pool sentence and not the number of documents,
the growth comes from the generator, not from the banding.
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def corpus(args, size, pool):
    """The corpus and truth for (size, pool), generated once."""
    base = os.path.join(args.work, f"c-{size}-{pool}")
    path, truth = base + ".jsonl", base + ".truth.jsonl"
    if not (os.path.exists(path) and os.path.exists(truth)):
        subprocess.run(
            [args.python, args.gen, "--mode", "fast", "--target-bytes", size, "--pool-sentences", str(pool),
             "--seed", str(args.seed), "--out", path, "--truth", truth],
            check=True, stdout=subprocess.DEVNULL)
    return path, truth


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("specs", nargs="+", help="SIZE:POOL, e.g. 1G:300000")
    ap.add_argument("--work", required=True, help="directory for the corpora and outputs")
    ap.add_argument("--gen", required=True, help="the peers' gen_corpus.py")
    ap.add_argument("--python", default=sys.executable, help="a Python with the generator's numpy")
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "neardupe"))
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    print("| size | pool | documents | docs per pool sentence | candidates | per doc | verified per doc | exact checks | F1 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for spec in args.specs:
        size, pool = spec.split(":")
        path, truth = corpus(args, size, int(pool))
        out, stats = path + ".clusters.jsonl", path + ".stats.json"
        subprocess.run([args.binary, "cluster", "-q", path, "-o", out, "--stats-json", stats], check=True)
        s = json.load(open(stats))["stats"]
        ev = subprocess.run([args.binary, "eval", "--truth", truth, "--pred", out],
                            check=True, capture_output=True, text=True).stdout
        f1 = json.loads(ev.strip().splitlines()[-1])["f1"]
        n = s["documents"]
        print(f"| {size} | {int(pool):,} | {n:,} | {n / int(pool):.2f} | {s['candidates']:,} | "
              f"{s['candidates'] / n:.2f} | {s['verified_edges'] / n:.3f} | {s['exact_checks']:,} | {f1:.4f} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
