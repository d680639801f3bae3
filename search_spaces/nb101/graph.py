"""The NAS-Bench-101 cell: value type, validation, benchmark hash, string form, edits, encodings.

A cell is a DAG of at most 7 nodes listed in topological order: node 0 is the input, the last
node the output, and each node in between applies one of three ops to the sum of its inputs.
Cells are always kept *pruned*, as NB101's ``ModelSpec`` does: a node on no input→output path
cannot affect the output, so it is dropped and the cell is exactly the graph the benchmark
trained and hashed. Isomorphic cells (the same graph with nodes numbered differently) are
different values but share :func:`nb101_hash`, which is the benchmark's lookup key.

Random edits work on the cell *padded* to 7 nodes: live nodes keep their indices, the output
moves to index 6, and each dead node in between has one edge, into the output. Being unreachable
from the input it is pruned away, so the padded spec is the same cell; but one added edge from a
live node brings it to life as a new branch, so edits also reach cells with more nodes.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

import numpy as np

from ...engine.errors import ArchitectureError

OPS = ("conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3")
SHORT_OPS = ("conv3x3", "conv1x1", "maxpool3x3")
CONV3X3, CONV1X1, MAXPOOL3X3 = range(len(OPS))
MAX_NODES = 7
MAX_EDGES = 9
NUM_OP_SLOTS = MAX_NODES - 2
PATH_ENCODING_LENGTH = sum(len(OPS) ** k for k in range(NUM_OP_SLOTS + 1))  # 364
_OP_IDS = {name: i for names in (OPS, SHORT_OPS) for i, name in enumerate(names)}
_UPPER = np.triu_indices(MAX_NODES, 1)  # the 21 possible edges of a 7-node cell, row-major
_UPPER_PAIRS = list(zip(*(index.tolist() for index in _UPPER)))
_EXAMPLE = "e.g. conv3x3(0)+maxpool3x3(1)+conv1x1(0,2)+output(2,3)"


@dataclass(frozen=True)
class NB101Cell:
    """A pruned NB101 cell; build it with :func:`make_cell`, which validates and prunes.

    ``matrix[i][j] == 1`` is an edge i→j (only i < j occurs); ``ops[k]`` is the op id (index into
    :data:`OPS`) of node k+1. Plain int tuples keep it small, immutable and cheap as a dict key.
    """

    matrix: tuple[tuple[int, ...], ...]
    ops: tuple[int, ...]

    @property
    def num_nodes(self) -> int:
        return len(self.matrix)

    @property
    def num_edges(self) -> int:
        return sum(map(sum, self.matrix))

    def labels(self) -> list[str]:
        """Every node's label as the benchmark writes it: 'input', the op names, 'output'."""
        return ["input", *(OPS[op] for op in self.ops), "output"]


def make_cell(matrix: Sequence[Sequence[int]] | np.ndarray, ops: Sequence[str | int]) -> NB101Cell:
    """Validate an adjacency matrix and its ops, and return the pruned cell.

    ``ops`` is either the full label list (``"input"``, ..., ``"output"``) or the ops of the
    middle nodes only, as long names, short names or op ids. Nodes on no input→output path are
    dropped before the edge limit is checked, as the benchmark does. Raises ArchitectureError.
    """
    rows = _plain_rows(matrix)
    rows = _as_matrix(matrix).tolist() if rows is None else rows
    cell = _pruned(rows, _as_op_ids(ops, len(rows)))
    if cell is None:
        raise ArchitectureError("NB101 cell has no path from the input (node 0) to the output "
                                "(last node): add edges that connect them")
    if cell.num_edges > MAX_EDGES:
        raise ArchitectureError(f"NB101 cell has {cell.num_edges} edges after pruning; at most "
                                f"{MAX_EDGES} are allowed: drop an edge")
    return cell


def _check_num_nodes(n: int) -> None:
    """Matrices and strings both must describe 2 to 7 nodes."""
    if n > MAX_NODES:
        raise ArchitectureError(f"NB101 cell has {n} nodes; at most {MAX_NODES} are allowed "
                                "(input, 5 ops, output): drop a node")
    if n < 2:
        raise ArchitectureError(f"NB101 cell has {n} nodes; it needs at least the input and "
                                "the output: give a matrix of at least 2 x 2")


