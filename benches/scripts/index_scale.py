#!/usr/bin/env python3
"""Scale figures of the persistent index (`neardupe index`): build, open, add, query and size.

For each corpus size (default 100k and 1M documents) the script

  (a) generates a news corpus with near-duplicates, each document cut to at most
      --max-doc-bytes at a paragraph break (default 2000: documents of about 1-2 KB), plus
      batches of new documents to add (half near-copies of stored documents with a dateline,
      a rewritten paragraph and a source line; half new stories). Files already in --work are
      reused, so a second run skips generation (and the build, see --rebuild);
  (b) builds the index with `neardupe index build` (corpus warm in the page cache): wall time,
      documents/s and peak RSS;
  (c) times Index::open with `target/release/examples/index_open`: cold (the first open after
      `sync; echo 3 > /proc/sys/vm/drop_caches`, or after evicting the index's files with
      posix_fadvise(DONTNEED) where that is not permitted; the table says which) and warm (the
      median of --open-runs opens);
  (d) adds each --add-batches batch to a copy of the index (data files hard-linked: index files
      are immutable, a change writes new files and renames a new MANIFEST into place), with the
      index's files read into the page cache first (warm), --add-repeats times, plus one add of
      the smallest batch after dropping the page cache (cold);
  (e) queries the smallest batch against the index with `neardupe index query` cold (page cache
      dropped; also how much of the index that read) and the largest batch warm (all threads);
  (f) reads `neardupe index stats` (bytes on disk, bytes per document, segments, clusters)

and prints Markdown tables with the figures and the exact commands that produced them.

    cargo build --release --bin neardupe --example index_open
    python3 benches/scripts/index_scale.py                      # 100k and 1M documents
    python3 benches/scripts/index_scale.py --sizes 20000 --add-batches 1000 --open-runs 20

Generators: `--generator synth` (default) runs `neardupe synth` (syndicated news: originals,
copies and same-topic distractors, about 3.3 documents a story); `--generator peers` runs
`gen_corpus.py --mode fast` of the peer harness (--peers-gen, with the Python of --peers-python).
Python 3 standard library only. Dropping the page cache needs root; it affects the whole machine.
"""
import argparse
import ctypes
import datetime
import json
import math
import mmap
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COMMANDS = []  # every command that produced a figure, in order


def log(msg):
    print(f"[index_scale] {msg}", file=sys.stderr, flush=True)


def run(cmd):
    """Runs `cmd`: (wall seconds, peak RSS MB of the child, stdout, stderr). Exits on failure.
    The command is listed once in the report."""
    line = shlex.join(cmd)
    if line not in COMMANDS:
        COMMANDS.append(line)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if p.returncode != 0:
        sys.exit(f"{line} failed ({p.returncode}): {stderr}")
    return wall, usage.ru_maxrss / 1024.0, stdout, stderr


def read_through(paths):
    """Reads `paths` once, so that they are in the page cache."""
    for path in paths:
        with open(path, "rb") as f:
            while f.read(16 << 20):
                pass


def index_files(index):
    return [os.path.join(index, n) for n in sorted(os.listdir(index)) if os.path.isfile(os.path.join(index, n))]


def drop_cache(files):
    """Makes `files` cold: drops the page cache if permitted, else evicts `files` with
    posix_fadvise(DONTNEED). Returns the method used."""
    os.sync()
    try:
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return "drop_caches"
    except OSError:
        for path in files:
            fd = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)
        return "fadvise"


