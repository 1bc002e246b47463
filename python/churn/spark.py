"""churn's tagger on Spark: each executor tags Arrow batches of its partitions (`mapInArrow`).

    import churn.spark
    tagged = churn.spark.tag(df, "answer", codes=["code"], config=open("churn.toml").read())
    tagged.select("response_id", "churn.reason").show()

The taxonomy travels to the executors as text, and each executor process compiles it once.
"""

from __future__ import annotations

from typing import Any, Iterator, Optional, Sequence

import pyarrow as pa

import churn
from churn import Config, config_source

__all__ = ["SCHEMA", "spark_type", "tag"]

_SQL = {"text": "string", "texts": "array<string>", "number": "float"}
_ARROW_KIND = {"text": pa.string(), "texts": pa.list_(pa.string()), "number": pa.float32()}

#: The Spark SQL type of a tag (the fields of `churn.FIELDS`).
SCHEMA = "struct<" + ",".join(f"{f}:{_SQL[k]}" for f, k in churn.KINDS.items()) + ">"

#: The Arrow type Spark is handed (plain, not large, strings and lists).
_ARROW = pa.struct([(field, _ARROW_KIND[kind]) for field, kind in churn.KINDS.items()])


def spark_type() -> Any:
    """The Spark type of a tag, a `StructType` (`SCHEMA` as DDL text)."""
    from pyspark.sql.types import ArrayType, FloatType, StringType, StructField, StructType

    kind = {"text": StringType(), "texts": ArrayType(StringType()), "number": FloatType()}
    return StructType([StructField(f, kind[k]) for f, k in churn.KINDS.items()])


def tag(
    df: Any,
    answer: str,
    codes: Optional[Sequence[str]] = None,
    config: Config = None,
    *,
    model: bool = True,
    into: str = "churn",
) -> Any:
    """`df` with a struct column `into` holding each row's tag of its `answer` column (with
    the coded values of the `codes` columns). `config`: churn.toml's text or path, read here on
    the driver and sent to the executors as text."""
    from pyspark.sql.types import StructType

    text, _ = config_source(config)
    names = df.columns
    at = {name: i for i, name in enumerate(names)}
    missing = [c for c in [answer, *(codes or [])] if c not in at]
    if missing:
        raise churn.ChurnError(f"no column {missing[0]!r} in the DataFrame; its columns: {names}")
    text_at, codes_at = at[answer], [at[c] for c in codes or []]
    schema = StructType(list(df.schema.fields)).add(into, spark_type())

    def tag_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            tags = churn.tag(
                batch.column(text_at), [batch.column(i) for i in codes_at] or None, text, model=model
            )
            yield pa.RecordBatch.from_arrays([*batch.columns, tags.cast(_ARROW)], names=[*names, into])

    # Columns are renamed by position on the way in: Spark's mapInArrow cannot resolve a name
    # with a dot (`cancellation_details.feedback`); the output schema restores them.
    plain = df.toDF(*[f"_{i}" for i in range(len(names))])
    return plain.mapInArrow(tag_batches, schema)
