"""Spaces whose architecture is one operation per edge of a fixed small DAG (NB201, TransNAS micro).

NAS-Bench-201 and TransNAS-Bench-101's micro space share one cell shape: four nodes, six edges
``(0,1), (0,2), (1,2), (0,3), (1,3), (2,3)``, an op on every edge, node j the sum of its incoming
edges' outputs, and among the ops one that outputs zeros (``none``) and one identity (``skip``).
Everything that follows from that shape alone (sampling, mutation, neighbours, the functional
identity of a cell, the one-hot, path, graph and dataflow encodings) lives here once; a
subclass brings its :class:`CellSpec`, its string form and its network.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar, Iterator, Sequence

import numpy as np

from ..engine.errors import ArchitectureError, one_line
from ..engine.held_imports import imported
from .base import EnumerableSpace, GraphEncoding, NeighbourhoodSpace, NetworkSpace

Cell = tuple[int, ...]


@dataclass(frozen=True)
class CellSpec:
    """The shape of a cell: its op names, its edges (in the order the tuple lists ops) and which op is which."""

    ops: tuple[str, ...]
    edges: tuple[tuple[int, int], ...]
    none: int
    skip: int
    skip_from_input_is_identity: bool = True
    """Whether ``skip`` on an edge out of the cell input (node 0) is the identity in every cell of the network. In
    NB201 it is: its cells never change shape. TransNAS-Bench-101's micro cells are also the blocks that halve the
    resolution or double the channels, where that skip is a FactorizedReduce (a strided 1x1 conv pair with its own
    weights), so there it is an op like the others (:func:`functional_form`)."""

    @property
    def num_nodes(self) -> int:
        return max(dst for _, dst in self.edges) + 1

    @property
    def size(self) -> int:
        return len(self.ops) ** len(self.edges)


_INTS = frozenset({int})


def checked_cell(spec: CellSpec, cell: tuple) -> Cell:
    """``cell`` as a tuple of Python ints if it is a cell of ``spec``; cached: the loop checks every proposal. Only a
    tuple of Python ints is looked up: 1.0 equals 1 and hashes as it does, so a float cell was taken from the cache
    where its int twin had been checked before, and refused where it had not."""
    if _INTS.issuperset(map(type, cell)):  # 0.2 us a cell (a generator over its ops took 0.6 more)
        return _checked_cell(spec, cell)
    return _checked_cell.__wrapped__(spec, cell)


@lru_cache(maxsize=1 << 17)
def _checked_cell(spec: CellSpec, cell: tuple) -> Cell:
    """:func:`checked_cell`'s check, cached for tuples of Python ints."""
    if len(cell) != len(spec.edges) or not all(isinstance(op, (int, np.integer)) and 0 <= op < len(spec.ops)
                                               for op in cell):
        raise ArchitectureError(f"{cell!r} is not a cell of this space: expected {len(spec.edges)} op indices in "
                                f"0..{len(spec.ops) - 1} ({', '.join(f'{i}={n}' for i, n in enumerate(spec.ops))})")
    return tuple(int(op) for op in cell)


def functional_form(spec: CellSpec, cell: Cell) -> str:
    """A canonical expression of what the cell computes.

    Each node is a multiset of terms; a term is an op applied to a source node's value. Edges
    with ``none`` and edges out of zero-valued nodes contribute nothing; ``skip`` passes its
    source's terms through (x + (y + z) == x + y + z). Sorting the terms makes the form
    independent of the order in which parallel paths were written. The 15,625 NB201 cells fall
    into 4,930 classes; NB201's own string rule reports 6,466 because it keeps zero terms inside
    sums (``a + 0`` and ``a`` stay apart). Where a skip out of the input is no identity
    (:attr:`CellSpec.skip_from_input_is_identity`), it is a term of its own: TNB101-micro's ``1_00_030`` (conv3x3
    after a skip) and ``0_00_300`` (the conv3x3 alone) were one class, yet their networks have 7,871,274 and
    6,149,162 parameters (the benchmark's synflow 58.9 and 49.1); its 4,096 cells fall into 1,229 classes, not 871.
    """
    values: list[tuple[str, ...]] = [("x",)]
    for node in range(1, spec.num_nodes):
        terms: list[str] = []
        for (src, dst), op in zip(spec.edges, cell):
            if dst != node or op == spec.none or not values[src]:
                continue
            if op == spec.skip and (src or spec.skip_from_input_is_identity):
                terms.extend(values[src])
            else:
                terms.append(f"{spec.ops[op]}[{'+'.join(values[src])}]")
        values.append(tuple(sorted(terms)))
    return "+".join(values[-1]) or "zero"


