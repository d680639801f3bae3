"""A user's walk through the README's "Command line" section on the NB201 table: what ``show`` says a run's best
was ranked by, and a ``--config`` file whose plugin the command line replaces. Each test says what a user saw
before."""
from __future__ import annotations

import json

import pytest

from nasloop.engine.cli import main

pytestmark = pytest.mark.usefixtures("isolated_cache")  # neither the user's cache nor NASLOOP_DATA is read


def test_show_says_a_single_objective_runs_best_is_ranked_by_its_minimised_objective(tmp_path, data_dir, capsys,
                                                                                     monkeypatch):
    """A run of ``--objective params_m --minimize`` showed "best architecture" above the cell's validation
    accuracy (67 %), with no word of what it was best at: it read as the most accurate cell found."""
    monkeypatch.setenv("COLUMNS", "200")
    run = tmp_path / "run"
    assert main(["search", "--objective", "params_m", "--minimize", "--strategy", "random", "--budget", "8",
                 "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["show", str(run)]) == 0
    shown = capsys.readouterr().out
    assert " best by params_m (minimised) " in shown and "best architecture" not in shown
