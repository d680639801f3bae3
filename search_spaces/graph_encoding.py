"""The graph form of an architecture that GNN predictors read: a module of its own, so that the checks of graph
encodings (:mod:`.graph_check`) and the space interface (:mod:`.base`, which re-exports it) both reach it."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GraphEncoding:
    """A DAG with operations on the nodes, the form GNN predictors consume.

    ``ops`` names each node's operation as ``"<space>/<op>"`` so that a unified vocabulary can
    tell spaces apart or share operations between them; the first node is the input and the last
    the output. ``edges`` is a (2, E) array of (source, target) node indices in topological order.
    """

    ops: tuple[str, ...]
    edges: np.ndarray

    @property
    def num_nodes(self) -> int:
        return len(self.ops)
