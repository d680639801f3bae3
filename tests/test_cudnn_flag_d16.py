"""Training on a GPU gives the caller's ``torch.backends.cudnn.benchmark`` back.

The trainer turns cuDNN's autotuning on for a GPU training (its shapes repeat every step); it stayed on for the rest
of a script after ``search()`` or ``train_architecture``. The flag is a plain setting on a CPU build of torch too, so
the block the trainer runs in is checked here on every machine; the whole training where a GPU is present.
"""
from __future__ import annotations

import pytest
import torch

from nasloop.engine.devices import cudnn_tuned
from nasloop.engine.train_one import train_architecture

BEST_CELL = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"


@pytest.fixture
def callers_flag():
    """The flag as the test process had it, put back whatever a test does."""
    was = torch.backends.cudnn.benchmark
    yield
    torch.backends.cudnn.benchmark = was


@pytest.mark.parametrize("caller", [False, True])
def test_a_gpu_block_tunes_cudnn_and_gives_the_callers_flag_back(callers_flag, caller):
    torch.backends.cudnn.benchmark = caller
    with cudnn_tuned(torch.device("cuda")):
        assert torch.backends.cudnn.benchmark is True
    assert torch.backends.cudnn.benchmark is caller


def test_the_flag_is_given_back_when_the_training_fails(callers_flag):
    torch.backends.cudnn.benchmark = False
    with pytest.raises(RuntimeError, match="diverged"):
        with cudnn_tuned(torch.device("cuda:0")):
            raise RuntimeError("diverged")
    assert torch.backends.cudnn.benchmark is False


def test_a_cpu_block_leaves_the_flag_alone(callers_flag):
    for caller in (False, True):
        torch.backends.cudnn.benchmark = caller
        with cudnn_tuned(torch.device("cpu")):
            assert torch.backends.cudnn.benchmark is caller
        assert torch.backends.cudnn.benchmark is caller


@pytest.mark.skipif(not torch.cuda.is_available(), reason="trains on a GPU; the block itself is checked above")
def test_a_gpu_training_gives_the_callers_flag_back(callers_flag, data_dir):
    torch.backends.cudnn.benchmark = False
    report = train_architecture("nb201", BEST_CELL, epochs=1, data_dir=data_dir, device="cuda", batch_size=32,
                                train_images=400, channels=4, cells=1)
    assert report["device"].startswith("cuda")
    assert torch.backends.cudnn.benchmark is False  # before: True for the rest of the process
