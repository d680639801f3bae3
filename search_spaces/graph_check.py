"""What a space's graph encodings must be, checked on sampled architectures before a predictor reads them: every
op listed in its graph_ops, written as its token, and edges that go forward.

GNN predictors propagate along edges from the input (node 0) to the output (the last node) for as many steps as
the longest path: edges written (target, source) read as a graph whose output has no inputs, which FLAN would
rank on a one-step flow for a whole run, unseen.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from ..engine.errors import ConfigError
from ..engine.types import Arch
from ..predictors.vocabulary import SEPARATOR

if TYPE_CHECKING:
    from .base import SearchSpace


def check_graphs(space: "SearchSpace", archs: Sequence[Arch]) -> None:
    """One line naming the first of ``archs`` whose graph encoding lists an op its space's graph_ops lack (or a
    bare name where its token belongs), or has an edge that is not (source, target) forward, and the fix."""
    listed = {space.token(op) for op in space.graph_ops}
    for kind, arch in ((kind, arch) for kind in space.graph_encodings for arch in archs):
        encoding = space.encode(arch, kind)
        fault = edges_fault(encoding)
        if fault is not None:
            raise ConfigError(f"search space '{space.name}' encodes {space.format(arch)} as '{kind}' with {fault}")
        stray = next((op for op in encoding.ops if op not in listed), None)
        if stray is not None:  # a listed op's bare name: the token was forgotten, and adding it again fixed nothing
            why = (f"a bare name where its token belongs; write self.token(op) in _encode ('{space.token(stray)}')"
                   if stray in space.graph_ops else f"which its graph_ops do not list; add "
                   f"'{stray.rpartition(SEPARATOR)[2]}' to graph_ops (every op its graph encodings use)")
            raise ConfigError(f"search space '{space.name}' encodes {space.format(arch)} as '{kind}' with the op "
                              f"'{stray}', {why}")


def edges_fault(encoding: Any) -> str | None:
    """Why ``encoding.edges`` is no (2, E) array of (source, target) node indices with each source below its
    target (the nodes in topological order, the input first and the output last), or None where it is one."""
    edges = np.asarray(encoding.edges)
    if edges.size == 0:
        return None
    if edges.ndim != 2 or edges.shape[0] != 2 or edges.dtype.kind not in "iu":
        return f"edges of shape {edges.shape} and dtype {edges.dtype}; give a (2, E) integer array of (source, target)"
    if edges.min() < 0 or edges.max() >= len(encoding.ops):  # the node out of range: a negative one named first
        return f"an edge to or from node {int(edges.min() if edges.min() < 0 else edges.max())} of its " \
               f"{len(encoding.ops)} nodes; give node indices 0 to {len(encoding.ops) - 1}"
    back = np.flatnonzero(edges[0] >= edges[1])
    if back.size:
        source, target = (int(v) for v in edges[:, back[0]])
        return (f"the edge ({source}, {target}), whose source is not before its target; number the nodes in "
                "topological order (the input 0, the output last) and write each edge as (source, target)")
    return None
