"""churn's tagger as a DuckDB function.

    import duckdb, churn.duckdb
    con = duckdb.connect()
    churn.duckdb.register(con)                       # churn_tag(answer)
    churn.duckdb.register(con, "churn_tag_coded", codes=1)  # churn_tag_coded(answer, code)
    con.sql("SELECT churn_tag(answer).reason FROM read_parquet('exports/*.parquet')")

The function is vectorized: DuckDB hands it Arrow arrays, a chunk of rows at a time, and it
returns the struct of `churn.FIELDS` per row.
"""

from __future__ import annotations

import inspect
from typing import Any

import duckdb
from duckdb.sqltypes import FLOAT, VARCHAR

import churn
from churn import Config, config_source

__all__ = ["TYPE", "register"]

#: The SQL type of a tag: STRUCT(reason VARCHAR, reasons VARCHAR[], ...).
_KIND = {"text": VARCHAR, "texts": duckdb.list_type(VARCHAR), "number": FLOAT}
TYPE = duckdb.struct_type({field: _KIND[kind] for field, kind in churn.KINDS.items()})


def register(
    con: Any,
    name: str = "churn_tag",
    *,
    codes: int = 0,
    config: Config = None,
    model: bool = True,
) -> None:
    """Register `name(answer[, code...])` on the connection `con`: the tag of each answer, with
    `codes` columns of coded values after it. `config`: churn.toml's text or path (read now)."""
    text, _ = config_source(config)

    def tag(answers, *code_columns):
        return churn.tag(answers, list(code_columns) or None, text, model=model)

    # DuckDB counts a function's parameters: one per column.
    names = ["answer"] + [f"code{i + 1}" for i in range(codes)]
    tag.__signature__ = inspect.Signature(
        [inspect.Parameter(n, inspect.Parameter.POSITIONAL_ONLY) for n in names]
    )

    con.create_function(
        name,
        tag,
        [VARCHAR] * (1 + codes),
        TYPE,
        type="arrow",
        null_handling="special",
        side_effects=False,
    )
