"""A study report's numbers say what they are: one run per method, the study's budget, the seeds they cover.

Each test builds a small real study through the CLI and damages it the way a user can (two names of one
folder, a run continued past the budget, evaluations that fail), then reads the report back.
"""
from __future__ import annotations

import json
import math
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from nasloop.engine.cli import main
from nasloop.engine.report import study_tables
from nasloop.engine.search import resume
from nasloop.engine.store import RunStore
from nasloop.engine.study_file import load_study
from nasloop.engine.study_results import collect
from nasloop.engine.study_stats import area_under_curve, best_so_far, mean_interval
from nasloop.search_spaces.nb201.benchmark import NB201Benchmark

CIFAR10_VALUES = NB201Benchmark.find_task("cifar10").description  # what every NB201 CIFAR-10 value is

SHARED_FOLDER = "- name: 'bananas:gp'\n  strategy: random\n- name: bananas-gp\n  strategy: evolution\n"


def compare(study: Path, data_dir: Path, *extra: str, budget: int = 10, seeds: int = 1) -> int:
    return main(["compare", "--seeds", str(seeds), "--budget", str(budget), "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet", *extra])


def methods_file(folder: Path, text: str, name: str = "methods.yaml") -> str:
    path = folder / name
    path.write_text(text)
    return str(path)


def evaluations(run_dir: Path) -> list:
    with RunStore.in_run_dir(run_dir, readonly=True) as store:
        return store.evaluations()


# --- one run folder, one method ------------------------------------------------------------------------
def test_two_names_of_one_run_folder_are_refused_before_anything_is_made(tmp_path, data_dir, capsys):
    study = tmp_path / "study"
    assert compare(study, data_dir, "--methods-file", methods_file(tmp_path, SHARED_FOLDER)) == 2
    error = capsys.readouterr().err
    assert "methods 'bananas:gp' and 'bananas-gp' would share the run folder" in error and "rename one" in error
    assert error.count("\n") == 1 and not study.exists()
    # Continuing a study: a new name may not take the folder of a method the study holds.
    first = methods_file(tmp_path, SHARED_FOLDER.split("- name: bananas-gp")[0], "first.yaml")
    assert compare(study, data_dir, "--methods-file", first) == 0
    recorded = (study / "study.json").read_text()
    later = methods_file(tmp_path, "- name: bananas-gp\n  strategy: evolution\n", "later.yaml")
    capsys.readouterr()
    assert compare(study, data_dir, "--methods-file", later) == 2
    assert "methods 'bananas:gp' and 'bananas-gp' would share the run folder" in capsys.readouterr().err
    assert (study / "study.json").read_text() == recorded


def test_a_folder_holding_another_methods_run_is_left_out_not_credited_twice(tmp_path, data_dir, capsys):
    study = tmp_path / "study"
    first = methods_file(tmp_path, SHARED_FOLDER.split("- name: bananas-gp")[0])
    assert compare(study, data_dir, "--methods-file", first) == 0
    # A study made before such names were refused lists both methods over the one folder.
    record = json.loads((study / "study.json").read_text())
    record["methods"].append({**record["methods"][0], "label": "bananas-gp", "strategy": "evolution"})
    (study / "study.json").write_text(json.dumps(record))
    results = collect(load_study(study))
    assert list(results.methods) == ["bananas:gp"]
    (problem,) = results.problems
    assert problem.startswith("bananas-gp seed 0: ") and "strategy 'random', not 'evolution'" in problem
    capsys.readouterr()
    assert main(["report", str(study)]) == 0
    report = (study / "report.md").read_text()
    assert "| bananas-gp |" not in report and "## Runs left out" in report
    assert "note: 1 run left out of the report" in capsys.readouterr().err  # said on the terminal too
    (tmp_path / "afile").write_text("")
    assert main(["report", str(study), "--out", str(tmp_path / "afile")]) == 2
    assert f"--out {tmp_path / 'afile'} is a file; choose a folder for the report" in capsys.readouterr().err
    assert compare(study, data_dir, "--methods-file", first) == 2  # nothing more is run into that folder
    assert "holds methods 'bananas:gp' and 'bananas-gp' whose runs share the folder" in capsys.readouterr().err


