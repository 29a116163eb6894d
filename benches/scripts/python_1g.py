#!/usr/bin/env python3
"""neardupe from Python, the CLI, the peers' Python packages and Spark, on one corpus, in one run.

Times, on the same JSONL corpus (by default the peers' 1 GiB corpus), with peak RSS and pairwise
F1 against the generator's truth:

* `neardupe cluster` (the CLI, release build), at its defaults;
* `neardupe.Deduper().cluster(texts, ids=ids)` on columns loaded with `pyarrow.json` (load time
  reported apart), at the same defaults; its clusters must equal the CLI's;
* gaoya, rensa and datasketch through their own Python APIs, with the peers' harness
  (`run_peer.py`: 128 permutations, 16 bands, word 5-grams, Jaccard 0.8, 2 threads);
* `neardupe.spark.cluster` on `local[2]`, at the defaults (the linking on the driver) and with
  `link_budget_edges=0` (single linkage by large-star/small-star connected components, which is
  the CLI's `--guard none` partition). For each, the seconds and the shuffle bytes of each stage,
  read from Spark's monitoring API (each stage's jobs are labelled `neardupe: STAGE`), the edge
  counts and the connected-component rounds, and what those figures say a run over one billion
  documents would need.

neardupe runs `--repeat` times (the median is reported); the peers and Spark run once. Every
run is a child process, so its peak RSS is its own (the Spark figure is the Python driver's; the
JVM's is reported by Spark's executor metrics).

    cargo build --release
    python3 -m venv /tmp/nd && PATH=/tmp/nd/bin:$PATH /tmp/nd/bin/pip install -r python/requirements-test.txt
    PATH=/tmp/nd/bin:$PATH /tmp/nd/bin/pip install --no-build-isolation ./python
    python3 -m venv /tmp/peers && /tmp/peers/bin/pip install datasketch==2.0.0 rensa==0.5.0 gaoya==0.2.2 numpy
    /tmp/peers/bin/python ../shared/peers/gen_corpus.py --mode fast --target-bytes 1G --seed 11 \\
        --out /tmp/c1g.jsonl --truth /tmp/c1g.truth.jsonl
    /tmp/nd/bin/python benches/scripts/python_1g.py --corpus /tmp/c1g.jsonl --truth /tmp/c1g.truth.jsonl \\
        --peers ../shared/peers --peers-python /tmp/peers/bin/python

Measure on a quiet machine (`uptime`): the script prints the load average before it starts.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("NEARDUPE_BIN", os.path.join(ROOT, "target", "release", "neardupe"))
STAGES = ["input", "boilerplate", "sign_band_candidates", "verify", "link", "output"]


# ----------------------------------------------------------------------------------------------
# Children: each measured run is one process.


def child_python(args):
    import numpy as np
    import pyarrow as pa
    import pyarrow.json as pj

    import neardupe

    t = time.perf_counter()
    schema = pa.schema([("id", pa.string()), ("text", pa.string())])
    table = pj.read_json(args.corpus, parse_options=pj.ParseOptions(explicit_schema=schema))
    load = time.perf_counter() - t
    t = time.perf_counter()
    result = neardupe.Deduper().cluster(table["text"], ids=table["id"])
    secs = time.perf_counter() - t
    np.save(args.out + ".npy", np.asarray(result.cluster))
    write_pred(args.out, table["id"].to_pylist(), result.cluster.tolist())
    print(json.dumps({"load_s": load, "cluster_s": secs}))


def child_spark(args):
    import pyarrow as pa
    from pyspark.sql import SparkSession

    import neardupe.spark

    # The Python workers run this interpreter (with pyarrow and neardupe), not the first on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("neardupe-1g")
        .config("spark.driver.memory", args.spark_memory)
        .config("spark.sql.shuffle.partitions", str(args.shuffle_partitions))
        .config("spark.ui.enabled", "true")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    sc = spark.sparkContext
    df = spark.read.schema("id string, text string").json(args.corpus)
    options = {} if args.budget is None else {"link_budget_edges": args.budget}
    stats = {}
    t = time.perf_counter()
    out = neardupe.spark.cluster(df, stats=stats, **options)
    sc.setJobDescription("neardupe: output")
    table = out.toArrow()
    sc.setJobDescription(None)
    secs = time.perf_counter() - t
    stats["seconds"]["output"] = secs - sum(stats["seconds"].values())
    write_pred(args.out, table.column("id").to_pylist(), table.column("cluster").to_pylist())
    stats["wall_s"] = secs
    stats["stages"] = spark_stage_costs(sc)
    print(json.dumps(stats))
    spark.stop()


def spark_stage_costs(sc):
    """Shuffle bytes, task seconds and stage counts per `neardupe: STAGE` job label, from the
    monitoring API of this application's UI."""
    base = f"{sc.uiWebUrl}/api/v1/applications/{sc.applicationId}"

    def get(path):
        with urllib.request.urlopen(base + path, timeout=60) as r:
            return json.load(r)

    label_of_stage = {}
    for job in get("/jobs"):
        label = (job.get("description") or "").removeprefix("neardupe: ") or "(unlabelled)"
        for sid in job.get("stageIds", []):
            label_of_stage.setdefault(sid, label)
    costs = {}
    for st in get("/stages"):
        if st.get("status") != "COMPLETE":
            continue
        c = costs.setdefault(
            label_of_stage.get(st["stageId"], "(unlabelled)"),
            {"spark_stages": 0, "shuffle_write_bytes": 0, "shuffle_read_bytes": 0, "task_s": 0.0,
             "spill_disk_bytes": 0},
        )
        c["spark_stages"] += 1
        c["shuffle_write_bytes"] += st.get("shuffleWriteBytes", 0)
        c["shuffle_read_bytes"] += st.get("shuffleReadBytes", 0)
        c["task_s"] += st.get("executorRunTime", 0) / 1000
        c["spill_disk_bytes"] += st.get("diskBytesSpilled", 0)
    return costs


