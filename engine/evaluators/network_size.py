"""Whether a space's networks fit this machine, counted before one is built.

A size inside each option's bounds can still make networks no machine holds (NB201 at 4,096 channels and 64
cells: 230 G parameters): building one was killed by the kernel at the memory limit, with no message and the run
left stopped. The networks of a few sampled architectures are built on torch's meta device, which allocates no
storage, and their parameters counted against the machine's memory.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from ...search_spaces.base import SearchSpace
from ..errors import ConfigError
from ..held_imports import imported
from ..space_networks import build_network

TRAINING_BYTES = 12
"""float32 weights, their gradients and SGD's momentum: what the trainer holds per parameter at the least."""
SCORING_BYTES = 8
"""float32 weights and their gradients: what a gradient-based zero-cost proxy holds per parameter."""
SAMPLES = 2
"""Architectures sampled (seed 0): any network with a parametrised op shows a size gone wrong."""
SLOW_BUILD_S = 0.5
"""A meta build costs about what a real one does (0.03 s on NB201, 0.7 s on a NAGO network): past this, one
sample is enough, so a check before each run (or resume) stays short."""


def machine_memory() -> int:
    """Bytes of memory this process may use: the machine's, or its container's limit when lower."""
    total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    limit = Path("/sys/fs/cgroup/memory.max")
    try:
        text = limit.read_text().strip()
    except OSError:
        return total
    return min(total, int(text)) if text.isdigit() else total


def refuse_oversized_networks(space: SearchSpace, num_classes: int, bytes_per_parameter: int, doing: str) -> None:
    """One line when a sampled architecture's network needs more host memory than the machine has (every
    network is built in host memory first, whatever device it then runs on); ``doing`` names the work
    (``training``) whose ``bytes_per_parameter`` are counted."""
    torch = imported("torch")  # its first import in a run, often (the evaluators' modules import none)
    memory, rng = machine_memory(), np.random.default_rng(0)
    for _ in range(SAMPLES):
        arch, started = space.sample(rng), time.perf_counter()
        try:
            with torch.device("meta"):
                network = build_network(space, arch, num_classes, 0)
        except ConfigError:
            raise
        except Exception:  # noqa: BLE001 - a user's to_module that cannot run on meta tensors: no estimate
            return
        params = sum(p.numel() for p in network.parameters())
        if params * bytes_per_parameter > memory:
            raise ConfigError(f"search space '{space.name}' builds networks of {params / 1e9:,.1f} G parameters "
                              f"(a sampled one: {space.format(arch)}); {doing} one holds at least "
                              f"{params * bytes_per_parameter / 2**30:,.0f} GiB, more than this machine's "
                              f"{memory / 2**30:,.0f} GiB: lower its size options (--space-opt)")
        if time.perf_counter() - started > SLOW_BUILD_S:
            return
