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


def test_a_strategy_on_the_command_line_replaces_the_config_files_with_its_options(tmp_path, data_dir, capsys):
    """``--config search.yaml --strategy random`` (the README's file, against a random baseline) stopped on
    "strategy 'random' has no option 'population_size'", an option of the file's evolution the command never
    named; the file's other keys (dataset, seed) still hold, and so does an option given as a flag."""
    config = tmp_path / "search.yaml"
    config.write_text("space: nb201\ndataset: cifar100\nstrategy: evolution\n"
                      "strategy_options: {population_size: 100, sample_size: 25}\nbudget: 300\nseed: 1\n")
    base = ["search", "--config", str(config), "--budget", "5", "--data-dir", str(data_dir), "--quiet", "--json"]
    assert main([*base, "--strategy", "random", "--run-dir", str(tmp_path / "random")]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["strategy"], summary["options"], summary["dataset"], summary["seed"]) == ("random", {},
                                                                                             "cifar100", 1)
    assert main([*base, "--strategy", "evolution", "--strategy-opt", "population_size=4",
                 "--run-dir", str(tmp_path / "same")]) == 2  # the file's own strategy keeps its sample_size=25
    assert "sample_size <= population_size, got 25 and 4" in capsys.readouterr().err


def test_an_unguided_strategy_on_the_command_line_takes_the_config_files_predictor_away(tmp_path, data_dir,
                                                                                      capsys):
    """A file of ``strategy: bananas, predictor: gp`` run with ``--strategy evolution`` was refused with "strategy
    'evolution' uses no predictor ... or drop --predictor", a flag the command did not have; a guided strategy
    keeps the file's predictor."""
    config = tmp_path / "guided.yaml"
    config.write_text("strategy: bananas\npredictor: gp\npredictor_options: {}\nbudget: 3\n")
    base = ["search", "--config", str(config), "--data-dir", str(data_dir), "--quiet", "--json"]
    assert main([*base, "--strategy", "evolution", "--run-dir", str(tmp_path / "evolution")]) == 0
    assert json.loads(capsys.readouterr().out)["predictor"] is None
    assert main([*base, "--strategy", "predictor-topk", "--strategy-opt", "warmup=null",
                 "--run-dir", str(tmp_path / "topk")]) == 0
    assert json.loads(capsys.readouterr().out)["predictor"] == "gp"


def test_export_to_a_folder_names_it_and_a_file_to_give(tmp_path, data_dir, capsys):
    """``nasloop export runs/demo runs/demo`` said "cannot export to 'demo': use a .csv or .json file name", the
    folder's last part only; a folder is now named whole, with a file in it to give instead."""
    run = tmp_path / "run"
    assert main(["search", "--strategy", "random", "--budget", "2", "--data-dir", str(data_dir),
                 "--run-dir", str(run), "--quiet"]) == 0
    capsys.readouterr()
    for folder in (run, tmp_path / "out.csv"):
        folder.mkdir(exist_ok=True)
        assert main(["export", str(run), str(folder)]) == 2
        err = capsys.readouterr().err.strip()
        assert err == (f"nasloop export: error: cannot export to {folder}: it is a folder; give a file name in it, "
                       f"e.g. {folder / 'evals.csv'}")
    afile = tmp_path / "afile"  # a file where the folder would be: "folder afile does not exist; create it first"
    afile.write_text("")
    for path in (afile / "x.csv", afile / "sub" / "x.csv"):
        assert main(["export", str(run), str(path)]) == 2
        assert capsys.readouterr().err.strip() == (f"nasloop export: error: cannot export to {path}: {afile} is a "
                                                   "file, not a folder; give a file name in a folder")


def test_show_gives_the_time_budget_beside_the_cost(tmp_path, data_dir, capsys, monkeypatch):
    """A run of ``--max-seconds`` alone showed 'evaluations 3 of ∞' and its cost, the time limit nowhere but in a
    finished run's stop reason: a running or interrupted run's table left unsaid what it runs to."""
    monkeypatch.setenv("COLUMNS", "200")
    run = tmp_path / "run"
    assert main(["search", "--strategy", "random", "--max-seconds", "3000", "--data-dir", str(data_dir),
                 "--run-dir", str(run), "--quiet", "--json"]) == 0
    spent = json.loads(capsys.readouterr().out)["budget"]["seconds_used"]
    assert main(["show", str(run)]) == 0
    assert f" {spent:.0f} s of 3000 s (--max-seconds) (" in capsys.readouterr().out
