"""The README's Python examples run as written (from the repository's root)."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT

SECTION = "## In Python: polars, DuckDB and Spark"


def examples() -> list:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index(SECTION)
    section = readme[start : readme.index("\n## ", start + 1)]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_one_example_per_engine():
    found = examples()
    assert len(found) == 3
    assert ["churn.polars" in found[0], "churn.duckdb" in found[1], "churn.spark" in found[2]] == [True] * 3


@pytest.mark.parametrize("index", range(3), ids=["polars", "duckdb", "spark"])
def test_example_runs(index, monkeypatch, capsys):
    if index == 2:
        pytest.importorskip("pyspark")
    monkeypatch.chdir(ROOT)
    scope: dict = {}
    exec(compile(examples()[index], f"README.md example {index + 1}", "exec"), scope)
    if index == 0:
        tags = scope["tags"]
        assert tags.columns == ["plan", "reason", "len"] and tags["len"].sum() == 300
    else:
        assert "dissatisfaction" in capsys.readouterr().out
    if index == 2:
        scope["spark"].stop()