# --- the study's budget ---------------------------------------------------------------------------------
def test_a_run_continued_past_the_budget_is_read_as_its_first_budget_evaluations(tmp_path, data_dir):
    study, copy = tmp_path / "study", tmp_path / "continued"
    assert compare(study, data_dir, "--methods", "random", seeds=3) == 0
    shutil.copytree(study, copy)
    # The seed whose later evaluations beat its first ten: continued to 40, it reaches what it had not.
    later = {}
    for seed in range(3):
        run_dir = copy / "runs" / "random" / f"seed-{seed}"
        resume(run_dir, budget=40)
        scores = [t.score for t in evaluations(run_dir)]
        later[seed] = max(scores[10:]) - max(scores[:10])
    seed = max(later, key=later.get)
    assert later[seed] > 0
    trials = evaluations(copy / "runs" / "random" / f"seed-{seed}")
    target = max(t.score for t in trials)
    before, after = collect(load_study(study), target), collect(load_study(copy), target)
    assert after.methods["random"].held_out == before.methods["random"].held_out
    assert after.to_target("random") == before.to_target("random")
    tables_before, tables_after = study_tables(before), study_tables(after)
    assert tables_after["ranks"] == tables_before["ranks"] and tables_after["tests"] == tables_before["tests"]
    wall = -1  # the one column of the whole run
    assert [r[:wall] for r in tables_after["results"][1]] == [r[:wall] for r in tables_before["results"][1]]
    assert after.cut == [f"random seed {s} (40 evaluations)" for s in range(3)]
    main(["report", str(copy), "--target", str(target)])
    assert "Cut at the study's budget of 10 evaluations" in (copy / "report.md").read_text()
    # A budget lowered in study.json reads every column from that many evaluations, as 'compare' would.
    record = json.loads((copy / "study.json").read_text())
    record["grid"]["budget"] = 5
    (copy / "study.json").write_text(json.dumps(record))
    lowered = collect(load_study(copy), target)
    chosen = max(trials[:5], key=lambda t: (t.score, -t.id))
    assert lowered.methods["random"].held_out[seed] == chosen.result.metrics["test_accuracy"]
    assert all(len(s) == 5 for s in lowered.methods["random"].scores)


def test_a_target_no_cell_of_the_table_reaches_is_refused(tmp_path, data_dir, capsys, isolated_cache):
    """--target 1e9 reported every method as never reaching it, as if all had failed alike."""
    study = tmp_path / "study"
    assert compare(study, data_dir, "--methods", "random", "--target", "1e9") == 2  # before any run
    assert "--target 1e+09 is past the best val_accuracy any cell of the table has (" in capsys.readouterr().err
    assert not study.exists()
    assert compare(study, data_dir, "--methods", "random", budget=3) == 0
    capsys.readouterr()
    for bad, fragment in (("1e9", "so no run can reach it; give a value up to"), ("nan", "must be a finite number")):
        assert main(["report", str(study), "--target", bad]) == 2
        error = capsys.readouterr().err
        assert fragment in error and error.count("\n") == 1, error
    assert main(["report", str(study), "--target", "90"]) == 0
    assert f"objective val_accuracy (maximised), t intervals, target 90; values: {CIFAR10_VALUES}\n" \
        in (study / "report.md").read_text()
    record = json.loads((study / "study.json").read_text())  # read where its table is not: a given target needs none
    record["data_dir"] = str(tmp_path / "empty")
    (study / "study.json").write_text(json.dumps(record))
    assert main(["report", str(study), "--target", "90"]) == 0
    assert main(["report", str(study)]) == 2 and "empty' does not exist" in capsys.readouterr().err  # for the best