@lru_cache(maxsize=4)
def _representatives(spec: CellSpec) -> dict[str, Cell]:
    """Functional form → its first cell in enumeration order, over the whole space (NB201: 0.1 s once)."""
    representatives: dict[str, Cell] = {}
    for cell in itertools.product(range(len(spec.ops)), repeat=len(spec.edges)):
        representatives.setdefault(functional_form(spec, cell), cell)
    return representatives


@lru_cache(maxsize=4)
def _paths(spec: CellSpec) -> tuple[tuple[int, ...], ...]:
    """Every input→output path of the cell, as the positions of the edges it uses (networkx's simple edge paths,
    found once per spec; networkx is imported here, as only the path encoding asks: 0.16 s at a command's start)."""
    nx = imported("networkx")

    graph = nx.DiGraph()
    graph.add_edges_from((src, dst, {"pos": pos}) for pos, (src, dst) in enumerate(spec.edges))
    return tuple(tuple(graph.edges[arc]["pos"] for arc in path)
                 for path in nx.all_simple_edge_paths(graph, 0, spec.num_nodes - 1))


@lru_cache(maxsize=4)
def _path_index(spec: CellSpec) -> dict[tuple[int, ...], int]:
    """Column of each op sequence along a path (no ``none``) in the path encoding."""
    live_ops = [i for i in range(len(spec.ops)) if i != spec.none]
    seqs = [s for length in range(1, spec.num_nodes) for s in itertools.product(live_ops, repeat=length)]
    return {s: i for i, s in enumerate(seqs)}


def cell_index(spec: CellSpec, cell: Cell) -> int:
    """The cell's position in enumeration order (first edge most significant): a table's row for it.

    Checked first: a benchmark's ``query`` is public, and ``(-1, 4, 4, 4, 4, 4)`` read another cell's row."""
    try:  # None failed in tuple() with TypeError, and a string was read as a cell of its letters
        ops = checked_cell(spec, tuple(cell)) if not isinstance(cell, str) else None
    except TypeError:  # not iterable, or holding unhashable things
        ops = None
    if ops is None:
        raise ArchitectureError(f"a cell of this space is a tuple of {len(spec.edges)} op indices, got "
                                f"{one_line(repr(cell), 80)}; pass what space.parse or space.sample returns")
    index = 0
    for op in ops:
        index = index * len(spec.ops) + op
    return index


def cell_indices(spec: CellSpec, cells: Sequence[Cell]) -> np.ndarray:
    """:func:`cell_index` of each of ``cells``, as an int64 array of table rows.

    Cells that read as one integer array of in-range ops (what the space gives: tuples of ints) are checked and
    indexed at once; any other input goes cell by cell, so a bad cell is refused in :func:`cell_index`'s words. The
    zero-cost warm-up and predictor read a stored proxy of every NB201 cell each round, one :func:`cell_index` call a
    cell: 1.05 million calls in one test module's searches."""
    if len(cells):
        try:
            ops = np.array(cells)
        except (ValueError, TypeError, OverflowError):  # ragged, or holding what numpy cannot hold as one array
            ops = None
        if (ops is not None and ops.dtype.kind == "i" and ops.shape == (len(cells), len(spec.edges))
                and (ops >= 0).all() and (ops < len(spec.ops)).all()):
            weights = len(spec.ops) ** np.arange(len(spec.edges) - 1, -1, -1, dtype=np.int64)
            return ops.astype(np.int64) @ weights
    return np.fromiter((cell_index(spec, c) for c in cells), dtype=np.int64, count=len(cells))


def live_cell(spec: CellSpec, cell: Cell) -> Cell:
    """``cell`` with every op that lies on no input-to-output path of non-``none`` ops set to ``none``.

    The two compute the same network. NAS-Bench-Suite-Zero's NB201 and TNB101-micro proxy files
    cover exactly the cells this leaves unchanged (9,445 of NB201's 15,625), so every other
    cell is looked up through its live form.
    """
    adj = np.zeros((spec.num_nodes, spec.num_nodes), dtype=bool)
    for op, (src, dst) in zip(cell, spec.edges):
        adj[src, dst] |= op != spec.none
    reached, reaching = _reachable(adj, 0), _reachable(adj.T, spec.num_nodes - 1)
    return tuple(op if reached[src] and reaching[dst] else spec.none for op, (src, dst) in zip(cell, spec.edges))


