"""Structural features of any space's graph encodings, in the spirit of GRAF (Kadlecová et al., 2024).

GRAF reads a handful of interpretable numbers off a cell's graph (how many of each operation,
how many input-to-output paths run through each, how long those paths are, how many arcs enter
the output) and finds them competitive with zero-cost proxies and complementary to them in a
tree model; on NB201 they lift our forest from 128 training cells on (README). Everything here
is computed from :class:`~nasloop.search_spaces.base.GraphEncoding` alone (node 0 the input, the
last node the output), so one implementation serves every space that declares a graph encoding,
on each of its graph encodings (NB201's written ``graph`` and its ``dataflow``, where ``none``
cuts arcs and ``skip`` is bypassed).

Per operation token of the space (its ``graph_ops`` without the input and output markers):
the number of nodes with it, the number of those on an input-to-output path, the number of
input-to-output paths through at least one of them, the number made of them alone, and the
shortest and longest such paths through one (0 when there is none). Per graph: the number of
input-to-output paths, their shortest and longest length, the arcs out of the input and into the
output, the live nodes and the arcs. Per subset of two to ``max_subset`` tokens, GRAF's operation
subsets: the input-to-output paths whose every node has an op of the subset, their shortest and
longest length, and the arcs into the output from nodes such a path reaches (the subset of
conv1x1 and conv3x3: the all-convolution routes). ``max_subset`` is 0 (no subsets) by default:
on NB201 the extra columns cost a forest 0.1 tau at 8 training cells and moved nothing else by
0.01 (README). Every path count, by length, comes from one mechanism: a count vector stepped
along the arcs from the input (or back from the output), over the whole graph or over the arcs
among one op's or one subset's nodes, batched over the graphs of a call with numpy; no feature
depends on how a space numbers its nodes. A call asking for most of an enumerable space reads the whole space's
table, kept on disk between processes (:mod:`.graph_table`).
"""
from __future__ import annotations

from itertools import combinations
from typing import Sequence

import numpy as np

from ..engine.errors import ConfigError, UnsupportedError
from ..engine.types import Arch
from ..search_spaces.base import SearchSpace, enumerable
from .graph_table import whole_table

GLOBAL_FEATURES = ("paths", "shortest_path", "longest_path", "input_out_degree", "output_in_degree", "live_nodes",
                   "arcs")
CHUNK = 512  # graphs per batched computation: path counts by length take n x nodes^3 floats
OP_FEATURES = ("count", "live", "paths_through", "paths_only", "shortest_through", "longest_through")
SUBSET_FEATURES = ("paths", "shortest", "longest", "output_in_degree")


