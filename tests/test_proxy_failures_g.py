"""Zero-cost proxies that fail on a network (a RuntimeError: out of memory, the network's own shape mismatch) where
a run computes them, where ``nasloop proxies`` prints them and where its ``--out`` file is continued; and data-free
proxies on TransNAS-Bench-101 tasks whose images nasloop does not read."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from nasloop.engine import cli
from nasloop.engine.assemble import build_context
from nasloop.engine.context import RunContext
from nasloop.engine.errors import ConfigError
from nasloop.engine.registry import register_search_space
from nasloop.search_spaces.base import NetworkSpace
from nasloop.search_spaces.tnb101.space import TNB101MicroSpace

from .digit_space import DigitSpace

MISMATCH = "mat1 and mat2 shapes cannot be multiplied"


class Mismatched(DigitSpace, NetworkSpace):
    """Digits whose networks build, and where the first digit is 3 fail in their forward pass: the linear layer is
    one input too wide for its convolution (a user's shape mismatch, the network's own RuntimeError). Where it is
    2, the network runs out of memory as it is readied for scoring (as moving it to a full GPU does)."""

    name = "pf-mismatched"

    def to_module(self, arch, num_classes=10):
        from torch import nn

        class Full(nn.Sequential):
            def train(self, mode=True):
                raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")

        width = arch[1] + 1
        return (Full if arch[0] == 2 else nn.Sequential)(nn.Conv2d(3, width, 1), nn.AdaptiveAvgPool2d(1),
                                                          nn.Flatten(), nn.Linear(width + (arch[0] == 3), num_classes))


@pytest.fixture
def mismatched():
    """The space, registered for one test (the conftest drops it after)."""
    register_search_space(Mismatched.name)(Mismatched)
    return Mismatched()


GOOD, BAD, WORSE, FULL = "0-1-0-0-0", "3-1-0-0-0", "3-2-0-0-0", "2-1-0-0-0"


def test_a_computed_score_that_fails_is_noted_once_per_run(mismatched):
    """A run computing synflow took a network's RuntimeError as an undefined score, silently: the cell ranked below
    every scored one and nothing said the proxy had failed. It ranks the same way (as a score not stored), and the
    run's on_note hears it once, naming the first cell and the error, however many scorers compute it."""
    notes: list[str] = []
    context = RunContext(on_note=notes.append)
    archs = [mismatched.parse(text) for text in (GOOD, BAD, WORSE)]
    scores = context.scorer(mismatched, "synflow")(archs)
    assert math.isfinite(scores[0]) and np.isnan(scores[1:]).all()
    assert len(notes) == 1 and notes[0].startswith("computing synflow: its score failed on 2 of 3 architectures")
    assert f"(the first: {BAD}: RuntimeError: {MISMATCH}" in notes[0] and "undefined" not in notes[0]
    context.scorer(mismatched, "synflow")(archs[1:])  # another scorer of the same run: not noted again
    assert len(notes) == 1


@pytest.mark.usefixtures("isolated_cache")
def test_a_failed_score_prints_as_failed_without_out(mismatched, tmp_path, capsys):
    """'nasloop proxies' without --out printed a RuntimeError as 'synflow=undefined (...)', the word of a score the
    network does not define (no input-output path), where --out writes and counts it as failed; one raised as the
    network was readied (out of memory) stopped the command with a traceback, where --out writes a failed row."""
    archs = tmp_path / "archs.txt"
    archs.write_text(f"{GOOD}\n{BAD}\n{FULL}\n")
    assert cli.main(["proxies", "--space", mismatched.name, "--archs-file", str(archs), "--proxies",
                     "synflow,params", "--batch-size", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    bad = next(line for line in lines if line.startswith(BAD))
    assert f"synflow=failed (RuntimeError: {MISMATCH}" in bad and "undefined" not in bad and "params=" in bad
    assert next(line for line in lines if line.startswith(FULL)).startswith(
        f"{FULL}  failed: RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB  (")


@pytest.mark.usefixtures("isolated_cache")
def test_scores_that_fail_again_at_a_continuation_are_said_to(mismatched, tmp_path, capsys):
    """A shape mismatch, written 'failed', was scored again at every continuation of the file, and each summary
    asked to 'run the same command again', forever, never saying these had failed before: it now says how many of
    those retried failed again, as they did then, naming the first cell and its error."""
    archs, out = tmp_path / "archs.txt", tmp_path / "proxies.csv"
    archs.write_text(f"{GOOD}\n{BAD}\n")
    argv = ["proxies", "--space", mismatched.name, "--archs-file", str(archs), "--proxies", "params,synflow",
            "--batch-size", "2", "--out", str(out)]
    assert cli.main(argv) == 0
    first = capsys.readouterr().out
    assert "1 scores failed" in first and "failed again" not in first
    assert cli.main(argv) == 0  # continued: the failed row is tried once more, and fails the same way
    said = capsys.readouterr().out
    assert "1 architectures scored, 1 already there" in said and "run the same command again" not in said
    assert (f"1 of the 1 scores written 'failed' before failed again, as they did then (the first: {BAD}: synflow "
            f"failed: RuntimeError: {MISMATCH}") in said and said.count("failed again") == 1


def test_data_free_proxies_are_computed_on_tasks_without_images(tmp_path):
    """On a TNB101 task whose images nasloop does not read, a proxy its table does not store was refused even where
    it reads no images (params: FLAN's own advice, supplementary=[params, flops], could not be followed there); it
    is computed on the networks as built for CIFAR-10, and one that reads images is still refused."""
    table = {"micro": {"autoencoder": {"64-41414-3_13_221": {"val": 0.5, "zen": 1.0}}}}  # one cell: quick to read
    (tmp_path / "transnas101_val.json.gz").write_text(json.dumps(table))
    context = build_context(TNB101MicroSpace, "autoencoder", str(tmp_path))
    space = TNB101MicroSpace(base_channels=8)
    archs = [space.parse(text) for text in ("64-41414-3_13_221", "64-41414-0_00_000")]
    assert context.stored_proxies(space) == ["zen"] and context.computes(space, "params")
    scores = context.scorer(space, "params")(archs)
    assert np.isfinite(scores).all() and scores[0] > scores[1]
    with pytest.raises(ConfigError, match="images nasloop does not read, so proxy 'jacov', not stored for it"):
        context.scorer(space, "jacov")
    note = context.computing_note(space, "flan", "the cells it reads")  # the task's file, of data-free ones
    assert ("'nasloop proxies --space tnb101-micro --space-opt base_channels=8 --dataset autoencoder --data-dir "
            f"{tmp_path} --all --out {tmp_path / 'tnb101-micro-autoencoder-proxies.csv'}'") in note
