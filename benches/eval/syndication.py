#!/usr/bin/env python3
"""Syndication quality benchmark: neardupe against datasketch on labelled synthetic corpora.

For each corpus kind below, `neardupe synth` writes a labelled corpus (same --stories and
--seed for all). Every corpus is then clustered by

  * neardupe with its defaults (no extra arguments), and by each --neardupe-args variant;
  * neardupe with only a Jaccard threshold, `neardupe cluster [--jaccard-base-args] --threshold T`
    for every T of --jaccard-grid;
  * datasketch (MinHash + MinHashLSH, benches/compare/peer_runner.py run with the peers'
    virtualenv's python, word n-grams, same num_perm) at every threshold of --grid, with LSH
    banding chosen per threshold by datasketch's own criterion (see --ds-bands).

Each run is scored with `neardupe eval` (pairwise precision, recall, F1, adjusted Rand index)
and, from the truth file, with the copy-to-original recall per copy tier: the fraction of the
copies of that tier that end in the same predicted cluster as their story's original. Follow-up
distractors (related stories quoting an earlier one) are counted when they land in their story's
cluster ("follow-ups merged", a false merge).

Corpora (`neardupe synth --tiers ...`): light, edited, truncated (the easy copy tiers),
heavy-truncation, copy-of-copy, long-preface (hard copy tiers), shared-boilerplate
(`light,shared-boilerplate`: outlet boilerplate on every document), follow-up
(`light,follow-up`) and all (`--tiers all`, every tier at once, scored per tier).

The Markdown report has one table per corpus, a summary of neardupe's defaults against
datasketch tuned per corpus, the best recall at precision >= 0.99 on heavy-truncation, and the
pass/fail checks for the defaults (ARI >= 0.99, precision >= 0.995, every tier's copy recall
>= 0.98 on every corpus).

Usage:

    cargo build --release
    python3 benches/eval/syndication.py --venv ~/.venv-peers                 # 2000 stories, seed 1
    python3 benches/eval/syndication.py --quick                              # smoke test, < 1 min
    python3 benches/eval/syndication.py --stories 5000 --seed 2 --out report.md --workdir /tmp/synd \\
        --neardupe-args="--verify exact" --neardupe-args="--threshold 0.3" --full-grid
    python3 benches/eval/syndication.py --corpora heavy-truncation,all --jaccard-base-args="--similarity jaccard --boilerplate off"

Standard library only; datasketch runs in the comparison virtualenv (benches/compare/, created
on first use like compare.py does: --venv or $NEARDUPE_COMPARE_VENV). Progress goes to stderr,
the report to stdout (and to --out).
"""
import argparse
import concurrent.futures
import datetime
import importlib.util
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
COMPARE_DIR = os.path.join(ROOT, "benches", "compare")
PEER_RUNNER = os.path.join(COMPARE_DIR, "peer_runner.py")

COPY_TIERS = ["light", "edited", "truncated", "heavy-truncation", "copy-of-copy", "long-preface"]
# name -> (value of `synth --tiers`, copy tiers whose copy-to-original recall is reported, hard?)
CORPORA = {
    "light": ("light", ["light"], False),
    "edited": ("edited", ["edited"], False),
    "truncated": ("truncated", ["truncated"], False),
    "heavy-truncation": ("heavy-truncation", ["heavy-truncation"], True),
    # Heavy truncations where outlets stamp boilerplate on everything, as real outlets do: short
    # copies of unrelated stories from one outlet then share much of their text.
    "heavy-truncation+boilerplate": ("heavy-truncation,shared-boilerplate", ["heavy-truncation"], True),
    "copy-of-copy": ("copy-of-copy", ["copy-of-copy"], True),
    "long-preface": ("long-preface", ["long-preface"], True),
    "shared-boilerplate": ("light,shared-boilerplate", ["light"], True),
    "follow-up": ("light,follow-up", ["light"], True),
    "all": ("all", COPY_TIERS, True),
}
DEFAULT_GRID = "0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9"
QUICK_GRID = "0.2,0.4,0.6"
QUICK_STORIES = 300
TOL = 0.001  # "match or beat" tolerance on F1 and ARI
# The checks neardupe's defaults must pass on every corpus.
MUST_ARI, MUST_P, MUST_COPY = 0.99, 0.995, 0.98
# Precision floor and recall goal for the heavy-truncation question.
HT_P, HT_R = 0.99, 0.95


