"""What `neardupe.spark` and `neardupe.ray` share: option handling, Arrow/numpy conversions of
signatures, and the driver's side of the linking stage (the Rust `link` on the documents that
appear in verified edges, renumbered in input order, then mapped back to every document).

Nothing here imports pyspark or ray.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pyarrow as pa

from . import _native

#: Verified edges the driver links itself (with the chaining guard and window) before it falls
#: back to single linkage by connected components on the cluster. 50 M edges hold about 2 GB of
#: driver memory (edges, and the signatures of up to 100 M documents at `num_perm` 128 would be
#: more: see the README).
DEFAULT_LINK_BUDGET_EDGES = 50_000_000

#: The keywords the engines take besides `Deduper`'s options.
ENGINE_OPTIONS = ("link_budget_edges",)


class StageClock:
    """Driver-side seconds per stage of a distributed run. `label`, when given (Spark's
    `SparkContext.setJobDescription`), is called with `"neardupe: STAGE"` when a stage starts,
    so that the jobs of each stage carry its name in the engine's UI and monitoring API (where
    `benches/scripts/python_1g.py` reads the shuffle bytes of each stage), and with `None` at
    the end."""

    def __init__(self, label: Callable[[str | None], None] | None = None):
        self.seconds: dict[str, float] = {}
        self._label = label
        self._stage: str | None = None
        self._start = 0.0

    def start(self, stage: str) -> None:
        """Ends the current stage (if any) and starts `stage`."""
        self.stop()
        self._stage, self._start = stage, time.perf_counter()
        if self._label is not None:
            self._label(f"neardupe: {stage}")

    def stop(self) -> None:
        """Ends the current stage and clears the label."""
        if self._stage is not None:
            spent = time.perf_counter() - self._start
            self.seconds[self._stage] = self.seconds.get(self._stage, 0.0) + spent
            self._stage = None
            if self._label is not None:
                self._label(None)

    def report(self, stats: dict | None, **measured: Any) -> None:
        """Ends the current stage; fills `stats` (when a dict is given) with `measured` and the
        seconds per stage."""
        self.stop()
        if stats is not None:
            stats.update(measured)
            stats["seconds"] = dict(self.seconds)


def resolve(options: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Validates `options` on the driver exactly as `Deduper(**options)` does (`ValueError` with
    the library's message for a bad value, `TypeError` for an unknown keyword) and returns every
    option resolved, plus the link budget."""
    options = dict(options)
    budget = options.pop("link_budget_edges", DEFAULT_LINK_BUDGET_EDGES)
    if isinstance(budget, bool) or not isinstance(budget, (int, np.integer)) or budget < 0:
        raise ValueError(f"option link_budget_edges: expected an int >= 0, got {budget!r}")
    resolved = dict(_native.resolve_options(**options))
    return resolved, int(budget)


def stage_options(resolved: dict[str, Any]) -> dict[str, Any]:
    """The options to hand to a stage function: every resolved option (so that every stage on
    every worker runs with the driver's values)."""
    return dict(resolved)


def boilerplate_on(resolved: dict[str, Any]) -> bool:
    return bool(resolved.get("boilerplate", True)) and resolved.get("boilerplate") not in ("off", False)


