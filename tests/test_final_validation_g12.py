"""A run or study searched at a lower fidelity gives its chosen cell's searched metric at the final fidelity too.

NB201's protocol searches the 12-epoch validation accuracy and reports the chosen cell's 200-epoch validation and
test accuracies. ``show``, a run's report and a study's report gave the 200-epoch test accuracy alone: the 200-epoch
validation took an ad hoc lookup. The values are recomputed here from the runs' raw stores and the NB201 CSV itself,
not through nasloop's benchmark.
"""
from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest

from nasloop.engine.cli import main

from .test_final_held_out_f10 import _cells, _mean_and_half
from .test_run_held_out_b11 import _chosen, _shown

VALIDATION = "val_accuracy of chosen at fidelity 200"


@pytest.fixture(scope="module")
def table(nb201_csv_path: Path) -> dict[str, dict[str, str]]:
    with gzip.open(nb201_csv_path, "rt", newline="") as fh:
        return {row["arch_str"]: row for row in csv.DictReader(fh)}


def test_a_lower_fidelity_runs_show_and_report_give_the_chosen_cells_final_validation(tmp_path: Path, data_dir: Path,
                                                                                     table, capsys) -> None:
    run = tmp_path / "run"
    assert main(["search", "--space", "nb201", "--dataset", "cifar10", "--fidelity", "12", "--budget", "20",
                 "--seed", "1", "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]) == 0
    chosen = table[_chosen(run)]
    validation, test = float(chosen["cifar10valid_val_200"]), float(chosen["cifar10_test_200"])
    assert float(chosen["cifar10valid_val_12"]) < validation != test  # neither the searched value nor the test one
    held = json.loads(_shown(run, capsys, "--json"))["held_out"]
    assert held["objective_at_final"] == {"metric": "val_accuracy",
                                          "values": {VALIDATION: pytest.approx(validation, abs=1e-9)}}
    assert held["values"]["held-out of chosen at fidelity 200"] == pytest.approx(test, abs=1e-9)
    rows = _shown(run, capsys)
    assert f"{VALIDATION} (%)" in rows and f"{validation:.4f}" in rows
    assert main(["report", str(run), "--out", str(tmp_path / "report")]) == 0
    text = (tmp_path / "report" / "report.md").read_text(encoding="utf-8")
    assert f"; {VALIDATION} (%): {validation:.4f}." in text
    assert f"{VALIDATION}: the metric the run searched" in text  # the note says it is no held-out value
    assert f"{validation:.4f}" in (tmp_path / "report" / "report.html").read_text(encoding="utf-8")


def test_a_run_of_the_final_fidelity_gives_no_second_validation(tmp_path: Path, data_dir: Path, capsys) -> None:
    """Its best's own val_accuracy is the 200-epoch one already: nothing is looked up beside it."""
    run = tmp_path / "run"
    assert main(["search", "--space", "nb201", "--dataset", "cifar10", "--budget", "8", "--data-dir", str(data_dir),
                 "--run-dir", str(run), "--quiet"]) == 0
    assert "objective_at_final" not in json.loads(_shown(run, capsys, "--json"))["held_out"]
    assert "val_accuracy of chosen" not in _shown(run, capsys)


def test_a_lower_fidelity_study_reports_the_chosen_cells_final_validation(tmp_path: Path, data_dir: Path,
                                                                          table) -> None:
    study, seeds, budget = tmp_path / "study", 3, 20
    assert main(["compare", "--space", "nb201", "--dataset", "cifar10", "--fidelity", "12", "--budget", str(budget),
                 "--seeds", str(seeds), "--methods", "random", "--data-dir", str(data_dir), "--out", str(study),
                 "--quiet"]) == 0
    validation = [float(table[_chosen(study / "runs" / "random" / f"seed-{seed}")]["cifar10valid_val_200"])
                  for seed in range(seeds)]
    row = _cells(study / "report.md")["random"]
    assert row[f"{VALIDATION} (%)"] == _mean_and_half(validation)
    heads = list(row)  # beside the held-out columns
    assert heads.index(f"{VALIDATION} (%)") == heads.index("held-out of chosen at searched fidelity 12 (%)") + 1
    assert f"{VALIDATION}: the metric each run searched" in (study / "report.md").read_text(encoding="utf-8")