def without_path(spec: CellSpec, cell: Cell) -> bool:
    """Whether no input-to-output path of non-``none`` ops runs through ``cell`` (its live form is all ``none``):
    the network's output then ignores its input, and every proxy that reads the images is undefined for it
    (:func:`nasloop.engine.proxy_scoring.output_ignores_input`, as nasloop computes them; NAS-Bench-Suite-Zero's
    stored scores are read by the same rule, :func:`nasloop.search_spaces.suite_zero_csv.suite_scores`)."""
    return all(op == spec.none for op in live_cell(spec, cell))


@lru_cache(maxsize=4)
def live_indices(spec: CellSpec) -> np.ndarray:
    """The :func:`cell_index` of every cell's :func:`live_cell`, by :func:`cell_index`, read-only: once per spec and
    process. A Suite-Zero proxy file's load worked them out again each time (NB201's 15,625 live forms, 0.8-1.4 s of
    a 2-3 s load on a busy 2-core machine), as did :func:`cells_without_path` on its own."""
    cells = itertools.product(range(len(spec.ops)), repeat=len(spec.edges))
    live = np.fromiter((cell_index(spec, live_cell(spec, cell)) for cell in cells), dtype=np.int64, count=spec.size)
    live.flags.writeable = False  # shared by every caller in the process
    return live


@lru_cache(maxsize=4)
def cells_without_path(spec: CellSpec) -> np.ndarray:
    """:func:`without_path` of every cell of ``spec``, by :func:`cell_index` (a cell whose live form is the all-``none``
    cell), read-only: once per spec, where a benchmark reads it for every lookup of a stored proxy."""
    pathless = live_indices(spec) == cell_index(spec, (spec.none,) * len(spec.edges))
    pathless.flags.writeable = False
    return pathless


def _reachable(adj: np.ndarray, start: int) -> np.ndarray:
    """Nodes reachable from ``start`` along the arcs of the boolean adjacency ``adj``.

    Written here, not networkx's ``descendants``: it runs for every cell of a space where a proxy file is checked
    (:func:`live_cell`) and where FLAN encodes the whole space (``dataflow``), and building a networkx graph for each
    call made it 32 → 57 µs a call, live_cell over NB201's 15,625 cells 1.8 → 2.25 s and their dataflow encodings
    3.65 → 4.26 s."""
    seen = np.zeros(len(adj), dtype=bool)
    seen[start] = True
    frontier = seen.copy()
    while frontier.any():
        frontier = adj[frontier].any(axis=0) & ~seen
        seen |= frontier
    return seen


