"""The pipeline's stages one by one, batch-shaped, for distributed engines (Spark, Ray).

Each function takes Arrow or numpy columns, returns numpy arrays, validates its ``**options``
exactly as ``Deduper(**options)`` does (resolve them once with :func:`neardupe.resolve_options`
and hand the same dict to every stage), and wraps one library function. Chained as
``neardupe::Deduper::run`` chains them, they give the clusters of ``neardupe cluster``
(:func:`cluster_by_stages` is that chain on one machine, and the tests check it):

1. Boilerplate (when ``boilerplate`` is on): :func:`boilerplate_positions` ``(n)`` names the
   records to sample; :func:`learn_boilerplate` of their texts, in that order, returns the filter
   as bytes (``Deduper::learn_boilerplate``). Broadcast it.
2. :func:`sign` ``(texts, filter)`` -> signatures ``(n, k) uint32`` and set sizes ``(n,) uint32``
   (``Sketcher::try_sketch_into``). Documents are numbered ``0..n`` in input order: the number
   decides bucket order and cluster numbering, so keep the input order's numbers.
3. :func:`band_keys` ``(signatures)`` -> ``(n, bands) uint64`` (``LshParams::band_key``).
4. Buckets: group the documents **with a non-empty set** (``set_sizes > 0``) by ``(band, key)``;
   each bucket's members, sorted by document number, give edges by the bucket rule
   (:func:`bucket_edges`, ``lsh::push_member_edges``): each of the first ``PAIRWISE_BUCKET`` (24)
   members pairs with every member before it, each later one with the first member and the one
   just before it. The candidates are the distinct edges over all buckets and bands
   (:func:`candidate_edges` does all of this on one machine: ``lsh::par_band_edges``).
5. :func:`decide` ``(sig_a, sig_b, size_a, size_b)`` per candidate -> ``DECISION_PASS``,
   ``DECISION_BORDERLINE`` or ``DECISION_FAIL`` (``Criterion::decide`` with the hybrid margin of
   3 standard errors; see its docstring for the other ``verify`` modes).
6. :func:`exact_similarity` ``(text_a, text_b, filter)`` for the borderline pairs -> exact
   similarity and pass flags (``Criterion::exact`` of the shingle sets).
7. :func:`verified_edges` ``(n, pass edges, borderline edges, borderline passes)``: the edge set a
   run keeps (``verify::verify_candidates``' chunked bookkeeping, which leaves out a borderline
   pair that the edges kept before its chunk already connect).
8. :func:`link` ``(n, edges, signatures, set_sizes, days, lengths)`` -> cluster ids and
   representative flags (``link::link``: the chaining guard and the time window).
"""

from __future__ import annotations

from typing import Any, Optional, Tuple

import numpy as np

from ._native import (
    DECISION_BORDERLINE,
    DECISION_FAIL,
    DECISION_PASS,
    EXACT_CHUNK,
    PAIRWISE_BUCKET,
    band_keys,
    boilerplate_positions,
    bucket_edges,
    candidate_edges,
    decide,
    exact_similarity,
    learn_boilerplate,
    link,
    sign,
    verified_edges,
)
from ._native import resolve_options

__all__ = [
    "DECISION_BORDERLINE",
    "DECISION_FAIL",
    "DECISION_PASS",
    "EXACT_CHUNK",
    "PAIRWISE_BUCKET",
    "band_keys",
    "boilerplate_positions",
    "bucket_edges",
    "candidate_edges",
    "candidates_by_buckets",
    "cluster_by_stages",
    "decide",
    "exact_similarity",
    "learn_boilerplate",
    "link",
    "resolve_options",
    "sign",
    "verified_edges",
]


def _take(texts: Any, positions: np.ndarray) -> Any:
    """The texts at ``positions``: ``take`` on Arrow arrays (no Python strings), indexing on
    lists."""
    if hasattr(texts, "take") and not isinstance(texts, (list, tuple)):
        return texts.take(positions)
    return [texts[int(i)] for i in positions]


def candidates_by_buckets(keys: np.ndarray, set_sizes: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """The candidate edges from band keys, the way a shuffle finds them: documents with a
    non-empty set grouped by ``(band, key)``, :func:`bucket_edges` on each bucket of two or
    more, the distinct edges sorted. Equals :func:`candidate_edges`."""
    n, bands = keys.shape
    docs = np.flatnonzero(np.asarray(set_sizes) > 0).astype(np.int64)
    parts_a, parts_b = [], []
    for band in range(bands):
        k = keys[docs, band]
        order = np.lexsort((docs, k))
        k_sorted, d_sorted = k[order], docs[order]
        starts = np.flatnonzero(np.r_[True, k_sorted[1:] != k_sorted[:-1]])
        ends = np.r_[starts[1:], len(k_sorted)]
        for s, e in zip(starts, ends):
            if e - s > 1:
                a, b = bucket_edges(d_sorted[s:e])
                parts_a.append(a)
                parts_b.append(b)
    if not parts_a:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    pairs = np.unique(np.stack([np.concatenate(parts_a), np.concatenate(parts_b)], axis=1), axis=0)
    return pairs[:, 0].copy(), pairs[:, 1].copy()


def cluster_by_stages(
    texts: Any, dates: Optional[Any] = None, **options: Any
) -> Tuple[np.ndarray, np.ndarray]:
    """Clusters ``texts`` by chaining the stages as ``Deduper::run`` does: the cluster ids and
    representative flags of :meth:`neardupe.Deduper.cluster` on the same texts and options. The
    reference for a distributed implementation (each step below is what a Spark or Ray stage
    does on its partition or on the driver)."""
    from . import _column

    texts = _column(texts, "texts")
    dates = _column(dates, "dates")
    opts = resolve_options(**options)
    if opts["window"] is not None and dates is None:
        raise ValueError("a time window needs dated documents: pass dates")
    n = len(texts)
    filt = None
    if opts["boilerplate"] == "on":
        positions = boilerplate_positions(n, **opts)
        filt = learn_boilerplate(_take(texts, positions), **opts)
    sigs, sizes = sign(texts, filter=filt, **opts)
    keys = band_keys(sigs, **opts)
    a, b = candidates_by_buckets(keys, sizes)
    codes = decide(sigs[a], sigs[b], sizes[a], sizes[b], **opts)
    passed = codes == DECISION_PASS
    border = codes == DECISION_BORDERLINE
    if border.any():
        _, exact_pass = exact_similarity(
            _take(texts, a[border]), _take(texts, b[border]), filter=filt, **opts
        )
    else:
        exact_pass = np.zeros(0, dtype=bool)
    ea, eb = verified_edges(n, a[passed], b[passed], a[border], b[border], exact_pass)
    if hasattr(texts, "to_pylist") or not isinstance(texts, (list, tuple)):
        import pyarrow.compute as pc

        lengths = np.asarray(pc.binary_length(texts), dtype=np.uint64)
    else:
        lengths = np.fromiter((len(t.encode("utf-8")) for t in texts), dtype=np.uint64, count=n)
    return link(n, ea, eb, sigs, sizes, days=dates, lengths=lengths, **opts)