def _plain_rows(matrix: Any) -> list[list[int]] | None:
    """``matrix`` as lists where it is 2 to 7 rows (lists or tuples) of as many plain 0/1 ints, strictly
    upper-triangular, as a parsed string and a cell's own matrix are: checked without numpy, whose checks took a third
    of a parse (a resume parses each stored cell). None for anything else, which :func:`_as_matrix` reads or refuses."""
    n = len(matrix) if type(matrix) in (list, tuple) else 0
    if not 2 <= n <= MAX_NODES or not all(type(row) in (list, tuple) and len(row) == n for row in matrix):
        return None
    plain = all(type(v) is int and v in (0, 1) for row in matrix for v in row)
    return [list(row) for row in matrix] if plain and not any(any(r[:i + 1]) for i, r in enumerate(matrix)) else None


def _as_matrix(matrix: Sequence[Sequence[int]] | np.ndarray) -> np.ndarray:
    """The matrix as an int8 array, checked to be square, 0/1, small and strictly upper-triangular."""
    try:
        m = np.asarray(matrix)
        got = f"shape {m.shape} of {m.dtype}"
    except ValueError:
        m, got = np.empty(0, dtype=object), "ragged rows"
    if m.ndim != 2 or m.shape[0] != m.shape[1] or m.dtype.kind not in "biuf":
        raise ArchitectureError(f"NB101 cell matrix must be a square 0/1 array, got {got}: "
                                "give one row per node, with one entry per node")
    if not ((m == 0) | (m == 1)).all():
        raise ArchitectureError("NB101 cell matrix entries must be 0 or 1: mark each edge i->j "
                                "with a 1 in row i, column j")
    _check_num_nodes(len(m))
    below = np.argwhere(np.tril(m))
    if len(below):
        i, j = below[0]
        raise ArchitectureError(f"NB101 cell matrix has an edge {i}->{j} on or below the diagonal, "
                                "i.e. a cycle or nodes not in topological order: number the "
                                "nodes so every edge goes from a lower to a higher index")
    return m.astype(np.int8)


def _as_op_ids(ops: Sequence[str | int], num_nodes: int) -> tuple[int, ...]:
    """Op ids of the middle nodes, from a full label list or the middle ops alone."""
    ops = list(ops)
    if len(ops) == num_nodes and ops[:1] == ["input"] and ops[-1:] == ["output"]:
        ops = ops[1:-1]
    elif len(ops) != num_nodes - 2:
        raise ArchitectureError(f"NB101 cell with {num_nodes} nodes needs {num_nodes - 2} middle "
                                f"ops, or {num_nodes} labels from 'input' to 'output', got "
                                f"{len(ops)}: give one op per node")
    return tuple(_op_id(op) for op in ops)


def _op_id(op: str | int) -> int:
    if isinstance(op, (int, np.integer)) and not isinstance(op, bool) and 0 <= op < len(OPS):
        return int(op)
    if isinstance(op, str) and op in _OP_IDS:
        return _OP_IDS[op]
    raise ArchitectureError(f"unknown NB101 op {op!r}: use one of {', '.join(OPS)} (or short "
                            f"{', '.join(SHORT_OPS[:2])}), or an op id 0-{len(OPS) - 1}")


def _pruned(rows: list[list[int]], ops: Sequence[int]) -> NB101Cell | None:
    """The cell of the nodes on some input→output path, or None when there is no such path.

    ``rows`` (the matrix) must be strictly upper-triangular, so one sweep in index order finds everything
    the input reaches, and one sweep backwards everything that reaches the output. Plain lists: on
    7 nodes they are several times faster than numpy, and sampling and edits call this a lot.
    """
    n = len(rows)
    from_input = [True] + [False] * (n - 1)
    for j in range(1, n):
        from_input[j] = any(from_input[i] and rows[i][j] for i in range(j))
    if not from_input[-1]:
        return None
    to_output = [False] * (n - 1) + [True]
    for i in range(n - 2, -1, -1):
        to_output[i] = any(to_output[j] and rows[i][j] for j in range(i + 1, n))
    keep = [v for v in range(n) if from_input[v] and to_output[v]]
    return NB101Cell(tuple(tuple(rows[i][j] for j in keep) for i in keep),
                     tuple(int(ops[k - 1]) for k in keep[1:-1]))


