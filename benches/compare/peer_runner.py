#!/usr/bin/env python3
"""Cluster a JSONL corpus with one peer MinHash+LSH library (run by compare.py).

Runs inside the comparison virtualenv, one process per run, so that the
driver can measure this process's wall time and peak RSS on its own.

Pipeline, the same for every peer:

* tokens: ``re.findall('[a-z0-9]+', text.lower())``; shingles: word n-grams
  joined by ``' '``. A document with fewer than n tokens is one shingle of all
  its tokens; a document without tokens has no shingles.
* LSH with ``bands`` bands of ``num_perm // bands`` rows for every peer.
* candidate pairs are kept when the library's estimated Jaccard is at least
  the threshold (gaoya does this inside ``query``).
* union-find over the kept pairs, then one ``{"id", "cluster"}`` line per doc.

Library paths (each one's fastest documented API):

* datasketch: ``MinHash.bulk`` + ``MinHashLSH(params=(bands, rows))`` filled in
  an ``insertion_session``, then ``query`` per document (single-threaded).
* rensa: ``RMinHash.from_token_sets`` + ``RMinHashLSH.insert_many`` +
  ``query_all``; verification with ``RMinHash.jaccard``.
* gaoya: ``MinHashStringIndex`` (tokenises in Rust) + ``par_bulk_insert_docs``
  + ``par_bulk_query``. rayon threads come from ``RAYON_NUM_THREADS``.

datasketch and rensa are shingled in chunks of 10k documents to bound memory.
Prints one JSON line: ``load_s`` (JSON read), ``pipeline_s`` (signatures to
cluster ids, excluding load and output), ``write_s``, ``total_s`` (whole run
inside the interpreter), ``peak_rss_mb`` (``ru_maxrss`` of this process) and
the library version.
"""
import argparse
import importlib.metadata
import json
import os
import re
import resource
import sys
import time

CHUNK_DOCS = 10_000
TOKEN = re.compile(r"[a-z0-9]+")


def shingle(text, n):
    """Return the word n-gram shingles of ``text`` as strings."""
    words = TOKEN.findall(text.lower())
    if len(words) < n:
        return [" ".join(words)] if words else []
    return [" ".join(words[k:k + n]) for k in range(len(words) - n + 1)]


def shingle_chunks(texts, n, as_bytes=False):
    """Yield lists of shingle lists, CHUNK_DOCS documents at a time."""
    for start in range(0, len(texts), CHUNK_DOCS):
        chunk = texts[start:start + CHUNK_DOCS]
        if as_bytes:
            yield [[s.encode("utf-8") for s in shingle(t, n)] for t in chunk]
        else:
            yield [shingle(t, n) for t in chunk]


def verified_pairs(candidates, sigs, threshold):
    """Keep (i, j), i < j, from per-document candidate lists if Jaccard >= threshold."""
    kept = []
    n_cand = 0
    for i, cands in enumerate(candidates):
        sig = sigs[i]
        for j in cands:
            if j > i:
                n_cand += 1
                if sig.jaccard(sigs[j]) >= threshold:
                    kept.append((i, j))
    return kept, n_cand


