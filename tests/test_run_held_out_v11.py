"""``nasloop show RUN`` and ``nasloop report RUN`` where the run's best architecture has no held-out value.

A user's evaluator may store a NaN test accuracy, which a run's summary writes as None (JSON's): ``show`` and
``report`` then failed in a TypeError. A table with no test accuracy (NB101's) gave every run a 'held-out of
chosen (%): –' line, and at 12 epochs a note on a final fidelity the run has no value of either.
"""
from __future__ import annotations

import json
from pathlib import Path

from nasloop.engine.cli import main
from nasloop.engine.evaluators.base import Evaluator
from nasloop.engine.registry import register_evaluator
from nasloop.engine.types import Result


class UntestedScore(Evaluator):
    """A quick score of each cell whose test accuracy was not measured: stored as NaN."""

    def evaluate(self, arch, fidelity=None):
        return Result(metrics={"val_accuracy": float(sum(arch)), "test_accuracy": float("nan")}, cost=1.0)


def _shown(run: Path, capsys, *flags: str) -> str:
    capsys.readouterr()
    assert main(["show", str(run), *flags]) == 0
    return capsys.readouterr().out


def test_a_nan_held_out_value_is_shown_and_reported_without_failing(tmp_path: Path, capsys) -> None:
    register_evaluator("v11-untested")(UntestedScore)
    run = tmp_path / "run"
    assert main(["search", "--space", "nb201", "--evaluator", "v11-untested", "--strategy", "random", "--budget",
                 "5", "--run-dir", str(run), "--quiet"]) == 0
    summary = json.loads(_shown(run, capsys, "--json"))
    assert summary["best"]["metrics"]["test_accuracy"] is None and "held_out" not in summary
    assert "held-out" not in _shown(run, capsys)
    assert main(["report", str(run), "--out", str(tmp_path / "report")]) == 0
    assert "Held-out" not in (tmp_path / "report" / "report.md").read_text(encoding="utf-8")


def test_a_table_without_a_test_accuracy_shows_no_held_out_line(tmp_path: Path, data_dir: Path, capsys) -> None:
    for fidelity in ([], ["--fidelity", "12"]):
        run = tmp_path / f"run{len(fidelity)}"
        assert main(["search", "--space", "nb101", "--strategy", "random", "--budget", "5", "--seed", "2",
                     "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet", *fidelity]) == 0
        summary = json.loads(_shown(run, capsys, "--json"))
        assert summary["best"]["metrics"]["val_accuracy"] > 0 and "test_accuracy" not in summary["best"]["metrics"]
        # at 12 epochs, no held-out value but the chosen cell's 108-epoch validation accuracy (its own test file)
        assert summary.get("held_out", {}).get("values", {}) == {} and ("held_out" in summary) == bool(fidelity)
        assert "held-out of chosen" not in _shown(run, capsys).lower()
