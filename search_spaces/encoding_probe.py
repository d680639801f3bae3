"""Encoding a few sampled architectures before a predictor runs, to catch a space that breaks its encoding contract.

A vector encoding whose length depends on the architecture, or a graph holding an op its space's ``graph_ops`` do
not list, otherwise surfaced at the predictor's first fit, after the initial evaluations (a whole training run's
worth of them), or not at all: EmProx read an unlisted op as unknown, graph features dropped it.
"""
from __future__ import annotations

import numpy as np

from ..engine.errors import ConfigError
from .base import SearchSpace

PROBE_SAMPLES = 32
"""Architectures drawn (from a generator of their own, so no strategy's draws change): enough to meet most of a
space's shapes, cheap next to one evaluation."""


def probe_encodings(space: SearchSpace, samples: int = PROBE_SAMPLES) -> None:
    """Encode ``samples`` sampled architectures in every encoding ``space`` declares; one line naming the space,
    the architecture and the fix where one breaks the contract."""
    if not space.encodings:
        return
    rng = np.random.default_rng(0)
    archs = [space.sample(rng) for _ in range(samples)]
    for kind in space.vector_encodings:
        space.encode_many(archs, kind)  # one shape for all, finite values: it names the first that is not
    listed = {space.token(op) for op in space.graph_ops}
    for kind in space.graph_encodings:
        for arch in archs:
            stray = next((op for op in space.encode(arch, kind).ops if op not in listed), None)
            if stray is not None:
                raise ConfigError(f"search space '{space.name}' encodes {space.format(arch)} as '{kind}' with the op "
                                  f"'{stray}', which its graph_ops do not list; add '{stray.rpartition('/')[2]}' to "
                                  "graph_ops (every op its graph encodings use)")
