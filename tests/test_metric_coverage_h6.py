"""A ranked metric the table lacks for some cells (HW-NAS-Bench has no Edge TPU latency for 4,699 NB201 cells) leaves
those cells out of both splits, and the commands say so: `predictors evaluate --metric edgetpu_latency:min` printed
tau 0.690 over 10,910 test cells with no word, only `--json`'s test_size telling."""
from __future__ import annotations

import pytest

from nasloop.engine.predictor_evaluation import evaluate_predictors

LACKING = ("4,699 of the 15,625 nb201 cifar10 cells have no edgetpu_latency in the table; left out of the training "
           "draw and of the test set alike, they leave 10,926 cells to train on and rank (test size: 10,926 less the "
           "training cells)")


@pytest.fixture
def hw_metrics(data_dir):
    if not (data_dir / "nb201_hw_metrics.csv.gz").exists():
        pytest.skip("no HW-NAS-Bench file in the data folder")
    return data_dir


def test_evaluate_notes_the_cells_without_the_metric_and_its_table_shows_the_test_size(nasloop_in_process,
                                                                                        hw_metrics):
    done = nasloop_in_process(["predictors", "evaluate", "--space", "nb201", "--predictors", "random", "--metric",
                               "edgetpu_latency:min", "--train-sizes", "8", "--seeds", "1", "--data-dir",
                               str(hw_metrics)])
    assert done.returncode == 0, done.stderr
    assert f"nasloop predictors evaluate: note: {LACKING}" in " ".join(done.stderr.split())
    header = next(line for line in done.stdout.splitlines() if "Kendall" in line)
    row = next(line for line in done.stdout.splitlines() if "random" in line)
    assert header.split()[:5] == ["┃", "predictor", "┃", "train", "┃"] and header.split()[5] == "test"
    assert row.split()[5] == "10,918"


def test_the_note_is_heard_by_the_python_api_and_not_for_the_tasks_own_metric(hw_metrics):
    notes: list[str] = []
    (record,) = evaluate_predictors(["random"], [8], [0], data_dir=hw_metrics, metric="edgetpu_latency:min",
                                    on_note=notes.append)
    assert notes == [LACKING] and record["test_size"] == 10926 - 8
    notes.clear()  # a latency every cell has: nothing left out, nothing said
    evaluate_predictors(["random"], [8], [0], data_dir=hw_metrics, metric="edgegpu_latency:min", on_note=notes.append)
    assert notes == []


def test_compare_reports_the_cells_without_the_metric(nasloop_in_process, hw_metrics, tmp_path):
    done = nasloop_in_process(["compare", "--space", "nb201", "--predictors", "random", "--metric",
                               "edgetpu_latency:min", "--train-sizes", "8", "--seeds", "1", "--out",
                               str(tmp_path / "study"), "--data-dir", str(hw_metrics)])
    assert done.returncode == 0, done.stderr
    assert f"nasloop compare: note: {LACKING}" in " ".join(done.stderr.split())
    assert LACKING in (tmp_path / "study" / "report.md").read_text(encoding="utf-8")
