"""A checkpoint that cannot be written stops a training search in one line, losing no architecture to it.

Before, the OSError (or torch.save's RuntimeError on a full disk) failed each trial as its architecture's failure,
after an epoch of training, and the run ended "failed: all N evaluations failed" with nothing left to resume.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from .messages import one_line

TINY = ["--space", "nb201", "--evaluator", "train", "--dataset", "cifar10", "--epochs", "1", "--strategy", "random",
        "--budget", "2", "--seed", "0", "--space-opt", "channels=8", "--space-opt", "cells=1",
        "--evaluator-opt", "train_images=200", "--evaluator-opt", "batch_size=32"]


def test_a_checkpoint_folder_that_is_a_file_stops_the_search_and_the_search_again_trains_every_trial(
        tmp_path, data_dir, nasloop_in_process):
    run = tmp_path / "run"
    run.mkdir()
    (run / "checkpoints").write_text("not a folder\n")
    stopped = nasloop_in_process(["search", *TINY, "--data-dir", str(data_dir), "--run-dir", str(run)])
    assert stopped.returncode == 2, stopped.stderr
    one_line(stopped.stderr.strip(), "cannot write checkpoints", "Not a directory", "a folder you can write")
    assert not (run / "nasloop.sqlite").exists()  # refused before the run began (test_checkpoint_folder_b8.py)
    (run / "checkpoints").unlink()
    again = nasloop_in_process(["search", *TINY, "--data-dir", str(data_dir), "--run-dir", str(run), "--json"])
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout)
    assert (summary["status"], summary["evaluations"], summary["failed"]) == ("finished", 2, 0)
    assert len(list((run / "checkpoints").iterdir())) == 2  # each trial trained and checkpointed


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_FSIZE and SIGXFSZ as Linux has them")
def test_a_write_cut_short_names_the_full_disk_not_torchs_inline_container(tmp_path):
    """A file size limit fails the checkpoint's write as a full disk does (EFBIG where ENOSPC): torch.save to the file
    raised "RuntimeError: [enforce fail at inline_container.cc:...] unexpected pos", a trial's failure."""
    script = textwrap.dedent(f"""
        import resource, signal, sys
        import numpy as np
        import torch
        from torch import nn
        from nasloop.engine.errors import DataError
        from nasloop.engine.evaluators.trainer import TrainConfig, Trainer
        torch.manual_seed(0)
        images = np.random.default_rng(0).integers(0, 256, (64, 32, 32, 3), dtype=np.uint8)
        labels = np.arange(64) % 10
        model = nn.Sequential(nn.Flatten(), nn.Linear(3072, 10))  # 30,730 weights: a checkpoint of ~250 kB
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of killing the process
        sys.dont_write_bytecode = True  # a .pyc cut at the limit broke the tests' bytecode folder (limited_children)
        resource.setrlimit(resource.RLIMIT_FSIZE, (50_000, 50_000))
        trainer = Trainer(TrainConfig(epochs=1, batch_size=32), device="cpu")
        try:
            trainer.fit(model, (images, labels), None, None, checkpoint_dir={str(tmp_path / "trial")!r})
        except DataError as exc:
            print(exc)
            sys.exit(3)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 3, done.stderr
    one_line(done.stdout.strip(), "cannot write checkpoint", "File too large", "free space on the disk of")
    assert not [p.name for p in (tmp_path / "trial").iterdir()]  # no partial file left beside it
