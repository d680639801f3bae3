"""A library leaves its caller's random generators alone: ``search()`` in a notebook, then ``torch.randn``.

The proxy scorer, the GP, FLAN and EmProx seed torch's global generator inside ``fork_rng``, so that the caller's
stream goes on as if nothing ran. ``bo`` and the train evaluator seeded it bare: after a search the script's next
``torch.randn`` drew the numbers of the run's last seed, the same after every search, whatever the script seeded.
"""
from __future__ import annotations

from pathlib import Path

import torch

from nasloop.engine.config import SearchConfig
from nasloop.engine.search import search


def _caller_stream_after(config: SearchConfig) -> tuple[torch.Tensor, torch.Tensor]:
    """What the caller draws after ``search(config)``, and what it draws from the same seed with no search between."""
    torch.manual_seed(1234)
    expected = torch.randn(4)
    torch.manual_seed(1234)
    summary = search(config)
    assert summary["status"] == "finished", summary
    return torch.randn(4), expected


def test_bo_gives_the_callers_torch_generator_back(data_dir: Path, tmp_path: Path) -> None:
    config = SearchConfig(space="nb201", dataset="cifar10", strategy="bo", budget=4, seed=0,
                          strategy_options={"num_init": 2, "pool_size": 50},
                          data_dir=str(data_dir), run_dir=str(tmp_path / "run"))
    drawn, expected = _caller_stream_after(config)
    torch.testing.assert_close(drawn, expected, rtol=0, atol=0)


def test_training_gives_the_callers_torch_generator_back(data_dir: Path, tmp_path: Path) -> None:
    config = SearchConfig(space="nb201", dataset="cifar10", strategy="random", evaluator="train", budget=1,
                          fidelity=1, seed=0, data_dir=str(data_dir), run_dir=str(tmp_path / "run"),
                          space_options={"channels": 2, "cells": 1},
                          evaluator_options={"train_images": 100, "batch_size": 16, "device": "cpu"})
    drawn, expected = _caller_stream_after(config)
    torch.testing.assert_close(drawn, expected, rtol=0, atol=0)
