"""neardupe.Index: create, add, query, lookup, remove, export, stats, reopen."""

from __future__ import annotations

import pyarrow as pa
import pytest

import neardupe


def test_round_trip(tmp_path, sample):
    texts, ids = sample["texts"], sample["ids"]
    path = tmp_path / "idx"
    index = neardupe.Index.create(path, threshold=0.6)
    assert len(index) == 0
    first = index.add(texts[:300], ids=ids[:300])
    assert len(first["added"]) == 300 and len(index) == 300
    assert {"id", "doc", "cluster", "representative", "started"} <= set(first["added"][0])
    second = index.add(pa.array(texts[300:]), ids=pa.array(ids[300:]))
    assert len(second["added"]) == len(texts) - 300
    assert index.stats()["documents"] == len(texts)

    # A stored text finds itself first, as a duplicate.
    matches = index.query(texts[5], limit=3)
    assert 1 <= len(matches) <= 3
    assert matches[0]["id"] == ids[5] and matches[0]["duplicate"] and matches[0]["jaccard"] == 1.0
    assert {"jaccard", "containment", "similarity", "cluster", "representative"} <= set(matches[0])

    found = index.lookup(ids[5])
    assert found["cluster"] == matches[0]["cluster"]
    assert index.lookup("no such id") is None

    table = index.export()
    assert table.column_names == ["id", "cluster", "representative"]
    assert table.column("id").to_pylist() == ids
    # The index's clusters are those of one run over the same documents (with estimate
    # verification, as the index verifies).
    run = neardupe.Deduper(threshold=0.6, verify="estimate").cluster(texts, ids)
    assert table.column("cluster").to_pylist() == run.cluster.tolist()

    with pytest.raises(ValueError, match="already in the index"):
        index.add([texts[0]], ids=[ids[0]])
    skipped = index.add([texts[0]], ids=[ids[0]], existing_ids="skip")
    assert skipped["skipped_ids"] == [ids[0]] and skipped["added"] == []

    removed = index.remove([ids[5], ids[6]])
    assert removed["removed"] == [ids[5], ids[6]]
    assert index.lookup(ids[5]) is None and len(index) == len(texts) - 2
    with pytest.raises(FileNotFoundError):
        index.remove(["no such id"])
    assert index.remove("no such id", missing="ignore")["missing"] == ["no such id"]
    index.compact()
    del index

    with pytest.raises(FileExistsError):
        neardupe.Index.create(path, threshold=0.6)
    reader = neardupe.Index.open(path, writable=False)
    assert len(reader) == len(texts) - 2
    assert reader.config["threshold"] == 0.6 and reader.config["verify"] == "estimate"
    with pytest.raises(OSError):
        reader.add(["new text"], ids=["new"])
    writer = neardupe.Index.open(path)
    writer.add(["a brand new story about nothing in particular at all"], ids=["new"])
    assert len(writer) == len(texts) - 1


def test_index_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        neardupe.Index.open(tmp_path / "missing")
    with pytest.raises(ValueError):
        neardupe.Index.create(tmp_path / "x", verify="exact")
    with pytest.raises(TypeError):
        neardupe.Index.create(tmp_path / "y", nonsense=1)
