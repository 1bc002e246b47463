"""`churn.tag`: inputs, configuration, errors, and equality with `churn tag`."""

from __future__ import annotations

import pyarrow as pa
import polars as pl
import pytest

import churn
from conftest import CODES, TEXT, assert_same_tags

TAXONOMY = """
extends = "builtin"

[[reason]]
id = "price"
label = "Price"
meaning = "Left because of the price."
priority = 10
phrases.en = ["too expensive", "expensive"]
"""


def test_list_gives_arrow_struct_with_each_field():
    tags = churn.tag(["too expensive", "moving abroad", "", None])
    assert isinstance(tags, pa.StructArray)
    assert [f.name for f in tags.type] == list(churn.FIELDS)
    rows = tags.to_pylist()
    assert rows[0]["reason"] == "dissatisfaction" and rows[0]["status"] == "tagged"
    assert rows[0]["sub_reason"] == "price" and rows[0]["evidence"] == ["expensive"]
    assert rows[1]["reason"] == "moved"
    assert [r["status"] for r in rows[2:]] == ["no_answer", "no_answer"]
    assert rows[2]["reasons"] == [] and rows[2]["reason"] is None


def test_polars_series_gives_polars_struct_named_as_input():
    tags = churn.tag(pl.Series("why", ["the app kept crashing"]))
    assert isinstance(tags, pl.Series) and tags.name == "why"
    assert tags.struct.field("reason").to_list() == ["dissatisfaction"]


def test_arrow_input_and_codes():
    texts = pa.array(["", "other"])
    codes = pa.array(["too_expensive", "switched_service"])
    rows = churn.tag(texts, codes).to_pylist()
    assert rows[0]["reason"] == "dissatisfaction" and rows[0]["evidence"] == ["code:too_expensive"]
    assert rows[1]["reason"] == "better_product"


def test_config_as_text_and_as_path(tmp_path):
    path = tmp_path / "churn.toml"
    path.write_text(TAXONOMY)
    for config in (TAXONOMY, path, str(path)):
        rows = churn.tag(["way too expensive"], config=config).to_pylist()
        assert rows[0]["reason"] == "price", config


def test_without_model_no_confidence():
    rows = churn.tag(["too expensive"], model=False).to_pylist()
    assert rows[0]["confidence"] is None
    assert churn.tag(["too expensive"]).to_pylist()[0]["confidence"] is not None


def test_empty_input():
    assert len(churn.tag([])) == 0
    assert churn.tag(pl.Series("a", [], pl.String)).len() == 0


@pytest.mark.parametrize(
    "call, says",
    [
        (lambda: churn.tag([1, 2]), "strings"),
        (lambda: churn.tag(pl.Series([1, 2])), "cast them first"),
        (lambda: churn.tag(["a", "b"], codes=["x"]), "the codes have 1 rows, the answers 2"),
        (lambda: churn.tag(["a"], config="/no/such/churn.toml"), "cannot read the configuration"),
        (lambda: churn.tag(["a"], config="[[reason]]\nid = 3\n"), "invalid config"),
    ],
)
def test_errors_raise_churn_error(call, says):
    with pytest.raises(churn.ChurnError, match=says):
        call()


def test_equal_to_churn_tag_on_100k_rows(export_parquet, cli_tags):
    df = pl.read_parquet(export_parquet)
    assert_same_tags(churn.tag(df[TEXT], df[CODES]), cli_tags)
    arrow = df.to_arrow()
    assert_same_tags(churn.tag(arrow[TEXT], arrow[CODES]), cli_tags)
