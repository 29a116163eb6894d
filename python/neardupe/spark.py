"""neardupe on Spark: the clusters of `neardupe cluster` for a DataFrame that outgrows one machine.

    from neardupe import spark as nd_spark
    out = nd_spark.cluster(df, text_col="text", id_col="id", threshold=0.8, similarity="jaccard")
    # out: DataFrame (id, cluster long, representative boolean), in input order

`cluster` takes every option of `neardupe.Deduper(**options)` with the same names and defaults,
and gives the same partition, cluster numbers and representatives as `neardupe cluster` over the
same documents in the DataFrame's order (its partitions in order, rows in order within each).
It needs nothing but pyspark and this package on the driver and the executors: no GraphFrames,
no Maven package.

The plan: the stages of `neardupe::Deduper::run` (src/pipeline.rs), one by one
==============================================================================

0. **Options and input, on the driver, before any heavy work.** The options are resolved once
   with `_native.resolve_options` (a bad value is the library's `ValueError`, an unknown keyword a
   `TypeError`) and that one dict goes to every stage on every executor, so no two stages can
   run with different options. The text column must exist and be a string column, the id column
   must exist (and the date column, when `window` is set). One light job over the input then
   counts rows per partition, null texts (a `ValueError` naming the column and the first such
   row), texts longer than `max_record_bytes`, missing dates, and with `duplicate_ids="refuse"`
   (the default) a group-by on the id finds a repeated id, all before anything is signed.
1. **Input order.** `monotonically_increasing_id()` (partition index << 33 | row in partition) is
   turned into a consecutive row number `idx` (0..n in input order) with the per-partition counts
   of step 0: the document number the library uses (`DocId`) and everything that depends on
   order (the bucket rule, edge order, cores, cluster numbering) follows it. The input is
   persisted (memory and disk) so that `idx` is computed once.
2. **Boilerplate** (src/boilerplate.rs): `_native.boilerplate_positions(n)` gives the evenly
   spaced sample (at most `boilerplate_sample`, 10,000) a run learns from; those texts are
   collected to the driver, `_native.learn_boilerplate` learns the filter there, and it is
   broadcast to the executors.
3. **Map** (sign and band keys): `mapInArrow` runs `_native.sign` (shingle, filter, MinHash) on
   Arrow batches of texts and `_native.band_keys` on the signatures. Signatures (4 `num_perm`
   bytes each), set sizes and text lengths are persisted; one `(band, key, idx)` row per band of
   each document with a non-empty set goes to the shuffle.
4. **Shuffle** (src/lsh.rs): `groupBy(band, key)` gathers each bucket; `_native.bucket_edges` pairs
   its members by the library's bucket rule (the first 24 members in document order pair up,
   each later one links to the first and the previous member), and `distinct()` gives the
   candidate edges.
5. **Verify** (src/verify.rs): the edges are joined with both documents' signatures and
   `_native.decide` (the library's `Criterion::decide`) passes, fails or calls them borderline.
   Borderline pairs (hybrid mode; every pair in exact mode) join both texts and get their exact
   similarity on shingle sets (`_native.exact_similarity`). A run skips the exact check of a
   borderline pair whose documents earlier edges already connect; `_native.verified_edges`
   replays that bookkeeping over all the verdicts, so the verified edge set is the run's.
6. **Link** (src/link.rs, src/cluster.rs), one of two ways:
   * **On the driver**, when the edges that can be verified (passed plus borderline passed) are
     at most `link_budget_edges` (default 50,000,000): those edges and the signatures, set sizes,
     lengths (and dates) of the documents in them are collected, renumbered 0..m in input order
     (which keeps every order the linking looks at), and the library's `link` runs with the
     chaining guard, the drift bound and the time window: exactly the CLI's clusters. A
     document in no edge is a singleton; a cluster's number is the position of its first member
     among the documents that start a cluster (the library numbers clusters by first member), so
     each executor numbers its documents from two sorted arrays broadcast from the driver.
   * **On the cluster**, past the budget: plain single linkage, connected components by
     alternating large-star and small-star rounds (Kiveris et al., "Connected Components in
     MapReduce and Beyond", 2014) in the DataFrame API, each round's edges checkpointed, until a
     round changes nothing. Each component is labelled by its smallest document; clusters are
     numbered by counting cluster starts per input partition and the representative is the
     first member (or the longest, ties to the first). This gives up the **chaining guard**
     (every verified edge merges; `guard="none"` clusters, which equal the CLI's with
     `--guard none`) and cannot apply a time **window** (a `ValueError` asks for a larger
     budget instead).
7. **Output**: `(id, cluster, representative)`, sorted by input order.

`stats`, when a dict is passed, receives what the run measured: documents, candidates, edges,
where the linking ran, the documents collected for the driver's linking, connected-component
rounds and the driver's seconds per stage. Each stage's Spark jobs are labelled with its name
(`neardupe: input`, `boilerplate`, `sign_band_candidates`, `verify`, `link`) in the Spark UI and
its monitoring API, which gives their shuffle bytes (see `benches/scripts/python_1g.py`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from . import _native
from ._distributed import (
    Assignment,
    StageClock,
    bucket_edges_of,
    boilerplate_on,
    link_on_driver,
    numpy_of,
    resolve,
    signatures_from_arrow,
    signatures_to_arrow,
    stage_options,
)

__all__ = ["cluster"]

_MASK = (1 << 33) - 1


def _spark():
    try:
        from pyspark.sql import functions as F
        from pyspark.sql import types as T
        from pyspark import StorageLevel
    except ImportError as e:  # pragma: no cover
        raise ImportError("neardupe.spark needs pyspark: pip install 'neardupe[spark]' (and Java 17)") from e
    return F, T, StorageLevel


def _check_columns(df, text_col: str, id_col: str, date_col: str | None, T) -> None:
    names = df.columns
    for what, col in (("text_col", text_col), ("id_col", id_col)) + ((("date_col", date_col),) if date_col else ()):
        if not isinstance(col, str):
            raise TypeError(f"{what}: expected a column name (str), got {type(col).__name__}")
        if col not in names:
            raise ValueError(f"{what}: the DataFrame has no column {col!r} (it has {names})")
    t = df.schema[text_col].dataType
    if not isinstance(t, T.StringType):
        raise TypeError(f"text column {text_col!r} has type {t.simpleString()}, expected string")
    if date_col is not None and not isinstance(df.schema[date_col].dataType, (T.StringType, T.DateType)):
        raise TypeError(
            f"date column {date_col!r} has type {df.schema[date_col].dataType.simpleString()}, expected string or date"
        )


def cluster(
    df,
    text_col: str = "text",
    id_col: str = "id",
    *,
    date_col: str | None = None,
    stats: dict | None = None,
    **options: Any,
):
    """Clusters the documents of `df` as `neardupe cluster` does; returns a DataFrame
    `(id, cluster, representative)` in input order (the id column keeps its name and type).

    `options` are `neardupe.Deduper`'s (same names, same defaults), plus `link_budget_edges`:
    the most verified edges linked on the driver with the chaining guard (default 50,000,000);
    past it, plain single linkage runs on the cluster (see the module docs). `date_col` names
    the dates a `window` needs. `stats`, a dict, receives the run's measurements.
    """
    F, T, StorageLevel = _spark()
    # Each stage's jobs carry its name (`neardupe: verify`, ...) in the Spark UI; the label is
    # cleared however the run ends.
    clock = StageClock(df.sparkSession.sparkContext.setJobDescription)
    try:
        return _cluster(df, text_col, id_col, date_col, stats, clock, options, F, T, StorageLevel)
    finally:
        clock.stop()


def _cluster(df, text_col, id_col, date_col, stats, clock, options, F, T, StorageLevel):
    from pyspark.sql import Window

    resolved, budget = resolve(options)
    _check_columns(df, text_col, id_col, date_col, T)
    windowed = resolved.get("window") is not None
    if windowed and date_col is None:
        raise ValueError("option window: a time window needs dated documents: pass date_col")
    longest = resolved.get("representative") == "longest"
    opts = stage_options(resolved)
    k = int(resolved["num_perm"])
    spark = df.sparkSession
    sc = spark.sparkContext
    clock.start("input")

    # 0-1. One light pass: rows per partition, null texts, text bytes, missing dates.
    cols = [F.col(id_col).alias("_id"), F.col(text_col).alias("_text")]
    if date_col is not None:
        cols.append(F.col(date_col).cast("string").alias("_date"))
    base = df.select(*cols).withColumn("_mid", F.monotonically_increasing_id())
    base = base.persist(StorageLevel.MEMORY_AND_DISK)
    aggs = [
        F.count(F.lit(1)).alias("rows"),
        F.min(F.when(F.col("_text").isNull(), F.col("_mid"))).alias("null_text"),
        F.max(F.octet_length("_text")).alias("max_bytes"),
    ]
    if windowed:
        aggs.append(F.min(F.when(F.col("_date").isNull(), F.col("_mid"))).alias("null_date"))
    parts = base.groupBy(F.shiftright("_mid", 33).alias("_p")).agg(*aggs).orderBy("_p").collect()
    offsets: dict[int, int] = {}
    n = 0
    for r in parts:
        offsets[r["_p"]] = n
        n += r["rows"]

    def row_number(mid: int) -> int:
        return offsets[mid >> 33] + (mid & _MASK)

    nulls = [row_number(r["null_text"]) for r in parts if r["null_text"] is not None]
    if nulls:
        base.unpersist()
        raise ValueError(f"text column {text_col!r}: the text of row {min(nulls)} (0-based, input order) is null")
    if windowed:
        nd = [row_number(r["null_date"]) for r in parts if r["null_date"] is not None]
        if nd:
            base.unpersist()
            raise ValueError(
                f"date column {date_col!r}: row {min(nd)} has no date, and the time window needs one"
            )
    max_bytes = max((r["max_bytes"] or 0 for r in parts), default=0)
    if max_bytes > int(resolved["max_record_bytes"]):
        base.unpersist()
        raise ValueError(
            f"text column {text_col!r}: a text of {max_bytes} bytes is longer than max_record_bytes "
            f"({resolved['max_record_bytes']})"
        )

    offsets_df = spark.createDataFrame([(int(p), int(o)) for p, o in offsets.items()], "_p long, _off long")
    indexed = (
        base.join(F.broadcast(offsets_df), F.shiftright("_mid", 33) == offsets_df["_p"])
        .select(
            (F.col("_off") + F.col("_mid").bitwiseAND(F.lit(_MASK))).alias("idx"),
            "_id",
            "_text",
            *(["_date"] if date_col is not None else []),
        )
    )

    if resolved.get("duplicate_ids") == "refuse" or resolved.get("duplicate_ids") is None:
        dup = (
            indexed.groupBy("_id")
            .agg(F.count(F.lit(1)).alias("c"), F.min("idx").alias("first"), F.max("idx").alias("later"))
            .filter("c > 1")
            .orderBy("later")
            .limit(1)
            .collect()
        )
        if dup:
            base.unpersist()
            d = dup[0]
            raise ValueError(
                f"id column {id_col!r}: record {d['later'] + 1}: duplicate id {d['_id']!r}: also the id of "
                f"record {d['first'] + 1}; ids name documents in results (give every document its own id, "
                f"or set duplicate_ids to number them apart)"
            )
    elif n:
        base.unpersist()
        raise ValueError(
            f"option duplicate_ids: {resolved.get('duplicate_ids')!r} is not supported by neardupe.spark; "
            "give every document its own id"
        )
    # 2. Boilerplate from the run's sample, learnt on the driver and broadcast.
    clock.start("boilerplate")
    filt = None
    if boilerplate_on(resolved) and n:
        positions = np.asarray(_native.boilerplate_positions(n, **opts), dtype=np.int64)
        pos_df = spark.createDataFrame(pa.table({"idx": pa.array(positions)}).to_pandas())
        sample = indexed.join(F.broadcast(pos_df), "idx").select("idx", "_text").toArrow().sort_by("idx")
        filt = bytes(_native.learn_boilerplate(sample.column("_text"), **opts))
    filt_b = sc.broadcast(filt)

    # 3. Map: sign (and band keys) on Arrow batches.
    clock.start("sign_band_candidates")

    def sign_batches(batches):
        from neardupe import _native as nat

        f = filt_b.value
        for b in batches:
            texts = b.column(1)
            sigs, sizes = nat.sign(texts, filter=f, **opts)
            lens = pa.compute.binary_length(texts.cast(pa.large_binary())) if len(texts) else pa.array([], pa.int64())
            yield pa.RecordBatch.from_arrays(
                [b.column(0), signatures_to_arrow(sigs), pa.array(sizes.astype(np.int32)), lens.cast(pa.int64())],
                names=["idx", "sig", "size", "len"],
            )

    sigs = (
        indexed.select("idx", "_text")
        .mapInArrow(sign_batches, "idx long, sig binary, size int, len long")
        .persist(StorageLevel.MEMORY_AND_DISK)
    )

    def key_batches(batches):
        from neardupe import _native as nat

        for b in batches:
            s = signatures_from_arrow(b.column(1), k)
            keys = np.asarray(nat.band_keys(s, **opts))  # (rows, bands) uint64
            rows, bands = keys.shape
            yield pa.RecordBatch.from_arrays(
                [
                    pa.array(np.tile(np.arange(bands, dtype=np.int32), rows)),
                    pa.array(keys.reshape(-1).view(np.int64)),
                    pa.array(np.repeat(numpy_of(b.column(0), np.int64), bands)),
                ],
                names=["band", "key", "idx"],
            )

    bands = sigs.filter("size > 0").select("idx", "sig").mapInArrow(key_batches, "band int, key long, idx long")

    # 4. Shuffle: buckets, the bucket rule, distinct candidate edges.
    def edge_batches(batches):
        for b in batches:
            a, bb = bucket_edges_of(b.column(0))
            yield pa.RecordBatch.from_arrays([pa.array(a), pa.array(bb)], names=["a", "b"])

    buckets = bands.groupBy("band", "key").agg(F.collect_list("idx").alias("m")).filter(F.size("m") > 1)
    candidates = buckets.select("m").mapInArrow(edge_batches, "a long, b long").distinct()

    # 5. Verify: join the signatures of both ends, decide; borderline pairs join their texts.
    sa = sigs.select(F.col("idx").alias("a"), F.col("sig").alias("sig_a"), F.col("size").alias("size_a"))
    sb = sigs.select(F.col("idx").alias("b"), F.col("sig").alias("sig_b"), F.col("size").alias("size_b"))

    def decide_batches(batches):
        from neardupe import _native as nat

        for b in batches:
            codes = nat.decide(
                signatures_from_arrow(b.column(2), k),
                signatures_from_arrow(b.column(4), k),
                numpy_of(b.column(3), np.uint32),
                numpy_of(b.column(5), np.uint32),
                **opts,
            )
            yield pa.RecordBatch.from_arrays(
                [b.column(0), b.column(1), pa.array(np.asarray(codes).astype(np.int8))], names=["a", "b", "code"]
            )

    decided = (
        candidates.join(sa, "a")
        .join(sb, "b")
        .select("a", "b", "sig_a", "size_a", "sig_b", "size_b")
        .mapInArrow(decide_batches, "a long, b long, code byte")
        .filter("code != 0")
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    n_candidates = candidates.count() if stats is not None else -1

    clock.start("verify")
    ta = indexed.select(F.col("idx").alias("a"), F.col("_text").alias("text_a"))
    tb = indexed.select(F.col("idx").alias("b"), F.col("_text").alias("text_b"))

    def exact_batches(batches):
        from neardupe import _native as nat

        f = filt_b.value
        for b in batches:
            _, passes = nat.exact_similarity(b.column(2), b.column(3), filter=f, **opts)
            yield pa.RecordBatch.from_arrays(
                [b.column(0), b.column(1), pa.array(np.asarray(passes, dtype=bool))], names=["a", "b", "passes"]
            )

    border = (
        decided.filter("code = 2")
        .select("a", "b")
        .join(ta, "a")
        .join(tb, "b")
        .select("a", "b", "text_a", "text_b")
        .mapInArrow(exact_batches, "a long, b long, passes boolean")
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    counts = decided.groupBy("code").count().collect()
    n_pass = sum(r["count"] for r in counts if r["code"] == 1)
    n_border = sum(r["count"] for r in counts if r["code"] == 2)
    n_border_passed = border.filter("passes").count() if n_border else 0

    # 6. Link.
    clock.start("link")
    verifiable = n_pass + n_border_passed
    if verifiable <= budget:
        linked_on = "driver"
        pass_t = decided.filter("code = 1").select("a", "b").toArrow()
        border_t = border.select("a", "b", "passes").toArrow() if n_border else None
        ends = decided.select(F.col("a").alias("idx")).union(decided.select(F.col("b").alias("idx"))).distinct()
        doc_cols = ["idx", "sig", "size"] + (["len"] if longest else [])
        doc_df = sigs.join(ends, "idx").select(*doc_cols)
        if windowed:
            doc_df = doc_df.join(indexed.select("idx", "_date"), "idx")
        docs_t = doc_df.toArrow().sort_by("idx")
        n_linked = docs_t.num_rows
        empty = np.zeros(0, np.int64)
        assignment, n_verified = link_on_driver(
            n,
            numpy_of(pass_t.column("a"), np.int64),
            numpy_of(pass_t.column("b"), np.int64),
            numpy_of(border_t.column("a"), np.int64) if border_t is not None else empty,
            numpy_of(border_t.column("b"), np.int64) if border_t is not None else empty,
            numpy_of(border_t.column("passes"), bool) if border_t is not None else np.zeros(0, bool),
            numpy_of(docs_t.column("idx"), np.int64),
            signatures_from_arrow(docs_t.column("sig"), k),
            numpy_of(docs_t.column("size"), np.uint32),
            numpy_of(docs_t.column("len"), np.uint64) if longest else None,
            docs_t.column("_date").combine_chunks() if windowed else None,
            resolved,
        )
        assign_b = sc.broadcast(assignment)

        def assign_batches(batches):
            a: Assignment = assign_b.value
            for b in batches:
                c, r = a.of(numpy_of(b.column(0), np.int64))
                yield pa.RecordBatch.from_arrays(
                    [b.column(0), b.column(1), pa.array(c), pa.array(r)], names=["idx", "_id", "cluster", "representative"]
                )

        id_type = indexed.schema["_id"].dataType
        schema = T.StructType(
            [
                T.StructField("idx", T.LongType(), False),
                T.StructField("_id", id_type, True),
                T.StructField("cluster", T.LongType(), False),
                T.StructField("representative", T.BooleanType(), False),
            ]
        )
        out = indexed.select("idx", "_id").mapInArrow(assign_batches, schema)
        cc_rounds = 0
    else:
        if windowed:
            raise ValueError(
                f"option link_budget_edges: {verifiable} edges are past the budget of {budget}, and a time "
                "window can only be applied by the linking on the driver: raise link_budget_edges"
            )
        linked_on = "cluster (single linkage, no chaining guard)"
        edges = decided.filter("code = 1").select("a", "b").union(border.filter("passes").select("a", "b"))
        labels, cc_rounds = _connected_components(edges, F, StorageLevel)
        n_verified = verifiable
        n_linked = 0
        out = _number_components(indexed, sigs, labels, longest, F, Window, StorageLevel)
    # What the output no longer needs: the persisted edges (and, when it was linked on the
    # driver, the signatures). The input copy (`base`) stays cached: the output reads it.
    decided.unpersist()
    border.unpersist()
    if linked_on == "driver":
        sigs.unpersist()
    result = out.orderBy("idx").select(F.col("_id").alias(id_col), "cluster", "representative")
    clock.report(
        stats,
        documents=n,
        candidates=n_candidates,
        pass_edges=n_pass,
        borderline=n_border,
        borderline_passed=n_border_passed,
        verified_edges=n_verified,
        linked_on=linked_on,
        linked_documents=n_linked,
        cc_rounds=cc_rounds,
    )
    return result


def _connected_components(edges, F, StorageLevel, max_rounds: int = 100):
    """Connected components of an undirected edge DataFrame `(a, b)` by alternating
    large-star and small-star rounds; returns `(idx, label)` for every document in an edge
    (label: the smallest document of its component) and the number of rounds."""
    e = edges.select(F.least("a", "b").alias("u"), F.greatest("a", "b").alias("v")).distinct()
    e = e.localCheckpoint(eager=True)

    def large_star(e):
        both = e.select("u", "v").union(e.select(F.col("v").alias("u"), F.col("u").alias("v")))
        m = both.groupBy("u").agg(F.min("v").alias("m")).select("u", F.least("u", "m").alias("m"))
        out = both.join(m, "u").filter(F.col("v") > F.col("u")).select(F.col("v").alias("x"), F.col("m").alias("y"))
        return out.select(F.least("x", "y").alias("u"), F.greatest("x", "y").alias("v")).distinct()

    def small_star(e):
        # e: u < v. For each v, its smaller neighbours and itself point to their minimum.
        m = e.groupBy("v").agg(F.min("u").alias("m"))
        j = e.join(m, "v")
        out = j.select(F.col("u").alias("x"), F.col("m").alias("y")).union(
            m.select(F.col("v").alias("x"), F.col("m").alias("y"))
        )
        return out.filter(F.col("x") != F.col("y")).select(
            F.least("x", "y").alias("u"), F.greatest("x", "y").alias("v")
        ).distinct()

    def fingerprint(e):
        r = e.agg(F.count(F.lit(1)).alias("c"), F.bit_xor(F.xxhash64("u", "v")).alias("h")).collect()[0]
        return (r["c"], r["h"])

    prev = fingerprint(e)
    rounds = 0
    while rounds < max_rounds:
        rounds += 1
        e2 = small_star(large_star(e)).localCheckpoint(eager=True)
        fp = fingerprint(e2)
        e = e2
        if fp == prev:
            break
        prev = fp
    # Converged: every edge is (label, member) with label the component's minimum.
    labels = e.select(F.col("v").alias("idx"), F.col("u").alias("label")).union(
        e.select(F.col("u").alias("idx"), F.col("u").alias("label"))
    )
    labels = labels.groupBy("idx").agg(F.min("label").alias("label"))
    return labels, rounds


def _number_components(indexed, sigs, labels, longest: bool, F, Window, StorageLevel):
    """Cluster numbers and representatives from component labels (documents without a label
    are singletons): a document starts a cluster when it is its component's smallest; clusters
    are numbered by counting starts in input order (per input partition, then offsets)."""
    docs = indexed.select("idx", "_id").join(labels, "idx", "left").withColumn(
        "label", F.coalesce(F.col("label"), F.col("idx"))
    )
    docs = docs.withColumn("start", (F.col("label") == F.col("idx")).cast("long"))
    # Count starts per block of consecutive document numbers, then number within the block.
    block = 1 << 20
    docs = docs.withColumn("_blk", F.floor(F.col("idx") / F.lit(block)).cast("long")).persist(
        StorageLevel.MEMORY_AND_DISK
    )
    per_block = docs.groupBy("_blk").agg(F.sum("start").alias("s")).orderBy("_blk").collect()
    off, acc = [], 0
    for r in per_block:
        off.append((int(r["_blk"]), acc))
        acc += int(r["s"])
    spark = indexed.sparkSession
    off_df = spark.createDataFrame(off, "_blk long, _boff long")
    w = Window.partitionBy("_blk").orderBy("idx").rowsBetween(Window.unboundedPreceding, 0)
    starts = (
        docs.filter("start = 1")
        .join(F.broadcast(off_df), "_blk")
        .withColumn("cluster", F.col("_boff") + F.sum("start").over(w) - 1)
        .select(F.col("idx").alias("label"), "cluster")
    )
    numbered = docs.join(starts, "label")
    if longest:
        lens = sigs.select("idx", "len")
        best = (
            numbered.join(lens, "idx")
            .groupBy("label")
            .agg(F.max(F.struct(F.col("len"), (-F.col("idx")).alias("neg"))).alias("best"))
            .select("label", (-F.col("best.neg")).alias("rep"))
        )
    else:
        best = numbered.select("label", F.col("label").alias("rep")).distinct()
    return numbered.join(best, "label").select(
        "idx", "_id", "cluster", (F.col("idx") == F.col("rep")).alias("representative")
    )