def _valid_or_none(rows: list[list[int]], ops: Sequence[int]) -> NB101Cell | None:
    """The pruned cell of a well-formed 7-node spec (matrix rows, op ids) when the benchmark holds it, else None."""
    cell = _pruned(rows, ops)
    return cell if cell is not None and cell.num_edges <= MAX_EDGES else None


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def nb101_hash(cell: NB101Cell) -> str:
    """NAS-Bench-101's isomorphism-invariant fingerprint of the cell: its table's lookup key.

    Each node starts from the md5 of (out-degree, in-degree, label), the label being -1 for the
    input, -2 for the output and the op id otherwise. In each of n rounds a node's hash becomes
    the md5 of its in-neighbours' hashes (sorted, joined), '|', its out-neighbours' likewise,
    '|', its own. The fingerprint is the md5 of the sorted final hashes' list repr. The strings
    must be byte-identical to the benchmark's, hence the Python reprs of int tuples and lists.
    """
    n, m = cell.num_nodes, cell.matrix
    labels = (-1, *cell.ops, -2)
    preds = [[u for u in range(v) if m[u][v]] for v in range(n)]
    succs = [[w for w in range(v + 1, n) if m[v][w]] for v in range(n)]
    hashes = [_md5(str((len(succs[v]), len(preds[v]), labels[v]))) for v in range(n)]
    for _ in range(n):
        hashes = [_md5("".join(sorted(hashes[u] for u in preds[v])) + "|"
                       + "".join(sorted(hashes[w] for w in succs[v])) + "|" + hashes[v])
                  for v in range(n)]
    return _md5(str(sorted(hashes)))


MEMO_SIZE = 1 << 16
"""Cells :func:`cell_hash` remembers, least recently used dropped first; the space's validation memo keeps as many.
It holds a listed 30k table's 30,001 cells and as many again. A 5,000-evaluation evolution on the table asks for the
hashes of 92,398 cells (1.3 M calls); kept all, they took 95 MiB and grew by 18 a evaluation up to the million the
memo once kept (1.1 GB). This size missed 3.7 % more of those calls (95,806 misses, not 92,342) at 0.1 ms each."""
_seeds: dict[NB101Cell, str] = {}  # hashes a table gives, read by cell_hash as remember_hashes calls it


@lru_cache(maxsize=MEMO_SIZE)
def cell_hash(cell: NB101Cell) -> str:
    """:func:`nb101_hash`, remembered for the :data:`MEMO_SIZE` cells last asked for.

    The loop, the strategies and the edits below ask for it constantly (a table-bound mutation
    redraws until an edit lands in the table, hashing parent and child each time), and it costs
    about 0.1 ms, a remembered one 0.6 us. Tables already carry the hash of each of their cells, so loading one
    seeds the memo.
    """
    return _seeds.get(cell) or nb101_hash(cell)


def remember_hashes(cells: Sequence[NB101Cell], hashes: Sequence[str]) -> None:
    """Seed the memo with hashes a table already holds for its cells."""
    _seeds.update(zip(cells, hashes))
    try:
        for cell in cells:
            cell_hash(cell)
    finally:
        _seeds.clear()


def format_cell(cell: NB101Cell) -> str:
    """The cell as text: each node after the input as ``op(sources)``, joined by '+'.

    Sources are node indices (0 is the input), ops their short names, the last node ``output``,
    e.g. ``conv3x3(0)+maxpool3x3(1)+conv1x1(0,2)+output(2,3)``. :func:`parse_cell` reads it back.
    """
    names = [*(SHORT_OPS[op] for op in cell.ops), "output"]
    return "+".join(f"{name}({','.join(str(i) for i in range(j) if cell.matrix[i][j])})"
                    for j, name in enumerate(names, start=1))


_TERM = re.compile(r"\s*([A-Za-z0-9_-]+)\s*\(\s*(\d+(?:\s*,\s*\d+)*)\s*\)\s*")


