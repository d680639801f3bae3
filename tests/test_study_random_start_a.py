"""A study whose budget is no longer than a method's random start says so, as ``nasloop search`` does."""
from __future__ import annotations

from pathlib import Path

from nasloop.engine.cli import main

from .messages import one_line


def test_a_budget_within_the_random_start_is_said_before_the_runs_and_in_the_report(tmp_path: Path, data_dir: Path,
                                                                                    capsys) -> None:
    """'compare --methods evolution,random --budget 30' compared random search with itself under two names, and
    neither compare nor the report said so ('nasloop search' does, after one such run)."""
    study = tmp_path / "study"
    assert main(["compare", "--methods", "evolution,evolution+population_size=4+sample_size=2", "--seeds", "1",
                 "--budget", "5", "--out", str(study), "--data-dir", str(data_dir), "--quiet"]) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if "random search" in line]
    assert len(notes) == 1  # evolution of 4 uses what it saw after its fourth evaluation
    one_line(notes[0], "method 'evolution'", "first 50 evaluations", "population_size", "raise --budget above 50")
    assert "Method 'evolution': evolution draws its first 50 evaluations at random" in (study / "report.md").read_text()



def test_a_study_of_a_plugin_strategy_is_reported_without_loading_it(tmp_path: Path, data_dir: Path,
                                                                     fresh_nasloop) -> None:
    """'report' loads a study's plugins only for a space they register, so a plugin's strategy is unknown there:
    the note looks strategies up, and must leave itself out rather than fail the report. Each command runs in this
    process as a process of its own would (fresh_nasloop): the report meets no strategy the compare loaded."""
    (tmp_path / "evo_again.py").write_text(
        "from nasloop.engine.registry import register_strategy\n"
        "from nasloop.strategies.evolution import RegularizedEvolution\n"
        "register_strategy('evo-again')(type('EvoAgain', (RegularizedEvolution,), {}))\n")
    study = tmp_path / "study"
    compared = fresh_nasloop(["--plugin", str(tmp_path / "evo_again.py"), "compare", "--methods", "evo-again",
                              "--seeds", "1", "--budget", "3", "--out", str(study), "--data-dir", str(data_dir),
                              "--quiet"])
    assert compared.returncode == 0, compared.stderr
    assert "evo-again draws its first 50" in compared.stderr
    told = fresh_nasloop(["report", str(study)])  # as a process of its own, where the plugin is not loaded
    assert told.returncode == 0, told.stderr