def load_compare():
    """benches/compare/compare.py as a module (venv creation and measured runs are reused)."""
    spec = importlib.util.spec_from_file_location("neardupe_compare", os.path.join(COMPARE_DIR, "compare.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def parse_args(argv=None):
    """Command-line options."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stories", type=int, help="stories per corpus (default 2000; 300 with --quick)")
    ap.add_argument("--seed", type=int, default=1, help="synth seed (default 1)")
    ap.add_argument("--corpora", default=",".join(CORPORA),
                    help="corpora to run, comma-separated (default all: %s)" % ",".join(CORPORA))
    ap.add_argument("--neardupe-args", action="append", default=[], metavar="ARGS",
                    help="a neardupe variant: extra `neardupe cluster` arguments as one shell-quoted "
                         "string (write --neardupe-args=\"--verify exact\"); repeatable. The defaults "
                         "(no extra arguments) always run first")
    ap.add_argument("--jaccard-grid", metavar="T,T,...",
                    help="thresholds of the Jaccard-only neardupe grid (default: --grid; 'none' to skip)")
    ap.add_argument("--jaccard-base-args", default="--similarity jaccard --boilerplate off --guard none", metavar="ARGS",
                    help="arguments every Jaccard-grid run gets before --threshold T "
                         "(default: plain Jaccard, --similarity jaccard --boilerplate off --guard none)")
    ap.add_argument("--grid", help="datasketch thresholds (default %s; %s with --quick)" % (DEFAULT_GRID, QUICK_GRID))
    ap.add_argument("--ds-bands", default="auto", metavar="LIST",
                    help="datasketch LSH bands per threshold, comma-separated: 'auto' (datasketch's "
                         "own criterion, equal false-positive and false-negative weights, over the "
                         "bandings that use all num_perm slots, as peer_runner.py requires) and/or "
                         "band counts dividing --num-perm, e.g. auto,128; every one runs at every "
                         "threshold (default auto)")
    ap.add_argument("--num-perm", type=int, default=128, help="datasketch MinHash permutations (default 128)")
    ap.add_argument("--ngram", type=int, default=5, help="datasketch word n-gram size (default 5)")
    ap.add_argument("--no-datasketch", action="store_true", help="skip the datasketch runs")
    ap.add_argument("--full-grid", action="store_true",
                    help="list every grid run in the corpus tables, not only the best-F1 ones")
    ap.add_argument("--jobs", type=int,
                    help="datasketch runs at a time (single-threaded each; default 1, or 2 with --quick); "
                         "more than 1 makes their seconds less comparable")
    ap.add_argument("--threads", type=int, help="neardupe --threads (default: neardupe's, all cores)")
    ap.add_argument("--bin", default=os.environ.get("NEARDUPE_BIN", os.path.join(ROOT, "target", "release", "neardupe")),
                    help="neardupe binary (default $NEARDUPE_BIN or target/release/neardupe)")
    ap.add_argument("--venv", default=os.environ.get("NEARDUPE_COMPARE_VENV", os.path.join(COMPARE_DIR, ".venv")),
                    help="virtualenv with datasketch, created if missing "
                         "(default $NEARDUPE_COMPARE_VENV or benches/compare/.venv)")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per run (default 1800)")
    ap.add_argument("--out", metavar="FILE", help="also write the Markdown report to FILE")
    ap.add_argument("--results", metavar="FILE", help="write one JSON line per run to FILE")
    ap.add_argument("--workdir", help="keep corpora and outputs here (default: a temporary directory, removed)")
    ap.add_argument("--quick", action="store_true",
                    help="smoke test: %d stories and thresholds %s unless given" % (QUICK_STORIES, QUICK_GRID))
    a = ap.parse_args(argv)
    if a.stories is None:
        a.stories = QUICK_STORIES if a.quick else 2000
    if a.jobs is None:
        a.jobs = min(2, os.cpu_count() or 1) if a.quick else 1
    if a.jobs < 1:
        ap.error("--jobs must be at least 1")
    if a.grid is None:
        a.grid = QUICK_GRID if a.quick else DEFAULT_GRID

    def floats(s, what):
        try:
            vals = [float(x) for x in s.split(",") if x.strip()]
        except ValueError:
            ap.error(f"{what}: not a comma-separated list of numbers: {s!r}")
        if not vals or not all(0.0 < v <= 1.0 for v in vals):
            ap.error(f"{what}: thresholds must lie in (0, 1]: {s!r}")
        return vals

    a.grid_values = floats(a.grid, "--grid")
    if a.jaccard_grid is None:
        a.jaccard_values = list(a.grid_values)
    elif a.jaccard_grid.strip().lower() == "none":
        a.jaccard_values = []
    else:
        a.jaccard_values = floats(a.jaccard_grid, "--jaccard-grid")
    a.corpus_list = [c.strip() for c in a.corpora.split(",") if c.strip()]
    bad = [c for c in a.corpus_list if c not in CORPORA]
    if bad or not a.corpus_list:
        ap.error("unknown corpus %s; choose from %s" % (", ".join(bad) or "(none)", ", ".join(CORPORA)))
    a.band_list = []
    for b in a.ds_bands.split(","):
        b = b.strip()
        if not b:
            continue
        if b != "auto" and not (b.isdigit() and int(b) > 0 and a.num_perm % int(b) == 0):
            ap.error(f"--ds-bands: {b!r} is neither 'auto' nor a band count dividing --num-perm {a.num_perm}")
        if b not in a.band_list:
            a.band_list.append(b)
    if not a.band_list:
        ap.error("--ds-bands is empty")
    if a.stories < 1:
        ap.error("--stories must be at least 1")
    return a


def log(msg):
    """Progress on stderr; stdout carries only the report."""
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- datasketch banding


def _simpson(f, lo, hi, n=1000):
    """Simpson's rule on [lo, hi] with n (even) intervals."""
    if hi <= lo:
        return 0.0
    h = (hi - lo) / n
    total = f(lo) + f(hi)
    for i in range(1, n):
        total += (4 if i % 2 else 2) * f(lo + i * h)
    return total * h / 3


def ds_auto_bands(threshold, num_perm):
    """datasketch's banding criterion (MinHashLSH._optimal_param with weights 0.5, 0.5: the
    false-positive area below the threshold plus the false-negative area above it), over the
    bandings b x (num_perm / b) with b dividing num_perm, which is what peer_runner.py accepts."""
    best = None
    for b in (d for d in range(1, num_perm + 1) if num_perm % d == 0):
        r = num_perm // b
        p = lambda s: 1.0 - (1.0 - s ** r) ** b  # noqa: E731 (b, r bound in this iteration)
        err = 0.5 * _simpson(p, 0.0, threshold) + 0.5 * _simpson(lambda s: 1.0 - p(s), threshold, 1.0)
        if best is None or err < best[0] - 1e-12:
            best = (err, b)
    return best[1]


# ---------------------------------------------------------------- truth and scoring


class Truth:
    """A synth truth file: clusters, originals, copies per tier, follow-up distractors."""

    def __init__(self, path):
        self.path = path
        self.docs = 0
        self.copies = {}       # tier -> [(copy id, original id)]
        self.follow_ups = []   # [(distractor id, original id of the story it follows)]
        self.kinds = {"original": 0, "copy": 0, "distractor": 0}
        originals, story_orig, rows = {}, {}, []
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                r = json.loads(line)
                rows.append(r)
                self.docs += 1
                self.kinds[r["kind"]] = self.kinds.get(r["kind"], 0) + 1
                if r["kind"] == "original":
                    originals[r["cluster"]] = r["id"]
                    m = re.match(r"s(\d+)-orig$", r["id"])
                    if m:
                        story_orig[int(m.group(1))] = r["id"]
        for r in rows:
            if r["kind"] == "copy":
                orig = originals.get(r["cluster"])
                if orig is None:
                    sys.exit(f"{path}: copy {r['id']} has no original in cluster {r['cluster']}")
                self.copies.setdefault(r["tier"], []).append((r["id"], orig))
            elif r["kind"] == "distractor" and r.get("tier") == "follow-up":
                m = re.match(r"d(\d+)$", r["id"])
                orig = story_orig.get(int(m.group(1))) if m else None
                if orig is not None:
                    self.follow_ups.append((r["id"], orig))


def read_pred(path):
    """id -> predicted cluster label (as a string) from `{"id", "cluster"}` JSONL."""
    pred = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                pred[str(r["id"])] = str(r["cluster"])
    return pred


def tier_scores(truth, pred):
    """Copy-to-original hits per tier, and follow-ups merged with their story: (hits, total)."""
    together = lambda a, b: a in pred and b in pred and pred[a] == pred[b]  # noqa: E731
    tiers = {t: (sum(together(c, o) for c, o in pairs), len(pairs)) for t, pairs in truth.copies.items()}
    fu = (sum(together(d, o) for d, o in truth.follow_ups), len(truth.follow_ups))
    return tiers, fu


# ---------------------------------------------------------------- runs


def run_cmd(compare, cmd, out, timeout, env=None):
    """Run one clustering command; returns (status, wall s, peak RSS MB)."""
    return compare.run_measured(cmd, timeout, out + ".stdout", env)


def neardupe_run(a, compare, corpus, out, extra):
    """`neardupe cluster -q -o out [--threads N] extra corpus`."""
    cmd = [a.bin, "cluster", "-q", "-o", out]
    if a.threads:
        cmd += ["--threads", str(a.threads)]
    cmd += extra + [corpus]
    return run_cmd(compare, cmd, out, a.timeout)


def datasketch_run(a, compare, python, corpus, out, threshold, bands):
    """peer_runner.py --peer datasketch, as compare.py runs it."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    cmd = [python, PEER_RUNNER, "--peer", "datasketch", "--corpus", corpus, "--out", out,
           "--num-perm", str(a.num_perm), "--ngram", str(a.ngram), "--threshold", str(threshold),
           "--bands", str(bands)]
    status, wall, rss = run_cmd(compare, cmd, out, a.timeout, env)
    runner = None
    if status == "ok":
        with open(out + ".stdout") as f:
            runner = json.loads(f.read().strip().splitlines()[-1])
    return status, wall, rss, runner


def score_run(a, truth, out):
    """neardupe eval JSON plus per-tier copy recall and follow-ups merged."""
    p = subprocess.run([a.bin, "eval", "--truth", truth.path, "--pred", out], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"neardupe eval failed on {out}:\n{p.stderr}")
    ev = json.loads(p.stdout)
    tiers, fu = tier_scores(truth, read_pred(out))
    return ev, tiers, fu


def slug(s):
    return "".join(c if c.isalnum() or c in ".-" else "_" for c in s).strip("_") or "default"


def run_corpus(a, compare, python, name, work, results):
    """Generate one corpus, run every method on it, return (truth, runs)."""
    tiers_arg = CORPORA[name][0]
    corpus = os.path.join(work, f"{name}.jsonl")
    truth_path = os.path.join(work, f"{name}.truth.jsonl")
    log(f"[{name}] neardupe synth --stories {a.stories} --seed {a.seed} --tiers {tiers_arg}")
    p = subprocess.run([a.bin, "synth", "--stories", str(a.stories), "--seed", str(a.seed), "--tiers", tiers_arg,
                        "-o", corpus, "--truth", truth_path], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"neardupe synth failed:\n{p.stderr}")
    truth = Truth(truth_path)
    outdir = os.path.join(work, name)
    os.makedirs(outdir, exist_ok=True)
    compare.warm(corpus)

    plan = [("neardupe", "default", "", shlex.split(""), None, None)]
    for v in a.neardupe_args:
        plan.append(("neardupe", "variant", v, shlex.split(v), None, None))
    base = shlex.split(a.jaccard_base_args)
    for t in a.jaccard_values:
        label = f"{a.jaccard_base_args} --threshold {t}".strip()
        plan.append(("neardupe-jaccard", "grid", label, base + ["--threshold", str(t)], t, None))
    if python:
        for t in a.grid_values:
            for b in a.band_list:
                bands = ds_auto_bands(t, a.num_perm) if b == "auto" else int(b)
                plan.append(("datasketch", "grid", f"threshold {t}, {bands}x{a.num_perm // bands}"
                             + (" (auto)" if b == "auto" else ""), None, t, bands))

    def execute(step):
        method, role, label, extra, t, bands = step
        out = os.path.join(outdir, f"{method}-{slug(label)}.jsonl")
        runner = None
        if method == "datasketch":
            status, wall, rss, runner = datasketch_run(a, compare, python, corpus, out, t, bands)
        else:
            status, wall, rss = neardupe_run(a, compare, corpus, out, extra)
        run = {"corpus": name, "method": method, "role": role, "label": label, "threshold": t,
               "bands": bands, "rows": a.num_perm // bands if bands else None, "status": status,
               "wall_s": wall, "rss_mb": rss}
        if status == "ok":
            ev, tiers, fu = score_run(a, truth, out)
            run.update(eval=ev, tiers=tiers, follow_ups=fu)
            if runner:
                run["runner"] = runner
            log(f"[{name}] {method} {label or '(defaults)'}: P {ev['precision']:.4f} R {ev['recall']:.4f} "
                f"F1 {ev['f1']:.4f} ARI {ev['ari']:.4f}, {wall:.2f} s")
        else:
            log(f"[{name}] {method} {label or '(defaults)'}: {status}")
        return run

    # neardupe uses every core, so its runs go one at a time; the single-threaded datasketch
    # runs go --jobs at a time.
    runs = [execute(step) for step in plan if step[0] != "datasketch"]
    ds_steps = [step for step in plan if step[0] == "datasketch"]
    if a.jobs > 1 and len(ds_steps) > 1:
        with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
            runs += list(pool.map(execute, ds_steps))
    else:
        runs += [execute(step) for step in ds_steps]
    if results is not None:
        for run in runs:
            results.write(json.dumps({"stories": a.stories, "seed": a.seed, **run}) + "\n")
        results.flush()
    return truth, runs


# ---------------------------------------------------------------- report


def ok(r):
    return r is not None and r["status"] == "ok"


def best_f1(runs):
    """The run with the highest F1 (then ARI, then lower threshold); None if none succeeded."""
    good = [r for r in runs if ok(r)]
    if not good:
        return None
    return max(good, key=lambda r: (r["eval"]["f1"], r["eval"]["ari"], -(r["threshold"] or 0)))


def ties(best, runs):
    """' (same F1 and ARI at T, T)' for the other runs of `runs` that score exactly like `best`."""
    if best is None:
        return ""
    same = sorted({r["threshold"] for r in runs if ok(r) and r is not best and r["threshold"] is not None
                   and r["eval"]["f1"] == best["eval"]["f1"] and r["eval"]["ari"] == best["eval"]["ari"]})
    return f" (same F1 and ARI at {', '.join(str(t) for t in same)})" if same else ""


def f4(x):
    return "-" if x is None else f"{x:.4f}"


def frac(hits_total):
    h, n = hits_total
    return None if n == 0 else h / n


def copy_recall_cell(r, tier):
    if not ok(r) or tier not in r["tiers"]:
        return "-"
    h, n = r["tiers"][tier]
    return f"{h / n:.4f}" if n else "-"


def overall_copy(r):
    """(hits, total) over all copies of the run's corpus."""
    h = sum(v[0] for v in r["tiers"].values())
    n = sum(v[1] for v in r["tiers"].values())
    return h, n


def worst_tier(r, tiers):
    """(tier, recall) of the lowest copy-to-original recall among `tiers`."""
    vals = [(t, frac(r["tiers"][t])) for t in tiers if t in r["tiers"] and r["tiers"][t][1]]
    return min(vals, key=lambda x: x[1]) if vals else (None, None)


def describe(r):
    """Row label."""
    if r["method"] == "neardupe":
        return "neardupe defaults" if r["role"] == "default" else f"neardupe `{r['label']}`"
    if r["method"] == "neardupe-jaccard":
        return f"neardupe Jaccard only `{r['label']}`"
    return f"datasketch threshold {r['threshold']} ({r['bands']}x{r['rows']})"


def corpus_table(a, name, truth, runs, lines):
    """(a) one table per corpus."""
    tiers = [t for t in CORPORA[name][1] if t in truth.copies]
    has_fu = bool(truth.follow_ups)
    k = truth.kinds
    tier_counts = ", ".join(f"{t} {len(truth.copies[t])}" for t in tiers)
    lines.append(f"### {name}\n")
    lines.append(f"`neardupe synth --stories {a.stories} --seed {a.seed} --tiers {CORPORA[name][0]}`: "
                 f"{truth.docs} documents ({k.get('original', 0)} originals, {k.get('copy', 0)} copies: "
                 f"{tier_counts}; {k.get('distractor', 0)} distractors"
                 + (f", {len(truth.follow_ups)} of them follow-ups" if has_fu else "") + ").\n")
    head = ["run", "P", "R", "F1", "ARI"] + [f"copy recall {t}" for t in tiers]
    if has_fu:
        head.append("follow-ups merged")
    head.append("s")
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))

    nd = [r for r in runs if r["method"] == "neardupe"]
    jg = [r for r in runs if r["method"] == "neardupe-jaccard"]
    ds = [r for r in runs if r["method"] == "datasketch"]
    rows = [(describe(r), r) for r in nd]
    if a.full_grid:
        rows += [(describe(r), r) for r in jg + ds]
    else:
        bj, bd = best_f1(jg), best_f1(ds)
        if bj:
            rows.append((f"neardupe Jaccard only, best F1 of grid: `{bj['label']}`{ties(bj, jg)}", bj))
        if bd:
            rows.append((f"datasketch, best F1 of grid: threshold {bd['threshold']} ({bd['bands']}x{bd['rows']})"
                         f"{ties(bd, ds)}", bd))
    for label, r in rows:
        if not ok(r):
            lines.append("| " + " | ".join([label, r["status"].upper()] + [""] * (len(head) - 2)) + " |")
            continue
        e = r["eval"]
        cells = [label, f4(e["precision"]), f4(e["recall"]), f4(e["f1"]), f4(e["ari"])]
        cells += [copy_recall_cell(r, t) for t in tiers]
        if has_fu:
            h, n = r["follow_ups"]
            cells.append(f"{h} of {n}")
        cells.append(f"{r['wall_s']:.2f}")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")


