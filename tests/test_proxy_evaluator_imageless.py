"""The proxy evaluator on a TransNAS-Bench-101 task whose images nasloop does not read scores the data-free proxies.

``--evaluator proxy --proxies params`` on ``class_scene`` was refused ("its networks cannot be scored on it") while
predictors and ``nasloop proxies`` compute the same data-free proxies there, on the networks as built for CIFAR-10.
"""
from __future__ import annotations

import pytest
import torch

from nasloop.engine.cli import main
from nasloop.engine.evaluators.proxies.structural import params
from nasloop.engine.store import DB_NAME, RunStore
from nasloop.search_spaces.tnb101.space import TNB101MicroSpace

from .messages import one_line


def test_data_free_proxies_score_the_networks_as_built_for_cifar10(tmp_path, data_dir, one_torch_thread, capsys):
    run = tmp_path / "run"
    argv = ["search", "--space", "tnb101-micro", "--space-opt", "base_channels=8", "--dataset", "class_scene",
            "--evaluator", "proxy", "--proxies", "params", "--budget", "2", "--data-dir", str(data_dir),
            "--run-dir", str(run), "--quiet"]
    assert main(argv) == 0
    assert ("note: params scored for tnb101-micro class_scene on each network as built for cifar10 (10 classes)"
            in capsys.readouterr().err)
    with RunStore(run / DB_NAME, readonly=True) as store:
        trials = store.trials()
    space = TNB101MicroSpace(base_channels=8)
    assert len(trials) == 2
    for trial in trials:
        network = space.to_module(space.parse(trial.arch), num_classes=10)
        assert trial.result.metrics["params"] == pytest.approx(params(network, torch.zeros(1, 3, 32, 32),
                                                                      torch.zeros(1)))


def test_a_proxy_reading_images_is_refused_naming_the_data_free_ones(tmp_path, data_dir, capsys):
    argv = ["search", "--space", "tnb101-micro", "--dataset", "class_scene", "--evaluator", "proxy", "--proxies",
            "params,jacov", "--budget", "2", "--data-dir", str(data_dir), "--run-dir", str(tmp_path / "run")]
    assert main(argv) == 2
    one_line(capsys.readouterr().err.strip(), "so its networks cannot be scored on it (jacov reads images; the "
             "data-free proxies can be, on the networks as built for CIFAR-10:", "params", "synflow")
