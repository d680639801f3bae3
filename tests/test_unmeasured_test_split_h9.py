"""``--objective test_accuracy`` on the train evaluator with ``--evaluator-opt test=false`` was refused by the
generic 'reports no test_accuracy metric' listing the metrics measured, not saying test=false was why."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.cli import main

from .messages import one_line


@pytest.mark.parametrize("objective", [["--objective", "test_accuracy"],
                                       ["--evaluator-opt", "replicates=2", "--objectives", "test_accuracy@1:max"]])
def test_an_objective_of_the_unmeasured_test_split_names_test_false(
        tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str], objective: list[str]) -> None:
    run = tmp_path / "run"
    assert main(["search", "--space", "nb201", "--evaluator", "train", "--evaluator-opt", "test=false", *objective,
                 "--budget", "2", "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]) == 2
    err = one_line(capsys.readouterr().err.rstrip("\n"))
    assert "reports no 'test_accuracy" in err and "val_accuracy" in err
    assert err.endswith("test_accuracy is not measured with --evaluator-opt test=false: leave that option out to "
                        "measure it")
    assert not run.exists()


def test_a_missing_metric_other_than_test_accuracy_gets_no_such_advice(
        tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "--space", "nb201", "--evaluator", "train", "--evaluator-opt", "test=false", "--objective",
                 "latency", "--budget", "2", "--data-dir", str(data_dir), "--run-dir", str(tmp_path / "run"),
                 "--quiet"]) == 2
    err = one_line(capsys.readouterr().err.rstrip("\n"))
    assert "reports no 'latency' metric" in err and "test=false" not in err
