"""neardupe.spark against the CLI: the same clusters and representatives on the bundled sample and
on a synthetic corpus of ~20,000 documents, at the defaults and at Jaccard 0.8 without the guard,
on a Spark cluster of two executor processes (`local-cluster[2,1,1024]`); and bad input refused
before any heavy work.

One SparkSession for the module. Needs Java (17) and pyspark; skipped when either is missing.
NEARDUPE_SPARK_MASTER overrides the master (e.g. a standalone master on 127.0.0.1)."""

from __future__ import annotations

import os
import shutil
import sys
import time

import pytest

pyspark = pytest.importorskip("pyspark")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("no java: Spark needs a JVM", allow_module_level=True)

from distributed_util import CONFIGS, SAMPLE, assert_same_clusters, cli_clusters, synth_corpus  # noqa: E402

from neardupe import spark as nd_spark  # noqa: E402

MASTER = os.environ.get("NEARDUPE_SPARK_MASTER", "local-cluster[2,1,1024]")


@pytest.fixture(scope="module")
def spark():
    os.environ.setdefault("SPARK_HOME", os.path.dirname(pyspark.__file__))
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    t = time.perf_counter()
    session = (
        SparkSession.builder.master(MASTER)
        .appName("neardupe-tests")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.memory", "1g")
        .config("spark.executor.memory", "1g")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.executorEnv.PYSPARK_PYTHON", sys.executable)
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    # Both executors registered before the first test (local-cluster starts them in the background).
    deadline = time.time() + 120
    while session.sparkContext._jsc.sc().getExecutorMemoryStatus().size() < 3 and time.time() < deadline:
        time.sleep(0.5)
    print(f"\nSpark session on {MASTER}: {time.perf_counter() - t:.1f} s", file=sys.stderr)
    yield session
    session.stop()


def read(spark, path, partition_bytes):
    spark.conf.set("spark.sql.files.maxPartitionBytes", str(partition_bytes))
    df = spark.read.schema("id string, date string, text string").json(str(path))
    return df


def run(df, options, **kw):
    out = nd_spark.cluster(df, **options, **kw)
    return [(r["id"], r["cluster"], r["representative"]) for r in out.collect()]


@pytest.mark.parametrize("config", list(CONFIGS))
def test_sample_equals_cli(spark, config):
    options, args = CONFIGS[config]
    df = read(spark, SAMPLE, 256 * 1024)
    assert df.rdd.getNumPartitions() >= 2
    stats = {}
    got = run(df, options, stats=stats)
    assert stats["linked_on"] == "driver"
    assert_same_clusters(got, cli_clusters(SAMPLE, args))


@pytest.mark.parametrize("representative", ["first", "longest"])
def test_sample_single_linkage_fallback_equals_cli(spark, representative):
    """Past the link budget, connected components on the cluster: the CLI's clusters with
    --guard none (and the same representatives, first or longest)."""
    options, args = CONFIGS["jaccard-0.8-no-guard"]
    df = read(spark, SAMPLE, 256 * 1024)
    stats = {}
    got = run(df, {**options, "representative": representative}, link_budget_edges=0, stats=stats)
    assert stats["linked_on"].startswith("cluster")
    assert stats["cc_rounds"] >= 1
    assert_same_clusters(got, cli_clusters(SAMPLE, args + ["--representative", representative]))


def test_sample_window_equals_cli(spark):
    """A time window: the dates of the documents in edges go to the driver's link."""
    df = read(spark, SAMPLE, 256 * 1024)
    got = run(df, {"window": 1}, date_col="date")
    assert_same_clusters(got, cli_clusters(SAMPLE, ["--window", "1", "--date-field", "date"]))


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    return synth_corpus(tmp_path_factory)


@pytest.mark.parametrize("config", list(CONFIGS))
def test_synthetic_20k_equals_cli(spark, synth, config):
    options, args = CONFIGS[config]
    df = read(spark, synth, 16 * 1024 * 1024)
    assert df.rdd.getNumPartitions() >= 2
    stats = {}
    got = run(df, options, stats=stats)
    assert stats["documents"] >= 20_000
    print(f"\n{config}: {stats}", file=sys.stderr)
    assert_same_clusters(got, cli_clusters(synth, args))


# Bad input: each fails on the driver, naming the column or option, before anything is signed.


def no_jobs(spark, f):
    """Runs `f` (which must raise) and returns its exception, checking that Spark ran no job."""
    sc = spark.sparkContext
    group = f"neardupe-bad-input-{time.time_ns()}"
    sc.setJobGroup(group, "bad input")
    try:
        with pytest.raises(Exception) as info:
            f()
        assert list(sc.statusTracker().getJobIdsForGroup(group)) == []
    finally:
        sc.setJobGroup("", "")
    return info.value


def test_missing_column(spark):
    df = spark.createDataFrame([("a", "some text")], "id string, body string")
    e = no_jobs(spark, lambda: nd_spark.cluster(df))
    assert isinstance(e, ValueError) and "'text'" in str(e)
    e = no_jobs(spark, lambda: nd_spark.cluster(df, text_col="body", id_col="key"))
    assert isinstance(e, ValueError) and "'key'" in str(e)


def test_non_string_text_column(spark):
    df = spark.createDataFrame([("a", 1)], "id string, text long")
    e = no_jobs(spark, lambda: nd_spark.cluster(df))
    assert isinstance(e, TypeError) and "'text'" in str(e) and "bigint" in str(e)


def test_bad_options(spark):
    df = spark.createDataFrame([("a", "some text")], "id string, text string")
    e = no_jobs(spark, lambda: nd_spark.cluster(df, threshold=1.5))
    assert isinstance(e, ValueError) and "threshold" in str(e)
    e = no_jobs(spark, lambda: nd_spark.cluster(df, similarity="cosine"))
    assert isinstance(e, ValueError) and "cosine" in str(e)
    e = no_jobs(spark, lambda: nd_spark.cluster(df, thresold=0.5))
    assert isinstance(e, TypeError) and "thresold" in str(e)
    e = no_jobs(spark, lambda: nd_spark.cluster(df, link_budget_edges=-1))
    assert isinstance(e, ValueError) and "link_budget_edges" in str(e)
    e = no_jobs(spark, lambda: nd_spark.cluster(df, window=3))
    assert isinstance(e, ValueError) and "window" in str(e)


def test_null_text(spark):
    df = spark.createDataFrame([("a", "some text"), ("b", None), ("c", "more")], "id string, text string")
    with pytest.raises(ValueError, match=r"text column 'text'.*row 1 .*null"):
        nd_spark.cluster(df)


def test_duplicate_ids(spark):
    df = spark.createDataFrame([("a", "some text"), ("b", "x"), ("a", "more")], "id string, text string")
    with pytest.raises(ValueError, match=r"record 3: duplicate id 'a'.*record 1"):
        nd_spark.cluster(df)
