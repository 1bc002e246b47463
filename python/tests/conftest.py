"""Shared fixtures: the repository, churn's binary (built by `cargo test`), the 100,000-row
benchmark export and what `churn tag` makes of it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

ROOT = Path(__file__).resolve().parents[2]
ROWS = 100_000
TEXT = "Why did you cancel?"
CODES = "cancellation_details.feedback"


def cargo_binary(name: str, example: bool = False) -> list:
    """The command of a binary of the workspace: built by `cargo test` if it is there, else
    `cargo run`."""
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    for profile in ("debug", "release"):
        built = target / profile / ("examples" if example else "") / name
        if built.exists():
            return [str(built)]
    kind = "--example" if example else "--bin"
    return ["cargo", "run", "--quiet", kind, name, "--"]


@pytest.fixture(scope="session")
def churn_bin() -> list:
    """churn's Rust binary, the reference the package is checked against."""
    return cargo_binary("churn")


@pytest.fixture(scope="session")
def pip_churn() -> str:
    """The `churn` command the package installs."""
    path = Path(sys.executable).parent / "churn"
    found = str(path) if path.exists() else shutil.which("churn")
    assert found, "the package installs a `churn` command"
    return found


@pytest.fixture(scope="session")
def export(tmp_path_factory) -> Path:
    """The benchmark export at 100,000 rows (examples/generate.rs, seed fixed)."""
    path = tmp_path_factory.mktemp("export") / f"exit-survey-{ROWS}.csv"
    with path.open("wb") as out:
        subprocess.run(cargo_binary("generate", example=True) + [str(ROWS)], cwd=ROOT, stdout=out, check=True)
    return path


@pytest.fixture(scope="session")
def export_parquet(export: Path) -> Path:
    """The export as Parquet, every column text, as a warehouse would hold it."""
    path = export.with_suffix(".parquet")
    pl.read_csv(export, infer_schema=False).write_parquet(path)
    return path


@pytest.fixture(scope="session")
def cli_tags(export: Path, churn_bin: list, tmp_path_factory) -> pl.DataFrame:
    """`churn tag`'s tags of the export, in the package's fields: reasons and evidence as
    lists (the CLI joins them with `|`), no sub-reason as null."""
    out = tmp_path_factory.mktemp("cli") / "tagged.parquet"
    subprocess.run(churn_bin + ["tag", "-q", "-f", "parquet", "-o", str(out), str(export)], cwd=ROOT, check=True)
    t = pl.read_parquet(out)
    split = lambda c: pl.when(pl.col(c) == "").then(pl.lit([], pl.List(pl.String))).otherwise(pl.col(c).str.split("|"))
    blank = lambda c: pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c))
    return t.select(
        reason=blank("churn_reason"),
        reasons=split("churn_reasons"),
        sub_reason=blank("churn_sub_reason"),
        status=pl.col("churn_status"),
        evidence=split("churn_evidence"),
        confidence=pl.col("churn_confidence"),
    )


def comparable(tags) -> pl.DataFrame:
    """A struct column of tags (polars or Arrow) as a frame of the fields `churn tag` writes."""
    series = tags if isinstance(tags, pl.Series) else pl.Series(tags)
    return series.struct.unnest().select(
        "reason", "reasons", "sub_reason", "status", "evidence", "confidence"
    )


def assert_same_tags(got, want: pl.DataFrame) -> None:
    """Row for row equality, with the first differing row shown."""
    got = comparable(got)
    assert got.height == want.height
    diff = got.with_row_index().join(want.with_row_index(), on="index", suffix="_cli").filter(
        pl.any_horizontal(
            pl.col(c).ne_missing(pl.col(f"{c}_cli")) for c in want.columns
        )
    )
    assert diff.height == 0, f"{diff.height} rows differ from churn tag's, first: {diff.row(0, named=True)}"
