"""Which number of the raw benchmark files a run reads, and what it calls it.

NB201 reports CIFAR-10 as two trainings: the validation accuracy is its cifar10-valid run's (trained on the train
half), the test accuracy its cifar10 run's (trained on train + valid); CIFAR-100's and ImageNet16-120's two are one
network scored on two halves of the held-out images. The task descriptions said "CIFAR-10 (validation: the
cifar10-valid split)", "CIFAR-100" and "ImageNet16-120", so a summary showing both accuracies of CIFAR-10 left a user
to read them as one network's; and ``--dataset cifar10-valid``, the name NB201's API and NASLib give that run, was
refused with the list of tasks, saying nothing of which one reads it. A run of an alias typed in another case
(``--dataset IMAGENET16``) read ImageNet16-120's values and its summary lost the row saying what they are.
"""
from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.search_spaces.tnb101.benchmark import TASKS as TNB_TASKS, TNB101MacroBenchmark, TNB101MicroBenchmark
from nasloop.search_spaces.tnb101.codes import parse_macro, parse_micro

CSV_PREFIX = {"cifar10": ("cifar10valid", "cifar10"), "cifar100": ("cifar100", "cifar100"),
              "ImageNet16-120": ("imagenet16", "imagenet16")}
"""The compact NB201 CSV's column prefixes of each task's validation and test accuracies (its README)."""


def raw_nb201(data_dir: Path) -> dict[str, dict[str, str]]:
    """The shipped NB201 CSV's rows by arch string, read here as its README says, not through nasloop."""
    with gzip.open(data_dir / "nasbench201_all.csv.gz", "rt", newline="") as fh:
        return {row["arch_str"]: row for row in csv.DictReader(fh)}


def exported(run: Path, tmp_path: Path) -> list[dict[str, str]]:
    out = tmp_path / "rows.csv"
    assert main(["export", str(run), str(out)]) == 0
    with open(out, newline="") as fh:
        return [row for row in csv.DictReader(fh) if row["status"] == "ok"]


@pytest.mark.parametrize("dataset", ["cifar10", "cifar100", "ImageNet16-120"])
def test_a_runs_summary_says_which_trainings_its_nb201_accuracies_are_of(tmp_path, data_dir, capsys, dataset):
    run = tmp_path / "run"
    assert main(["search", "--space", "nb201", "--dataset", dataset, "--strategy", "random", "--budget", "5",
                 "--seed", "3", "--run-dir", str(run), "--data-dir", str(data_dir), "--quiet"]) == 0
    raw, (val, test) = raw_nb201(data_dir), CSV_PREFIX[dataset]
    rows = exported(run, tmp_path)
    assert len(rows) == 5
    for row in rows:  # the numbers read are the columns the description names
        assert float(row["val_accuracy"]) == pytest.approx(float(raw[row["arch"]][f"{val}_val_200"]), abs=1e-9)
        assert float(row["test_accuracy"]) == pytest.approx(float(raw[row["arch"]][f"{test}_test_200"]), abs=1e-9)
    capsys.readouterr()
    assert main(["show", str(run)]) == 0
    shown = " ".join(capsys.readouterr().out.replace("│", " ").split())
    expected = {"cifar10": ("cifar10-valid run, trained on the 25,000-image train half", "trained on train + valid"),
                "cifar100": ("validation and test: two 5,000-image halves of its test set",),
                "ImageNet16-120": ("validation and test: two 3,000-image halves of its held-out images",)}[dataset]
    assert all(words in shown for words in expected), shown


@pytest.mark.parametrize("name", ["cifar10-valid", "CIFAR10-valid"])
def test_nb201s_cifar10_valid_is_refused_naming_the_task_that_reads_it(tmp_path, data_dir, capsys, name):
    assert main(["search", "--space", "nb201", "--dataset", name, "--budget", "3", "--run-dir", str(tmp_path / "r"),
                 "--data-dir", str(data_dir), "--quiet"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1, error
    assert f"has no task '{name}'; give --dataset cifar10, whose values are CIFAR-10 (validation: NB201's " \
           "cifar10-valid run" in error
    assert not (tmp_path / "r").exists()
    assert main(["search", "--space", "nb201", "--dataset", "cifar-10", "--budget", "3", "--data-dir",
                 str(data_dir), "--quiet"]) == 2  # a name near no task still lists them all
    assert "choose --dataset from: cifar10, cifar100, ImageNet16-120" in capsys.readouterr().err


def test_an_alias_typed_in_another_case_keeps_the_row_saying_what_the_values_are(tmp_path, data_dir, capsys):
    run = tmp_path / "run"
    assert main(["search", "--space", "nb201", "--dataset", "IMAGENET16", "--strategy", "random", "--budget", "4",
                 "--run-dir", str(run), "--data-dir", str(data_dir), "--quiet"]) == 0
    raw = raw_nb201(data_dir)
    for row in exported(run, tmp_path):  # ImageNet16-120's values, as the row below says
        assert float(row["val_accuracy"]) == pytest.approx(float(raw[row["arch"]]["imagenet16_val_200"]), abs=1e-9)
    capsys.readouterr()
    assert main(["show", str(run)]) == 0
    lines = capsys.readouterr().out.splitlines()
    values = [line for line in lines if line.strip("│ ").startswith("values ")]
    assert values and "ImageNet16-120 (validation and test" in values[0], lines[:6]
    assert main(["report", str(run)]) == 0
    assert "; values: ImageNet16-120 (validation and test: two 3,000-image halves" \
        in (run / "report" / "report.md").read_text()


@pytest.mark.parametrize("benchmark, parse", [(TNB101MicroBenchmark, parse_micro), (TNB101MacroBenchmark, parse_macro)])
def test_each_transnas_tasks_best_is_the_top_of_its_raw_values(data_dir, benchmark, parse):
    """Every task's values are read as the table's direction has them, higher better (room_layout's a negated
    loss): the best a search can find is the raw file's largest value of that task, under the task's own metric."""
    raw = json.loads(gzip.open(data_dir / "transnas101_val.json.gz", "rt").read())[benchmark.part]
    table = benchmark(data_dir)
    for task in TNB_TASKS:
        values = {arch: record["val"] for arch, record in raw[task.name].items()}
        assert not task.minimize and table.optimum(task.name) == max(values.values())
        archs = sorted(values)[::400]
        got = [table.query(parse(a), task.name).metrics for a in archs]
        assert [m[task.metric] for m in got] == [values[a] for a in archs]
    assert table.optimum("room_layout") < 0  # a negated loss: the least loss is the top
