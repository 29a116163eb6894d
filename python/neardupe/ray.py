"""neardupe on Ray Data: the clusters of `neardupe cluster` for a `ray.data.Dataset`.

    import ray
    from neardupe import ray as nd_ray
    ray.init()
    out = nd_ray.cluster(ray.data.read_json("corpus.jsonl"), threshold=0.8, similarity="jaccard")
    # out: a materialized Dataset (id, cluster, representative) in input order

The same stages as `neardupe.spark` (see its module docs for the plan), on Ray:

0. Options resolved once on the driver (`_native.resolve_options`), column names and types
   checked against the Dataset's schema, before anything runs.
1. Input order: the Dataset's blocks are taken in order (`preserve_order`), and one task per
   block counts its rows, null texts, text bytes (and missing dates); the driver turns the counts
   into offsets and a task per block adds the row number `idx` (0..n in input order). A null
   text, an over-long text or a repeated id (a group-by on the id) fails here, before signing.
2. Boilerplate: the texts at `boilerplate_positions(n)` are taken from their blocks, the filter
   is learnt on the driver and put in the object store once.
3. Map: `map_batches` runs `_native.sign` and `_native.band_keys` on Arrow batches.
4. Shuffle: `groupby` on a hash of `(band, key)` into a few partitions (every bucket whole in
   one), then `map_groups` sorts each partition by band, key and document and runs the bucket
   rule (`_native.bucket_edges`) on each bucket of two or more; the distinct edges (a `groupby`
   on the pair) are the candidates.
5. Verify: the candidates are joined (`Dataset.join`) with both ends' signatures and decided
   (`_native.decide`); borderline pairs join both texts for `_native.exact_similarity`.
   The verdicts stay on the cluster; only their counts come to the driver.
6. Link, one of two ways, as in `neardupe.spark`:
   * on the driver with the library's `link` (chaining guard, drift bound, window) when the
     edges that can be verified are at most `link_budget_edges` (default 50,000,000): the edges
     and the signatures of the documents in them are fetched, renumbered in input order and
     linked; each block then numbers its documents from two sorted arrays;
   * past the budget, on the cluster: plain single linkage by alternating large-star and
     small-star rounds (`groupby`, `join`, `map_batches`), each round materialized, until a
     round changes nothing. A bitmap of one byte per document on the driver marks the documents
     that start no cluster; each input block numbers its own documents from it, and members take
     their component's number by a join. This gives up the chaining guard (the clusters of
     `guard="none"`) and refuses a time window, as Spark's does.
7. Output: in input order (one block per input block when linked on the driver; sorted by row
   number past the budget).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import _native
from ._distributed import (
    Assignment,
    StageClock,
    boilerplate_on,
    link_on_driver,
    numpy_of,
    resolve,
    signatures_from_arrow,
    signatures_to_arrow,
    stage_options,
)

__all__ = ["cluster"]


def _ray():
    try:
        import ray
        import ray.data
    except ImportError as e:  # pragma: no cover
        raise ImportError("neardupe.ray needs ray[data] and polars: pip install 'neardupe[ray]'") from e
    return ray


def _is_string(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t) or (
        hasattr(pa.types, "is_string_view") and pa.types.is_string_view(t)
    )


def _check_columns(schema, text_col, id_col, date_col):
    names = list(schema.names)
    types = dict(zip(schema.names, schema.types))
    for what, col in (("text_col", text_col), ("id_col", id_col)) + ((("date_col", date_col),) if date_col else ()):
        if not isinstance(col, str):
            raise TypeError(f"{what}: expected a column name (str), got {type(col).__name__}")
        if col not in names:
            raise ValueError(f"{what}: the Dataset has no column {col!r} (it has {names})")
    t = types[text_col]
    if not isinstance(t, pa.DataType) or not _is_string(t):
        raise TypeError(f"text column {text_col!r} has type {t}, expected string")


def _concat(tables: list[pa.Table]) -> pa.Table:
    tables = [t for t in tables if t.num_rows]
    if not tables:
        return None
    return pa.concat_tables(tables, promote_options="permissive")


def cluster(
    ds,
    text_col: str = "text",
    id_col: str = "id",
    *,
    date_col: str | None = None,
    stats: dict | None = None,
    num_partitions: int | None = None,
    **options: Any,
):
    """Clusters the documents of the Ray Dataset `ds` as `neardupe cluster` does; returns a
    materialized Dataset `(id, cluster, representative)` in input order (the id column keeps its
    name). `options` are `neardupe.Deduper`'s, plus `link_budget_edges`; `num_partitions` sets
    the shuffle's partitions (default: twice the cluster's CPUs); `stats`, a dict, receives the
    run's measurements."""
    ray = _ray()
    from ray.data import DataContext

    resolved, budget = resolve(options)
    _check_columns(ds.schema(), text_col, id_col, date_col)
    windowed = resolved.get("window") is not None
    if windowed and date_col is None:
        raise ValueError("option window: a time window needs dated documents: pass date_col")
    longest = resolved.get("representative") == "longest"
    opts = stage_options(resolved)
    k = int(resolved["num_perm"])
    if num_partitions is None:
        num_partitions = max(2, 2 * int(ray.cluster_resources().get("CPU", 1)))
    clock = StageClock()
    clock.start("input")

    # 1. Blocks in input order, a row number per document.
    cols = [id_col, text_col] + ([date_col] if date_col else [])
    ctx = DataContext.get_current()
    old_order = ctx.execution_options.preserve_order
    ctx.execution_options.preserve_order = True
    try:
        blocks = ds.select_columns(cols).to_arrow_refs()
    finally:
        ctx.execution_options.preserve_order = old_order

    @ray.remote
    def block_stats(t: pa.Table):
        text = t.column(text_col)
        nulls = np.flatnonzero(numpy_of(text.is_null(), bool))
        lens = pc.binary_length(text)
        mx = pc.max(lens).as_py() if t.num_rows else 0
        nd = -1
        if date_col is not None:
            d = np.flatnonzero(numpy_of(t.column(date_col).is_null(), bool))
            nd = int(d[0]) if len(d) else -1
        return t.num_rows, (int(nulls[0]) if len(nulls) else -1), mx or 0, nd

    counts = ray.get([block_stats.remote(b) for b in blocks])
    offsets, n = [], 0
    for rows, *_ in counts:
        offsets.append(n)
        n += rows
    for off, (_, null, _, _) in zip(offsets, counts):
        if null >= 0:
            raise ValueError(f"text column {text_col!r}: the text of row {off + null} (0-based, input order) is null")
    if windowed:
        for off, (_, _, _, nd) in zip(offsets, counts):
            if nd >= 0:
                raise ValueError(f"date column {date_col!r}: row {off + nd} has no date, and the time window needs one")
    max_bytes = max((c[2] for c in counts), default=0)
    if max_bytes > int(resolved["max_record_bytes"]):
        raise ValueError(
            f"text column {text_col!r}: a text of {max_bytes} bytes is longer than max_record_bytes "
            f"({resolved['max_record_bytes']})"
        )

    @ray.remote
    def add_index(t: pa.Table, off: int):
        out = pa.table({"idx": pa.array(np.arange(off, off + t.num_rows, dtype=np.int64)), "_id": t.column(id_col),
                        "_text": t.column(text_col)})
        if date_col is not None:
            out = out.append_column("_date", pc.cast(t.column(date_col), pa.string()))
        return out

    iblocks = [add_index.remote(b, off) for b, off in zip(blocks, offsets)]
    ray.wait(iblocks, num_returns=len(iblocks))
    del blocks
    indexed = ray.data.from_arrow_refs(iblocks)

    if resolved.get("duplicate_ids") in (None, "refuse"):
        from ray.data.aggregate import Count, Max, Min

        dups = (
            indexed.select_columns(["_id", "idx"])
            .groupby("_id", num_partitions=num_partitions)
            .aggregate(Count(), Min("idx"), Max("idx"))
        )
        dups = dups.map_batches(lambda t: t.filter(pc.greater(t["count()"], 1)), batch_format="pyarrow").take_all()
        if dups:
            d = min(dups, key=lambda r: r["max(idx)"])
            raise ValueError(
                f"id column {id_col!r}: record {d['max(idx)'] + 1}: duplicate id {d['_id']!r}: also the id of "
                f"record {d['min(idx)'] + 1}; ids name documents in results (give every document its own id, "
                f"or set duplicate_ids to number them apart)"
            )
    elif n:
        raise ValueError(
            f"option duplicate_ids: {resolved.get('duplicate_ids')!r} is not supported by neardupe.ray; "
            "give every document its own id"
        )
    # 2. Boilerplate.
    clock.start("boilerplate")
    filt = None
    if boilerplate_on(resolved) and n:
        positions = np.asarray(_native.boilerplate_positions(n, **opts), dtype=np.int64)

        @ray.remote
        def take_sample(t: pa.Table, positions: np.ndarray):
            idx = numpy_of(t.column("idx"), np.int64)
            keep = np.flatnonzero(np.isin(idx, positions))
            return t.select(["idx", "_text"]).take(pa.array(keep))

        pos_ref = ray.put(positions)
        sample = _concat(ray.get([take_sample.remote(b, pos_ref) for b in iblocks])).sort_by("idx")
        filt = bytes(_native.learn_boilerplate(sample.column("_text"), **opts))

    # 3. Map: sign, band keys.
    clock.start("sign_band_candidates")

    def sign_batch(b: pa.Table, filt, opts):
        from neardupe import _native as nat

        texts = b.column("_text")
        sigs, sizes = nat.sign(texts, filter=filt, **opts)
        return pa.table(
            {
                "idx": b.column("idx"),
                "sig": signatures_to_arrow(sigs),
                "size": pa.array(np.asarray(sizes).astype(np.int32)),
                "len": pc.binary_length(texts).cast(pa.int64()),
            }
        )

    sigs = (
        indexed.select_columns(["idx", "_text"])
        .map_batches(sign_batch, batch_format="pyarrow", fn_kwargs={"filt": filt, "opts": opts}, zero_copy_batch=True)
        .materialize()
    )

    def key_batch(b: pa.Table, opts, k):
        from neardupe import _native as nat

        sizes = numpy_of(b.column("size"), np.int64)
        keep = np.flatnonzero(sizes > 0)
        b = b.take(pa.array(keep))
        s = signatures_from_arrow(b.column("sig"), k)
        keys = np.asarray(nat.band_keys(s, **opts))
        rows, bands = keys.shape
        return pa.table(
            {
                "band": pa.array(np.tile(np.arange(bands, dtype=np.int32), rows)),
                "key": pa.array(keys.reshape(-1).view(np.int64)),
                "idx": pa.array(np.repeat(numpy_of(b.column("idx"), np.int64), bands)),
            }
        )

    bands = sigs.select_columns(["idx", "sig", "size"]).map_batches(
        key_batch, batch_format="pyarrow", fn_kwargs={"opts": opts, "k": k}
    )

    # 4. Shuffle: the (band, key) rows are grouped by a hash of (band, key) into `parts` groups,
    # so that every bucket is whole in one group; each group's buckets (runs of equal band and
    # key after a sort by band, key, document) get the bucket rule. One Python call per group and
    # per bucket of two or more, none per single-member bucket.
    parts = max(num_partitions, -(-n * 64 // 4_000_000))

    def add_part(b: pa.Table, parts):
        key = numpy_of(b.column("key"), np.int64).view(np.uint64)
        band = numpy_of(b.column("band"), np.int64).astype(np.uint64)
        mixed = (key ^ (band * np.uint64(0x9E3779B97F4A7C15))) * np.uint64(0xBF58476D1CE4E5B9)
        return b.append_column("part", pa.array((mixed >> np.uint64(33)) % np.uint64(parts), pa.int64()))

    def buckets_of(g: pa.Table):
        band = numpy_of(g.column("band"), np.int64)
        key = numpy_of(g.column("key"), np.int64)
        idx = numpy_of(g.column("idx"), np.int64)
        order = np.lexsort((idx, key, band))
        band, key, idx = band[order], key[order], idx[order]
        new = np.r_[True, (band[1:] != band[:-1]) | (key[1:] != key[:-1])]
        starts = np.flatnonzero(new)
        ends = np.r_[starts[1:], len(idx)]
        out_a, out_b = [], []
        for s_, e_ in zip(starts[ends - starts > 1], ends[ends - starts > 1]):
            a, b = _native.bucket_edges(idx[s_:e_])
            out_a.append(a)
            out_b.append(b)
        if not out_a:
            return pa.table({"a": pa.array([], pa.int64()), "b": pa.array([], pa.int64())})
        return pa.table({"a": pa.array(np.concatenate(out_a)), "b": pa.array(np.concatenate(out_b))})

    raw_edges = (
        bands.map_batches(add_part, batch_format="pyarrow", fn_kwargs={"parts": parts})
        .groupby("part", num_partitions=num_partitions)
        .map_groups(buckets_of, batch_format="pyarrow")
    )
    candidates = raw_edges.groupby(["a", "b"], num_partitions=num_partitions).count().select_columns(["a", "b"])

    # 5. Verify.
    sa = sigs.select_columns(["idx", "sig", "size"]).rename_columns({"idx": "a", "sig": "sig_a", "size": "size_a"})
    sb = sigs.select_columns(["idx", "sig", "size"]).rename_columns({"idx": "b", "sig": "sig_b", "size": "size_b"})

    def decide_batch(b: pa.Table, opts, k):
        from neardupe import _native as nat

        codes = nat.decide(
            signatures_from_arrow(b.column("sig_a"), k),
            signatures_from_arrow(b.column("sig_b"), k),
            numpy_of(b.column("size_a"), np.uint32),
            numpy_of(b.column("size_b"), np.uint32),
            **opts,
        )
        codes = np.asarray(codes).astype(np.int8)
        keep = np.flatnonzero(codes != 0)
        return pa.table({"a": b.column("a").take(pa.array(keep)), "b": b.column("b").take(pa.array(keep)),
                         "code": pa.array(codes[keep])})

    decided = (
        candidates.join(sa, "inner", num_partitions, on=("a",))
        .join(sb, "inner", num_partitions, on=("b",))
        .map_batches(decide_batch, batch_format="pyarrow", fn_kwargs={"opts": opts, "k": k})
        .materialize()
    )
    n_candidates = candidates.count() if stats is not None else -1

    clock.start("verify")
    # The verdicts are counted where they are; the edges come to the driver only when it links.
    n_pass = n_border = 0
    for r in decided.groupby("code").count().take_all():
        if r["code"] == 1:
            n_pass = r["count()"]
        elif r["code"] == 2:
            n_border = r["count()"]
    border = None
    n_border_passed = 0
    if n_border:
        ta = indexed.select_columns(["idx", "_text"]).rename_columns({"idx": "a", "_text": "text_a"})
        tb = indexed.select_columns(["idx", "_text"]).rename_columns({"idx": "b", "_text": "text_b"})

        def exact_batch(b: pa.Table, filt, opts):
            from neardupe import _native as nat

            _, passes = nat.exact_similarity(b.column("text_a"), b.column("text_b"), filter=filt, **opts)
            return pa.table({"a": b.column("a"), "b": b.column("b"), "passes": pa.array(np.asarray(passes, bool))})

        border = (
            decided.map_batches(_with_code, batch_format="pyarrow", fn_kwargs={"code": 2})
            .join(ta, "inner", num_partitions, on=("a",))
            .join(tb, "inner", num_partitions, on=("b",))
            .map_batches(exact_batch, batch_format="pyarrow", fn_kwargs={"filt": filt, "opts": opts})
            .materialize()
        )
        n_border_passed = border.map_batches(_passed, batch_format="pyarrow").count()

    # 6. Link.
    clock.start("link")
    verifiable = n_pass + n_border_passed
    counts = dict(documents=n, candidates=n_candidates, pass_edges=n_pass, borderline=n_border,
                  borderline_passed=n_border_passed)
    if verifiable > budget:
        if windowed:
            raise ValueError(
                f"option link_budget_edges: {verifiable} edges are past the budget of {budget}, and a time "
                "window can only be applied by the linking on the driver: raise link_budget_edges"
            )
        edges = decided.map_batches(_with_code, batch_format="pyarrow", fn_kwargs={"code": 1})
        if border is not None:
            edges = edges.union(border.map_batches(_passed, batch_format="pyarrow"))
        labels, rounds = _connected_components(edges, num_partitions)
        out = _number_components(ray, iblocks, offsets, labels, sigs if longest else None, id_col, n, num_partitions)
        clock.report(stats, **counts, verified_edges=verifiable, linked_documents=0, cc_rounds=rounds,
                     linked_on="cluster (single linkage, no chaining guard)")
        return out

    dec = _concat(ray.get(decided.to_arrow_refs()))
    if dec is None:
        dec = pa.table({"a": pa.array([], pa.int64()), "b": pa.array([], pa.int64()), "code": pa.array([], pa.int8())})
    da, db = numpy_of(dec.column("a"), np.int64), numpy_of(dec.column("b"), np.int64)
    is_pass = numpy_of(dec.column("code"), np.int8) == 1
    border_a = border_b = np.zeros(0, np.int64)
    border_passes = np.zeros(0, bool)
    if border is not None:
        ext = _concat(ray.get(border.to_arrow_refs()))
        border_a = numpy_of(ext.column("a"), np.int64)
        border_b = numpy_of(ext.column("b"), np.int64)
        border_passes = numpy_of(ext.column("passes"), bool)
    ends = np.unique(np.concatenate([da, db]))

    @ray.remote
    def take_docs(sb: pa.Table, ends: np.ndarray):
        idx = numpy_of(sb.column("idx"), np.int64)
        return sb.take(pa.array(np.flatnonzero(np.isin(idx, ends))))

    ends_ref = ray.put(ends)
    docs_t = _concat(ray.get([take_docs.remote(b, ends_ref) for b in sigs.to_arrow_refs()]))
    if docs_t is None:
        docs_t = pa.table({"idx": pa.array([], pa.int64()), "sig": pa.array([], pa.binary()),
                           "size": pa.array([], pa.int32()), "len": pa.array([], pa.int64())})
    docs_t = docs_t.sort_by("idx")
    days = None
    if windowed:
        dd = _concat(ray.get([take_docs.remote(b, ends_ref) for b in iblocks])).sort_by("idx")
        days = dd.column("_date").combine_chunks()
    assignment, n_verified = link_on_driver(
        n,
        da[is_pass],
        db[is_pass],
        border_a,
        border_b,
        border_passes,
        numpy_of(docs_t.column("idx"), np.int64),
        signatures_from_arrow(docs_t.column("sig"), k),
        numpy_of(docs_t.column("size"), np.uint32),
        numpy_of(docs_t.column("len"), np.uint64) if longest else None,
        days,
        resolved,
    )
    assign_ref = ray.put(assignment)

    @ray.remote
    def assign(t: pa.Table, a: Assignment):
        c, r = a.of(numpy_of(t.column("idx"), np.int64))
        return pa.table({id_col: t.column("_id"), "cluster": pa.array(c), "representative": pa.array(r)})

    out = ray.data.from_arrow_refs([assign.remote(b, assign_ref) for b in iblocks])
    clock.report(stats, **counts, verified_edges=n_verified, linked_on="driver", linked_documents=docs_t.num_rows,
                 cc_rounds=0)
    return out


# ----------------------------------------------------------------------------------------------
# Linking past the budget: single linkage on the cluster (the same algorithm as neardupe.spark).


def _with_code(b: pa.Table, code: int) -> pa.Table:
    """The `(a, b)` edges of a batch of verdicts with the given decision code."""
    keep = pa.array(np.flatnonzero(numpy_of(b.column("code"), np.int8) == code))
    return pa.table({"a": b.column("a").take(keep), "b": b.column("b").take(keep)})


def _passed(b: pa.Table) -> pa.Table:
    """The `(a, b)` edges of a batch of exact checks that passed."""
    keep = pa.array(np.flatnonzero(numpy_of(b.column("passes"), bool)))
    return pa.table({"a": b.column("a").take(keep), "b": b.column("b").take(keep)})


def _uv(u: np.ndarray, v: np.ndarray) -> pa.Table:
    return pa.table({"u": pa.array(u, pa.int64()), "v": pa.array(v, pa.int64())})


def _part_of(x: np.ndarray, parts: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        mixed = x.view(np.uint64) * np.uint64(0xBF58476D1CE4E5B9)
    return ((mixed >> np.uint64(33)) % np.uint64(parts)).astype(np.int64)


def _keyed(u: np.ndarray, v: np.ndarray, key: np.ndarray, parts: int) -> pa.Table:
    return pa.table({"u": pa.array(u, pa.int64()), "v": pa.array(v, pa.int64()),
                     "part": pa.array(_part_of(key, parts))})


def _large_star_rows(b: pa.Table, parts: int) -> pa.Table:
    # Both directions of each edge, keyed by their first end.
    u, v = numpy_of(b.column("u"), np.int64), numpy_of(b.column("v"), np.int64)
    x, y = np.concatenate([u, v]), np.concatenate([v, u])
    return _keyed(x, y, x, parts)


def _small_star_rows(b: pa.Table, parts: int) -> pa.Table:
    # Each edge u < v once, keyed by its larger end.
    u, v = numpy_of(b.column("u"), np.int64), numpy_of(b.column("v"), np.int64)
    return _keyed(u, v, v, parts)


def _distinct_uv(u: np.ndarray, v: np.ndarray) -> pa.Table:
    pairs = np.unique(np.stack([u, v], axis=1), axis=0) if len(u) else np.zeros((0, 2), np.int64)
    return _uv(pairs[:, 0], pairs[:, 1])


def _group_min(key: np.ndarray, val: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sorts by key; returns the order, the key's group start of each sorted row's group, and each
    sorted row's group minimum of `val`."""
    order = np.argsort(key, kind="stable")
    k = key[order]
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    mins = np.minimum.reduceat(val[order], starts)
    sizes = np.diff(np.r_[starts, len(k)])
    return order, starts, np.repeat(mins, sizes)


def _large_star_part(g: pa.Table) -> pa.Table:
    # For each u: m = the smallest of u and its neighbours; each neighbour v > u links to m.
    u, v = numpy_of(g.column("u"), np.int64), numpy_of(g.column("v"), np.int64)
    if not len(u):
        return _uv(u, v)
    order, _, mins = _group_min(u, v)
    u, v = u[order], v[order]
    m = np.minimum(u, mins)
    keep = v > u
    return _distinct_uv(m[keep], v[keep])


def _small_star_part(g: pa.Table) -> pa.Table:
    # For each v: m = its smallest (smaller) neighbour; v and those neighbours link to m.
    u, v = numpy_of(g.column("u"), np.int64), numpy_of(g.column("v"), np.int64)
    if not len(u):
        return _uv(u, v)
    order, _, mins = _group_min(v, u)
    u, v = u[order], v[order]
    keep = u != mins
    return _distinct_uv(np.concatenate([mins[keep], mins]), np.concatenate([u[keep], v]))


def _fingerprint_batch(b: pa.Table) -> pa.Table:
    u = numpy_of(b.column("u"), np.int64).view(np.uint64)
    v = numpy_of(b.column("v"), np.int64).view(np.uint64)
    with np.errstate(over="ignore"):
        h = ((u * np.uint64(0x9E3779B97F4A7C15)) ^ v) * np.uint64(0xBF58476D1CE4E5B9)
    x = int(np.bitwise_xor.reduce(h)) if len(h) else 0
    return pa.table({"c": pa.array([len(h)], pa.int64()), "h": pa.array([x], pa.uint64())})


def _connected_components(edges, parts: int, max_rounds: int = 100):
    """Connected components of the `(a, b)` edge Dataset by alternating large-star and
    small-star rounds (Kiveris et al., 2014), as `neardupe.spark` computes them; returns a
    Dataset `(idx, label)` for every document in an edge (label: its component's smallest
    document) and the number of rounds. Each star is one shuffle: the rows are grouped by a
    hash of the star's centre into `parts` groups (every centre whole in one group), and each
    group computes its stars with numpy and drops repeated edges."""

    def star(e, rows, part_fn):
        keyed = e.map_batches(rows, batch_format="pyarrow", fn_kwargs={"parts": parts})
        return keyed.groupby("part", num_partitions=parts).map_groups(part_fn, batch_format="pyarrow")

    def fingerprint(e):
        c = h = 0
        for r in e.map_batches(_fingerprint_batch, batch_format="pyarrow").take_all():
            c += r["c"]
            h ^= r["h"]
        return c, h

    def ordered(b: pa.Table) -> pa.Table:
        a, c = numpy_of(b.column("a"), np.int64), numpy_of(b.column("b"), np.int64)
        return _keyed(np.minimum(a, c), np.maximum(a, c), np.maximum(a, c), parts)

    # Distinct (u < v) edges: a first small star does it (and is a valid first step).
    e = edges.map_batches(ordered, batch_format="pyarrow")
    e = e.groupby("part", num_partitions=parts).map_groups(_small_star_part, batch_format="pyarrow").materialize()
    prev = fingerprint(e)
    rounds = 0
    while rounds < max_rounds:
        rounds += 1
        e = star(star(e, _large_star_rows, _large_star_part), _small_star_rows, _small_star_part).materialize()
        fp = fingerprint(e)
        if fp == prev:
            break
        prev = fp
    # Converged: every edge is (label, member), label the component's smallest document; each
    # member has one edge, each label also names itself.
    def labelled(b: pa.Table) -> pa.Table:
        u, v = numpy_of(b.column("u"), np.int64), numpy_of(b.column("v"), np.int64)
        roots = np.unique(u)
        return pa.table({"idx": pa.array(np.concatenate([v, roots])), "label": pa.array(np.concatenate([u, roots]))})

    labels = e.map_batches(labelled, batch_format="pyarrow").groupby("idx", num_partitions=parts).min("label")
    return labels.rename_columns({"min(label)": "label"}).materialize(), rounds


def _number_components(ray, iblocks, offsets, labels, sigs, id_col: str, n: int, parts: int):
    """Cluster numbers and representatives from component labels, as `neardupe cluster`
    numbers them (documents without a label are singletons). A document starts a cluster when
    it is its component's smallest; a cluster's number is the number of starts before it, that
    is its first document minus the documents before it that start none. Those non-starts are
    marked in a bitmap on the driver (one byte per document) and each input block numbers its
    own documents; a member takes its label's number by a join. The representative is the
    component's smallest document, or with `sigs` (representative="longest") its longest, ties
    to the smallest."""
    nonstart = np.zeros(n, bool)
    for b in labels.iter_batches(batch_format="numpy"):
        idx, label = b["idx"], b["label"]
        nonstart[idx[label < idx]] = True

    @ray.remote
    def own_numbers(t: pa.Table, lo: int, flags: np.ndarray, before: int):
        # own[i] = i - (non-starts before i): the cluster number of i if i starts one.
        idx = np.arange(lo, lo + t.num_rows, dtype=np.int64)
        ns_before = before + np.cumsum(flags) - flags
        return pa.table({"idx": pa.array(idx), "_id": t.column("_id"), "own": pa.array(idx - ns_before)})

    blocks, before = [], 0
    for ref, lo, hi in zip(iblocks, offsets, list(offsets[1:]) + [n]):
        flags = nonstart[lo:hi].astype(np.int64)
        blocks.append(own_numbers.remote(ref, lo, flags, before))
        before += int(flags.sum())
    del nonstart
    own = ray.data.from_arrow_refs(blocks)
    numbers = own.select_columns(["idx", "own"]).rename_columns({"idx": "label", "own": "cluster"})
    info = labels.join(numbers, "inner", parts, on=("label",))  # idx, label, cluster
    if sigs is not None:
        lens = labels.join(sigs.select_columns(["idx", "len"]), "inner", parts, on=("idx",))
        longest = lens.groupby("label", num_partitions=parts).max("len")
        best = (
            lens.join(longest, "inner", parts, on=("label",))
            .map_batches(_longest_rows, batch_format="pyarrow")
            .groupby("label", num_partitions=parts)
            .min("idx")
            .rename_columns({"min(idx)": "rep"})
        )
        info = info.join(best, "inner", parts, on=("label",))
    else:
        info = info.map_batches(lambda b: b.append_column("rep", b.column("label")), batch_format="pyarrow")

    def finish(b: pa.Table) -> pa.Table:
        idx = numpy_of(b.column("idx"), np.int64)
        own_c = numpy_of(b.column("own"), np.int64)
        # (A partition with no member has all-null columns, of Arrow's null type: cast first.)
        cluster = b.column("cluster").cast(pa.int64())
        member = numpy_of(cluster.is_valid(), bool)
        c = np.where(member, numpy_of(cluster.fill_null(0), np.int64), own_c)
        rep = np.where(member, numpy_of(b.column("rep").cast(pa.int64()).fill_null(-1), np.int64) == idx, True)
        return pa.table({"idx": pa.array(idx), id_col: b.column("_id"), "cluster": pa.array(c),
                         "representative": pa.array(rep)})

    out = own.join(info.select_columns(["idx", "cluster", "rep"]), "left_outer", parts, on=("idx",))
    return out.map_batches(finish, batch_format="pyarrow").sort("idx").drop_columns(["idx"]).materialize()


def _longest_rows(b: pa.Table) -> pa.Table:
    keep = pa.array(np.flatnonzero(numpy_of(b.column("len"), np.int64) == numpy_of(b.column("max(len)"), np.int64)))
    return pa.table({"label": b.column("label").take(keep), "idx": b.column("idx").take(keep)})