def write_pred(path, ids, clusters):
    with open(path, "w") as f:
        for i, c in zip(ids, clusters):
            f.write(json.dumps({"id": i, "cluster": int(c)}) + "\n")


# ----------------------------------------------------------------------------------------------
# The parent: runs the children, scores, prints.


def measured(cmd, timeout=None):
    """Runs `cmd`; returns (wall seconds, peak RSS bytes of the process, stdout)."""
    t = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, stdout=out, stderr=err)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)  # the child's own rusage
            if pid:
                break
            if deadline is not None and time.monotonic() > deadline:
                p.kill()
                os.wait4(p.pid, 0)
                return None, None, f"timed out after {timeout:.0f} s"
            time.sleep(0.05)
        p.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        wall = time.perf_counter() - t
        out.seek(0)
        err.seek(0)
        if p.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed:\n{err.read().decode(errors='replace')[-4000:]}")
        return wall, usage.ru_maxrss * 1024, out.read().decode()


def score(args, pred):
    p = subprocess.run(
        [args.peers_python, os.path.join(args.peers, "score.py"), "--truth", args.truth, "--pred", pred],
        capture_output=True, text=True, check=True,
    )
    return json.loads(p.stdout.strip().splitlines()[-1])


def last_json(stdout):
    return json.loads(stdout.strip().splitlines()[-1])


def clusters_of(path):
    with open(path) as f:
        return [json.loads(line)["cluster"] for line in f]


def mb(x):
    return "-" if x is None else f"{x / 1e6:,.0f}"


