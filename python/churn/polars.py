"""churn's tagger as a polars expression plugin.

    import churn.polars  # adds the `churn` namespace to expressions
    df.with_columns(tag=pl.col("answer").churn.tag(codes="code"))

The tag is a struct column (fields: `churn.FIELDS`); `.struct.unnest()` makes them columns. The
plugin is elementwise: it runs in lazy and streaming queries, on polars' threads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Union

import polars as pl
from polars.plugins import register_plugin_function

from churn import Config, config_source

__all__ = ["tag"]

IntoExpr = Union[str, pl.Expr]


def _expr(value: IntoExpr) -> pl.Expr:
    return pl.col(value) if isinstance(value, str) else value


def _codes(codes: Any) -> list:
    if codes is None:
        return []
    return list(codes) if isinstance(codes, (list, tuple)) else [codes]


def tag(answers: IntoExpr, codes: Any = None, config: Config = None, *, model: bool = True) -> pl.Expr:
    """The tag of each answer: `answers` and `codes` are columns (names or expressions), the
    other arguments as `churn.tag`'s. The configuration is read now, and compiled once per
    process when the query runs."""
    text, path = config_source(config)
    return register_plugin_function(
        plugin_path=Path(__file__).parent,
        function_name="tag",
        args=[_expr(answers)] + [_expr(c) for c in _codes(codes)],
        kwargs={"config": text, "path": path, "model": model},
        is_elementwise=True,
    )


@pl.api.register_expr_namespace("churn")
class ChurnNamespace:
    """`expr.churn.tag(...)`: see `churn.polars.tag`."""

    def __init__(self, expr: pl.Expr) -> None:
        self._expr = expr

    def tag(self, codes: Any = None, config: Config = None, *, model: bool = True) -> pl.Expr:
        return tag(self._expr, codes, config, model=model)
