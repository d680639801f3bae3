"""A time-budgeted study's held-out columns are of the architecture each run returns within its own time budget.

NB201's baselines give each run its own queries within the time budget (12,000 s of simulated 12-epoch training)
and report the 200-epoch test accuracy of the best cell each found. A study report cut every column, the held-out
ones too, at the fewest queries any run made, so a run that made more queries in its time was reported with the
cell it had chosen before it stopped. Recomputed here from the raw run stores and the NB201 CSV itself.
"""
from __future__ import annotations

import csv
import gzip
import itertools
from pathlib import Path

import numpy as np
from scipy import stats

from nasloop.engine.cli import main
from nasloop.engine.store import RunStore

from .test_final_held_out_f10 import _cells

SECONDS, SEEDS, METHODS = 3000, 3, ("random", "local")


def _t_text(values: list[float], digits: int) -> str:
    """Mean ± half-width of the 95 % t interval over the seeds, as the report writes an interval."""
    half = stats.t.ppf(0.975, len(values) - 1) * np.std(values, ddof=1) / np.sqrt(len(values))
    return f"{np.mean(values):.{digits}f} ± {half:.{digits}f}"


def _best(trials: list) -> object:
    """The run's choice: its best 12-epoch validation accuracy, the earliest of equals."""
    return max(trials, key=lambda t: (t.score, -t.id))


def test_each_runs_own_queries_in_its_time_choose_its_held_out_cell(tmp_path: Path, data_dir: Path,
                                                                    nb201_csv_path: Path) -> None:
    study = tmp_path / "study"
    assert main(["compare", "--space", "nb201", "--dataset", "cifar10", "--fidelity", "12", "--max-seconds",
                 str(SECONDS), "--budget", "1000", "--seeds", str(SEEDS), "--methods", ",".join(METHODS),
                 "--data-dir", str(data_dir), "--out", str(study), "--quiet"]) == 0
    with gzip.open(nb201_csv_path, "rt", newline="") as fh:
        table = {row["arch_str"]: row for row in csv.DictReader(fh)}
    runs = {}
    for method, seed in itertools.product(METHODS, range(SEEDS)):
        with RunStore.in_run_dir(study / "runs" / method / f"seed-{seed}", readonly=True) as store:
            runs[method, seed] = store.evaluations()
            assert store.counts()["cost"] >= SECONDS  # each run ended by its time budget
    fewest = min(map(len, runs.values()))
    # the case that matters: some run chose, in its own time, another cell than within the fewest queries
    assert any(_best(trials).arch != _best(trials[:fewest]).arch for trials in runs.values())
    cells = _cells(study / "report.md")
    for method in METHODS:
        mine = [runs[method, seed] for seed in range(SEEDS)]
        for trials in mine:
            assert all(float(table[t.arch]["cifar10valid_val_12"]) == t.score for t in trials)  # the 12-epoch search
        final = [float(table[_best(trials).arch]["cifar10_test_200"]) for trials in mine]
        searched = [float(table[_best(trials).arch]["cifar10_test_12"]) for trials in mine]
        row = cells[method]
        assert row[f"held-out of chosen in own {SECONDS} s at fidelity 200 (%)"] == _t_text(final, 2)
        assert row[f"held-out of chosen in own {SECONDS} s at searched fidelity 12 (%)"] == _t_text(searched, 2)
        assert row[f"queries in own {SECONDS} s"] == _t_text([len(trials) for trials in mine], 1)
        assert f"@{fewest} (%)" in row  # the anytime columns still count the queries every run made
    notes = (study / "report.md").read_text(encoding="utf-8")
    assert (f"every column counts each run's first {fewest} evaluations, the fewest any run made, but 'queries in "
            f"own {SECONDS} s'") in notes


def test_a_study_its_time_budget_did_not_cut_keeps_its_columns(tmp_path: Path, data_dir: Path) -> None:
    """A time budget that ended no run first: every column counts the same queries, and nothing says 'own'."""
    study = tmp_path / "study"
    assert main(["compare", "--space", "nb201", "--dataset", "cifar10", "--fidelity", "12", "--max-seconds",
                 "1000000", "--budget", "8", "--seeds", "2", "--methods", "random", "--data-dir", str(data_dir),
                 "--out", str(study), "--quiet"]) == 0
    heads = list(_cells(study / "report.md")["random"])
    assert "held-out of chosen at fidelity 200 (%)" in heads and not any("own" in head for head in heads)
