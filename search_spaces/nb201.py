"""NAS-Bench-201: a 4-node cell with one of 5 operations on each of its 6 edges (15,625 cells).

An architecture is a tuple of six op indices into :data:`OPS`, on the edges in the order of the
NB201 string ``|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`` (see :data:`EDGES`). The canonical string is
the NB201 string; ``parse`` also reads the comma-separated index form (``3,3,0,1,3,2``).
"""
from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import Any, Iterator

import numpy as np

from ..engine.errors import ArchitectureError
from ..engine.registry import register_search_space
from .base import GraphEncoding, SearchSpace

OPS: tuple[str, ...] = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")
EDGES: tuple[tuple[int, int], ...] = ((0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3))
NUM_NODES = 4
NONE, SKIP = 0, 1

# NASLib numbers ops differently and orders edges by source node; the tables and proxy files
# published through NASLib use that convention.
NASLIB_OPS: tuple[str, ...] = ("skip_connect", "none", "nor_conv_3x3", "nor_conv_1x1", "avg_pool_3x3")
NASLIB_EDGES: tuple[tuple[int, int], ...] = ((0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3))
_NASLIB_EDGE_POS = tuple(NASLIB_EDGES.index(e) for e in EDGES)
_NASLIB_TO_OURS = tuple(OPS.index(name) for name in NASLIB_OPS)

Cell = tuple[int, ...]

_INDEX_FORM = re.compile(r"^\(?\s*\d+(\s*,\s*\d+)*\s*,?\s*\)?$")
_NODE_FORM = re.compile(r"^\|(.*)\|$")


def cell_code(cell: Cell) -> int:
    """The cell's position in base-5 enumeration order (first edge most significant)."""
    code = 0
    for op in cell:
        code = code * len(OPS) + op
    return code


def from_naslib(op_indices: tuple[int, ...] | list[int]) -> Cell:
    """Convert NASLib's op-index tuple (its op numbering and edge order) into ours."""
    if len(op_indices) != len(EDGES):
        raise ArchitectureError(f"a NASLib NB201 cell has 6 op indices, got {len(op_indices)}")
    return tuple(_NASLIB_TO_OURS[int(op_indices[pos])] for pos in _NASLIB_EDGE_POS)


def _functional_form(cell: Cell) -> str:
    """A canonical expression of what the cell computes.

    Each node is a multiset of terms; a term is an op applied to a source node's value. Edges
    with ``none`` and edges out of zero-valued nodes contribute nothing; ``skip_connect`` passes
    its source's terms through (x + (y + z) == x + y + z). Sorting the terms makes the form
    independent of the order in which parallel paths were written. The 15,625 cells fall into
    4,930 classes; NB201's own string rule reports 6,466 because it keeps zero terms inside sums
    (``a + 0`` and ``a`` stay apart).
    """
    values: list[tuple[str, ...]] = [("x",)]
    for node in range(1, NUM_NODES):
        terms: list[str] = []
        for (src, dst), op in zip(EDGES, cell):
            if dst != node or op == NONE or not values[src]:
                continue
            if op == SKIP:
                terms.extend(values[src])
            else:
                terms.append(f"{OPS[op]}[{'+'.join(values[src])}]")
        values.append(tuple(sorted(terms)))
    return "+".join(values[-1]) or "zero"


@lru_cache(maxsize=4 * len(OPS) ** len(EDGES))
def _checked_cell(cell: tuple) -> Cell:
    """``cell`` as a tuple of Python ints, if it is an NB201 cell; cached: the loop checks every proposal."""
    if len(cell) != len(EDGES) or not all(isinstance(op, (int, np.integer)) and 0 <= op < len(OPS) for op in cell):
        raise ArchitectureError(f"{cell!r} is not an NB201 cell: expected 6 op indices in 0..4 "
                                f"({', '.join(f'{i}={n}' for i, n in enumerate(OPS))})")
    return tuple(int(op) for op in cell)


@lru_cache(maxsize=len(OPS) ** len(EDGES))
def _format_cell(cell: Cell) -> str:
    """The NB201 string of a cell; cached because the loop and strategy states format constantly."""
    nodes = []
    for target in range(1, NUM_NODES):
        parts = [f"{OPS[op]}~{src}" for (src, dst), op in zip(EDGES, cell) if dst == target]
        nodes.append("|" + "|".join(parts) + "|")
    return "+".join(nodes)


