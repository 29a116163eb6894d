#!/usr/bin/env python3
"""Score `neardupe cluster` on the real corpora in ../shared/data against exact ground truth.

Reuters-21578 (19,043 newswire items, no near-duplicate labels):
  ground truth is the connected components of every pair whose exact word-5-gram Jaccard is at
  least 0.5, and at least 0.8 (`neardupe oracle`, brute force over an inverted index; `--truths`
  adds others, e.g. `c0.6` for containment >= 0.6). The truths are computed on every shingle
  (`--oracle-args`, default `--boilerplate off`), so they do not depend on the options scored.
  The defaults and every variant of `neardupe cluster` options are scored against each with
  `neardupe eval` (pairwise precision, recall, F1, ARI). For the main variant (the first one that
  runs), the oracle pairs whose two documents end in different clusters are counted, and the
  three with the highest similarity on the variant's measure are printed with what `neardupe
  explain` says of them and the command line to rerun it.

BBC News (2,225 articles, 100 known pairs of identical articles):
  for the defaults and every variant: how many known pairs share a cluster, and every merged
  document (member vs. its cluster's representative) that near-duplication does not explain,
  i.e. whose pair with the representative has exact word-5-gram Jaccard < 0.2 and containment < 0.3
  (not listed by `neardupe oracle --jaccard 0.2 --containment 0.3`). Up to ten are printed with
  both headlines, their exact Jaccard and containment (`neardupe explain`), and the member's
  strongest link inside the cluster, so a human can judge "distinct stories merged".

Python 3 standard library only; runs the release binary (NEARDUPE_BIN, default
target/release/neardupe). Markdown goes to standard output, progress to standard error.

    cargo build --release && python3 benches/eval/real.py
    python3 benches/eval/real.py --neardupe-args "--similarity jaccard --threshold 0.5 --verify exact" \
        --neardupe-args "--threshold 0.8" --truths 0.5,0.8,c0.6
    python3 benches/eval/real.py --shared /path/to/shared --repeat 3 --corpus reuters

A variant that neardupe rejects (e.g. an option this build does not have) is reported as failed
and the others still run.
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("NEARDUPE_BIN", os.path.join(ROOT, "target", "release", "neardupe"))

# The variants scored when no --neardupe-args is given; the first is the main variant.
DEFAULT_VARIANTS = ["--similarity jaccard --threshold 0.8"]
# Oracle thresholds of the Reuters truths (--truths: `0.5` is Jaccard, `c0.6` containment), and of
# "explained by near-duplication" on BBC.
TRUTHS = "0.5,0.8"
EXPLAINED_JACCARD, EXPLAINED_CONTAINMENT = "0.2", "0.3"
# Shingling of the truths (--oracle-args): every word 5-gram, without the boilerplate filter
# that `cluster` learns by default, so that the truth does not depend on the options scored.
ORACLE_ARGS = ["--boilerplate", "off"]


class Failed(Exception):
    pass


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(args):
    """Runs neardupe; returns (stdout, seconds). Raises Failed with its error message."""
    t = time.perf_counter()
    p = subprocess.run([BIN] + args, capture_output=True, text=True)
    secs = time.perf_counter() - t
    if p.returncode != 0:
        lines = [l for l in p.stderr.strip().splitlines() if l.strip()]
        raise Failed(lines[0] if lines else f"exit status {p.returncode}")
    return p.stdout, secs


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def oracle(inputs, tmp, name, jaccard=None, containment=None):
    """Runs `neardupe oracle` with ORACLE_ARGS; returns (truth path, pairs, seconds)."""
    truth, pairs = os.path.join(tmp, f"{name}.truth.jsonl"), os.path.join(tmp, f"{name}.pairs.jsonl")
    args = ["oracle", "-q", "--truth-out", truth, "--pairs-out", pairs] + ORACLE_ARGS
    if jaccard is not None:
        args += ["--jaccard", jaccard]
    if containment is not None:
        args += ["--containment", containment]
    _, secs = run(args + inputs)
    return truth, read_jsonl(pairs), secs


def cluster(inputs, tmp, variant, repeat):
    """Runs `neardupe cluster` `repeat` times.

    Returns (pred path, {id: (cluster, rep)}, median seconds, (measure, threshold)).
    """
    pred, stats = os.path.join(tmp, "pred.jsonl"), os.path.join(tmp, "stats.json")
    times = []
    for _ in range(repeat):
        _, secs = run(["cluster", "-q", "-o", pred, "--stats-json", stats] + shlex.split(variant) + inputs)
        times.append(secs)
    assign = {o["id"]: (o["cluster"], o.get("representative", False)) for o in read_jsonl(pred)}
    with open(stats) as f:
        s = json.load(f)
    return pred, assign, statistics.median(times), (s.get("similarity", "jaccard"), s.get("threshold"))


def evaluate(truth, pred):
    out, _ = run(["eval", "--truth", truth, "--pred", pred])
    return json.loads(out)


def label(variant):
    return f"`{variant}`" if variant else "defaults"


def explain(a, b, inputs, variant=""):
    out, _ = run(["explain", "--json", a, b] + shlex.split(variant) + inputs)
    return json.loads(out)["explanation"]


def truth_name(spec):
    """`0.5` is a Jaccard truth, `c0.6` a containment truth."""
    return f"containment >= {spec[1:]}" if spec.startswith("c") else f"J >= {spec}"


def reuters(shared, tmp, variants, repeat, truth_specs):
    path = os.path.join(shared, "data", "reuters21578", "reuters21578.jsonl")
    if not os.path.exists(path):
        log(f"skipping Reuters: {path} not found")
        return
    inputs = [path]
    truths = {}
    print("## Reuters-21578: exact ground truth\n")
    print("| truth | oracle pairs | components > 1 doc | docs in them | true same-cluster pairs | oracle seconds |")
    print("|---|---|---|---|---|---|")
    for j in truth_specs:
        log(f"reuters: oracle {truth_name(j)}")
        if j.startswith("c"):
            truth, pairs, secs = oracle(inputs, tmp, f"reuters-{j}", containment=j[1:])
        else:
            truth, pairs, secs = oracle(inputs, tmp, f"reuters-j{j}", jaccard=j)
        sizes = defaultdict(int)
        for o in read_jsonl(truth):
            sizes[o["cluster"]] += 1
        multi = [s for s in sizes.values() if s > 1]
        true_pairs = sum(s * (s - 1) // 2 for s in multi)
        truths[j] = (truth, pairs)
        print(f"| {truth_name(j)} | {len(pairs)} | {len(multi)} | {sum(multi)} | {true_pairs} | {secs:.2f} |")

    print("\n| variant | truth | P | R | F1 | ARI | true pairs | predicted pairs | seconds |")
    print("|---|---|---|---|---|---|---|---|---|")
    main, main_is_variant = None, False
    for v in [""] + variants:
        log(f"reuters: cluster {label(v)}")
        try:
            pred, assign, secs, threshold = cluster(inputs, tmp, v, repeat)
            for j in truth_specs:
                r = evaluate(truths[j][0], pred)
                print(f"| {label(v)} | {truth_name(j)} | {r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} | "
                      f"{r['ari']:.4f} | {r['true_pairs']} | {r['pred_pairs']} | {secs:.2f} |")
        except Failed as e:
            print(f"| {label(v)} | - | failed: {e} | | | | | | |")
            continue
        if main is None or (v and not main_is_variant):  # the first variant that ran, else the defaults
            main, main_is_variant = (v, assign, threshold), bool(v)
    if main is None:
        print("\nNothing ran; no missed pairs to report.")
        return

    v, assign, (measure, threshold) = main
    fallback = "" if v or not variants else " (no variant ran)"
    print(f"\n### Oracle pairs split by the main variant: {label(v)}{fallback}, {measure} >= {threshold}\n")

    def split(pairs):
        return [p for p in pairs if assign.get(p["a"], (None,))[0] != assign.get(p["b"], (None,))[0]]

    def reaches(p):  # whether the pair reaches the variant's own threshold, on its measure
        return threshold is not None and p.get(measure, p["jaccard"]) >= threshold - 1e-12

    for j in truth_specs:
        pairs = truths[j][1]
        missed = split(pairs)
        print(f"- {truth_name(j)}: {len(missed)} of {len(pairs)} oracle pairs end in different clusters; "
              f"{sum(map(reaches, missed))} of them have {measure} at or above the variant's threshold.")
    missed = split(truths[truth_specs[0]][1])
    reachable = [p for p in missed if reaches(p)]
    examples = sorted(reachable or missed, key=lambda p: -p.get(measure, p["jaccard"]))[:3]
    if examples:
        which = "at or above the variant's threshold" if reachable else "none reach the variant's threshold"
        print(f"\nThe three missed {truth_name(truth_specs[0])} pairs with the highest exact {measure} ({which}):\n")
        print("| a | b | exact J | exact containment | J / containment as the variant shingles | colliding bands "
              "| candidate | passes verification |")
        print("|---|---|---|---|---|---|---|---|")
        for p in examples:
            try:
                e = explain(p["a"], p["b"], inputs, v)
                bands = f"{len(e['colliding_bands'])} of {e['bands']} x {e['rows']} rows"
                vj = f"{e['exact_jaccard']:.3f} / {e['exact_containment']:.3f}"
                cand, passes = e["candidate"], e["passes_verification"]
            except Failed as err:
                vj, bands, cand, passes = "?", f"explain failed: {err}", "?", "?"
            print(f"| {p['a']} | {p['b']} | {p['jaccard']:.3f} | {p['containment']:.3f} | {vj} | {bands} | {cand} "
                  f"| {passes} |")
        print("\n```sh")
        for p in examples:
            print(f"target/release/neardupe explain {p['a']} {p['b']} {shlex.join(inputs)} {v}".rstrip())
        print("```")


def bbc(shared, tmp, variants, repeat):
    base = os.path.join(shared, "data", "bbc-news")
    path = os.path.join(base, "bbc-news.jsonl")
    if not os.path.exists(path):
        log(f"skipping BBC: {path} not found")
        return
    inputs = [path]
    headline = {}
    for o in read_jsonl(path):
        headline[o["id"]] = o["text"].strip().split("\n", 1)[0].strip()
    known = []
    with open(os.path.join(base, "exact_duplicate_groups.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            files = line.rstrip("\n").split("\t")[1].split(",")
            known.append([x.removeprefix("bbc/").removesuffix(".txt") for x in files])
    log(f"bbc: oracle --jaccard {EXPLAINED_JACCARD} --containment {EXPLAINED_CONTAINMENT}")
    _, pairs, osecs = oracle(inputs, tmp, "bbc-low", EXPLAINED_JACCARD, EXPLAINED_CONTAINMENT)
    near = {}
    for p in pairs:
        near[(p["a"], p["b"])] = near[(p["b"], p["a"])] = p

    print(f"\n## BBC News: known duplicates and merges not explained by near-duplication\n")
    print(f"A merged document is *unexplained* when its exact word-5-gram Jaccard with its cluster's "
          f"representative is below {EXPLAINED_JACCARD} and its containment below {EXPLAINED_CONTAINMENT} "
          f"(oracle: {len(pairs)} pairs reach either, {osecs:.2f} s).\n")
    print("| variant | known pairs in one cluster | clusters > 1 doc | merged docs | unexplained merges "
          "(clusters) | seconds |")
    print("|---|---|---|---|---|---|")
    reports = []
    for v in [""] + variants:
        log(f"bbc: cluster {label(v)}")
        try:
            _, assign, secs, _ = cluster(inputs, tmp, v, repeat)
        except Failed as e:
            print(f"| {label(v)} | failed: {e} | | | | |")
            continue
        together = sum(1 for g in known if len({assign[i][0] for i in g if i in assign}) == 1
                       and all(i in assign for i in g))
        members, rep = defaultdict(list), {}
        for i, (c, r) in assign.items():
            members[c].append(i)
            if r:
                rep[c] = i
        multi = {c: ms for c, ms in members.items() if len(ms) > 1}
        unexplained = []
        for c, ms in multi.items():
            for m in ms:
                if m != rep[c] and (m, rep[c]) not in near:
                    best = max((near[(m, o)] for o in ms if o != m and (m, o) in near),
                               key=lambda p: p["jaccard"], default=None)
                    unexplained.append((c, m, rep[c], best))
        merged = sum(len(ms) - 1 for ms in multi.values())
        nclus = len({c for c, *_ in unexplained})
        print(f"| {label(v)} | {together} / {len(known)} | {len(multi)} | {merged} | {len(unexplained)} ({nclus}) "
              f"| {secs:.2f} |")
        reports.append((v, unexplained))

    for v, unexplained in reports:
        if not unexplained:
            continue
        print(f"\n### {label(v)}: {len(unexplained)} unexplained merges (up to 10 shown)\n")
        print("| member | representative | exact J | exact containment | member's headline | representative's "
              "headline | member's strongest link in the cluster |")
        print("|---|---|---|---|---|---|---|")
        for c, m, r, best in unexplained[:10]:
            try:
                e = explain(m, r, inputs, shlex.join(ORACLE_ARGS))
                j, cont = f"{e['exact_jaccard']:.3f}", f"{e['exact_containment']:.3f}"
            except Failed as err:
                j, cont = "?", f"explain failed: {err}"
            link = "none (J < 0.2, containment < 0.3 to every member)"
            if best is not None:
                other = best["b"] if best["a"] == m else best["a"]
                link = f"{other} (J {best['jaccard']:.3f}, containment {best['containment']:.3f})"
            print(f"| {m} | {r} | {j} | {cont} | {headline.get(m, '')} | {headline.get(r, '')} | {link} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"),
                    help="the shared directory holding data/ (default: ../shared next to the repository)")
    ap.add_argument("--neardupe-args", action="append", metavar="ARGS",
                    help="extra `neardupe cluster` options of one variant, quoted; repeatable; the first is "
                         f"the main variant (default: {DEFAULT_VARIANTS})")
    ap.add_argument("--truths", default=TRUTHS, metavar="T,T,...",
                    help="Reuters truths: a Jaccard threshold (0.5) or a containment one (c0.6); missed "
                         f"examples come from the first (default {TRUTHS})")
    ap.add_argument("--oracle-args", default=shlex.join(ORACLE_ARGS), metavar="ARGS",
                    help=f"shingling options of the truths, quoted (default: {shlex.join(ORACLE_ARGS)!r})")
    ap.add_argument("--repeat", type=int, default=1, help="runs per variant; seconds are the median")
    ap.add_argument("--corpus", choices=["all", "reuters", "bbc"], default="all")
    a = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit(f"{BIN} not found: run `cargo build --release` first or set NEARDUPE_BIN")
    variants = a.neardupe_args or DEFAULT_VARIANTS
    ORACLE_ARGS[:] = shlex.split(a.oracle_args)
    shared = os.path.relpath(os.path.normpath(a.shared))
    print(f"neardupe: `{BIN}`; variants: defaults, " + ", ".join(label(v) for v in variants)
          + f"; truths: `oracle {shlex.join(ORACLE_ARGS)}`\n")
    with tempfile.TemporaryDirectory(prefix="neardupe-real-") as tmp:
        try:
            if a.corpus in ("all", "reuters"):
                reuters(shared, tmp, variants, a.repeat, a.truths.split(","))
            if a.corpus in ("all", "bbc"):
                bbc(shared, tmp, variants, a.repeat)
        except Failed as e:
            sys.exit(f"neardupe failed: {e}")


if __name__ == "__main__":
    main()