class CellSpace(EnumerableSpace, NeighbourhoodSpace, NetworkSpace):
    """A space of one op per edge of :attr:`spec`'s DAG; subclasses add the string form and the network."""

    spec: ClassVar[CellSpec]
    vector_encodings = ("path", "onehot")
    graph_encodings = ("graph", "dataflow")

    def validate(self, arch: Any) -> Cell:
        try:
            if isinstance(arch, str):  # it was read as a cell of its letters
                raise TypeError(arch)
            return checked_cell(self.spec, arch if type(arch) is tuple else tuple(arch))
        except TypeError:  # not iterable, or holding unhashable things
            raise ArchitectureError(f"a {self.name} architecture is a tuple of {len(self.spec.edges)} op indices, "
                                    f"got {one_line(repr(arch), 80)}; pass what space.parse or space.sample returns"
                                    ) from None

    def sample(self, rng: np.random.Generator) -> Cell:
        return tuple(int(op) for op in rng.integers(0, len(self.spec.ops), size=len(self.spec.edges)))

    # mutate, neighbours, canonical and encodings check their argument: a string or None failed in Python's words
    # (IndexError: string index out of range), and a foreign tuple of another length gave one of that length back
    def mutate(self, arch: Cell, rng: np.random.Generator) -> Cell:
        arch = self.validate(arch)
        edge = int(rng.integers(len(self.spec.edges)))
        choices = [op for op in range(len(self.spec.ops)) if op != arch[edge]]
        new = list(arch)
        new[edge] = choices[int(rng.integers(len(choices)))]
        return tuple(new)

    def neighbours(self, arch: Cell) -> list[Cell]:
        arch = self.validate(arch)
        return [arch[:edge] + (op,) + arch[edge + 1:]
                for edge in range(len(self.spec.edges)) for op in range(len(self.spec.ops)) if op != arch[edge]]

    def hash(self, arch: Cell) -> str:
        return self.format(arch)

    def functional_hash(self, arch: Cell) -> str:
        return functional_form(self.spec, self.validate(arch))

    def canonical(self, arch: Cell) -> Cell:
        """The first cell (in enumeration order) of ``arch``'s functional class: dead edges become ``none``."""
        return _representatives(self.spec)[functional_form(self.spec, self.validate(arch))]

    @property
    def size(self) -> int:
        return self.spec.size

    def enumerate(self) -> Iterator[Cell]:
        return itertools.product(range(len(self.spec.ops)), repeat=len(self.spec.edges))

    # --- encodings ---------------------------------------------------------------------------
    def _encode(self, arch: Cell, kind: str) -> Any:
        arch = self.validate(arch)
        if kind == "onehot":
            return self.encode_many([arch], kind)[0]
        if kind == "path":
            index = _path_index(self.spec)
            out = np.zeros(len(index), dtype=np.float32)
            for path in _paths(self.spec):
                ops = tuple(arch[e] for e in path)
                if self.spec.none not in ops:
                    out[index[ops]] += 1.0
            return out
        return self._dataflow(arch) if kind == "dataflow" else self._graph(arch)

    def encode_many(self, archs: Sequence[Cell], kind: str) -> Any:
        if kind == "onehot":  # the hot path when a predictor ranks the whole space
            edges, ops = len(self.spec.edges), len(self.spec.ops)
            cells = self._checked_cells(archs)
            out = np.zeros((len(cells), edges, ops), dtype=np.float32)
            out[np.arange(len(cells))[:, None], np.arange(edges), cells] = 1.0
            return out.reshape(len(cells), edges * ops)  # -1 could not be read off no cells: ValueError for []
        return super().encode_many(archs, kind)

    def _checked_cells(self, archs: Sequence[Cell]) -> np.ndarray:
        """``archs`` as an (n, edges) array of op indices, checked as :meth:`encode` checks one: op -1 was read as
        the last op, 9 failed with IndexError, and a Python float inside a tuple was read as int() reads it (1.5 as
        op 1), where encode refuses it. The array is checked whole, in its shape, its range and the dtype numpy
        finds for it (float where any op is a float, object where one is no number), which costs nothing measured:
        NB201's 15,625 cells encode in 3.2 ms with it and without (checking each op's type took 15 % more). Where
        it fails, each architecture is validated, naming the first that is no cell of the space in one line."""
        edges, ops = len(self.spec.edges), len(self.spec.ops)
        try:
            cells = np.asarray(archs) if len(archs) else np.zeros((0, edges), dtype=np.int64)
        except (TypeError, ValueError):  # ragged, strings, None: validate names the first such architecture
            cells = np.zeros(0, dtype=np.int64)
        if cells.dtype.kind not in "iub" or cells.ndim != 2 or cells.shape[1] != edges or (
                len(cells) and (cells.min() < 0 or cells.max() >= ops)):
            return np.asarray([self.validate(arch) for arch in archs], dtype=np.int64).reshape(-1, edges)
        return cells.astype(np.int64, copy=False)

    def _graph(self, arch: Cell) -> GraphEncoding:
        """Ops-on-nodes DAG: input, one node per edge operation, output."""
        edges, last = self.spec.edges, self.spec.num_nodes - 1
        out_node = len(edges) + 1
        ops = (self.token("input"),) + tuple(self.token(self.spec.ops[op]) for op in arch) + (self.token("output"),)
        links: list[tuple[int, int]] = []
        for i, (src, dst) in enumerate(edges, start=1):
            if src == 0:
                links.append((0, i))
            if dst == last:
                links.append((i, out_node))
            links.extend((i, j) for j, (src2, _) in enumerate(edges, start=1) if src2 == dst)
        links.sort()
        return GraphEncoding(ops=ops, edges=np.asarray(links, dtype=np.int64).T)

    def _dataflow(self, arch: Cell) -> GraphEncoding:
        """The ``graph`` encoding's nodes, joined only where data flows.

        Edges are taken in string order: a ``none`` node loses its arcs (it outputs zeros); a
        ``skip`` node is bypassed, its predecessors feeding its successors directly (it is the
        identity; not out of the input where :attr:`CellSpec.skip_from_input_is_identity` says it is an op, as in
        TNB101-micro, whose ``1_11_023`` and ``1_11_032`` were one graph); finally arcs touching a node on no
        input-to-output path are dropped. Cut-off
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
            if op == self.spec.none:
                adj[node, :] = adj[:, node] = False
            elif op == self.spec.skip and adj[node].any() and (self.spec.edges[node - 1][0]
                                                               or self.spec.skip_from_input_is_identity):
                adj[np.ix_(adj[:, node], adj[node])] = True
                adj[node, :] = adj[:, node] = False
        alive = _reachable(adj, 0) & _reachable(adj.T, written.num_nodes - 1)
        adj &= alive[:, None] & alive[None, :]
        return GraphEncoding(ops=written.ops, edges=np.stack(np.nonzero(adj)).astype(np.int64))
