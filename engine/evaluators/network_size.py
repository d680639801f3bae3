"""Whether a space's networks fit this machine, counted before one is built.

A size inside each option's bounds can still make networks no machine holds (NB201 at 4,096 channels and 64
cells: 230 G parameters): building one was killed by the kernel at the memory limit, with no message and the run
left stopped. The networks of a few sampled architectures are built on torch's meta device, which allocates no
storage, and their parameters counted against the machine's memory.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ...search_spaces.base import SearchSpace
from ..errors import ConfigError
from .replicates import build_network

BYTES_PER_PARAMETER = 16
"""float32 weights, their gradients and two optimiser moments: what training a network holds at the least."""
SAMPLES = 2
"""Architectures sampled (seed 0): a meta build costs about as much as a real one (0.03 s on NB201, 0.7 s on
NAGO), so a few; any network with a parametrised op shows a size gone wrong."""


def machine_memory() -> int:
    """Bytes of memory this process may use: the machine's, or its container's limit when lower."""
    total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    limit = Path("/sys/fs/cgroup/memory.max")
    try:
        text = limit.read_text().strip()
    except OSError:
        return total
    return min(total, int(text)) if text.isdigit() else total


def refuse_oversized_networks(space: SearchSpace, num_classes: int) -> None:
    """One line when a sampled architecture's network needs more memory than the machine has."""
    import torch

    memory, rng = machine_memory(), np.random.default_rng(0)
    for _ in range(SAMPLES):
        arch = space.sample(rng)
        try:
            with torch.device("meta"):
                network = build_network(space, arch, num_classes, 0)
        except ConfigError:
            raise
        except Exception:  # noqa: BLE001 - a user's to_module that cannot run on meta tensors: no estimate
            return
        params = sum(p.numel() for p in network.parameters())
        if params * BYTES_PER_PARAMETER > memory:
            raise ConfigError(f"search space '{space.name}' builds networks of {params / 1e9:,.1f} G parameters "
                              f"({space.format(arch)}); training one holds at least "
                              f"{params * BYTES_PER_PARAMETER / 2**30:,.0f} GiB, more than this machine's "
                              f"{memory / 2**30:,.0f} GiB: lower its size options (--space-opt)")