def signatures_to_arrow(signatures: np.ndarray) -> pa.Array:
    """An `(n, k)` uint32 matrix as a binary array of `4 k` bytes per row (no copy per row)."""
    n, k = signatures.shape
    data = np.ascontiguousarray(signatures, dtype="<u4")
    offsets = (np.arange(n + 1, dtype=np.int32) * (4 * k)).astype(np.int32)
    return pa.Array.from_buffers(pa.binary(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def signatures_from_arrow(column: pa.Array | pa.ChunkedArray, k: int) -> np.ndarray:
    """The inverse of `signatures_to_arrow`, for a binary or large-binary column."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    n = len(column)
    if n == 0:
        return np.zeros((0, k), dtype=np.uint32)
    if column.null_count:
        raise ValueError("signatures: null values")
    large = pa.types.is_large_binary(column.type)
    bufs = column.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int64 if large else np.int32)[column.offset : column.offset + n + 1]
    if not np.all(np.diff(offsets) == 4 * k):
        raise ValueError(f"signatures: expected {4 * k} bytes per signature")
    data = np.frombuffer(bufs[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    return data.view("<u4").reshape(n, k).astype(np.uint32, copy=False)


def numpy_of(column: pa.Array | pa.ChunkedArray, dtype) -> np.ndarray:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    return np.asarray(column.to_numpy(zero_copy_only=False), dtype=dtype)


def bucket_edges_of(members: pa.ListArray | pa.LargeListArray) -> tuple[np.ndarray, np.ndarray]:
    """The candidate edges of a column of buckets (each a list of document numbers) by the
    library's bucket rule (`_native.bucket_edges` per bucket)."""
    values = np.asarray(members.flatten().to_numpy(zero_copy_only=False), dtype=np.int64)
    offsets = np.asarray(members.offsets.to_numpy(zero_copy_only=False), dtype=np.int64)
    offsets = offsets - offsets[0]
    out_a, out_b = [], []
    for i in range(len(members)):
        lo, hi = offsets[i], offsets[i + 1]
        if hi - lo < 2:
            continue
        a, b = _native.bucket_edges(values[lo:hi])
        out_a.append(a)
        out_b.append(b)
    if not out_a:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(out_a), np.concatenate(out_b)


@dataclass
class Assignment:
    """Every document's cluster and representative flag, held as the few arrays the driver's
    link produced: `docs` (sorted document numbers that are in some verified edge), their
    global `cluster` and `representative`, and `nonstarts`, the sorted documents that are not
    the first of their cluster (every other document starts a cluster of its own)."""

    docs: np.ndarray
    cluster: np.ndarray
    representative: np.ndarray
    nonstarts: np.ndarray

    def of(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cluster numbers (int64) and representative flags of documents `idx`."""
        idx = np.asarray(idx, dtype=np.int64)
        cluster = idx - np.searchsorted(self.nonstarts, idx)
        rep = np.ones(len(idx), dtype=bool)
        if len(self.docs):
            pos = np.searchsorted(self.docs, idx)
            pos_c = np.minimum(pos, len(self.docs) - 1)
            hit = self.docs[pos_c] == idx
            cluster[hit] = self.cluster[pos_c[hit]]
            rep[hit] = self.representative[pos_c[hit]]
        return cluster, rep


def number_global(docs: np.ndarray, clusters_c: np.ndarray, reps_c: np.ndarray) -> Assignment:
    """Global numbering from a link over the documents `docs` (sorted global numbers) whose
    local clusters are `clusters_c` (numbered by first member, as the library numbers them):
    a cluster's number is its first member's position among the documents that start a
    cluster, in input order; documents outside `docs` are singletons."""
    docs = np.asarray(docs, dtype=np.int64)
    clusters_c = np.asarray(clusters_c, dtype=np.int64)
    if len(docs) == 0:
        empty = np.zeros(0, np.int64)
        return Assignment(empty, empty, np.zeros(0, bool), empty)
    _, first_pos = np.unique(clusters_c, return_index=True)  # by local cluster id, ascending
    first_global = docs[first_pos]  # first member of local cluster c
    is_start = np.zeros(len(docs), dtype=bool)
    is_start[first_pos] = True
    nonstarts = docs[~is_start]
    f = first_global[clusters_c]
    cluster = f - np.searchsorted(nonstarts, f)
    return Assignment(docs, cluster, np.asarray(reps_c, dtype=bool), nonstarts)


def link_on_driver(
    n: int,
    pass_a: np.ndarray,
    pass_b: np.ndarray,
    border_a: np.ndarray,
    border_b: np.ndarray,
    border_passes: np.ndarray,
    docs: np.ndarray,
    signatures: np.ndarray,
    set_sizes: np.ndarray,
    lengths: np.ndarray | None,
    days: Any,
    resolved: dict[str, Any],
) -> tuple[Assignment, int]:
    """The library's verification bookkeeping and linking (`_native.verified_edges`, then
    `_native.link`) over the documents `docs` (sorted global numbers of every document in a
    pass or borderline edge, with their signatures, set sizes, lengths and days in that
    order). Renumbering them 0..m in input order keeps every order the library looks at (edges
    sorted by pair, cores tied to the lower number, clusters numbered by first member), so the
    clusters are those of a run over all `n` documents. Returns the assignment and the number
    of verified edges."""
    docs = np.asarray(docs, dtype=np.int64)
    m = len(docs)

    def local(x):
        return np.searchsorted(docs, np.asarray(x, dtype=np.int64)).astype(np.int64)

    ea, eb = _native.verified_edges(
        m,
        local(pass_a),
        local(pass_b),
        local(border_a),
        local(border_b),
        np.asarray(border_passes, dtype=bool),
    )
    opts = stage_options(resolved)
    kwargs: dict[str, Any] = {}
    if lengths is not None:
        kwargs["lengths"] = np.asarray(lengths, dtype=np.uint64)
    if days is not None:
        kwargs["days"] = days
    clusters_c, reps_c = _native.link(
        m,
        ea,
        eb,
        np.ascontiguousarray(signatures, dtype=np.uint32),
        np.ascontiguousarray(set_sizes, dtype=np.uint32),
        **kwargs,
        **opts,
    )
    return number_global(docs, clusters_c, reps_c), len(ea)
