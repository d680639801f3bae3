"""A predictor study's progress bar counts the fits the command measures: continued under a --seeds smaller than a
stored request's seeds, the study measures every seed that request asked for (tests/test_predictor_seeds_a14.py),
and the bar's total was the command's own seeds, so it ran past its end (2/1)."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from nasloop.engine.cli import main

from .cli_processes import drawn_on_a_terminal

pytestmark = pytest.mark.usefixtures("isolated_cache")


def compare(study: Path, data_dir: Path, seeds: int) -> list[str]:
    return ["compare", "--predictors", "random", "--train-sizes", "8", "--seeds", str(seeds), "--out", str(study),
            "--data-dir", str(data_dir)]


def on_a_terminal(argv: list[str]) -> tuple[int, str]:
    """The command's exit status and what it drew on a terminal (its stderr a pty), escape sequences left out."""
    status, seen = drawn_on_a_terminal([sys.executable, "-m", "nasloop.engine.cli", *argv])
    return status, re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", seen.decode(errors="replace"))


def test_the_bar_counts_a_stored_requests_seeds_and_not_the_fits_held(tmp_path, data_dir):
    study = tmp_path / "study"
    assert main([*compare(study, data_dir, 1), "--quiet"]) == 0
    path = study / "predictor_study.json"
    grid = json.loads(path.read_text())
    grid["requests"][0]["seeds"] = [0, 1, 2]  # killed after one of three seeds
    path.write_text(json.dumps(grid))
    status, drawn = on_a_terminal(compare(study, data_dir, 1))
    assert status == 0
    counts = set(re.findall(r"fits\b[^\n]*?(\d+)/(\d+)", drawn))
    assert counts and {total for _, total in counts} == {"2"} and ("2", "2") in counts, drawn
    lines = (study / "predictor_records.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["seed"] for line in lines) == [0, 1, 2]