class GraphFeatures:
    """``archs -> (n, d)`` structural features of a space's architectures, with their names."""

    def __init__(self, space: SearchSpace, views: Sequence[str] | None = None, max_subset: int = 0) -> None:
        if not space.graph_encodings:
            raise UnsupportedError(f"graph features read a graph encoding, and search space '{space.name}' declares "
                                   "none; use proxies or a vector encoding as features instead")
        self.views = list(space.graph_encodings if views is None else views)
        unknown = [v for v in self.views if v not in space.graph_encodings]
        if unknown or not self.views:
            raise ConfigError(f"graph features: search space '{space.name}' has no graph encoding "
                              f"'{unknown[0] if unknown else ''}'; it offers: {', '.join(space.graph_encodings)}")
        self.space = space
        markers = {space.token("input"), space.token("output")}
        if not isinstance(max_subset, int) or max_subset < 0:
            raise ConfigError(f"graph features: max_subset is a number of ops (0 for no op subsets), "
                              f"got {max_subset!r}")
        self.tokens = [space.token(op) for op in space.graph_ops if space.token(op) not in markers]
        # two or three of NASNet's 13 ops: 364 subsets; on NB201's 5 the 4-subsets would repeat "paths avoiding one op"
        self.subsets = [s for size in range(2, min(max_subset, len(self.tokens)) + 1)
                        for s in combinations(range(len(self.tokens)), size)]
        per_view = (*GLOBAL_FEATURES, *(f"{t}:{f}" for t in self.tokens for f in OP_FEATURES),
                    *(f"{'+'.join(self.tokens[i] for i in s)}:{f}" for s in self.subsets for f in SUBSET_FEATURES))
        self.names = [f"{view}:{name}" for view in self.views for name in per_view]

    def __call__(self, archs: Sequence[Arch]) -> np.ndarray:
        if not len(archs):
            return np.zeros((0, len(self.names)))
        archs = list(archs)
        size = self.space.size if enumerable(self.space) else None
        if not size or 2 * len(archs) < size:  # a few architectures: computed (a whole table missing costs them all)
            return self._rows(archs)
        # ranking (most of) the space: its whole table, kept on disk between processes (a feature set keeps the rows
        # it reads, so a process asks for it about once a predictor)
        listed, rows = whole_table(self.space, self.names, __name__, self._rows)
        whole = dict(zip(listed, rows))
        absent = [arch for arch in archs if arch not in whole]  # a form the space does not enumerate
        extra = dict(zip(absent, self._rows(absent))) if absent else {}
        return np.stack([extra[arch] if arch in extra else whole[arch] for arch in archs])

    def _rows(self, archs: list[Arch]) -> np.ndarray:
        """The features of ``archs`` computed, in batches of :data:`CHUNK` graphs."""
        chunks = [np.concatenate([self._view(archs[i:i + CHUNK], view) for view in self.views], axis=1)
                  for i in range(0, len(archs), CHUNK)]
        return np.concatenate(chunks, axis=0)

    def _view(self, archs: Sequence[Arch], view: str) -> np.ndarray:
        graphs = self.space.encode_many(list(archs), view)
        size = max(g.num_nodes for g in graphs)
        n = len(graphs)
        adj = np.zeros((n, size, size))
        op_of = np.zeros((n, size), dtype=np.int64) - 1  # index into self.tokens; -1 for markers and padding
        index = {t: i for i, t in enumerate(self.tokens)}
        last = np.array([g.num_nodes - 1 for g in graphs])
        for row, g in enumerate(graphs):
            edges = np.asarray(g.edges, dtype=np.int64).reshape(2, -1)
            adj[row, edges[0], edges[1]] = 1.0
            op_of[row, 1:g.num_nodes - 1] = [index.get(t, -1) for t in g.ops[1:-1]]
        rows = np.arange(n)
        markers = (np.arange(size)[None] == 0) | (np.arange(size)[None] == last[:, None])  # input and output nodes
        to_output = _paths_from(adj.transpose(0, 2, 1), last)  # (n, length, node): paths of each length node -> output
        start = np.zeros(n, dtype=np.int64)  # the input node
        from_input = _paths_from(adj, start)  # (n, length, node): input -> node
        total = to_output[:, :, 0]  # (n, length): input-to-output paths of each length
        live = (from_input.sum(1) > 0) & (to_output.sum(1) > 0)
        live[:, 0] = total.sum(1) > 0
        live[rows, last] = live[:, 0]
        columns = [total.sum(1), *_lengths(total), adj[:, 0].sum(1), adj[rows, :, last].sum(1),
                   live.sum(1), adj.sum((1, 2))]
        for op in range(len(self.tokens)):
            mine = op_of == op
            keep = ~mine  # paths avoiding the op: drop its nodes
            avoiding = _paths_from(adj * keep[:, :, None] * keep[:, None, :], start)[rows, :, last]
            only = mine | markers
            alone = _paths_from(adj * only[:, :, None] * only[:, None, :], start)[rows, :, last]
            through = total - avoiding  # (n, length)
            direct = adj[rows, 0, last]  # an input-to-output arc has no op on it: not a path of this op alone
            columns += [mine.sum(1), (mine & live).sum(1), through.sum(1), alone.sum(1) - direct, *_lengths(through)]
        for subset in self.subsets:
            allowed = np.isin(op_of, subset) | markers
            arcs = adj * allowed[:, :, None] * allowed[:, None, :]
            arcs[rows, 0, last] = 0.0  # an input-to-output arc has no op on it: not a path of any subset
            within = _paths_from(arcs, start)
            routes = within[rows, :, last]  # (n, length): input-to-output paths of the subset's ops alone
            reached = within.sum(1) > 0  # nodes such a path reaches from the input
            columns += [routes.sum(1), *_lengths(routes), (arcs[rows, :, last] * reached).sum(1)]
        return np.stack(columns, axis=1).astype(np.float64)


def _paths_from(adj: np.ndarray, start: np.ndarray) -> np.ndarray:
    """(n, size, size): entry [g, k, j] counts the paths of k arcs from node ``start[g]`` to node j of
    DAG g (k < size), by stepping a count vector along the arcs: n x size^3 work, whatever the numbering."""
    n, size, _ = adj.shape
    step = np.zeros((n, size))
    step[np.arange(n), start] = 1.0
    out = [step]
    for _ in range(size - 1):
        step = (step[:, None, :] @ adj)[:, 0]
        out.append(step)
    return np.stack(out, axis=1)


def _lengths(by_length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shortest and longest length with a path, per graph, from (n, length) path counts (0 if none)."""
    has = by_length > 0
    lengths = np.arange(by_length.shape[1])
    shortest = np.where(has.any(1), np.argmax(has, axis=1), 0)
    longest = np.where(has.any(1), (has * lengths).max(1), 0)
    return shortest, longest
