"""Deduper.cluster equals `neardupe cluster`; inputs, options and errors."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pandas as pd
import pytest

import neardupe
from conftest import SAMPLE, run_cli

SETTINGS = [
    ({}, []),
    (
        {"similarity": "jaccard", "threshold": 0.8, "guard": "none"},
        ["--similarity", "jaccard", "--threshold", "0.8", "--guard", "none"],
    ),
    ({"boilerplate": "off", "verify": "exact", "representative": "longest"},
     ["--boilerplate", "off", "--verify", "exact", "--representative", "longest"]),
    ({"char_ngrams": 5, "num_perm": 64, "algorithm": "classic", "nfkc": True},
     ["--char-ngrams", "5", "--num-perm", "64", "--algorithm", "classic", "--nfkc"]),
]


@pytest.mark.parametrize("options,args", SETTINGS, ids=["defaults", "jaccard-0.8-noguard", "exact-longest", "char5"])
def test_equals_cli(cli, sample, options, args):
    expected = run_cli(cli, SAMPLE, *args)
    result = neardupe.Deduper(**options).cluster(sample["texts"], ids=sample["ids"])
    assert result.ids == [r["id"] for r in expected]
    assert result.cluster.dtype == np.int64
    assert result.representative.dtype == np.bool_
    assert result.cluster.tolist() == [r["cluster"] for r in expected]
    assert result.representative.tolist() == [r["representative"] for r in expected]
    assert result.stats["documents"] == len(expected)


def test_window_equals_cli(cli, sample):
    expected = run_cli(cli, SAMPLE, "--date-field", "date", "--window", "1")
    result = neardupe.Deduper(window=1).cluster(sample["texts"], ids=sample["ids"], dates=sample["dates"])
    assert result.cluster.tolist() == [r["cluster"] for r in expected]
    assert result.representative.tolist() == [r["representative"] for r in expected]


def test_default_ids_as_cli(cli, sample, tmp_path):
    path = tmp_path / "no-ids.jsonl"
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in sample["texts"][:60]), encoding="utf-8")
    expected = run_cli(cli, path)
    result = neardupe.Deduper().cluster(sample["texts"][:60])
    assert result.ids == [r["id"] for r in expected] == [f"line:{i}" for i in range(1, 61)]
    assert result.cluster.tolist() == [r["cluster"] for r in expected]


def test_list_arrow_pandas_agree(sample):
    d = neardupe.Deduper()
    texts, ids = sample["texts"], sample["ids"]
    base = d.cluster(texts, ids)
    inputs = [
        (pa.array(texts), pa.array(ids)),
        (pa.array(texts, type=pa.large_string()), pa.array(ids, type=pa.large_string())),
        (pa.array(texts, type=pa.string_view()), ids),
        (pa.chunked_array([texts[:7], texts[7:300], [], texts[300:]]), pa.chunked_array([ids])),
        (pd.Series(texts), pd.Series(ids)),
        (pd.Series(texts, dtype="string[pyarrow]"), pd.Series(ids, dtype=object)),
        (tuple(texts), np.array(ids, dtype=object)),
    ]
    for t, i in inputs:
        r = d.cluster(t, i)
        assert r.ids == base.ids
        np.testing.assert_array_equal(r.cluster, base.cluster)
        np.testing.assert_array_equal(r.representative, base.representative)


def test_result_tables(sample):
    r = neardupe.Deduper().cluster(sample["texts"][:50], sample["ids"][:50])
    t = r.to_arrow()
    assert t.column_names == ["id", "cluster", "representative"]
    assert t.schema.field("cluster").type == pa.int64()
    assert t.column("id").to_pylist() == r.ids
    df = r.to_pandas()
    assert list(df.columns) == ["id", "cluster", "representative"]
    assert df["cluster"].tolist() == r.cluster.tolist()
    assert len(r) == 50 and "documents=50" in repr(r)


@pytest.mark.parametrize("module,method,extra", [("pandas", "to_pandas", "pandas"), ("pyarrow", "to_arrow", "arrow")])
def test_result_tables_without_the_optional_package_say_which_extra(sample, monkeypatch, module, method, extra):
    r = neardupe.Deduper().cluster(sample["texts"][:5], sample["ids"][:5])
    monkeypatch.setitem(__import__("sys").modules, module, None)  # as if not installed
    with pytest.raises(ImportError, match=rf"needs {module}: pip install 'neardupe\[{extra}\]'"):
        getattr(r, method)()


def test_signatures_and_similarity(sample):
    d = neardupe.Deduper(num_perm=64, boilerplate="off")
    sigs = d.signatures(sample["texts"][:10])
    assert sigs.dtype == np.uint32 and sigs.shape == (10, 64)
    assert neardupe.similarity(sigs[0], sigs[0]) == 1.0
    again = d.signatures(pa.array(sample["texts"][:10]))
    np.testing.assert_array_equal(sigs, again)
    a = "the quick brown fox jumps over the lazy dog near the river bank today"
    b = a + " and then it ran away"
    s = d.signatures([a, b])
    report = d.compare(a, b)
    assert report["num_perm"] == 64
    assert neardupe.similarity(s[0], s[1]) == pytest.approx(report["estimated_jaccard"])
    assert 0 < report["exact_jaccard"] < 1 and report["exact_containment"] == 1.0
    with pytest.raises(ValueError, match="different lengths"):
        neardupe.similarity(s[0], s[1][:10])


def test_options_defaults_and_errors():
    defaults = neardupe.option_defaults()
    assert defaults["threshold"] == 0.6 and defaults["similarity"] == "containment"
    assert defaults["num_perm"] == 128 and defaults["guard"] == "representative"
    assert neardupe.Deduper().options == defaults
    assert neardupe.Deduper(boilerplate=False).options["boilerplate"] == "off"
    with pytest.raises(ValueError, match=r"threshold must be in \(0, 1\), got 1.5"):
        neardupe.Deduper(threshold=1.5)
    with pytest.raises(ValueError, match='unknown chaining guard "core2"'):
        neardupe.Deduper(guard="core2")
    with pytest.raises(ValueError, match="containment needs verification"):
        neardupe.Deduper(verify="none")
    with pytest.raises(ValueError, match="num_perm|slots|permutations"):
        neardupe.Deduper(num_perm=0)
    with pytest.raises(ValueError, match="bands and rows"):
        neardupe.Deduper(bands=4)
    with pytest.raises(TypeError, match='unexpected keyword argument "thresold"'):
        neardupe.Deduper(thresold=0.5)
    with pytest.raises(TypeError, match="option threshold: expected a number"):
        neardupe.Deduper(threshold="high")


def test_bad_texts():
    d = neardupe.Deduper()
    with pytest.raises(ValueError, match="position 2 is null"):
        d.cluster(["a b c", "d e f", None])
    with pytest.raises(ValueError, match="position 4 is null"):
        d.cluster(pa.chunked_array([["a", "b"], ["c", "d", None]]))
    with pytest.raises(ValueError, match="position 1 is null"):
        d.cluster(pd.Series(["a", None, "c"]))
    with pytest.raises(TypeError, match="expected strings"):
        d.cluster(pa.array([1, 2, 3]))
    with pytest.raises(TypeError):
        d.cluster(pd.Series([1, 2, 3]))
    with pytest.raises(TypeError, match="expected str at position 1"):
        d.cluster(["a", 2])
    with pytest.raises(TypeError, match="expected a list of str"):
        d.cluster(42)
    with pytest.raises(ValueError, match="ids: 1 values for 2 texts"):
        d.cluster(["a", "b"], ids=["x"])
    with pytest.raises(ValueError, match="duplicate id"):
        d.cluster(["a", "b"], ids=["x", "x"])
    numbered = neardupe.Deduper(duplicate_ids="number").cluster(["a", "b"], ids=["x", "x"])
    assert numbered.ids == ["x", "x~2"]
    with pytest.raises(ValueError, match="time window needs dated documents"):
        neardupe.Deduper(window=2).cluster(["a", "b"])
    with pytest.raises(ValueError, match="not a date"):
        neardupe.Deduper(window=2).cluster(["a", "b"], dates=["2024-01-01", "soon"])


def test_threads_and_empty():
    r = neardupe.Deduper(threads=1).cluster([])
    assert len(r) == 0 and r.cluster.dtype == np.int64
    with pytest.raises(ValueError, match="threads must be at least 1"):
        neardupe.Deduper(threads=0)
