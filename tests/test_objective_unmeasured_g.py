"""A multi-objective run none of whose evaluations has every objective (HW-NAS-Bench lacks the Edge TPU latency of
some NB201 cells).

Before: ``show`` read "best by val_accuracy: -" though the accuracy was measured, and the report said "no evaluation
succeeded" though none failed. Both now say that no evaluation had every objective, and give each objective's best
measured value, in the same words."""
from __future__ import annotations

import pytest

from nasloop.engine import cli
from nasloop.engine.value_texts import metric_text
from nasloop.engine.store import RunStore


WHY = "no evaluation has a finite value of every objective: 1 evaluation without a finite edgetpu_latency"


@pytest.fixture(scope="module")
def unmeasured(tmp_path_factory, data_dir):
    """A one-evaluation run whose cell has no Edge TPU latency, and that evaluation's best-measured text."""
    run = tmp_path_factory.mktemp("unmeasured") / "run"
    assert cli.main(["search", "--objectives", "val_accuracy:max,edgetpu_latency:min", "--budget", "1", "--seed", "2",
                     "--run-dir", str(run), "--data-dir", str(data_dir), "--quiet"]) == 0
    with RunStore.in_run_dir(run, readonly=True) as store:
        (trial,) = store.evaluations()
    assert trial.result.ok and "edgetpu_latency" not in trial.result.metrics  # the case these tests are about
    return run, f"{metric_text(trial.result.metrics['val_accuracy'])} (trial {trial.id}: {trial.arch})"


def test_show_says_no_evaluation_had_every_objective_and_gives_the_measured_ones(unmeasured, capsys, monkeypatch):
    run, measured = unmeasured
    monkeypatch.setenv("COLUMNS", "300")
    capsys.readouterr()
    assert cli.main(["show", str(run)]) == 0
    shown = {line.split("│")[1].strip(): line.split("│")[2].strip() for line in capsys.readouterr().out.splitlines()
             if line.count("│") == 3}
    assert shown["best by val_accuracy"] == f"- ({WHY})"
    assert shown["best val_accuracy measured"] == measured


def test_report_says_it_in_the_same_words(unmeasured, tmp_path):
    run, measured = unmeasured
    assert cli.main(["report", str(run), "--out", str(tmp_path / "report")]) == 0
    report = (tmp_path / "report" / "report.md").read_text()
    assert f"None: {WHY}. The best value measured of each objective: val_accuracy {measured}." in report
    assert "no evaluation succeeded" not in report