def summary_table(a, by_corpus, lines):
    """(b) neardupe defaults against datasketch tuned per corpus."""
    lines.append("## Summary: neardupe defaults against datasketch at its best threshold per corpus\n")
    lines.append("datasketch's threshold is the grid value with the best F1 on that corpus (tuned on the "
                 "truth, which a user cannot do; ties go to the lowest threshold). Copy recall is the copy-to-original recall of the "
                 "corpus's copy tier(s); for `all` it is over every copy, with the worst tier. "
                 f"Verdict: \"match or beat\" when neardupe's F1 and ARI are both at least datasketch's "
                 f"minus {TOL}.\n")
    head = ["corpus", "nd P", "nd R", "nd F1", "nd ARI", "nd copy recall",
            "ds threshold", "ds P", "ds R", "ds F1", "ds ARI", "ds copy recall", "verdict"]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))

    def copy_cell(r, name):
        if not ok(r):
            return "-"
        tiers = CORPORA[name][1]
        if len(tiers) == 1:
            return copy_recall_cell(r, tiers[0])
        t, v = worst_tier(r, tiers)
        return f"{frac(overall_copy(r)):.4f} (worst {t} {v:.4f})"

    for name, (truth, runs) in by_corpus.items():
        nd = next(r for r in runs if r["method"] == "neardupe" and r["role"] == "default")
        ds_runs = [r for r in runs if r["method"] == "datasketch"]
        ds = best_f1(ds_runs)
        cells = [name]
        if ok(nd):
            e = nd["eval"]
            cells += [f4(e["precision"]), f4(e["recall"]), f4(e["f1"]), f4(e["ari"]), copy_cell(nd, name)]
        else:
            cells += [nd["status"].upper(), "", "", "", ""]
        if ds:
            e = ds["eval"]
            cells += [f"{ds['threshold']} ({ds['bands']}x{ds['rows']}){ties(ds, ds_runs)}", f4(e["precision"]), f4(e["recall"]),
                      f4(e["f1"]), f4(e["ari"]), copy_cell(ds, name)]
        else:
            cells += ["-"] * 6
        if ok(nd) and ds:
            df1 = nd["eval"]["f1"] - ds["eval"]["f1"]
            dari = nd["eval"]["ari"] - ds["eval"]["ari"]
            if df1 >= -TOL and dari >= -TOL:
                verdict = "match or beat"
            else:
                verdict = f"behind (F1 {df1:+.4f}, ARI {dari:+.4f})"
        else:
            verdict = "-"
        cells.append(verdict)
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")


