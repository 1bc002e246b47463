"""The tagger in polars (plugin: eager, lazy, streaming), DuckDB and Spark: the same tags as
`churn tag`'s, row for row, on the 100,000-row benchmark export."""

from __future__ import annotations

import os
import subprocess
import sys

import polars as pl
import pytest

import churn.polars  # noqa: F401  (the `churn` expression namespace)
from conftest import CODES, ROOT, TEXT, assert_same_tags


@pytest.fixture(scope="session")
def taxonomy_text(churn_bin, tmp_path_factory) -> str:
    """The built-in taxonomy written out as churn.toml text (`churn taxonomy init -`)."""
    out = subprocess.run(churn_bin + ["taxonomy", "init", "-"], cwd=ROOT, check=True, capture_output=True)
    return out.stdout.decode()


def test_plugin_eager(export_parquet, cli_tags):
    df = pl.read_parquet(export_parquet)
    tagged = df.select(pl.col(TEXT).churn.tag(codes=CODES))
    assert tagged.columns == [TEXT]
    assert_same_tags(tagged[TEXT], cli_tags)


def test_plugin_function_form_lazy(export_parquet, cli_tags):
    q = pl.scan_parquet(export_parquet).select(tag=churn.polars.tag(TEXT, codes=[pl.col(CODES)]))
    assert_same_tags(q.collect()["tag"], cli_tags)


def test_plugin_streaming_with_config_text(export_parquet, cli_tags, taxonomy_text):
    q = pl.scan_parquet(export_parquet).with_columns(
        tag=pl.col(TEXT).churn.tag(codes=CODES, config=taxonomy_text)
    )
    out = q.collect(engine="streaming")
    assert out.columns[-1] == "tag"
    assert_same_tags(out["tag"], cli_tags)


def test_plugin_schema_known_before_running():
    q = pl.LazyFrame({"a": ["x"]}).select(pl.col("a").churn.tag())
    assert list(q.collect_schema()["a"].to_schema()) == list(churn.FIELDS)


def test_plugin_error_names_churn():
    with pytest.raises(pl.exceptions.ComputeError, match="churn: the answers must be text"):
        pl.DataFrame({"a": [1]}).select(pl.col("a").churn.tag())


def test_duckdb(export_parquet, cli_tags):
    duckdb = pytest.importorskip("duckdb")
    import churn.duckdb

    con = duckdb.connect()
    churn.duckdb.register(con, codes=1)
    got = con.sql(
        f"SELECT churn_tag(\"{TEXT}\", \"{CODES}\") AS tag FROM read_parquet('{export_parquet}') "
        "ORDER BY response_id"
    ).pl()
    assert_same_tags(got["tag"], cli_tags)
    churn.duckdb.register(con, "churn_tag_text")
    assert con.sql("SELECT churn_tag_text('too expensive').reason").fetchall() == [("dissatisfaction",)]


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # Two executor processes, as a cluster has (local-cluster needs Spark's jars on disk);
    # `local[2]` (two threads in one process) where it is not available.
    master = os.environ.get("CHURN_SPARK_MASTER", "local-cluster[2,1,1024]")
    session = (
        SparkSession.builder.master(master)
        .appName("churn-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_spark(spark, export_parquet, cli_tags, taxonomy_text):
    import churn.spark

    df = spark.read.parquet(str(export_parquet)).repartition(4)
    tagged = churn.spark.tag(df, TEXT, codes=[CODES], config=taxonomy_text)
    assert tagged.rdd.getNumPartitions() == 4
    rows = tagged.select("response_id", "churn").toArrow()
    got = pl.from_arrow(rows).sort("response_id")
    assert got.height == cli_tags.height
    assert_same_tags(got["churn"], cli_tags)