@lru_cache(maxsize=1)
def _representatives() -> dict[str, Cell]:
    """Functional form → its lowest-code cell, over the whole space (4,930 classes, ~0.1 s once)."""
    representatives: dict[str, Cell] = {}
    for cell in itertools.product(range(len(OPS)), repeat=len(EDGES)):
        representatives.setdefault(_functional_form(cell), cell)
    return representatives


@lru_cache(maxsize=None)
def _path_index() -> dict[tuple[int, ...], int]:
    """Column of each op sequence (length 1-3, no 'none') in the path encoding."""
    live_ops = [i for i in range(len(OPS)) if i != NONE]
    seqs = [s for length in (1, 2, 3) for s in itertools.product(live_ops, repeat=length)]
    return {s: i for i, s in enumerate(seqs)}


def _reachable(adj: np.ndarray, start: int) -> np.ndarray:
    """Nodes reachable from ``start`` along the arcs of the boolean adjacency ``adj``."""
    seen = np.zeros(len(adj), dtype=bool)
    seen[start] = True
    frontier = seen.copy()
    while frontier.any():
        frontier = adj[frontier].any(axis=0) & ~seen
        seen |= frontier
    return seen


# The cell's input→output paths, each as the list of edge positions it uses.
_PATHS: tuple[tuple[int, ...], ...] = ((3,), (0, 4), (1, 5), (0, 2, 5))