def resident_bytes(paths):
    """Bytes of `paths` in the page cache (mincore), or None where that cannot be asked."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.mmap.restype = ctypes.c_void_p
        libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                              ctypes.c_long]
        libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]
        libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    except (OSError, AttributeError):
        return None
    total = 0
    for path in paths:
        size = os.path.getsize(path)
        if size == 0:
            continue
        fd = os.open(path, os.O_RDONLY)
        try:
            addr = libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
            if addr is None or addr == ctypes.c_void_p(-1).value:
                return None
            pages = (size + mmap.PAGESIZE - 1) // mmap.PAGESIZE
            vec = (ctypes.c_ubyte * pages)()
            rc = libc.mincore(addr, size, vec)
            libc.munmap(addr, size)
            if rc != 0:
                return None
            total += sum(b & 1 for b in bytes(vec)) * mmap.PAGESIZE
        finally:
            os.close(fd)
    return total


def trim(text, limit):
    """`text` cut to at most `limit` UTF-8 bytes at the last paragraph break (or space) before."""
    if limit <= 0 or len(text.encode()) <= limit:
        return text
    head = text.encode()[:limit].decode("utf-8", "ignore")
    cut = head.rfind("\n\n")
    if cut < len(head) // 2:
        cut = head.rfind(" ")
    return head[:cut] if cut > 0 else head


def generate_raw(args, docs, seed, path):
    """Writes at least `docs` generated documents (JSONL with id and text) to `path`."""
    tmp = path + ".truth.tmp"
    if args.generator == "synth":
        stories = math.ceil(docs / 3.2) + 100
        while True:
            run([args.neardupe, "synth", "--stories", str(stories), "--seed", str(seed), "-o", path,
                 "--truth", tmp])
            with open(path, "rb") as f:
                n = sum(1 for _ in f)
            if n >= docs:
                break
            stories = math.ceil(stories * docs / max(n, 1) * 1.05)
    else:
        run([args.peers_python, args.peers_gen, "--mode", "fast", "--docs", str(docs), "--seed", str(seed),
             "--out", path, "--truth", tmp])
    os.remove(tmp)
    for extra in [path + ".meta.json", os.path.splitext(path)[0] + ".meta.json"]:
        if os.path.exists(extra):
            os.remove(extra)


def remember(path, start):
    """Saves the commands run since COMMANDS[start] next to the file they made, for later runs."""
    with open(path + ".commands", "w") as f:
        f.write("".join(c + "\n" for c in COMMANDS[start:]))


def recall(path):
    """Lists the commands that made `path` (saved by `remember`) as if they had run now."""
    try:
        with open(path + ".commands") as f:
            for line in f.read().splitlines():
                if line not in COMMANDS:
                    COMMANDS.append(line)
    except OSError:
        pass


def make_corpus(args, n, path):
    """Writes the corpus of `n` documents (trimmed) to `path`, unless it exists."""
    if os.path.exists(path):
        log(f"reusing {path}")
        recall(path)
        return
    start = len(COMMANDS)
    raw = path + ".raw"
    log(f"generating {n} documents ({args.generator}) into {path}")
    generate_raw(args, n, args.seed, raw)
    with open(raw, encoding="utf-8") as src, open(path + ".tmp", "w", encoding="utf-8") as out:
        for i, line in enumerate(src):
            if i == n:
                break
            d = json.loads(line)
            rec = {"id": d["id"], "text": trim(d["text"], args.max_doc_bytes)}
            if "date" in d:
                rec["date"] = d["date"]
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    os.remove(raw)
    os.replace(path + ".tmp", path)
    remember(path, start)


def near_copy(text, other, i):
    """`text` republished: a dateline, the middle paragraph replaced by `other`, a source line."""
    paras = text.split("\n\n")
    if len(paras) >= 3:
        paras[len(paras) // 2] = other
    first = 1 if len(paras) >= 2 else 0
    paras[first] = "LONDON (Wire) \u2014 " + paras[first]
    paras.append(f"(News Source: Wire {i})")
    return "\n\n".join(paras)


def make_batches(args, n, corpus, sizes):
    """Batch files of new documents for each size in `sizes`; returns {size: path}."""
    paths = {b: os.path.join(args.work, f"new-{n}-{b}.jsonl") for b in sizes}
    if all(os.path.exists(p) for p in paths.values()):
        for p in paths.values():
            recall(p)
        return paths
    start = len(COMMANDS)
    half = max(sizes) - max(sizes) // 2
    fresh_raw = os.path.join(args.work, f"fresh-{args.generator}-{args.seed}.raw.jsonl")
    generate_raw(args, half, args.seed + 7919, fresh_raw)
    fresh = []
    with open(fresh_raw, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            fresh.append({"id": "new-" + d["id"], "text": trim(d["text"], args.max_doc_bytes)})
            if len(fresh) == half:
                break
    os.remove(fresh_raw)
    # Near-copies of stored documents spread over the corpus.
    stride = max(1, n // half)
    copies = []
    with open(corpus, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i % stride == 0 and len(copies) < half:
                d = json.loads(line)
                k = len(copies)
                other = fresh[(k * 7 + 3) % len(fresh)]["text"].split("\n\n")[-1]
                copies.append({"id": f"copy-{k}-of-{d['id']}", "text": near_copy(d["text"], other, k)})
    for b, path in paths.items():
        docs = []
        for k in range(b):
            docs.append(copies[k // 2] if k % 2 == 0 else fresh[k // 2])
        with open(path + ".tmp", "w", encoding="utf-8") as out:
            for d in docs:
                out.write(json.dumps(d, ensure_ascii=False) + "\n")
        os.replace(path + ".tmp", path)
        remember(path, start)
    return paths


def copy_index(src, dst):
    """A writable copy of index `src` at `dst`: MANIFEST copied, data files hard-linked (copied
    where linking fails), LOCK left out."""
    shutil.rmtree(dst, ignore_errors=True)
    os.makedirs(dst)
    for name in os.listdir(src):
        s, d = os.path.join(src, name), os.path.join(dst, name)
        if name == "LOCK" or not os.path.isfile(s):
            continue
        if name == "MANIFEST":
            shutil.copy2(s, d)
            continue
        try:
            os.link(s, d)
        except OSError:
            shutil.copy2(s, d)


def threads(args):
    return ["--threads", str(args.threads)] if args.threads else []


def stats_of(args, index):
    _, _, out, _ = run([args.neardupe, "index", "stats", index])
    return json.loads(out)


def measure(args, n):
    r = {"documents": n}
    corpus = os.path.join(args.work, f"corpus-{n}.jsonl")
    index = os.path.join(args.work, f"index-{n}")
    make_corpus(args, n, corpus)
    r["corpus_bytes"] = os.path.getsize(corpus)
    batches = make_batches(args, n, corpus, args.add_batches)

    # (b) build
    build_json = index + ".build.json"
    if args.rebuild or not os.path.exists(os.path.join(index, "MANIFEST")) or not os.path.exists(build_json):
        shutil.rmtree(index, ignore_errors=True)
        read_through([corpus])
        log(f"building {index}")
        wall, rss, _, _ = run([args.neardupe, "index", "build", corpus, "-o", index, "-q"] + threads(args))
        with open(build_json, "w") as f:
            json.dump({"seconds": wall, "peak_rss_mb": rss, "command": COMMANDS[-1]}, f)
    else:
        log(f"reusing {index} (build figures from {build_json}; --rebuild to rebuild)")
    with open(build_json) as f:
        build = json.load(f)
    r["build_s"], r["build_rss_mb"] = build["seconds"], build["peak_rss_mb"]
    if build["command"] not in COMMANDS:
        COMMANDS.append(build["command"])

    # (f) stats
    s = stats_of(args, index)
    r["bytes"], r["bytes_per_doc"] = s["stats"]["bytes"], s["bytes_per_document"]
    r["segments"], r["clusters"] = s["stats"]["segments"], s["stats"]["clusters"]
    r["duplicates"], r["edges"] = s["stats"]["duplicates"], s["stats"]["edges"]

    # (c) open, cold then warm
    opener = [args.open_example, index, str(args.open_runs)]
    colds, warms, reads = [], [], []
    for _ in range(args.cold_runs):
        r["cold_method"] = drop_cache(index_files(index))
        _, _, out, _ = run(opener)
        o = json.loads(out)
        colds.append(o["first_ms"])
        warms.append(o["median_ms"])
        reads.append(resident_bytes(index_files(index)))
    # What the cold opens brought into the page cache: what opening reads.
    r["open_cold_read_mb"] = None if None in reads else statistics.median(reads) / 1e6
    _, _, out, _ = run(opener)
    warms.append(json.loads(out)["median_ms"])
    r["open_cold_ms"], r["open_cold_all"] = statistics.median(colds), colds
    r["open_warm_ms"] = statistics.median(warms)

    # (d) add, warm (index files read first), then one cold add of the smallest batch
    copy = os.path.join(args.work, f"add-copy-{n}")
    for b in args.add_batches:
        walls, rsss, segs = [], [], []
        for k in range(args.add_repeats):
            copy_index(index, copy)
            read_through(index_files(copy) + [batches[b]])
            wall, rss, _, _ = add(args, copy, batches[b])
            walls.append(wall)
            rsss.append(rss)
            segs.append(stats_of(args, copy)["stats"]["segments"])
        r[f"add_{b}_s"] = statistics.median(walls)
        r[f"add_{b}_all"] = walls
        r[f"add_{b}_rss_mb"] = max(rsss)
        r[f"add_{b}_segments"] = segs[-1]
    b = min(args.add_batches)
    copy_index(index, copy)
    read_through([batches[b]])
    r["add_cold_method"] = drop_cache(index_files(copy))
    wall, _, _, _ = add(args, copy, batches[b])
    r[f"add_{b}_cold_s"] = wall
    shutil.rmtree(copy, ignore_errors=True)

    # (e) query the smallest batch cold (page cache dropped), then the largest warm
    small = min(args.add_batches)
    read_through([batches[small]])
    r["query_cold_method"] = drop_cache(index_files(index))
    _, _, _, err = run([args.neardupe, "index", "query", index, batches[small], "-o", "-"] + threads(args))
    r["query_cold_docs"], r["query_cold_s"], _ = query_summary(err)
    r["query_cold_read_mb"] = (resident_bytes(index_files(index)) or 0) / 1e6
    big = max(args.add_batches)
    read_through(index_files(index) + [batches[big]])
    _, _, _, err = run([args.neardupe, "index", "query", index, batches[big], "-o", "-"] + threads(args))
    r["query_docs"], r["query_s"], r["query_dups"] = query_summary(err)
    return r


def query_summary(err):
    """(documents, seconds, documents with a duplicate) from `neardupe index query`'s summary."""
    m = re.search(r"(\d+) documents queried against \d+ in ([0-9.]+) s; (\d+) have", err)
    if not m:
        sys.exit(f"cannot read the query summary: {err}")
    return int(m[1]), float(m[2]), int(m[3])