def parse_cell(text: str) -> NB101Cell:
    """Read :func:`format_cell`'s form (long op names too); the cell is validated and pruned."""
    if not isinstance(text, str):
        raise ArchitectureError(f"an NB101 cell string must be text, got {type(text).__name__}: "
                                f"write it as op(sources) terms, {_EXAMPLE}")
    terms = text.split("+")
    _check_num_nodes(len(terms) + 1)
    matrix = [[0] * (len(terms) + 1) for _ in range(len(terms) + 1)]  # plain rows: make_cell checks them faster
    names = []
    for node, term in enumerate(terms, start=1):
        match = _TERM.fullmatch(term)
        last = node == len(terms)
        if match is None or (match[1] == "output") != last:
            expected = "output(sources)" if last else "op(sources) with an op name"
            raise ArchitectureError(f"malformed NB101 cell string {text!r}: node {node} is "
                                    f"{term.strip()!r}, expected {expected}; write the nodes after "
                                    f"the input joined by '+', ending in output, {_EXAMPLE}")
        sources = [int(s) for s in match[2].split(",")]
        if max(sources) >= node:
            raise ArchitectureError(f"NB101 cell string {text!r}: node {node} reads node "
                                    f"{max(sources)}, which is not an earlier node; sources are "
                                    f"indices of earlier nodes (0 is the input), {_EXAMPLE}")
        for source in sources:
            matrix[source][node] = 1
        names.append(match[1])
    return make_cell(matrix, names[:-1])


def sample_cell(rng: np.random.Generator) -> NB101Cell:
    """A random cell the way NAS-Bench-101 samples one (``random_spec``).

    A uniform random strictly upper-triangular 7x7 0/1 matrix and uniform ops for the 5 middle
    nodes, redrawn until valid; the result is pruned. Like the benchmark's sampler it is far from
    uniform over the 423,624 cells: the edge limit rejects most dense draws, so small cells are
    common (about one draw in ten is the bare input→output cell).
    """
    while True:
        m = np.triu(rng.integers(0, 2, size=(MAX_NODES, MAX_NODES), dtype=np.int8), 1)
        cell = _valid_or_none(m.tolist(), rng.integers(0, len(OPS), size=NUM_OP_SLOTS))
        if cell is not None:
            return cell


def _embedded_rows(cell: NB101Cell) -> list[list[int]]:
    """The cell's matrix in 7x7, as plain lists: live nodes keep their index, the output moves to index 6."""
    at = [*range(cell.num_nodes - 1), MAX_NODES - 1]  # where each live node sits in 7 nodes
    rows = [[0] * MAX_NODES for _ in range(MAX_NODES)]
    for i, row in enumerate(cell.matrix):
        for j, edge in enumerate(row):
            rows[at[i]][at[j]] = edge
    return rows


def _padded(cell: NB101Cell, pad_ops: Sequence[int]) -> tuple[list[list[int]], list[int]]:
    """The cell as a 7-node spec whose dead nodes are ready to be revived by one edge flip.

    Each dead middle node gets an edge into the output (harmless: nothing reaches it, so it is
    pruned) and its op from the tail of ``pad_ops`` (5 op ids); flipping an edge from the input
    or a live node into it then adds it to the cell as a new branch with that op. Plain lists, as
    :func:`_pruned` reads them: edits build one per draw.
    """
    rows = _embedded_rows(cell)
    for dead in range(cell.num_nodes - 1, MAX_NODES - 1):
        rows[dead][MAX_NODES - 1] = 1
    return rows, [*cell.ops, *(int(op) for op in pad_ops[len(cell.ops):])]


def mutate_cell(cell: NB101Cell, rng: np.random.Generator) -> NB101Cell:
    """A valid cell one or more random edits away, never isomorphic to ``cell``.

    The edits of BANANAS / NASLib's NB101 mutation at mutation rate 1, on the padded cell: each of
    the 21 possible edges flips with probability 1/7 and each of the 5 middle ops changes to a
    different, uniform op with probability 1/5. Dead padding nodes get fresh uniform random ops
    on every draw, so a node revived by an edge flip has a random op, as in a sampled spec. Draws
    that are invalid or only reproduce ``cell`` up to isomorphism are redrawn; as the parent is
    excluded, at least one edit always takes effect.
    """
    parent = cell_hash(cell)
    while True:
        rows, ops = _padded(cell, rng.integers(0, len(OPS), size=NUM_OP_SLOTS))
        for (i, j), flip in zip(_UPPER_PAIRS, (rng.random(len(_UPPER_PAIRS)) < 1 / MAX_NODES).tolist()):
            rows[i][j] ^= flip
        change = np.flatnonzero(rng.random(NUM_OP_SLOTS) < 1 / NUM_OP_SLOTS).tolist()
        for k, shift in zip(change, rng.integers(1, len(OPS), size=len(change)).tolist()):
            ops[k] = (ops[k] + shift) % len(OPS)
        child = _valid_or_none(rows, ops)
        if child is not None and cell_hash(child) != parent:
            return child


