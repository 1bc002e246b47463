"""churn: tells a business why its customers left.

`tag` tags answers (a list, an Arrow array or a polars Series) with churn's reasons, as
`churn tag` does; `analyze` runs `churn analyze` and returns its JSON as a dict. `churn.polars`
adds the tagger to polars expressions (`pl.col("answer").churn.tag()`). The `churn` command
comes with the package.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Optional, Sequence, Tuple, Union

import polars as pl

from churn import _churn
from churn._churn import ChurnError, __version__

__all__ = ["FIELDS", "KINDS", "ChurnError", "__version__", "analyze", "tag"]

#: The fields of each row's tag, in order: the primary reason, every reason in the order the
#: answer states them, the primary reason's sub-reason, where the row ended up (tagged,
#: unclassified, no_answer, involuntary), what tagged each reason, the model's confidence
#: (null without a model) and the competitor named (null without `[competitors]`).
FIELDS = ("reason", "reasons", "sub_reason", "status", "evidence", "confidence", "competitor")

#: Each field's kind, from which each engine's type is made (churn.duckdb, churn.spark): `text`,
#: `texts` (a list of text) or `number` (a 32-bit float).
KINDS = dict(zip(FIELDS, ("text", "texts", "text", "text", "texts", "number", "text")))

Config = Union[None, str, "os.PathLike[str]"]


def config_source(config: Config) -> Tuple[Optional[str], Optional[str]]:
    """The text of a configuration and the path it came from.

    `None` is churn's built-in configuration; a path (or a string with no newline, `=` or `[`
    that names a file) is read; any other string is churn.toml's text itself.
    """
    if config is None:
        return None, None
    if isinstance(config, os.PathLike):
        path = os.fspath(config)
    elif isinstance(config, str):
        if "\n" in config or "=" in config or config.lstrip().startswith("["):
            return config, None
        path = config
    else:
        raise TypeError(f"config: churn.toml's text or a path, not {type(config).__name__}")
    try:
        return Path(path).read_text(encoding="utf-8"), path
    except OSError as e:
        raise ChurnError(
            f"cannot read the configuration `{path}`: {e.strerror}; give churn.toml's path, "
            "or its text"
        ) from None


def columns(codes: Any) -> list:
    """`codes` as a list of columns: none, one column, or a list or tuple of columns."""
    if codes is None:
        return []
    if isinstance(codes, (list, tuple)) and codes and all(_is_column(c) for c in codes):
        return list(codes)
    return [codes]


def _is_column(value: Any) -> bool:
    return isinstance(value, (pl.Series, pl.Expr, list, tuple)) or hasattr(
        value, "__arrow_c_array__"
    ) or hasattr(value, "__arrow_c_stream__")


def _series(values: Any, name: str) -> pl.Series:
    """A polars String Series of `values`: a Series, an Arrow array, or any sequence."""
    if isinstance(values, pl.Series):
        series = values
    elif hasattr(values, "__arrow_c_array__") or hasattr(values, "__arrow_c_stream__"):
        series = pl.Series(name, values)
    else:
        try:
            series = pl.Series(name, list(values), dtype=pl.String, strict=True)
        except (TypeError, pl.exceptions.PolarsError) as e:
            raise ChurnError(f"the {name}s must be strings (or None): {e}") from None
    if series.dtype not in (pl.String, pl.Null):
        raise ChurnError(f"the {name}s must be text (strings), not {series.dtype}; cast them first")
    return series


def tag(texts: Any, codes: Any = None, config: Config = None, *, model: bool = True):
    """Tag each answer in `texts` as `churn tag` does.

    `texts`: a list (of str or None), a pyarrow array or a polars Series. `codes`: the coded
    values beside them (a Stripe `cancellation_details.feedback`, a survey's choice), one column
    or a list of columns, each as long as `texts`. `config`: churn.toml's text or path (None:
    the built-in taxonomy; a `churn.toml` in the working directory is not read). `model=False`
    tags by the rules alone, as `--no-model`.

    Returns a struct per row with the fields of `FIELDS`: a polars Series for a polars Series,
    else a pyarrow StructArray.
    """
    series = _series(texts, "answer")
    code_columns = [_series(c, "code") for c in columns(codes)]
    text, path = config_source(config)
    tagged = _churn.tag(series, code_columns, text, path, model)
    if isinstance(texts, pl.Series):
        return tagged
    return tagged.to_arrow(compat_level=pl.CompatLevel.oldest())


def analyze(*files: Any, config: Config = None, **options: Any) -> dict:
    """`churn analyze FILES... --format json`, returned as a dict (docs/json.md describes it).

    `files`: paths of exports, or polars DataFrames (written to a temporary Parquet file).
    Each keyword is the flag of the same name, `_` for `-`: `by="plan"` is `--by plan`,
    `quiet=True` is `-q`, a list repeats the flag. Notes go to stderr as the command's do.
    """
    with tempfile.TemporaryDirectory(prefix="churn-") as scratch:
        args = [_file(f, i, scratch) for i, f in enumerate(files)]
        text, path = config_source(config)
        if text is not None and path is None:
            path = os.path.join(scratch, "churn.toml")
            Path(path).write_text(text, encoding="utf-8")
        if path is not None:
            args += ["--config", path]
        args += _flags(options)
        return json.loads(_churn.analyze(args))


def _file(value: Any, i: int, scratch: str) -> str:
    if isinstance(value, pl.DataFrame):
        path = os.path.join(scratch, f"frame-{i + 1}.parquet")
        value.write_parquet(path)
        return path
    return os.fspath(value)


def _flags(options: dict) -> list:
    args: list = []
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        values: Sequence[Any] = value if isinstance(value, (list, tuple)) else [value]
        for v in values:
            if v is True:
                args.append(flag)
            elif v is not False and v is not None:
                args += [flag, os.fspath(v) if isinstance(v, os.PathLike) else str(v)]
    return args
