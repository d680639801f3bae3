"""Studies of multi-objective searches: runs compared by the hypervolume of their fronts against one reference point."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from nasloop.engine.cli import main
from nasloop.engine.pareto_summary import pareto_summary
from nasloop.engine.store import RunStore
from nasloop.engine.study_file import load_study
from nasloop.engine.study_results import collect

OBJECTIVES = ["--objectives", "val_accuracy:max,params_m:min", "--reference-point", "80,1.6"]


def compare(study: Path, data_dir: Path, *extra: str, budget: int = 16, seeds: int = 2) -> int:
    return main(["compare", "--seeds", str(seeds), "--budget", str(budget), "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet", *extra])


def test_runs_are_compared_by_the_hypervolume_each_one_shows(tmp_path, data_dir):
    """Each run's curve ends at the hypervolume 'nasloop show' gives it, and only grows."""
    study = tmp_path / "study"
    assert compare(study, data_dir, "--methods", "random,evolution+population_size=4+sample_size=2",
                   *OBJECTIVES) == 0
    stored = load_study(study)
    results = collect(stored)
    assert results.objective == "hypervolume" and not results.minimize
    for method in stored.methods:
        runs = results.methods[method.label]
        assert runs.seeds == [0, 1]
        for seed, curve in zip(runs.seeds, runs.curves):
            with RunStore.in_run_dir(stored.run_dir(method, seed), readonly=True) as store:
                shown = pareto_summary(store, store.get_meta("config"))["hypervolume"]
            assert curve[-1] == pytest.approx(shown, rel=1e-9) and shown > 0
            finite = curve[np.isfinite(curve)]
            assert np.all(np.diff(finite) >= 0)
        assert all(math.isnan(v) for v in runs.held_out)  # a front has no one architecture to hold out
    text = (study / "report.md").read_text()
    assert "objectives val_accuracy:max, params_m:min compared by hypervolume" in text
    assert "against the reference point 80, 1.6 (the same for every run)" in text
    # a hypervolume target is counted like any other: the first query at which each run reaches it
    goal = float(np.median([c[-1] for r in results.methods.values() for c in r.curves]))
    counted = collect(load_study(study), goal).to_target("random")
    reached = [int(np.argmax(c >= goal)) + 1 for c in results.methods["random"].curves if c[-1] >= goal]
    assert counted.reached == len(reached)
    assert main(["report", str(study), "--target", str(goal)]) == 0


@pytest.mark.parametrize("extra, fragment", [
    (["--methods", "random", "--objectives", "val_accuracy:max,params_m:min"],
     "needs one reference point for all of them: give --reference-point"),
    (["--methods", "random,bananas:gp", *OBJECTIVES], "strategy 'bananas' optimises one objective"),
    (["--methods", "random", "--objective", "val_accuracy", *OBJECTIVES], "not both"),
    (["--predictors", "gp", *OBJECTIVES], "--objectives belongs to a search study (--methods)"),
])
def test_a_study_that_cannot_compare_fronts_is_refused_before_any_run(extra, fragment, tmp_path, data_dir, capsys):
    assert main(["compare", "--out", str(tmp_path / "study"), "--data-dir", str(data_dir), "--quiet", *extra]) == 2
    error = capsys.readouterr().err
    assert fragment in error and error.count("\n") == 1, error
    assert not (tmp_path / "study").exists()


def test_another_reference_point_is_another_study(tmp_path, data_dir, capsys):
    study = tmp_path / "study"
    assert compare(study, data_dir, "--methods", "random", *OBJECTIVES, budget=4, seeds=1) == 0
    capsys.readouterr()
    assert compare(study, data_dir, "--methods", "random", "--objectives", "val_accuracy:max,params_m:min",
                   "--reference-point", "85,1.6", budget=4, seeds=1) == 2
    assert "holds a study with reference_point = [80.0, 1.6], not [85.0, 1.6]" in capsys.readouterr().err
    assert compare(study, data_dir, "--methods", "random", budget=4, seeds=1) == 2  # None was shown as a value
    assert "holds a study with objectives = ['val_accuracy:max', 'params_m:min'], not one without objectives" \
        in capsys.readouterr().err