def run_datasketch(texts, cfg, phases):
    """datasketch: bulk MinHash, banded LSH index, per-document query."""
    from datasketch import MinHash, MinHashLSH

    t = time.perf_counter()
    sigs = []
    for chunk in shingle_chunks(texts, cfg.ngram, as_bytes=True):
        sigs.extend(MinHash.bulk(chunk, num_perm=cfg.num_perm, seed=1))
    phases["sign_s"] = time.perf_counter() - t

    t = time.perf_counter()
    lsh = MinHashLSH(threshold=cfg.threshold, num_perm=cfg.num_perm,
                     params=(cfg.bands, cfg.num_perm // cfg.bands))
    with lsh.insertion_session() as session:
        for key, sig in enumerate(sigs):
            session.insert(key, sig, check_duplication=False)
    candidates = (lsh.query(sig) for sig in sigs)
    pairs, n_cand = verified_pairs(candidates, sigs, cfg.threshold)
    phases["index_query_s"] = time.perf_counter() - t
    return pairs, n_cand


def run_rensa(texts, cfg, phases):
    """rensa: batch RMinHash from token sets, insert_many, query_all."""
    from rensa import RMinHash, RMinHashLSH

    t = time.perf_counter()
    sigs = []
    for chunk in shingle_chunks(texts, cfg.ngram):
        sigs.extend(RMinHash.from_token_sets(chunk, num_perm=cfg.num_perm, seed=1))
    phases["sign_s"] = time.perf_counter() - t

    t = time.perf_counter()
    lsh = RMinHashLSH(cfg.threshold, cfg.num_perm, cfg.bands)
    lsh.insert_many(sigs, start_key=0)
    pairs, n_cand = verified_pairs(lsh.query_all(sigs), sigs, cfg.threshold)
    phases["index_query_s"] = time.perf_counter() - t
    return pairs, n_cand


def run_gaoya(texts, cfg, phases):
    """gaoya: string index that tokenises, signs and verifies in Rust."""
    from gaoya.minhash import MinHashStringIndex

    index = MinHashStringIndex(
        hash_size=32, jaccard_threshold=cfg.threshold, num_bands=cfg.bands,
        band_size=cfg.num_perm // cfg.bands, analyzer="word", lowercase=True,
        ngram_range=(cfg.ngram, cfg.ngram), id_container="smallvec")
    t = time.perf_counter()
    index.par_bulk_insert_docs(list(range(len(texts))), texts)
    phases["sign_s"] = time.perf_counter() - t  # signing + index insertion

    t = time.perf_counter()
    pairs = [(i, j) for i, found in enumerate(index.par_bulk_query(texts))
             for j in found if j > i]
    phases["index_query_s"] = time.perf_counter() - t  # re-signs, probes, verifies
    return pairs, len(pairs)


PEERS = {"datasketch": run_datasketch, "rensa": run_rensa, "gaoya": run_gaoya}


def cluster_ids(n, pairs):
    """Union-find (path halving, union by size); returns each doc's root index."""
    parent = list(range(n))
    size = [1] * n

    def root(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra == rb:
            continue
        if size[ra] < size[rb]:
            ra, rb = rb, ra
        parent[rb] = ra
        size[ra] += size[rb]
    return [root(x) for x in range(n)]


def load_corpus(path):
    """Read ids and texts from a JSONL corpus; returns (ids, texts, text bytes)."""
    ids, texts, nbytes = [], [], 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            ids.append(rec["id"])
            texts.append(rec["text"])
            nbytes += len(rec["text"].encode("utf-8"))
    return ids, texts, nbytes


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--peer", required=True, choices=sorted(PEERS))
    ap.add_argument("--corpus", required=True, help="JSONL with id and text fields")
    ap.add_argument("--out", required=True, help="output JSONL of {id, cluster}")
    ap.add_argument("--num-perm", type=int, default=128, help="MinHash permutations")
    ap.add_argument("--ngram", type=int, default=5, help="word n-gram size")
    ap.add_argument("--threshold", type=float, default=0.8, help="Jaccard threshold")
    ap.add_argument("--bands", type=int, default=16, help="LSH bands (rows = num_perm / bands)")
    cfg = ap.parse_args()
    if cfg.num_perm % cfg.bands:
        sys.exit("peer_runner: --bands must divide --num-perm")

    t0 = time.perf_counter()
    ids, texts, nbytes = load_corpus(cfg.corpus)
    t1 = time.perf_counter()
    phases = {}
    pairs, n_cand = PEERS[cfg.peer](texts, cfg, phases)
    clusters = cluster_ids(len(texts), pairs)
    t2 = time.perf_counter()
    with open(cfg.out, "w", encoding="utf-8") as f:
        for doc_id, c in zip(ids, clusters):
            f.write(json.dumps({"id": doc_id, "cluster": c}) + "\n")
    t3 = time.perf_counter()

    print(json.dumps({
        "peer": cfg.peer,
        "version": importlib.metadata.version(cfg.peer),
        "rayon_threads": os.environ.get("RAYON_NUM_THREADS"),
        "docs": len(texts),
        "text_bytes": nbytes,
        "candidate_pairs": n_cand,
        "kept_pairs": len(pairs),
        "clusters": len(set(clusters)),
        "load_s": round(t1 - t0, 4),
        **{k: round(v, 4) for k, v in phases.items()},
        "pipeline_s": round(t2 - t1, 4),
        "write_s": round(t3 - t2, 4),
        "total_s": round(t3 - t0, 4),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }), flush=True)


if __name__ == "__main__":
    main()