def neighbours(cell: NB101Cell) -> list[NB101Cell]:
    """Every valid cell one elementary edit away, one per isomorphism class, in a fixed order.

    The edits are: flipping one of the 21 edges of the padded cell (in row-major order), then
    changing the op of one live middle node (by node, then op id). Dead padding nodes carry
    conv3x3, so an edge added into one brings it to life as a conv3x3 branch into the output.
    Invalid results, cells isomorphic to ``cell`` and repeats (by :func:`nb101_hash`) are left out.
    """
    rows, ops = _padded(cell, (CONV3X3,) * NUM_OP_SLOTS)
    candidates: list[NB101Cell | None] = []
    for i, j in _UPPER_PAIRS:
        rows[i][j] ^= 1
        candidates.append(_valid_or_none(rows, ops))
        rows[i][j] ^= 1
    for k, current in enumerate(cell.ops):
        candidates += [NB101Cell(cell.matrix, cell.ops[:k] + (op,) + cell.ops[k + 1:])
                       for op in range(len(OPS)) if op != current]
    seen, result = {cell_hash(cell)}, []
    for candidate in candidates:
        if candidate is not None and (key := cell_hash(candidate)) not in seen:
            seen.add(key)
            result.append(candidate)
    return result


def adjacency_onehot(cell: NB101Cell) -> np.ndarray:
    """Fixed-length (36) encoding: the padded 7x7 upper triangle, then op one-hots of 5 slots.

    The output is always node 6 and dead middle nodes are all-zero rows, columns and one-hots,
    so the same position always means the same thing across cells of different sizes.
    """
    m = np.array(_embedded_rows(cell), dtype=np.int8)
    onehot = np.zeros((NUM_OP_SLOTS, len(OPS)), dtype=np.float32)
    onehot[np.arange(len(cell.ops)), np.array(cell.ops, dtype=np.intp)] = 1.0
    return np.concatenate([m[_UPPER].astype(np.float32), onehot.ravel()])


def path_encoding(cell: NB101Cell) -> np.ndarray:
    """BANANAS' path encoding (length 364), counting the input→output paths of each op sequence.

    BANANAS' original 0/1 form is ``path_encoding(cell) > 0``; counts keep parallel paths apart.
    A sequence (o_0, ..., o_{L-1}) of 0 to 5 op ids sits at index sum_i 3**i * (o_i + 1), BANANAS'
    numbering: a bijection onto 0..363 (the empty input→output path is index 0).
    """
    encoding = np.zeros(PATH_ENCODING_LENGTH, dtype=np.float32)
    n, m = cell.num_nodes, cell.matrix
    stack = [(0, 0, 1)]  # (node, index of the ops so far, 3 ** number of ops so far)
    while stack:
        node, index, scale = stack.pop()
        for nxt in range(node + 1, n):
            if not m[node][nxt]:
                continue
            if nxt == n - 1:
                encoding[index] += 1.0
            else:
                stack.append((nxt, index + scale * (cell.ops[nxt - 1] + 1), scale * len(OPS)))
    return encoding


def graph_nodes_edges(cell: NB101Cell) -> tuple[list[str], np.ndarray]:
    """Node labels ('input', long op names, 'output') and a (2, E) int64 edge array.

    Nodes are in topological order and edges sorted by source then target, so every edge's
    source is computed before the edge is listed, as message-passing encoders expect.
    """
    src, dst = np.nonzero(np.array(cell.matrix, dtype=np.int8))
    return cell.labels(), np.stack([src, dst]).astype(np.int64)