@register_search_space("nb201")
class NB201Space(SearchSpace):
    """The NAS-Bench-201 cell space (Dong & Yang, ICLR 2020)."""

    name = "nb201"
    encodings = ("onehot", "path", "graph", "dataflow")

    def parse(self, text: str) -> Cell:
        if not isinstance(text, str):
            raise ArchitectureError(f"an NB201 architecture is a string, got {type(text).__name__}")
        text = text.strip()
        if _INDEX_FORM.match(text):
            cell = tuple(int(t) for t in text.strip("()").replace(" ", "").rstrip(",").split(","))
            return self._check_cell(cell, text)
        nodes = text.split("+")
        if len(nodes) != NUM_NODES - 1:
            raise ArchitectureError(
                f"'{text}' is not an NB201 cell: expected 3 nodes joined by '+' as in "
                f"|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|none~0|avg_pool_3x3~1|nor_conv_1x1~2|, "
                f"got {len(nodes)}")
        cell: list[int] = []
        for target, node in enumerate(nodes, start=1):
            match = _NODE_FORM.match(node)
            parts = match.group(1).split("|") if match else []
            if len(parts) != target:
                raise ArchitectureError(f"'{text}' is not an NB201 cell: node {target} must list {target} "
                                        f"input(s) as |op~0|...|, got '{node}'")
            for source, part in enumerate(parts):
                op, _, src = part.partition("~")
                if src != str(source):
                    raise ArchitectureError(f"'{text}' is not an NB201 cell: input {source} of node {target} "
                                            f"must be written '{op}~{source}', got '{part}'")
                if op not in OPS:
                    raise ArchitectureError(f"'{text}' is not an NB201 cell: unknown operation '{op}'; "
                                            f"operations are {', '.join(OPS)}")
                cell.append(OPS.index(op))
        # String order lists node 1's, then node 2's, then node 3's inputs: exactly EDGES' order.
        return tuple(cell)

    def _check_cell(self, cell: tuple[int, ...], text: str) -> Cell:
        try:
            return _checked_cell(cell)
        except ArchitectureError:
            raise ArchitectureError(f"'{text}' is not an NB201 cell: expected 6 op indices in 0..4 "
                                    f"({', '.join(f'{i}={n}' for i, n in enumerate(OPS))})") from None

    def format(self, arch: Cell) -> str:
        return _format_cell(self.validate(arch))

    def validate(self, arch: Any) -> Cell:
        try:
            return _checked_cell(arch if type(arch) is tuple else tuple(arch))
        except TypeError:  # not iterable, or holding unhashable things
            raise ArchitectureError(f"an NB201 architecture is a tuple of 6 op indices, got {arch!r}") from None

    def sample(self, rng: np.random.Generator) -> Cell:
        return tuple(int(op) for op in rng.integers(0, len(OPS), size=len(EDGES)))

    def mutate(self, arch: Cell, rng: np.random.Generator) -> Cell:
        edge = int(rng.integers(len(EDGES)))
        choices = [op for op in range(len(OPS)) if op != arch[edge]]
        new = list(arch)
        new[edge] = choices[int(rng.integers(len(choices)))]
        return tuple(new)

    def neighbours(self, arch: Cell) -> list[Cell]:
        return [arch[:edge] + (op,) + arch[edge + 1:]
                for edge in range(len(EDGES)) for op in range(len(OPS)) if op != arch[edge]]

    def hash(self, arch: Cell) -> str:
        return self.format(arch)

    def functional_hash(self, arch: Cell) -> str:
        return _functional_form(tuple(arch))

    def canonical(self, arch: Cell) -> Cell:
        """The lowest-code cell of ``arch``'s functional class (so dead edges become ``none``)."""
        return _representatives()[_functional_form(tuple(arch))]

    @property
    def size(self) -> int:
        return len(OPS) ** len(EDGES)

    def enumerate(self) -> Iterator[Cell]:
        return itertools.product(range(len(OPS)), repeat=len(EDGES))

    def _encode(self, arch: Cell, kind: str) -> Any:
        if kind == "onehot":
            out = np.zeros((len(EDGES), len(OPS)), dtype=np.float32)
            out[np.arange(len(EDGES)), arch] = 1.0
            return out.ravel()
        if kind == "path":
            index = _path_index()
            out = np.zeros(len(index), dtype=np.float32)
            for path in _PATHS:
                ops = tuple(arch[e] for e in path)
                if NONE not in ops:
                    out[index[ops]] += 1.0
            return out
        return self._dataflow(arch) if kind == "dataflow" else self._graph(arch)

    def encode_many(self, archs, kind: str):
        if kind == "onehot":  # the hot path when a predictor ranks the whole space
            cells = np.asarray(archs, dtype=np.int64).reshape(-1, len(EDGES))
            out = np.zeros((len(cells), len(EDGES), len(OPS)), dtype=np.float32)
            out[np.arange(len(cells))[:, None], np.arange(len(EDGES)), cells] = 1.0
            return out.reshape(len(cells), -1)
        return super().encode_many(archs, kind)

    def _graph(self, arch: Cell) -> GraphEncoding:
        """Ops-on-nodes DAG: input, one node per edge operation, output (8 nodes)."""
        out_node = len(EDGES) + 1
        ops = ("nb201/input",) + tuple(f"nb201/{OPS[op]}" for op in arch) + ("nb201/output",)
        links: list[tuple[int, int]] = []
        for i, (src, dst) in enumerate(EDGES, start=1):
            if src == 0:
                links.append((0, i))
            if dst == NUM_NODES - 1:
                links.append((i, out_node))
            links.extend((i, j) for j, (src2, _) in enumerate(EDGES, start=1) if src2 == dst)
        links.sort()
        return GraphEncoding(ops=ops, edges=np.asarray(links, dtype=np.int64).T)

    def _dataflow(self, arch: Cell) -> GraphEncoding:
        """The ``graph`` encoding's nodes, joined only where data flows.

        Edges are taken in string order: a ``none`` node loses its arcs (it outputs zeros); a
        ``skip`` node is bypassed, its predecessors feeding its successors directly (it is the
        identity); finally arcs touching a node on no input-to-output path are dropped. Cut-off
        nodes keep their ops, so the model still sees every op the cell holds. This is the
        encoding of the FLAN authors' NB201 loader. FLAN members reading it rank NB201 cells
        better than members reading the written graph from 40 training cells on (tau 0.817
        against 0.800 at 128 cells, three members each) and worse on 8; the two views err
        differently, which is why FLAN's members take them in turn.
        """
        written = self._graph(arch)
        adj = np.zeros((written.num_nodes, written.num_nodes), dtype=bool)
        adj[written.edges[0], written.edges[1]] = True
        for node, op in enumerate(arch, start=1):
            if op == NONE:
                adj[node, :] = adj[:, node] = False
            elif op == SKIP and adj[node].any():
                adj[np.ix_(adj[:, node], adj[node])] = True
                adj[node, :] = adj[:, node] = False
        alive = _reachable(adj, 0) & _reachable(adj.T, written.num_nodes - 1)
        adj &= alive[:, None] & alive[None, :]
        return GraphEncoding(ops=written.ops, edges=np.stack(np.nonzero(adj)).astype(np.int64))

    def to_module(self, arch: Cell, num_classes: int = 10, **options: Any):
        from .nb201_network import build_nb201_network

        return build_nb201_network(tuple(arch), num_classes=num_classes, **options)