def test_a_hypervolume_target_is_checked_against_the_tables_own_front(tmp_path, data_dir, capsys):
    """1e9 read 'never reached' for every run, and 0 or -1 'reached at query 1', without a word."""
    study = tmp_path / "study"
    assert compare(study, data_dir, "--methods", "random", *OBJECTIVES, budget=4, seeds=1) == 0
    capsys.readouterr()
    for bad, fragment in (("1e9", "is past the hypervolume of the table's front (16.4169), so no run can reach it"),
                          ("0", "is a hypervolume here, which every run reaches with its first success"),
                          ("-1", "give a value above 0")):
        assert main(["report", str(study), "--target", bad]) == 2
        error = capsys.readouterr().err
        assert fragment in error and error.count("\n") == 1, error
    assert main(["report", str(study), "--target", "16"]) == 0


def test_evaluations_without_every_objective_are_said_to_be_left_out(tmp_path, data_dir):
    """HW-NAS-Bench has no Edge TPU latency for 4,699 NB201 cells: 'show' said so of each run, the report not."""
    study = tmp_path / "study"
    assert compare(study, data_dir, "--methods", "random", "--objectives", "val_accuracy:max,edgetpu_latency:min",
                   "--reference-point", "80,5", budget=20, seeds=2) == 0
    stored = load_study(study)
    shown = 0
    for seed in stored.seeds:
        with RunStore.in_run_dir(stored.run_dir(stored.methods[0], seed), readonly=True) as store:
            shown += pareto_summary(store, store.get_meta("config"))["lacking_objectives"].get("edgetpu_latency", 0)
    assert shown > 0
    assert (f"Left out of the fronts, as evaluations without a finite value of some objective: random {shown} "
            "(over all seeds).") in (study / "report.md").read_text()


def test_a_reference_point_no_evaluation_beats_is_named_in_the_report(tmp_path, data_dir):
    study = tmp_path / "study"
    assert compare(study, data_dir, "--methods", "random", "--objectives", "val_accuracy:max,params_m:min",
                   "--reference-point", "91.5,1.6", budget=4, seeds=1) == 0
    assert "Every hypervolume is 0: no evaluation of any run is better than the reference point in every " \
           "objective; give a worse --reference-point" in (study / "report.md").read_text()


def test_a_hypervolume_target_needs_no_table_and_no_target_builds_none(tmp_path, data_dir, isolated_cache):
    """A target was dropped when an objective was no table metric, and the table was read (and required) for a
    target that has no default."""
    from nasloop.engine.study_target import study_target
    from nasloop.engine.config import SearchConfig

    base = SearchConfig(objectives=["val_accuracy:max", "not_in_the_table:min"], reference_point=[80.0, 1.0],
                        data_dir=str(data_dir))
    assert study_target(5.0, base) == 5.0 and study_target(None, base) is None
    study = tmp_path / "study"
    assert compare(study, data_dir, "--methods", "random", *OBJECTIVES, budget=4, seeds=1) == 0
    record = json.loads((study / "study.json").read_text())
    record["data_dir"] = str(tmp_path / "gone")  # read where its table is not
    (study / "study.json").write_text(json.dumps(record))
    assert main(["report", str(study)]) == 0 and main(["report", str(study), "--target", "12"]) == 0


def test_a_multi_objective_report_has_no_held_out_column(tmp_path, data_dir, capsys):
    """A run returns a front, so its table held a 'held-out of chosen' column of dashes, and the notes explained a
    held-out metric 'of the architecture each run returns' beside the note that there is none."""
    study = tmp_path / "study"
    assert main(["compare", "--seeds", "1", "--budget", "4", "--out", str(study), "--data-dir", str(data_dir),
                 "--methods", "random", *OBJECTIVES]) == 0
    printed = capsys.readouterr().out
    text = (study / "report.md").read_text()
    head = next(line for line in text.splitlines() if line.startswith("| method | seeds"))
    assert head in printed and "held-out" not in head.lower() and "AUC" in head
    assert "Held-out of chosen" not in text and "so it has no held-out metric" in text
    row = next(line for line in text.splitlines() if line.startswith("| random |"))
    assert row.count("|") == head.count("|")
