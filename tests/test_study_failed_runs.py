"""A study's run whose every evaluation failed within the budget is a result (no success), not a run left out."""
from __future__ import annotations

from pathlib import Path

from nasloop.engine.cli import main
from nasloop.engine.study_file import load_study
from nasloop.engine.study_renew import run_state
from nasloop.engine.study_results import collect


def test_a_run_that_failed_its_whole_budget_counts_as_a_seed_without_success(tmp_path: Path, data_dir: Path,
                                                                              capsys) -> None:
    """NB101 beyond its table (``table_only=false``): 2 random picks are both outside the 30,001 cells for some
    seeds, and those runs are stored as failed. The study left them out ("Runs left out"), so each method's
    row read 2 seeds, not "(2/4 seeds)", and a method with more such failures looked no worse; with every
    method's runs left out the method vanished from the report."""
    study = tmp_path / "study"
    assert main(["compare", "--space", "nb101", "--space-opt", "table_only=false", "--methods", "random", "--seeds",
                 "4", "--budget", "2", "--target", "90", "--out", str(study), "--data-dir", str(data_dir),
                 "--quiet"]) == 0
    printed = capsys.readouterr().out
    loaded = load_study(study)
    states = [run_state(loaded.run_dir(method, seed)) for method, seed in loaded.runs()]
    assert "failed" in states and "finished" in states, states  # the case under test: some seeds found nothing
    results = collect(loaded, target=90.0)
    assert results.problems == []
    runs = results.methods["random"]
    assert runs.seeds == [0, 1, 2, 3]
    assert sum(runs.failed) >= 2 * states.count("failed")  # every failed run's two evaluations count as failed
    assert int(results.covered("random")[-1]) == states.count("finished")
    assert f"({states.count('finished')}/4 seeds)" in printed
    target = results.to_target("random")
    assert target is not None and target.runs == 4  # censored at the budget: '>2' for the runs that found nothing
    assert {"anytime.png", "anytime_log.png"} <= {p.name for p in (study / "figures").iterdir()}
