"""The `churn` command pip installs is churn's binary: same bytes out, same exit codes; and
`churn.analyze` is `churn analyze --format json`."""

from __future__ import annotations

import json
import subprocess

import pytest

import churn
from conftest import ROOT

DEMO = "fixtures/demo/surveys.csv"
CHECK = ["check", "fixtures/check/fail.csv", "--min-responses", "50", "--max-unclassified", "10%"]


def run(command: list) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"})


@pytest.mark.parametrize(
    "args, code",
    [
        (["analyze", DEMO], 0),
        (["analyze", DEMO, "--format", "json", "--by", "plan"], 0),
        (["tag", DEMO, "-f", "jsonl"], 0),
        (CHECK, 1),
        (["analyze", "fixtures/no-such.csv"], 2),
        (["analyze", DEMO, "--no-such-flag"], 2),
        (["--version"], 0),
    ],
)
def test_pip_command_is_the_binary(pip_churn, churn_bin, args, code):
    got, want = run([pip_churn, *args]), run(churn_bin + args)
    assert got.returncode == want.returncode == code, got.stderr.decode()
    assert got.stdout == want.stdout
    assert got.stderr == want.stderr


def test_closed_pipe_is_success(pip_churn):
    shell = f"'{pip_churn}' tag {DEMO} | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}"
    out = subprocess.run(["bash", "-c", shell], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "0", out.stderr


def test_analyze_returns_the_json(churn_bin, monkeypatch):
    monkeypatch.chdir(ROOT)
    want = json.loads(run(churn_bin + ["analyze", DEMO, "--by", "plan", "--format", "json"]).stdout)
    assert churn.analyze(DEMO, by="plan") == want


def test_analyze_frames_config_text_and_errors(tmp_path, monkeypatch):
    import polars as pl

    monkeypatch.chdir(ROOT)
    frame = pl.read_csv(DEMO, infer_schema=False)
    report = churn.analyze(frame, quiet=True, config="version = 1\nextends = \"builtin\"\n")
    assert report["rows"]["read"] == frame.height
    with pytest.raises(churn.ChurnError, match="no-such.csv"):
        churn.analyze("fixtures/no-such.csv", quiet=True)
    with pytest.raises(churn.ChurnError, match="--no-such-flag"):
        churn.analyze(DEMO, no_such_flag=True)