def heavy_truncation_table(by_corpus, lines):
    """(c) the best recall each method reaches at precision >= HT_P: pairwise recall on the
    heavy-truncation corpus, and heavy-truncation copy recall on the all corpus."""
    groups = [("neardupe (defaults and variants)", "neardupe"), ("neardupe Jaccard only (grid)", "neardupe-jaccard"),
              ("datasketch (grid)", "datasketch")]
    ht_recall = lambda r: frac(r["tiers"].get("heavy-truncation", (0, 0))) or 0.0  # noqa: E731
    sections = [
        ("heavy-truncation", "pairwise recall", lambda r: r["eval"]["recall"],
         f"Over each method's runs (neardupe: defaults and variants; the Jaccard-only grid; the datasketch "
         f"grid), the run with the highest pairwise recall among those with precision >= {HT_P}. "
         f"The question: does any Jaccard threshold reach recall >= {HT_R} at that precision?"),
        ("heavy-truncation+boilerplate", "pairwise recall", lambda r: r["eval"]["recall"],
         f"The same question when every outlet also stamps its boilerplate on all its documents."),
        ("all", "heavy-truncation copy recall", ht_recall,
         f"The same question where heavy truncations meet the other tiers, shared boilerplate and "
         f"follow-ups: the run with the highest heavy-truncation copy-to-original recall among those "
         f"with precision >= {HT_P} on the all corpus."),
    ]
    for name, what, key, intro in sections:
        if name not in by_corpus:
            continue
        truth, runs = by_corpus[name]
        lines.append(f"## {name}: best {what} at precision >= {HT_P}\n")
        lines.append(intro + "\n")
        head = ["method", "best run", "P", "R", "F1", "ARI", "copy recall heavy-truncation", f"{what} >= {HT_R}"]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))
        for label, method in groups:
            cand = [r for r in runs if r["method"] == method and ok(r)]
            if not cand:
                continue
            fit = [r for r in cand if r["eval"]["precision"] >= HT_P]
            if not fit:
                top = max(cand, key=lambda r: r["eval"]["precision"])
                lines.append(f"| {label} | none reaches P >= {HT_P} (highest P {top['eval']['precision']:.4f}: "
                             f"{describe(top)}) | | | | | | no |")
                continue
            r = max(fit, key=lambda r: (key(r), r["eval"]["precision"]))
            e = r["eval"]
            lines.append("| " + " | ".join([label, describe(r), f4(e["precision"]), f4(e["recall"]), f4(e["f1"]),
                                             f4(e["ari"]), copy_recall_cell(r, "heavy-truncation"),
                                             "yes" if key(r) >= HT_R else "no"]) + " |")
        lines.append("")


