"""Training results record torch's thread count, and a resume that trains on another count says so.

The same cell and seed trained to 28.39 % test accuracy on 2 threads and to 27.24 % with OMP_NUM_THREADS=1 (as a Ray
worker of one CPU runs it): floats summed in another order. The README promised the same result in every search, and
a resumed run may switch executor, so its results mixed the two unseen.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from nasloop.engine.config import SearchConfig
from nasloop.engine.search import resume, search
from nasloop.engine.store import RunStore


def test_a_resume_training_on_another_thread_count_says_so(tmp_path: Path, isolated_cache) -> None:
    rng = np.random.default_rng(0)  # a handful of images: the subset's 870 test images took most of 10 s
    np.savez(tmp_path / "cifar10_subset.npz", x_train=rng.integers(0, 256, (40, 32, 32, 3), dtype=np.uint8),
             y_train=np.arange(40) % 10, x_test=rng.integers(0, 256, (20, 32, 32, 3), dtype=np.uint8),
             y_test=np.arange(20) % 10)
    run = tmp_path / "run"
    config = SearchConfig(space="nb201", evaluator="train", strategy="random", budget=1, fidelity=1,
                          data_dir=str(tmp_path), run_dir=str(run), space_options={"channels": 2, "cells": 1},
                          evaluator_options={"val_fraction": 0.5, "batch_size": 20})
    threads, first, changed = torch.get_num_threads(), [], []
    try:
        torch.set_num_threads(1)
        search(config, on_note=first.append)
        torch.set_num_threads(2)
        resume(run, budget=2, on_note=changed.append)
    finally:
        torch.set_num_threads(threads)
    with RunStore.in_run_dir(run, readonly=True) as store:
        recorded = [t.result.metrics["torch_threads"] for t in store.evaluations()]
    assert recorded == [1.0, 2.0]
    said = [note for note in changed if "torch_threads" in note]
    assert len(said) == 1 and said[0].startswith("this resume's 1 result(s) record torch_threads 2, the run's 1 "
                                                 "earlier one(s) 1: "), changed
    assert not [note for note in first if "torch_threads" in note], first
