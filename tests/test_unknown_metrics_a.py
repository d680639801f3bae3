"""What 'nasloop show' and a run's report print of its metrics. A metric a user's evaluator reports as unknown
(None, as a Result may hold one) is shown as '–': 'nasloop report RUN' stopped on a TypeError in its table of best
architectures, and 'nasloop show' printed 'None'."""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main
from nasloop.engine.evaluators.base import Evaluator
from nasloop.engine.registry import register_evaluator, register_search_space
from nasloop.engine.types import Result

from .digit_space import DigitSpace


class SizeUnknown(Evaluator):
    """Scores the digits; the size it cannot measure it reports as None."""

    objective = "score"

    def metric_names(self, fidelity=None):
        return ["score", "size"]

    def evaluate(self, arch, fidelity=None):
        return Result(metrics={"score": float(sum(arch)), "size": None}, cost=1.0)


@pytest.fixture(autouse=True)
def _plugins():
    """Registered for one test; the conftest drops them after it."""
    register_search_space("um-digits")(type("Digits", (DigitSpace,), {"name": "um-digits"}))
    register_evaluator("um-size-unknown")(SizeUnknown)


def test_an_unknown_metric_is_shown_and_reported_as_a_dash(tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["search", "--space", "um-digits", "--evaluator", "um-size-unknown", "--strategy", "random",
                 "--budget", "3", "--run-dir", str(run), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["show", str(run)]) == 0
    size = next(line for line in capsys.readouterr().out.splitlines() if " size " in line)
    assert "–" in size and "None" not in size
    assert main(["report", str(run)]) == 0
    written = (run / "report" / "report.md").read_text()
    assert "| trial | architecture | score | size |" in written and "| 12 | – |" in written
    rows = [line for line in written.splitlines() if line.startswith("| ") and line.rstrip().endswith("| – |")]
    assert len(rows) == 3


def test_a_run_reports_table_puts_the_objective_first(tmp_path, data_dir):
    """Sorted by name, NB201's val_accuracy was the last of 16 columns of the table ranked by it."""
    run = tmp_path / "run"
    assert main(["search", "--space", "nb201", "--strategy", "random", "--budget", "3", "--data-dir", str(data_dir),
                 "--run-dir", str(run), "--quiet"]) == 0
    assert main(["report", str(run)]) == 0
    header = next(line for line in (run / "report" / "report.md").read_text().splitlines()
                  if line.startswith("| trial | architecture |"))
    assert header.startswith("| trial | architecture | val_accuracy (%) | test_accuracy (%) |"), header