def gb(x):
    return f"{x / 1e9:,.1f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus")
    ap.add_argument("--truth")
    ap.add_argument("--peers", help="the peers' harness directory (run_peer.py, score.py)")
    ap.add_argument("--peers-python", help="a Python with datasketch, rensa and gaoya")
    ap.add_argument("--repeat", type=int, default=3, help="runs of the CLI and of Deduper.cluster")
    ap.add_argument("--skip", action="append", default=[], help="leave out: gaoya, rensa, datasketch, spark, spark-cc")
    ap.add_argument("--peer-timeout", type=float, default=3600)
    ap.add_argument("--spark-memory", default="8g", help="spark.driver.memory (local mode: the executors too)")
    ap.add_argument("--shuffle-partitions", type=int, default=16)
    ap.add_argument("--child", choices=["python", "spark"], help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--budget", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--save", help="also write the measurements to this JSON file")
    ap.add_argument("--render", help="print the tables of a --save'd file and exit")
    args = ap.parse_args()
    if args.render:
        with open(args.render) as f:
            return render(json.load(f))
    if args.child == "python":
        return child_python(args)
    if args.child == "spark":
        return child_spark(args)
    if not (args.corpus and args.truth and args.peers and args.peers_python):
        ap.error("--corpus, --truth, --peers and --peers-python are needed")

    work = tempfile.mkdtemp(prefix="nd-1g-")
    size = os.path.getsize(args.corpus)
    with open(args.corpus, "rb") as f:  # warm the page cache: every run reads it from memory
        while f.read(1 << 24):
            pass
    print(f"corpus {args.corpus}: {size / 2**30:.2f} GiB; load average {os.getloadavg()}; "
          f"{os.cpu_count()} cores", flush=True)
    rows = []

    def run_neardupe(cmd):
        walls, rss, extra = [], [], []
        for _ in range(args.repeat):
            w, r, out = measured(cmd)
            walls.append(w)
            rss.append(r)
            extra.append(out)
        return walls, rss, extra

    cli_pred = os.path.join(work, "cli.jsonl")
    walls, rss, _ = run_neardupe([BIN, "cluster", "-q", args.corpus, "-o", cli_pred])
    cli_s = statistics.median(walls)
    rows.append(("neardupe CLI (defaults)", cli_s, max(rss), score(args, cli_pred), "", walls))
    print(f"cli: {walls}", flush=True)

    py_pred = os.path.join(work, "py.jsonl")
    me = [sys.executable, os.path.abspath(__file__), "--corpus", args.corpus, "--truth", args.truth,
          "--peers", args.peers, "--peers-python", args.peers_python]
    walls, rss, outs = run_neardupe(me + ["--child", "python", "--out", py_pred])
    inner = [json.loads(o.strip().splitlines()[-1]) for o in outs]
    cluster_s = statistics.median(i["cluster_s"] for i in inner)
    load_s = statistics.median(i["load_s"] for i in inner)
    same = clusters_of(py_pred) == clusters_of(cli_pred)
    rows.append(("neardupe Python: Deduper().cluster", cluster_s, max(rss), score(args, py_pred),
                 f"pyarrow load {load_s:.2f} s; clusters {'equal to' if same else 'DIFFER from'} the CLI's; "
                 f"{cluster_s / cli_s:.2f}x the CLI", [i["cluster_s"] for i in inner]))
    print(f"python: {inner}", flush=True)

    for peer in ("gaoya", "rensa", "datasketch"):
        if peer in args.skip:
            continue
        pred = os.path.join(work, f"{peer}.jsonl")
        w, r, out = measured(
            [args.peers_python, os.path.join(args.peers, "run_peer.py"), "--peer", peer, "--corpus", args.corpus,
             "--out", pred, "--threads", "2", "--threshold", "0.8", "--bands", "16", "--num-perm", "128",
             "--ngram", "5"],
            timeout=args.peer_timeout,
        )
        if w is None:
            rows.append((f"{peer} (Python API)", None, None, None, out, []))
            continue
        rows.append((f"{peer} (Python API, Jaccard 0.8, 16x8)", w, r, score(args, pred),
                     f"{w / cli_s:.1f}x the CLI's time", [w]))
        print(f"{peer}: {w:.1f} s", flush=True)

    spark_runs = []
    for label, budget in (("spark", None), ("spark-cc", 0)):
        if label in args.skip:
            continue
        pred = os.path.join(work, f"{label}.jsonl")
        cmd = me + ["--child", "spark", "--out", pred, "--spark-memory", args.spark_memory,
                    "--shuffle-partitions", str(args.shuffle_partitions)]
        if budget is not None:
            cmd += ["--budget", str(budget)]
        w, r, out = measured(cmd)
        stats = last_json(out)
        spark_runs.append((label, stats))
        if budget is None:
            same = clusters_of(pred) == clusters_of(cli_pred)
            note = f"clusters {'equal to' if same else 'DIFFER from'} the CLI's; {stats['wall_s'] / cli_s:.1f}x the CLI"
            name = "neardupe.spark.cluster, local[2] (defaults)"
        else:
            note = "single linkage by connected components (the CLI's --guard none partition)"
            name = "neardupe.spark.cluster, local[2], link_budget_edges=0"
        rows.append((name, stats["wall_s"], r, score(args, pred), note, [stats["wall_s"]]))
        print(f"{label}: {stats['wall_s']:.1f} s", flush=True)

    measured_runs = {"corpus": os.path.basename(args.corpus), "bytes": size, "rows": rows, "spark": spark_runs}
    if args.save:
        with open(args.save, "w") as f:
            json.dump(measured_runs, f)
    shutil_rm(work)
    render(measured_runs)


