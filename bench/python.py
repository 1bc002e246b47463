"""The tagger in polars (plugin), DuckDB and Spark (local) against `churn tag`, on one export.

Each reads the generated CSV and tags every row's answer with its Stripe code; the CLI writes
its CSV to /dev/null, the others keep the tags in memory (Spark: the `noop` sink). Wall time,
median of the runs, after one warm-up run; ratios are to the CLI.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

import churn
import churn.duckdb
import churn.polars  # noqa: F401
import churn.spark

ROOT = Path(__file__).resolve().parents[1]
TEXT, CODES = "Why did you cancel?", "cancellation_details.feedback"


def export(rows: int) -> Path:
    path = ROOT / "target" / "bench" / f"exit-survey-{rows}.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            subprocess.run([ROOT / "target/release/examples/generate", str(rows)], stdout=out, check=True)
    return path


def timed(run, runs: int) -> float:
    run()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def contenders(path: Path) -> dict:
    f = str(path)

    def cli():
        with open("/dev/null", "wb") as null:
            subprocess.run([ROOT / "target/release/churn", "tag", "-q", f], stdout=null, check=True)

    def read_only():
        pl.read_csv(f, infer_schema=False)

    def plugin(engine):
        q = pl.scan_csv(f, infer_schema=False).select(pl.col(TEXT).churn.tag(codes=CODES))
        return lambda: q.collect(engine=engine)

    def function():
        df = pl.read_csv(f, infer_schema=False)
        churn.tag(df[TEXT], df[CODES])

    import duckdb

    con = duckdb.connect()
    churn.duckdb.register(con, codes=1)

    def duck():
        con.sql(
            f"SELECT churn_tag(\"{TEXT}\", \"{CODES}\") FROM read_csv('{f}', all_varchar=true)"
        ).fetch_arrow_table()

    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master("local[*]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false").getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")

    def spark_run():
        df = spark.read.csv(f, header=True)
        tagged = churn.spark.tag(df, TEXT, codes=[CODES])
        tagged.write.format("noop").mode("overwrite").save()

    return {
        "churn tag (CLI)": cli,
        "polars read_csv alone (floor)": read_only,
        "polars plugin, in memory": plugin("in-memory"),
        "polars plugin, streaming": plugin("streaming"),
        "churn.tag on a Series": function,
        "DuckDB create_function": duck,
        "Spark mapInArrow, local[*]": spark_run,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("rows", nargs="?", type=int, default=1_000_000)
    args = parser.parse_args()
    path = export(args.rows)
    print(f"{args.rows} rows ({path.stat().st_size / 1e6:.0f} MB), median of {args.runs} runs")
    print("| how | wall | vs CLI |\n|---|---|---|")
    base = None
    for name, run in contenders(path).items():
        t = timed(run, args.runs)
        base = base or t
        print(f"| {name} | {t:.2f} s | {t / base:.2f}x |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
