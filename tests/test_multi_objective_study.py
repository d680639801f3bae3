"""Studies of multi-objective searches: runs compared by the hypervolume of their fronts against one reference point."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from nasloop.engine.cli import main
from nasloop.engine.pareto_summary import pareto_summary
from nasloop.engine.store import RunStore
from nasloop.engine.study import load_study
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
