"""neardupe.ray against the CLI: the same clusters and representatives on the bundled sample and
on a synthetic corpus of ~20,000 documents, at the defaults and at Jaccard 0.8 without the guard,
with `ray.init(num_cpus=2)`; and bad input refused before anything is signed. One Ray instance
for the module; skipped when ray is not installed."""

from __future__ import annotations

import sys
import time

import pyarrow as pa
import pytest

ray = pytest.importorskip("ray")
pytest.importorskip("ray.data")

from distributed_util import CONFIGS, SAMPLE, assert_same_clusters, cli_clusters, read_jsonl, synth_corpus  # noqa: E402

from neardupe import ray as nd_ray  # noqa: E402


@pytest.fixture(scope="module")
def ray_session():
    t = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    print(f"\nray.init(num_cpus=2): {time.perf_counter() - t:.1f} s", file=sys.stderr)
    yield
    ray.shutdown()


def dataset(path, blocks):
    """The JSONL file as a Dataset of `blocks` blocks in file order."""
    rows = read_jsonl(path)
    table = pa.table({"id": [r["id"] for r in rows], "date": [r.get("date") for r in rows],
                      "text": [r["text"] for r in rows]})
    step = -(-table.num_rows // blocks)
    return ray.data.from_arrow([table.slice(i, step) for i in range(0, table.num_rows, step)])


def run(ds, options, **kw):
    out = nd_ray.cluster(ds, **options, **kw).to_arrow_refs()
    t = pa.concat_tables(ray.get(out))
    return list(zip(t.column("id").to_pylist(), t.column("cluster").to_pylist(), t.column("representative").to_pylist()))


@pytest.mark.parametrize("config", list(CONFIGS))
def test_sample_equals_cli(ray_session, config):
    options, args = CONFIGS[config]
    assert_same_clusters(run(dataset(SAMPLE, 3), options), cli_clusters(SAMPLE, args))


def test_sample_window_equals_cli(ray_session):
    """A time window: the dates of the documents in edges go to the driver's link."""
    got = run(dataset(SAMPLE, 3), {"window": 1}, date_col="date")
    assert_same_clusters(got, cli_clusters(SAMPLE, ["--window", "1", "--date-field", "date"]))


@pytest.mark.parametrize("representative", ["first", "longest"])
def test_sample_single_linkage_fallback_equals_cli(ray_session, representative):
    """Past the link budget, connected components on the cluster: the CLI's clusters with
    --guard none (and the same representatives, first or longest)."""
    options, args = CONFIGS["jaccard-0.8-no-guard"]
    stats = {}
    got = run(dataset(SAMPLE, 3), {**options, "representative": representative}, link_budget_edges=0, stats=stats)
    assert stats["linked_on"].startswith("cluster")
    assert stats["cc_rounds"] >= 1
    assert_same_clusters(got, cli_clusters(SAMPLE, args + ["--representative", representative]))


def test_window_past_the_budget_is_refused(ray_session):
    with pytest.raises(ValueError, match="link_budget_edges"):
        nd_ray.cluster(dataset(SAMPLE, 3), window=1, date_col="date", link_budget_edges=0)


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    return synth_corpus(tmp_path_factory)


def test_synthetic_20k_single_linkage_fallback_equals_cli(ray_session, synth):
    options, args = CONFIGS["jaccard-0.8-no-guard"]
    stats = {}
    got = run(dataset(synth, 4), options, link_budget_edges=0, stats=stats)
    print(f"\nfallback: {stats}", file=sys.stderr)
    assert stats["linked_on"].startswith("cluster") and stats["verified_edges"] > 1000
    assert_same_clusters(got, cli_clusters(synth, args))


@pytest.mark.parametrize("config", list(CONFIGS))
def test_synthetic_20k_equals_cli(ray_session, synth, config):
    options, args = CONFIGS[config]
    stats = {}
    got = run(dataset(synth, 4), options, stats=stats)
    assert stats["documents"] >= 20_000
    print(f"\n{config}: {stats}", file=sys.stderr)
    assert_same_clusters(got, cli_clusters(synth, args))


def small(rows, schema="id string, text string"):
    names = [c.split()[0] for c in schema.split(", ")]
    types = {"string": pa.string(), "long": pa.int64()}
    cols = {n: pa.array([r[i] for r in rows], types[schema.split(", ")[i].split()[1]]) for i, n in enumerate(names)}
    return ray.data.from_arrow(pa.table(cols))


def test_missing_column(ray_session):
    ds = small([("a", "some text")], "id string, body string")
    with pytest.raises(ValueError, match="'text'"):
        nd_ray.cluster(ds)
    with pytest.raises(ValueError, match="'key'"):
        nd_ray.cluster(ds, text_col="body", id_col="key")


def test_non_string_text_column(ray_session):
    with pytest.raises(TypeError, match="text column 'text'.*int64"):
        nd_ray.cluster(small([("a", 1)], "id string, text long"))


def test_bad_options(ray_session):
    ds = small([("a", "some text")])
    with pytest.raises(ValueError, match="threshold"):
        nd_ray.cluster(ds, threshold=1.5)
    with pytest.raises(ValueError, match="cosine"):
        nd_ray.cluster(ds, similarity="cosine")
    with pytest.raises(TypeError, match="thresold"):
        nd_ray.cluster(ds, thresold=0.5)
    with pytest.raises(ValueError, match="link_budget_edges"):
        nd_ray.cluster(ds, link_budget_edges=-1)
    with pytest.raises(ValueError, match="window"):
        nd_ray.cluster(ds, window=3)


def test_null_text(ray_session):
    with pytest.raises(ValueError, match=r"text column 'text'.*row 1 .*null"):
        nd_ray.cluster(small([("a", "some text"), ("b", None), ("c", "more")]))


def test_duplicate_ids(ray_session):
    with pytest.raises(ValueError, match=r"record 3: duplicate id 'a'.*record 1"):
        nd_ray.cluster(small([("a", "some text"), ("b", "x"), ("a", "more")]))
