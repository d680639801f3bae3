"""Replicated trainings report an honest images/s: the draws' images over their seconds, not a mean of rates."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.search import search


def test_replicated_training_pools_images_per_second(data_dir: Path, tmp_path: Path) -> None:
    """The first draw pays torch's warm-up, so draws ran at 462 and 3,238 images/s and the result read their mean,
    1,850 images/s, 2.3 times what its own mean train_seconds implied (809)."""
    config = SearchConfig(space="nb201", dataset="cifar10", strategy="random", evaluator="train", budget=1,
                          fidelity=1, seed=0, data_dir=str(data_dir), run_dir=str(tmp_path / "run"),
                          space_options={"channels": 2, "cells": 1},
                          evaluator_options={"train_images": 100, "batch_size": 16, "replicates": 2, "device": "cpu"})
    metrics = search(config)["best"]["metrics"]
    rates = [metrics[f"images_per_second@{d}"] for d in range(2)]
    seconds = [metrics[f"train_seconds@{d}"] for d in range(2)]
    pooled = sum(r * s for r, s in zip(rates, seconds)) / sum(seconds)
    assert metrics["images_per_second"] == pytest.approx(pooled, rel=1e-9)
    assert metrics["images_per_second"] * metrics["train_seconds"] == pytest.approx(rates[0] * seconds[0], rel=1e-6)


def test_a_checkpoint_of_other_training_images_is_refused(data_dir: Path, tmp_path: Path) -> None:
    """train_architecture(..., run_dir=D) again with train_images=120 resumed the 100-image training's finished
    checkpoint (start_epoch 1, the same train loss) and reported it as a training on 120 images."""
    from nasloop.engine.errors import DataError
    from nasloop.engine.train_one import train_architecture

    arch = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
    options = dict(epochs=1, device="cpu", channels=2, cells=1, batch_size=16, data_dir=data_dir, run_dir=tmp_path)
    first = train_architecture("nb201", arch, train_images=100, **options)
    assert train_architecture("nb201", arch, train_images=100, **options)["start_epoch"] == first["epochs"]
    with pytest.raises(DataError, match="trained on other data"):
        train_architecture("nb201", arch, train_images=120, **options)
