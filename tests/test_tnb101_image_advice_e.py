"""Training or scoring TransNAS-Bench-101 networks on a task nasloop reads no images of names the way that works.

``nasloop search --space tnb101-micro --evaluator train`` (the default task, class_scene) was told only to search
the table instead; the networks train and score on CIFAR-10, which the advice now names (a predictor reading the
table's stored proxies needs the table's task, so its advice stays as it was).
"""
from __future__ import annotations

import json

import pytest

from nasloop.engine import cli


@pytest.mark.parametrize("evaluator,cannot", [("proxy", "scored"), ("train", "trained")])
def test_the_refusal_names_cifar10(evaluator, cannot, tmp_path, capsys):
    """(The proxy evaluator scores the data-free proxies there, on the networks as built for CIFAR-10: asked for one
    that reads images, it is refused.)"""
    table = {"micro": {"class_scene": {"64-41414-0_00_000": {"val": 10.0, "zen": 1.0}}}}  # the whole file is slow
    (tmp_path / "transnas101_val.json.gz").write_text(json.dumps(table))  # read by content, compressed or not
    argv = ["search", "--space", "tnb101-micro", "--evaluator", evaluator, "--budget", "1", "--data-dir",
            str(tmp_path), "--space-opt", "base_channels=4", *(["--proxies", "jacov"] if evaluator == "proxy" else [])]
    assert cli.main([*argv, "--run-dir", str(tmp_path / "refused")]) == 2
    error = capsys.readouterr().err
    assert f"networks cannot be {cannot} on it" in error and "; search the table with --evaluator tabular" in error
    assert error.strip().endswith("or use images with --dataset cifar10") and error.count("\n") == 1


def test_nasloop_train_names_a_table_task_as_one(tmp_path, capsys):
    """``nasloop train --space tnb101-macro --dataset room_layout`` said 'unknown dataset', as if it were misspelt."""
    table = {"macro": {"room_layout": {"64-41414-basic": {"val": -0.7, "zen": 1.0}}}}
    (tmp_path / "transnas101_val.json.gz").write_text(json.dumps(table))
    assert cli.main(["train", "--space", "tnb101-macro", "--arch", "41414", "--dataset", "room_layout",
                     "--data-dir", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "'room_layout' is a task of the tnb101-macro table whose images nasloop does not read" in error
    assert "'nasloop search --space tnb101-macro --dataset room_layout'" in error and error.count("\n") == 1
    assert error.strip().endswith("or use images with --dataset cifar10")