def add(args, copy, batch):
    return run([args.neardupe, "index", "add", copy, batch, "-o", "-", "-q"] + threads(args))


def fmt_int(x):
    return f"{x:,.0f}"


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def report(args, results):
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    first = results[0]
    small, big = min(args.add_batches), max(args.add_batches)
    lines = [f"Run {now}, commit {commit or '?'}, {os.cpu_count()} CPUs ({platform.machine()}), generator "
             f"`{args.generator}` seed {args.seed}, documents cut to <= {args.max_doc_bytes} bytes, neardupe threads "
             f"{args.threads or 'all'}.", ""]

    lines += table(
        ["documents", "corpus MB (mean doc bytes)", "build s", "build docs/s", "build peak RSS MB", "index MB",
         "bytes/doc", "segments", "clusters (duplicates)"],
        [[fmt_int(r["documents"]), f"{r['corpus_bytes'] / 1e6:,.0f} ({r['corpus_bytes'] / r['documents']:,.0f})",
          f"{r['build_s']:.1f}", fmt_int(r["documents"] / r["build_s"]), fmt_int(r["build_rss_mb"]),
          f"{r['bytes'] / 1e6:,.1f}", fmt_int(r["bytes_per_doc"]), str(r["segments"]),
          f"{fmt_int(r['clusters'])} ({fmt_int(r['duplicates'])})"] for r in results])
    lines += ["", "Build: wall time of `neardupe index build` (one batch, corpus in the page cache), process "
              "start to exit; bytes from `neardupe index stats`.", ""]

    lines += table(
        ["documents", "open cold ms", "MB read by a cold open", "open warm ms",
         f"query {fmt_int(small)} cold s (MB read)", f"query {fmt_int(big)} warm s (docs/s)"],
        [[fmt_int(r["documents"]), f"{r['open_cold_ms']:.1f}",
          "?" if r["open_cold_read_mb"] is None else f"{r['open_cold_read_mb']:.1f}", f"{r['open_warm_ms']:.3f}",
          f"{r['query_cold_s']:.2f} ({r['query_cold_read_mb']:,.0f})",
          f"{r['query_s']:.2f} ({fmt_int(r['query_docs'] / r['query_s'])})"] for r in results])
    lines += ["", f"Open: `Index::open` timed inside `index_open`. Cold = the first open after "
              f"`{first['cold_method']}` (median of {args.cold_runs}; each: "
              + "; ".join(f"{fmt_int(r['documents'])}: {fmt_list(r['open_cold_all'])} ms" for r in results)
              + f"); MB read = the index's bytes in the page cache afterwards (mincore); warm = median of "
              f"{args.open_runs} opens. Query: the time `neardupe index query` reports (after opening, all "
              f"threads, one process); cold after `{first['query_cold_method']}`; "
              + "; ".join(f"{fmt_int(r['documents'])}: {fmt_int(r['query_dups'])} of {fmt_int(r['query_docs'])}"
                          for r in results)
              + " queried documents had a duplicate in the index.", ""]

    header = ["documents"]
    for b in args.add_batches:
        header += [f"add {fmt_int(b)} s (docs/s)", f"add {fmt_int(b)} peak RSS MB"]
    header.append(f"add {fmt_int(small)} cold s (docs/s)")
    rows = []
    for r in results:
        row = [fmt_int(r["documents"])]
        for b in args.add_batches:
            row += [f"{r[f'add_{b}_s']:.2f} ({fmt_int(b / r[f'add_{b}_s'])})", fmt_int(r[f"add_{b}_rss_mb"])]
        row.append(f"{r[f'add_{small}_cold_s']:.2f} ({fmt_int(small / r[f'add_{small}_cold_s'])})")
        rows.append(row)
    lines += table(header, rows)
    each = "; ".join(
        f"{fmt_int(r['documents'])}: "
        + ", ".join(f"{fmt_int(b)}: {fmt_list(r[f'add_{b}_all'])} s, {r[f'add_{b}_segments']} segments after"
                    for b in args.add_batches)
        for r in results)
    lines += ["", f"Add: wall time of `neardupe index add` (process start to exit: open, sign, look up, verify, "
              f"re-link, write, sync, merge) into a copy of the index (data files hard-linked), with the index "
              f"files and the batch read into the page cache first; median of {args.add_repeats} ({each}). Cold: "
              f"one add after `{first['add_cold_method']}`. Each batch is half near-copies of stored documents "
              f"(dateline, one paragraph rewritten, source line) and half new stories.", ""]

    lines += ["Commands:", "", "```", *COMMANDS, "```"]
    return "\n".join(lines)