def test_runs_a_time_budget_ended_early_are_compared_over_the_queries_all_made(tmp_path, data_dir):
    """With --max-seconds beside the default 100 queries, runs that stopped at 15 were read up to 100, their last
    value carried along the columns, and the queries to the target were said to exceed 100."""
    study = tmp_path / "study"
    assert main(["compare", "--methods", "random", "--max-seconds", "20000", "--seeds", "2", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet"]) == 0
    made = [len(evaluations(study / "runs" / "random" / f"seed-{s}")) for s in range(2)]
    assert max(made) < 100
    results = collect(load_study(study))
    assert results.budget == min(made) and not results.cut
    assert all(len(curve) == min(made) for curve in results.methods["random"].curves)
    text = (study / "report.md").read_text()
    assert (f"The runs had a time budget (20000 s of evaluation cost), which ended some before their 100 queries: "
            f"every column counts each run's first {min(made)} evaluations") in text
    assert f"budget {min(made)}\n" in text
    # A run that stopped short for another reason (its space exhausted: here its cost is unspent and its last
    # evaluations gone) keeps its last value; only the runs the time budget ended set the compared count.
    other = tmp_path / "other"
    shutil.copytree(study, other)
    with sqlite3.connect(other / "runs" / "random" / "seed-0" / "nasloop.sqlite") as db:
        db.execute("UPDATE trials SET cost = 0")
        db.execute("DELETE FROM trials WHERE id > (SELECT MIN(id) + 2 FROM trials)")
    results = collect(load_study(other))
    assert results.budget == made[1] and [len(c) for c in results.methods["random"].curves] == [made[1]] * 2
    # A run whose time budget ran out before its first evaluation: every column became empty and the figures
    # failed with matplotlib's error. It is listed as left out instead.
    with sqlite3.connect(study / "runs" / "random" / "seed-1" / "nasloop.sqlite") as db:
        db.execute("DELETE FROM trials")
    results = collect(load_study(study))
    assert results.budget == made[0] and results.methods["random"].seeds == [0]
    assert "random seed 1: no evaluation before its time budget ran out" in results.problems[0]
    assert main(["report", str(study)]) == 0


# --- failed evaluations -----------------------------------------------------------------------------------
def test_seeds_without_a_success_yet_are_counted_not_averaged_away(tmp_path, data_dir, capsys):
    study = tmp_path / "study"
    # NB101 outside its table: about half the cells fail, so some seeds start with failures.
    assert compare(study, data_dir, "--space", "nb101", "--space-opt", "table_only=false", "--methods", "random",
                   budget=12, seeds=3) == 0  # pytest turns any warning on the way into an error
    assert "Warning" not in capsys.readouterr().err
    loaded = load_study(study)
    scores = [[math.nan if t.score is None else t.score for t in evaluations(loaded.run_dir(m, s))]
              for m, s in loaded.runs()]
    curves = np.vstack([best_so_far(s, 12) for s in scores])
    have = np.isfinite(curves).sum(axis=0)
    results = collect(loaded)
    head, (row,) = study_tables(results)["results"]
    checkpoints = {int(h[1:].split()[0]): cell for h, cell in zip(head, row) if h.startswith("@")}  # '@4 (%)'
    assert any(have[b - 1] < 3 for b in checkpoints)  # the study has a checkpoint some seed has not reached
    for budget, cell in checkpoints.items():
        assert cell.endswith(f" ({have[budget - 1]}/3 seeds)") == (have[budget - 1] < 3), cell
    # The area starts where every run has a value, the same queries for every seed.
    start = max(int(np.argmax(np.isfinite(c))) for c in curves)
    assert start > 0 and results.auc_start() == start + 1
    assert results.auc("random") == pytest.approx(np.mean([np.mean(c[start:]) for c in curves]))
    assert f"AUC covers queries {start + 1}–12" in (study / "report.md").read_text()


def test_statistics_over_seeds_without_a_value_yet():
    samples = np.array([[np.nan, 1.0, 2.0, 3.0], [np.nan, np.nan, 4.0, 5.0]])
    for interval in ("t", "bootstrap"):
        mean, low, high = mean_interval(samples, interval)  # warnings are errors here
        assert np.isnan(mean[0]) and mean[1:].tolist() == [1.0, 3.0, 4.0]
        assert np.isnan(low[:2]).all() and np.isnan(high[:2]).all()  # one seed gives no interval
        assert np.isfinite(low[2:]).all()
    assert math.isnan(area_under_curve(np.array([np.nan, 1.0, 2.0]))) and area_under_curve(np.array([1.0, 2.0])) == 1.5


def test_a_study_of_another_objective_does_not_describe_its_values_as_the_tasks_validation(tmp_path, data_dir,
                                                                                            isolated_cache):
    """--objective test_accuracy read "objective test_accuracy (maximised), ...; values: CIFAR-10 (validation: the
    cifar10-valid split)": the values described were not the ones compared."""
    study = tmp_path / "study"
    assert compare(study, data_dir, "--methods", "random", "--objective", "test_accuracy", budget=3) == 0
    report = (study / "report.md").read_text()  # the target: the table's best test accuracy
    assert "objective test_accuracy (maximised), t intervals, target " in report
    assert f"; values: test_accuracy, not the task's val_accuracy ({CIFAR10_VALUES})\n" in report