def must_show(by_corpus, lines):
    """The checks neardupe's defaults must pass on every corpus."""
    lines.append("## Must-show checks for neardupe's defaults\n")
    lines.append(f"On every corpus: ARI >= {MUST_ARI}, precision >= {MUST_P}, and every copy tier's "
                 f"copy-to-original recall >= {MUST_COPY}.\n")
    head = ["corpus", "ARI", f"ARI >= {MUST_ARI}", "P", f"P >= {MUST_P}",
            f"copy recall: tiers below {MUST_COPY} (else the worst)", f"copy recall >= {MUST_COPY}"]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    verdict = lambda b: "PASS" if b else "FAIL"  # noqa: E731
    fails = {"ari": [], "p": [], "copy": []}
    for name, (truth, runs) in by_corpus.items():
        nd = next(r for r in runs if r["method"] == "neardupe" and r["role"] == "default")
        if not ok(nd):
            lines.append(f"| {name} | {nd['status'].upper()} | FAIL | | FAIL | | FAIL |")
            for k in fails:
                fails[k].append(name)
            continue
        e = nd["eval"]
        t, v = worst_tier(nd, CORPORA[name][1])
        ari_ok, p_ok = e["ari"] >= MUST_ARI, e["precision"] >= MUST_P
        copy_ok = v is None or v >= MUST_COPY
        below = sorted(((frac(nd["tiers"][x]), x) for x in CORPORA[name][1]
                        if x in nd["tiers"] and nd["tiers"][x][1] and frac(nd["tiers"][x]) < MUST_COPY))
        tier_cell = ", ".join(f"{x} {y:.4f}" for y, x in below) if below else (
            "-" if t is None else f"{t} {v:.4f}")
        for k, good in (("ari", ari_ok), ("p", p_ok), ("copy", copy_ok)):
            if not good:
                fails[k].append(name)
        lines.append("| " + " | ".join([name, f4(e["ari"]), verdict(ari_ok), f4(e["precision"]), verdict(p_ok),
                                         tier_cell, verdict(copy_ok)]) + " |")
    lines.append("")
    for k, what in (("ari", f"ARI >= {MUST_ARI}"), ("p", f"precision >= {MUST_P}"),
                    ("copy", f"every tier's copy-to-original recall >= {MUST_COPY}")):
        lines.append(f"- {what}: **{verdict(not fails[k])}**"
                     + (f" (fails on {', '.join(fails[k])})" if fails[k] else ""))
    lines.append("")


