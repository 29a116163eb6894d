"""The stage API chained by hand equals Deduper.cluster (the contract Spark and Ray rely on)."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import neardupe
from neardupe import stages

PAIRWISE_BUCKET = 24


def python_bucket_rule(keys: np.ndarray, sizes: np.ndarray):
    """The bucket rule of src/lsh.rs, written out in Python: documents with a non-empty set,
    grouped by (band, key), members in document order; each of the first 24 members pairs with
    every member before it, each later one with the first member and the one just before it."""
    buckets = defaultdict(list)
    n, bands = keys.shape
    for doc in range(n):
        if sizes[doc] == 0:
            continue
        for band in range(bands):
            buckets[(band, int(keys[doc, band]))].append(doc)
    edges = set()
    for members in buckets.values():
        for j, d in enumerate(members):
            if j < PAIRWISE_BUCKET:
                edges.update((a, d) for a in members[:j])
            else:
                edges.add((members[0], d))
                edges.add((members[j - 1], d))
    pairs = np.array(sorted(edges), dtype=np.int64).reshape(-1, 2)
    return pairs[:, 0].copy(), pairs[:, 1].copy()


@pytest.mark.parametrize(
    "options",
    [{}, {"similarity": "jaccard", "threshold": 0.8, "guard": "none"}, {"verify": "exact"}, {"verify": "estimate"}],
    ids=["defaults", "jaccard-0.8-noguard", "exact", "estimate"],
)
def test_chain_equals_cluster(sample, options):
    texts = sample["texts"]
    n = len(texts)
    opts = neardupe.resolve_options(**options)
    expected = neardupe.Deduper(**options).cluster(texts)

    positions = stages.boilerplate_positions(n, **opts)
    assert positions.tolist() == list(range(n))  # the sample is smaller than boilerplate_sample
    filt = stages.learn_boilerplate(pa.array(texts).take(positions), **opts)
    assert isinstance(filt, bytes) and len(filt) % 8 == 0

    sigs, sizes = stages.sign(pa.array(texts), filter=filt, **opts)
    assert sigs.dtype == np.uint32 and sigs.shape == (n, opts["num_perm"])
    assert sizes.dtype == np.uint32 and sizes.shape == (n,)
    # The signatures are the run's.
    np.testing.assert_array_equal(sigs, neardupe.Deduper(**options).signatures(texts))

    keys = stages.band_keys(sigs, **opts)
    bands, rows = neardupe.Deduper(**options).banding
    assert keys.dtype == np.uint64 and keys.shape == (n, bands)

    a, b = python_bucket_rule(keys, sizes)
    la, lb = stages.candidate_edges(sigs, sizes, **opts)
    np.testing.assert_array_equal(a, la)
    np.testing.assert_array_equal(b, lb)
    ba, bb = stages.candidates_by_buckets(keys, sizes)
    np.testing.assert_array_equal(a, ba)
    assert len(a) == expected.stats["candidates"]

    codes = stages.decide(sigs[a], sigs[b], sizes[a], sizes[b], **opts)
    assert codes.dtype == np.uint8
    passed, border = codes == stages.DECISION_PASS, codes == stages.DECISION_BORDERLINE
    sims, ok = stages.exact_similarity(
        [texts[i] for i in a[border]], [texts[i] for i in b[border]], filter=filt, **opts
    )
    assert sims.dtype == np.float64 and ok.dtype == np.bool_
    ea, eb = stages.verified_edges(n, a[passed], b[passed], a[border], b[border], ok)

    cluster, representative = stages.link(n, ea, eb, sigs, sizes, **opts)
    np.testing.assert_array_equal(cluster, expected.cluster)
    np.testing.assert_array_equal(representative, expected.representative)

    # And the packaged chain.
    c2, r2 = stages.cluster_by_stages(pa.array(texts), **options)
    np.testing.assert_array_equal(c2, expected.cluster)
    np.testing.assert_array_equal(r2, expected.representative)


def test_window_and_longest_by_stages(sample):
    options = {"window": 1, "representative": "longest"}
    expected = neardupe.Deduper(**options).cluster(sample["texts"], dates=sample["dates"])
    c, r = stages.cluster_by_stages(pd.Series(sample["texts"]), dates=sample["dates"], **options)
    np.testing.assert_array_equal(c, expected.cluster)
    np.testing.assert_array_equal(r, expected.representative)


def test_bucket_edges_rule():
    a, b = stages.bucket_edges(np.arange(30, dtype=np.int64)[::-1])
    assert len(a) == 24 * 23 // 2 + 2 * (30 - 24)
    assert (a < b).all()
    assert stages.PAIRWISE_BUCKET == 24 and stages.EXACT_CHUNK == 4096


def test_stage_options_are_validated():
    sigs = np.zeros((2, 128), dtype=np.uint32)
    with pytest.raises(ValueError, match="threshold"):
        stages.band_keys(sigs, threshold=3)
    with pytest.raises(TypeError, match="unexpected keyword"):
        stages.band_keys(sigs, bandz=3)
    with pytest.raises(ValueError, match="num_perm is 64"):
        stages.band_keys(sigs, num_perm=64)
    with pytest.raises(ValueError, match="learn the filter"):
        stages.sign(["a b c"])
    with pytest.raises(ValueError, match="boilerplate is off"):
        stages.sign(["a b c"], filter=b"", boilerplate="off")
    with pytest.raises(ValueError, match="position 1 is null"):
        stages.sign(pa.array(["a", None]), boilerplate="off")
    with pytest.raises(TypeError, match="expected strings"):
        stages.sign(pa.array([1.5]), boilerplate="off")
    with pytest.raises(ValueError, match="no pair of documents"):
        stages.verified_edges(2, np.array([0]), np.array([5]), np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, bool))
    with pytest.raises(ValueError, match="time window needs dated"):
        stages.link(2, np.zeros(0, np.int64), np.zeros(0, np.int64), sigs, np.zeros(2, np.uint32), window=3)
