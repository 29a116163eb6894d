#!/usr/bin/env python3
"""Measure the defaults (word n-gram size, threshold, num_perm) of `neardupe cluster`.

Runs the release binary over a grid of settings on
  * data/news-sample.jsonl (the bundled sample, scored against its truth file),
  * a larger corpus from `neardupe synth` with every hard tier (--synth-stories, scored),
  * ../shared/data/reuters21578 and ../shared/data/bbc-news when present (research corpora that are
    not part of the repository): recall of the exact-duplicate groups, and "suspect merges", merged
    documents whose exact word-5-gram Jaccard AND containment with their cluster's representative
    are both below 0.3 (a proxy for false merges on corpora without labels).
Prints one Markdown table per grid.

    cargo build --release
    python3 benches/scripts/measure_defaults.py [--shared ../shared] [--synth-stories 3000]
    python3 benches/scripts/measure_defaults.py --synth-stories 2000 --synth-small 300 \
        --variant '' --variant '--threshold 0.5' --variant '--guard none' --variant '--boilerplate off'
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("NEARDUPE_BIN", os.path.join(ROOT, "target", "release", "neardupe"))
WORD = re.compile(r"[^\W_]+")


def run(args):
    p = subprocess.run([BIN] + args, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"neardupe {' '.join(args)} failed: {p.stderr}")
    return p.stdout


def cluster(inputs, out, extra):
    t = time.perf_counter()
    run(["cluster", "-q", "-o", out] + extra + inputs)
    secs = time.perf_counter() - t
    pred = {}
    with open(out) as f:
        for line in f:
            o = json.loads(line)
            pred[o["id"]] = (o["cluster"], o["representative"])
    return pred, secs


def shingles(text, n=5):
    w = [x.lower() for x in WORD.findall(text)]
    if len(w) < n:
        return {" ".join(w)} if w else set()
    return {" ".join(w[i:i + n]) for i in range(len(w) - n + 1)}


def suspects(pred, texts):
    """Merged documents far from their representative (both J and containment < 0.3)."""
    reps, members = {}, defaultdict(list)
    for i, (c, r) in pred.items():
        (reps.__setitem__(c, i) if r else members[c].append(i))
    bad, merged = 0, 0
    cache = {}
    sh = lambda i: cache.setdefault(i, shingles(texts[i]))
    for c, ms in members.items():
        a = sh(reps[c])
        for m in ms:
            merged += 1
            b = sh(m)
            inter = len(a & b)
            j = inter / max(1, len(a | b))
            cont = inter / max(1, min(len(a), len(b)))
            if j < 0.3 and cont < 0.3:
                bad += 1
    return merged, bad


def group_recall(pred, groups):
    ok = sum(1 for g in groups if len({pred[i][0] for i in g if i in pred}) == 1)
    return ok, len(groups)


def load_jsonl_texts(path, id_field="id"):
    texts = {}
    with open(path) as f:
        for line in f:
            o = json.loads(line)
            texts[str(o[id_field])] = o["text"]
    return texts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--synth-stories", type=int, default=3000)
    ap.add_argument("--ngrams", default="3,4,5,6,7")
    ap.add_argument("--thresholds", default="0.3,0.4,0.5,0.6,0.7,0.8")
    ap.add_argument("--num-perms", default="64,128,256")
    ap.add_argument("--labelled", action="append", default=[], metavar="NAME=CORPUS,TRUTH",
                    help="another labelled corpus, e.g. one from ../shared/peers/gen_corpus.py")
    ap.add_argument("--variant", action="append", default=[], metavar="OPTIONS",
                    help="a row of `cluster` options for the options table (repeatable; '' is the defaults); "
                         "with variants, the n-gram and num_perm grids are skipped unless --grids")
    ap.add_argument("--grids", action="store_true", help="also run the n-gram x threshold and num_perm grids")
    ap.add_argument("--synth-small", type=int, default=0,
                    help="also score a small synthetic corpus of this many stories (all tiers, seed 17)")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="neardupe-defaults-")
    out = os.path.join(tmp, "pred.jsonl")

    labelled = []
    if os.path.exists(os.path.join(ROOT, "data", "news-sample.jsonl")):
        labelled.append(("data/news-sample", os.path.join(ROOT, "data", "news-sample.jsonl"),
                         os.path.join(ROOT, "data", "news-sample.truth.jsonl")))
    for stories, seed in [(a.synth_stories, 7), (a.synth_small, 17)]:
        if stories:
            c, t = os.path.join(tmp, f"synth{stories}.jsonl"), os.path.join(tmp, f"synth{stories}.truth.jsonl")
            run(["synth", "--stories", str(stories), "--seed", str(seed), "--tiers", "all", "-o", c, "--truth", t])
            labelled.append((f"synth {stories} stories, all tiers", c, t))

    for spec in a.labelled:
        name, paths = spec.split("=", 1)
        corpus, truth = paths.split(",")
        labelled.append((name, corpus, truth))

    reuters = os.path.join(a.shared, "data", "reuters21578")
    bbc = os.path.join(a.shared, "data", "bbc-news")
    real = []
    if os.path.isdir(reuters):
        groups = []
        with open(os.path.join(reuters, "exact_duplicate_body_groups.tsv")) as f:
            next(f)
            for line in f:
                groups.append(line.split("\t")[1].strip().split(","))
        real.append(("reuters", [os.path.join(reuters, "reuters21578.jsonl")], [],
                     load_jsonl_texts(os.path.join(reuters, "reuters21578.jsonl")), groups))
    if os.path.isdir(bbc):
        groups = []
        with open(os.path.join(bbc, "exact_duplicate_groups.tsv")) as f:
            next(f)
            for line in f:
                groups.append([p.removeprefix("bbc/") for p in line.split("\t")[1].strip().split(",")])
        texts = {}
        for root, _, files in os.walk(os.path.join(bbc, "articles")):
            for fn in files:
                if fn.endswith(".txt"):
                    p = os.path.join(root, fn)
                    texts[os.path.relpath(p, os.path.join(bbc, "articles"))] = open(p, encoding="utf-8", errors="replace").read()
        real.append(("bbc", [os.path.join(bbc, "articles")], ["--ext", "txt", "--lossy-utf8"], texts, groups))

    def row(extra):
        cells = []
        for name, corpus, truth in labelled:
            _, secs = cluster([corpus], out, extra)
            r = json.loads(run(["eval", "--truth", truth, "--pred", out]))
            cells.append(f"{r['f1']:.4f} (P {r['precision']:.3f} R {r['recall']:.3f})")
        for name, inputs, opts, texts, groups in real:
            pred, secs = cluster(inputs, out, extra + opts)
            ok, n = group_recall(pred, groups)
            merged, bad = suspects(pred, texts)
            cells.append(f"{ok}/{n} groups, {merged} merged, {bad} suspect")
        return cells

    header = [n for n, _, _ in labelled] + [n for n, *_ in real]
    if a.variant:
        print("\n### options (everything else at the defaults)\n")
        print("| options | " + " | ".join(header) + " |")
        print("|---|" + "---|" * len(header))
        for v in a.variant:
            print(f"| `{v or 'defaults'}` | " + " | ".join(row(v.split())) + " |", flush=True)
        if not a.grids:
            return
    print(f"\n### word n-gram size x threshold (num_perm 128)\n")
    print("| ngram | threshold | " + " | ".join(header) + " |")
    print("|---|---|" + "---|" * len(header))
    for n in a.ngrams.split(","):
        for t in a.thresholds.split(","):
            print(f"| {n} | {t} | " + " | ".join(row(["--ngram", n, "--threshold", t])) + " |", flush=True)
    print(f"\n### num_perm (ngram and threshold at the defaults)\n")
    print("| num_perm | " + " | ".join(header) + " |")
    print("|---|" + "---|" * len(header))
    for k in a.num_perms.split(","):
        print(f"| {k} | " + " | ".join(row(["--num-perm", k])) + " |", flush=True)


if __name__ == "__main__":
    main()