def render(m):
    """Prints the tables of one measured run (also from a `--save`d file, with `--render`)."""
    rows, spark_runs = m["rows"], m["spark"]
    print()
    print(f"### {m['corpus']}: {m['bytes'] / 2**30:.2f} GiB, 2 threads each\n")
    print("| run | seconds (median) | peak RSS MB | precision | recall | F1 | notes |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, secs, rss, sc, note, all_s in rows:
        if secs is None:
            print(f"| {name} | - | - | - | - | - | {note} |")
            continue
        runs = "" if len(all_s) < 2 else " (" + ", ".join(f"{s:.2f}" for s in all_s) + ")"
        print(f"| {name} | {secs:.2f}{runs} | {mb(rss)} | {sc['precision']:.4f} | {sc['recall']:.4f} | "
              f"{sc['f1']:.4f} | {note} |")
    for label, stats in spark_runs:
        report_spark(label, stats)
    report_billion(spark_runs)


def report_spark(label, st):
    n = st["documents"]
    print(f"\n### Spark per stage ({label}): {n:,} documents; {st['candidates']:,} candidate edges, "
          f"{st['verified_edges']:,} verified edges; linked on {st['linked_on']}; "
          f"{st['linked_documents']:,} documents collected for the linking; "
          f"{st['cc_rounds']} connected-component rounds\n")
    print("| stage | driver seconds | task seconds | Spark stages | shuffle write | shuffle write / doc | "
          "shuffle read | spill to disk |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    costs = st["stages"]
    total_w = total_task = 0
    for stage in STAGES + sorted(set(costs) - set(STAGES)):
        c = costs.get(stage, {})
        secs = st["seconds"].get(stage)
        if not c and secs is None:
            continue
        w = c.get("shuffle_write_bytes", 0)
        total_w += w
        total_task += c.get("task_s", 0)
        print(f"| {stage} | {'-' if secs is None else f'{secs:.1f}'} | {c.get('task_s', 0):.1f} | "
              f"{c.get('spark_stages', 0)} | {mb(w)} MB | {w / max(n, 1):,.0f} B | "
              f"{mb(c.get('shuffle_read_bytes', 0))} MB | {mb(c.get('spill_disk_bytes', 0))} MB |")
    print(f"| total | {st['wall_s']:.1f} | {total_task:.1f} | | {mb(total_w)} MB | {total_w / max(n, 1):,.0f} B | | |")


def per_doc(st, stage, key):
    return st["stages"].get(stage, {}).get(key, 0) / max(st["documents"], 1)


def report_billion(spark_runs):
    """What a run over one billion documents would need, scaled linearly from the per-document
    figures of the Spark runs (the driver-linked one and, if run, the connected-components one)."""
    runs = dict(spark_runs)
    st = runs.get("spark")
    if st is None:
        return
    cc = runs.get("spark-cc")
    n = max(st["documents"], 1)
    scale = 1e9 / n
    k = 128  # the default num_perm: 4-byte slots
    common = ["input", "boilerplate", "sign_band_candidates", "verify"]
    shuffle_common = sum(per_doc(st, s, "shuffle_write_bytes") for s in common)
    edges = st["verified_edges"] * scale
    linked = st["linked_documents"] * scale
    # The driver's linking holds each verified edge's two document numbers (2 x 8 bytes) and, for
    # each document in an edge, its signature (4 bytes x num_perm), set size and length.
    driver = edges * 16 + linked * (4 * k + 4 + 8)
    task_common = sum(per_doc(st, s, "task_s") for s in common)
    print(f"\n### One billion documents, scaled from the {n:,}-document run (x{scale:,.0f})\n")
    print("Linear in documents; candidates per document may grow with the corpus (the verify shuffle "
          "is about 2 x 530 B per candidate edge), so the candidate-driven figures are a lower bound.\n")
    print(f"- signatures persisted on the executors (memory and disk): {gb(1e9 * (4 * k + 4 + 8))} GB "
          f"({4 * k + 12} B per document)")
    print(f"- shuffle before the linking: {gb(shuffle_common * 1e9)} GB ({shuffle_common:,.0f} B per document: "
          + ", ".join(f"{s} {per_doc(st, s, 'shuffle_write_bytes'):,.0f} B" for s in common if s != "boilerplate")
          + ")")
    print(f"- candidate edges {st['candidates'] * scale / 1e9:,.2f} G, verified edges {edges / 1e9:,.2f} G, "
          f"documents in a verified edge {linked / 1e9:,.2f} G")
    print(f"- linking on the driver (the chaining guard): about {gb(driver)} GB of driver memory for those edges "
          f"and signatures, {'within' if edges <= 50e6 else f'{edges / 50e6:,.0f}x'} the default "
          f"`link_budget_edges` of 50 M")
    if cc is not None:
        rounds = cc["cc_rounds"]
        link_shuffle = per_doc(cc, "link", "shuffle_write_bytes") + per_doc(cc, "output", "shuffle_write_bytes")
        print(f"- past the budget, on the cluster (single linkage): {rounds} large-star/small-star rounds here "
              f"(rounds grow with the components' diameters, O(log^2 n) at worst; syndicated copies form small "
              f"components), "
              f"{link_shuffle:,.0f} B of shuffle per document for the linking and numbering, "
              f"{gb(link_shuffle * 1e9)} GB at 1 G")
        task_link = per_doc(cc, "link", "task_s") + per_doc(cc, "output", "task_s")
    else:
        task_link = per_doc(st, "link", "task_s") + per_doc(st, "output", "task_s")
    hours = (task_common + task_link) * 1e9 / 3600
    print(f"- task time: {hours:,.0f} core-hours ({(task_common + task_link) * 1e3:,.2f} ms per document): "
          f"about {hours / 4:,.0f} executors of 4 cores for a one-hour run, each with its share of the "
          f"signatures ({gb(1e9 * (4 * k + 12) / max(hours / 4, 1))} GB) and of the shuffle")


def shutil_rm(path):
    import shutil

    shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__":
    main()
