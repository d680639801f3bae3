"""Seeding torch for a network, a fit or a proxy score formats no call stack.

``torch.manual_seed`` queues a seed for every accelerator torch knows (CUDA before it starts, XPU, MTIA), each
formatting the whole Python stack for an error message should that device fail to start later: 3.3 of the 8.9 CPU
seconds of a 1,001-replicate proxy search (tests/test_study_stored_grid_a14.py), which seeds twice per network.
nasloop runs on the CPU and CUDA, and seeds those alike (:func:`nasloop.engine.devices.seed_torch`).
"""
from __future__ import annotations

import traceback

import numpy as np
import torch

from nasloop.engine.devices import seed_torch
from nasloop.engine.evaluators.proxies import score_architectures
from nasloop.search_spaces.nb201 import NB201Space

CELL = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"


def test_a_seed_draws_what_torch_manual_seed_draws():
    torch.manual_seed(7)
    expected = (torch.rand(5), torch.randn(3, 3), torch.nn.Linear(4, 2).weight.detach().clone())
    seed_torch(7)
    drawn = (torch.rand(5), torch.randn(3, 3), torch.nn.Linear(4, 2).weight.detach().clone())
    assert all(torch.equal(a, b) for a, b in zip(expected, drawn))


def test_scoring_networks_formats_at_most_one_stack_a_seed(monkeypatch):
    formatted: list[int] = []
    real = traceback.format_stack

    def counted(*args, **kwargs):
        formatted.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(traceback, "format_stack", counted)  # the real one, counted where torch calls it
    space = NB201Space(channels=8, cells=1)
    cells = [CELL, space.format(space.sample(np.random.default_rng(0)))]
    records = score_architectures(space, cells, ["params", "synflow"], dataset="ImageNet16-120")
    assert all(np.isfinite(r["scores"]["synflow"]) for r in records)
    seeds = 2 * (1 + 2)  # two networks: one seed to build each, one before each of its two proxies
    assert len(formatted) <= seeds  # CUDA's queued seed where it has not started; torch.manual_seed: 3 a seed
