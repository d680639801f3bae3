"""``--evaluator-opt test=false`` leaves the test split unmeasured: a short training search whose networks are still
at chance paid a pass over the test images in every trial (NAGO at budget 6 on 90 training images: 870 test images a
trial), for a metric no search reads. ``show`` says which split each accuracy was measured on, and that the test
split was not, where test_accuracy would otherwise just be missing."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.store import RunStore

from .messages import one_line

TINY = ["--space", "nb201", "--evaluator", "train", "--epochs", "1", "--strategy", "random", "--budget", "2",
        "--space-opt", "channels=8", "--space-opt", "cells=1", "--evaluator-opt", "train_images=200",
        "--evaluator-opt", "batch_size=32"]


def test_test_false_measures_no_test_split_and_show_says_so(tmp_path: Path, data_dir: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "run"
    assert main(["search", *TINY, "--evaluator-opt", "test=false", "--data-dir", str(data_dir), "--run-dir",
                 str(run), "--quiet", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["evaluations"] == 2 and summary["failed"] == 0
    with RunStore.in_run_dir(run, readonly=True) as store:
        measured = [t.result.metrics for t in store.evaluations()]
    assert all("val_accuracy" in m and "test_accuracy" not in m for m in measured), measured
    assert main(["show", str(run)]) == 0
    shown = " ".join(line.strip("│ ") for line in capsys.readouterr().out.splitlines())
    assert "the test split was not measured (test=false)" in " ".join(shown.split())
    assert "val_accuracy on a validation split carved from the 200 training images" in " ".join(shown.split())


def test_by_default_show_says_the_test_accuracy_is_the_test_splits(tmp_path: Path, data_dir: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "run"
    assert main(["search", *TINY, "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["show", str(run), "--json"]) == 0
    assert "test_accuracy" in json.loads(capsys.readouterr().out)["best"]["metrics"]
    assert main(["report", str(run)]) == 0
    report = (run / "report" / "report.md").read_text(encoding="utf-8")
    assert "test_accuracy on the dataset's test split" in report


def test_an_objective_the_test_split_would_measure_is_refused(tmp_path: Path, data_dir: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", *TINY, "--evaluator-opt", "test=false", "--objective", "test_accuracy", "--data-dir",
                 str(data_dir), "--run-dir", str(tmp_path / "run")]) == 2
    one_line(capsys.readouterr().err.strip(), "no 'test_accuracy' metric", "val_accuracy")
    assert not (tmp_path / "run").exists()


def test_nasloop_train_with_test_false_reports_no_test_accuracy(data_dir: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """It printed 'test_accuracy nan', as if the test split had been measured and failed."""
    arch = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
    assert main(["train", "--space", "nb201", "--arch", arch, "--space-opt", "channels=8", "--space-opt", "cells=1",
                 "--train-opt", "train_images=200", "--train-opt", "test=false", "--epochs", "1", "--data-dir",
                 str(data_dir), "--json"]) == 0
    measured = json.loads(capsys.readouterr().out)
    assert "val_accuracy" in measured and "test_accuracy" not in measured