def report(a, by_corpus, nd_version, ds_version, elapsed, compare):
    lines = ["# Syndication quality: neardupe against datasketch\n"]
    bands = ", ".join(f"{t}: {ds_auto_bands(t, a.num_perm)}x{a.num_perm // ds_auto_bands(t, a.num_perm)}"
                      for t in a.grid_values)
    lines.append(
        f"neardupe {nd_version} (`{a.bin}`"
        + (f", --threads {a.threads}" if a.threads else "") + f"); datasketch {ds_version or 'not run'} "
        f"(benches/compare/peer_runner.py: word {a.ngram}-grams of `[a-z0-9]+` tokens, {a.num_perm} "
        f"permutations, MinHashLSH, candidates kept when the estimated Jaccard >= threshold, union-find). "
        f"Corpora: `neardupe synth --stories {a.stories} --seed {a.seed}`. datasketch bands per threshold "
        f"({a.ds_bands}; 'auto' = datasketch's own criterion over bandings using all slots): {bands}. "
        f"Jaccard-only grid: `neardupe cluster {a.jaccard_base_args + ' ' if a.jaccard_base_args else ''}"
        f"--threshold T` for T in {', '.join(str(t) for t in a.jaccard_values) or '(none)'}. "
        f"P, R, F1, ARI: pairwise, from `neardupe eval`. s: wall seconds of the whole process "
        f"(datasketch includes the interpreter and JSON loading"
        + (f"; {a.jobs} datasketch runs at a time" if a.jobs > 1 else "") + f"). Machine: {compare.machine()}. "
        f"Date: {datetime.date.today()}. Total run time {elapsed:.0f} s.\n")
    summary_table(a, by_corpus, lines)
    must_show(by_corpus, lines)
    heavy_truncation_table(by_corpus, lines)
    lines.append("## Per corpus\n")
    lines.append("Copy recall: fraction of the tier's copies in the same predicted cluster as their "
                 "story's original. Follow-ups merged: follow-up distractors put in their story's cluster "
                 "(false merges)." + ("" if a.full_grid else " Grid rows: the best-F1 run only "
                                      "(--full-grid lists them all).") + "\n")
    for name, (truth, runs) in by_corpus.items():
        corpus_table(a, name, truth, runs, lines)
    return "\n".join(lines)


