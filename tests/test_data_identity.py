"""A run's store records the data its evaluator reads; a resume that would read other data is refused, since its
results would mix with the run's (the full CIFAR-10 appearing beside the subset a zero-cost run scored on)."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.data.cifar import FOLDER
from nasloop.engine.errors import DataError
from nasloop.engine.search import resume, search

from .messages import one_line
from .test_training_walk_g import write_batches


def test_a_zero_cost_run_resumed_onto_other_images_is_refused(tmp_path, isolated_cache):
    """grad_norm reads a mini-batch of CIFAR-10: resumed once a full CIFAR-10 had been put beside the subset, its
    later networks were scored on another batch without a word. Data-free proxies (params) record no data."""
    rng = np.random.default_rng(0)
    data = tmp_path / "data"
    data.mkdir()
    np.savez(data / "cifar10_subset.npz", x_train=rng.integers(0, 256, (40, 32, 32, 3), dtype=np.uint8),
             y_train=np.arange(40) % 10, x_test=rng.integers(0, 256, (20, 32, 32, 3), dtype=np.uint8),
             y_test=np.arange(20) % 10)
    common = dict(space="nb201", evaluator="proxy", strategy="random", budget=1, data_dir=str(data),
                  space_options={"channels": 4, "cells": 1})
    search(SearchConfig(**common, run_dir=str(tmp_path / "reads"),
                        evaluator_options={"proxies": ["grad_norm"], "batch_size": 8}))
    search(SearchConfig(**common, run_dir=str(tmp_path / "free"), evaluator_options={"proxies": ["params"]}))
    write_batches(data / FOLDER)
    with pytest.raises(DataError) as exc:
        resume(tmp_path / "reads", budget=2)
    one_line(str(exc.value), "was evaluated on the class-balanced CIFAR-10 subset", "now be on the full CIFAR-10")
    assert resume(tmp_path / "free", budget=2)["evaluations"] == 2
