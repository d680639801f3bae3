"""A checkpointed trial whose fits ran on several torch thread counts records them all.

Before: a trial trained on 1 thread, stopped after its checkpoint and resumed on 2 recorded ``torch_threads`` 2 alone,
so a user comparing results (and timings) on one thread count took it for a 2-thread result. Its epochs' counts are
now kept in the checkpoint, and the result records the fewest and most threads its epochs and accuracies ran on.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from nasloop.engine.context import RunContext
from nasloop.engine.data.cifar import load_cifar10
from nasloop.engine.evaluators.train import TrainingEvaluator
from nasloop.search_spaces.nb201 import NB201Space

CELL = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"


class Stopped(Exception):
    """Stands for a kill after the epoch's checkpoint, before the accuracies were measured."""


def _stop(epoch: int, loss: float) -> None:
    raise Stopped


@pytest.fixture
def few_subset_images(tmp_path: Path, data_dir: Path) -> Path:
    """A data folder holding 4 training and 2 test images of each class, taken from the CIFAR-10 subset."""
    picked = {}
    for split, per_class in (("train", 4), ("test", 2)):
        images, labels = load_cifar10(data_dir, split, source="subset")
        rows = np.concatenate([np.flatnonzero(labels == label)[:per_class] for label in range(10)])
        picked[f"x_{split}"], picked[f"y_{split}"] = images[rows], labels[rows]
    np.savez(tmp_path / "cifar10_subset.npz", **picked)
    return tmp_path


def _evaluator(data: Path, run: Path) -> TrainingEvaluator:
    return TrainingEvaluator(NB201Space(channels=2, cells=1), RunContext(data_dir=str(data), run_dir=str(run)),
                             epochs=1, batch_size=20, val_fraction=0.5, cifar_source="subset")


def test_a_trial_resumed_on_another_thread_count_records_both(few_subset_images: Path, tmp_path: Path) -> None:
    evaluator = _evaluator(few_subset_images, tmp_path / "run")
    arch = evaluator.space.parse(CELL)
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        with pytest.raises(Stopped):
            evaluator.train(arch, on_epoch_end=_stop)
        saved = torch.load(evaluator.checkpoint_dir(arch, 1) / "last.pt", weights_only=True)
        assert saved["epoch"] == 1 and saved["threads"] == [1]  # each epoch's count, kept for the fits to come
        whole = _evaluator(few_subset_images, tmp_path / "other").evaluate(arch).metrics  # one fit, on 1 thread
        torch.set_num_threads(2)  # (only the accuracies of 40 images run on 2: a busy machine's threads wait)
        resumed = evaluator.evaluate(arch).metrics
    finally:
        torch.set_num_threads(threads)
    assert resumed["start_epoch"] == 1  # its one epoch was the 1-thread fit's; its accuracies the 2-thread one's
    assert (resumed["torch_threads"], resumed["torch_threads_min"], resumed["torch_threads_max"]) == (2, 1, 2)
    assert (whole["torch_threads"], whole["torch_threads_min"], whole["torch_threads_max"]) == (1, 1, 1)
