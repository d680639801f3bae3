"""The three random graphs one draw of a NAGO generator makes, as small DAGs.

As in NAGO's reference implementation (vega's ``logical_graph.py``), each level draws one
undirected graph that every instance at that level shares: all cells wire their nodes by the same
mid-level graph, all mid-level nodes by the same bottom-level graph. Each graph is redrawn until it
is connected (as the reference does), then every edge is oriented from the lower node index to the
higher, which makes it acyclic; nodes with no predecessor are the graph's inputs (they read the
graph's input) and nodes with no successor its outputs (they are averaged into its output). In a
connected graph node 0 is always an input and the last node always an output. Watts-Strogatz's K
is clamped to ``nodes - 1``, as the reference does, since a ring lattice cannot have more
neighbours than other nodes (networkx joins ``K // 2`` neighbours on each side, so an odd K acts
as ``K - 1``, again as in the reference).

The reference redraws from the fixed seeds 0..29, so a point always gives the same network and a
low-probability Erdős-Rényi graph can fail to connect (it then builds an empty graph). Here a draw
seed picks the graphs, each level from its own numpy stream (so changing G1 leaves G2's and G3's
draws alone), with up to :data:`TRIES` redraws; in the rare case none connects (G2 with 10 nodes
and P=0.1 connects about once in 170 draws, so this happens about once in 10^5), the last draw is
joined up by networkx's minimum connecting edge set.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import networkx as nx
import numpy as np

from .point import NAGOPoint

TRIES = 2000
"""Redraws of a level's graph before its components are joined by added edges."""
_SEED_SPACE = 2**32


@dataclass(frozen=True)
class DAG:
    """A graph's nodes 0..n-1 with each node's predecessors (ascending): edges run low → high."""

    preds: tuple[tuple[int, ...], ...]

    @classmethod
    def from_graph(cls, graph: nx.Graph) -> DAG:
        """Orient every edge of an undirected graph on nodes 0..n-1 from the lower index to the higher."""
        return cls(tuple(tuple(sorted(u for u in graph.neighbors(v) if u < v))
                         for v in range(graph.number_of_nodes())))

    @property
    def size(self) -> int:
        return len(self.preds)

    @property
    def edges(self) -> tuple[tuple[int, int], ...]:
        return tuple((u, v) for v, preds in enumerate(self.preds) for u in preds)

    @property
    def inputs(self) -> tuple[int, ...]:
        """Nodes with no predecessor: they read the graph's input."""
        return tuple(v for v, preds in enumerate(self.preds) if not preds)

    @property
    def outputs(self) -> tuple[int, ...]:
        """Nodes with no successor: their mean is the graph's output."""
        feeding = {u for preds in self.preds for u in preds}
        return tuple(v for v in range(self.size) if v not in feeding)


@dataclass(frozen=True)
class Graphs:
    """One draw of a generator: the top (cells), mid (nodes of a cell) and bottom (ops of a node) graphs."""

    top: DAG
    mid: DAG
    bottom: DAG


@lru_cache(maxsize=256)
def draw_graphs(point: NAGOPoint, seed: int) -> Graphs:
    """The graphs of ``point`` under draw ``seed``: the same point and seed always give the same graphs."""
    streams = [np.random.default_rng([int(seed), level]) for level in range(3)]
    return Graphs(
        top=DAG.from_graph(_connected(_watts_strogatz(point.g1_nodes, point.g1_k, point.g1_p), streams[0])),
        mid=DAG.from_graph(_connected(_erdos_renyi(point.g2_nodes, point.g2_p), streams[1])),
        bottom=DAG.from_graph(_connected(_watts_strogatz(point.g3_nodes, point.g3_k, point.g3_p), streams[2])),
    )


def _watts_strogatz(nodes: int, k: int, p: float) -> Callable[[int], nx.Graph]:
    k = min(k, nodes - 1)
    return lambda seed: nx.watts_strogatz_graph(nodes, k, p, seed=seed)


def _erdos_renyi(nodes: int, p: float) -> Callable[[int], nx.Graph]:
    return lambda seed: nx.erdos_renyi_graph(nodes, p, seed=seed)


def _connected(draw: Callable[[int], nx.Graph], rng: np.random.Generator) -> nx.Graph:
    """The first connected graph ``draw`` makes from seeds taken from ``rng``; see the module docstring."""
    for _ in range(TRIES):
        graph = draw(int(rng.integers(_SEED_SPACE)))
        if nx.is_connected(graph):
            return graph
    graph.add_edges_from(nx.k_edge_augmentation(graph, k=1))
    return graph
