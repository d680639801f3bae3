"""A damaged CIFAR-10 subset is named in one line for what it is: np.save's single array under the subset's name
ended in "unexpected TypeError ... does not support the context manager protocol", and an archive lacking one array
was said to lack both."""
from __future__ import annotations

import numpy as np

from nasloop.engine.data.cifar import SUBSET

from .messages import one_line

SEARCH = ["search", "--space", "nb201", "--evaluator", "train", "--dataset", "cifar10", "--epochs", "1",
          "--strategy", "random", "--budget", "1", "--space-opt", "channels=8", "--space-opt", "cells=1"]


def test_a_single_npy_array_under_the_subsets_name_is_refused_in_one_line(tmp_path, nasloop_in_process):
    with open(tmp_path / SUBSET, "wb") as handle:  # np.save adds .npy to a name given as a string
        np.save(handle, np.zeros((5, 32, 32, 3), dtype=np.uint8))
    done = nasloop_in_process([*SEARCH, "--data-dir", str(tmp_path), "--run-dir", str(tmp_path / "run")],
                              env={"NASLOOP_DATA": None, "XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert done.returncode == 2, done.stderr
    one_line(done.stderr.strip(), SUBSET, "holds one array of shape (5, 32, 32, 3)", "not nasloop's CIFAR-10 subset",
             f"replace it with a fresh copy of {SUBSET}")
    assert not (tmp_path / "run").exists()


def test_an_archive_lacking_one_array_names_that_one(tmp_path, data_dir, nasloop_in_process):
    with np.load(data_dir / SUBSET) as real:
        arrays = {name: real[name] for name in real.files if name != "y_test"}
    np.savez(tmp_path / SUBSET, **arrays)
    done = nasloop_in_process([*SEARCH, "--data-dir", str(tmp_path), "--run-dir", str(tmp_path / "run")],
                              env={"NASLOOP_DATA": None, "XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert done.returncode == 2, done.stderr
    message = one_line(done.stderr.strip(), "has no array y_test;", "not nasloop's CIFAR-10 subset")
    assert "x_test" not in message