def fmt_list(xs):
    return "/".join(f"{x:.2f}" for x in xs)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", default="/tmp/neardupe-index-scale", help="directory for corpora and indexes")
    p.add_argument("--sizes", default="100000,1000000", help="corpus sizes in documents, comma-separated")
    p.add_argument("--neardupe", default=os.path.join(ROOT, "target/release/neardupe"), help="release binary")
    p.add_argument("--open-example", default=os.path.join(ROOT, "target/release/examples/index_open"),
                   help="the index_open example binary (cargo build --release --example index_open)")
    p.add_argument("--generator", choices=["synth", "peers"], default="synth")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--max-doc-bytes", type=int, default=2000, help="cut documents to this size (0: keep)")
    p.add_argument("--peers-gen", default="/work/shared/peers/gen_corpus.py")
    p.add_argument("--peers-python", default=os.path.expanduser("~/.venv-peers/bin/python"))
    p.add_argument("--threads", type=int, default=0, help="--threads for neardupe (0: its default, all)")
    p.add_argument("--open-runs", type=int, default=200, help="warm opens per measurement")
    p.add_argument("--cold-runs", type=int, default=3, help="cold opens (each after dropping the cache)")
    p.add_argument("--add-batches", default="1000,10000", help="batch sizes to add, comma-separated")
    p.add_argument("--add-repeats", type=int, default=3)
    p.add_argument("--rebuild", action="store_true", help="rebuild indexes that exist in --work")
    p.add_argument("--markdown", help="also write the report to this file")
    args = p.parse_args()
    args.add_batches = sorted(int(x) for x in args.add_batches.split(","))
    sizes = [int(x) for x in args.sizes.split(",")]
    for binary in [args.neardupe, args.open_example]:
        if not os.access(binary, os.X_OK):
            sys.exit(f"{binary} not found: cargo build --release --bin neardupe --example index_open")
    os.makedirs(args.work, exist_ok=True)
    results = []
    for n in sizes:
        results.append(measure(args, n))
        log(json.dumps(results[-1]))
    text = report(args, results)
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