def main(argv=None):
    a = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.perf_counter()
    a.bin = os.path.abspath(a.bin)
    if not os.access(a.bin, os.X_OK):
        sys.exit(f"neardupe binary not found: {a.bin} (cargo build --release, or --bin / $NEARDUPE_BIN)")
    compare = load_compare()
    python = None if a.no_datasketch else compare.ensure_venv(a.venv, ["datasketch"])
    ds_version = None
    if python:
        ds_version = subprocess.run([python, "-c", "import importlib.metadata as m; print(m.version('datasketch'))"],
                                    capture_output=True, text=True).stdout.strip() or None
    nd_version = compare.check_output([a.bin, "--version"]).split()[-1]
    work = a.workdir or tempfile.mkdtemp(prefix="neardupe-syndication-")
    os.makedirs(work, exist_ok=True)
    results = open(a.results, "w", encoding="utf-8") if a.results else None
    try:
        by_corpus = {}
        for name in a.corpus_list:
            by_corpus[name] = run_corpus(a, compare, python, name, work, results)
        md = report(a, by_corpus, nd_version, ds_version, time.perf_counter() - started, compare)
        print(md)
        if a.out:
            with open(a.out, "w", encoding="utf-8") as f:
                f.write(md + "\n")
    finally:
        if results:
            results.close()
        if not a.workdir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
