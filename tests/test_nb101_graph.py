"""The NB101 cell against the real benchmark: hashes, pruning, strings, edits, encodings."""
from __future__ import annotations

import gzip
import json
import time
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from nasloop.engine.errors import ArchitectureError
from nasloop.search_spaces.nb101.cost import canonical_cell
from nasloop.search_spaces.nb101.graph import (
    MAX_EDGES, MAX_NODES, OPS, PATH_ENCODING_LENGTH, NB101Cell, adjacency_onehot, format_cell,
    graph_nodes_edges, make_cell, mutate_cell, nb101_hash, neighbours, parse_cell, path_encoding,
    sample_cell,
)

CHAIN = [[0, 1, 0], [0, 0, 1], [0, 0, 0]]  # input -> conv -> output


@lru_cache(maxsize=None)
def records(data_dir: Path) -> list[dict]:
    with gzip.open(data_dir / "nasbench101_30k.json.gz", "rt") as f:
        return json.load(f)


@pytest.fixture(scope="module")
def sampled() -> list[NB101Cell]:
    rng = np.random.default_rng(0)
    return [sample_cell(rng) for _ in range(300)]


def assert_valid(cell: NB101Cell) -> None:
    assert 2 <= cell.num_nodes <= MAX_NODES and cell.num_edges <= MAX_EDGES
    assert make_cell(cell.matrix, cell.ops) == cell  # already pruned and valid


def renumbered(cell: NB101Cell, rng: np.random.Generator) -> NB101Cell | None:
    """The cell with its middle nodes randomly renumbered, or None if that breaks the order."""
    order = [0, *rng.permutation(range(1, cell.num_nodes - 1)), cell.num_nodes - 1]
    m = np.array(cell.matrix)[np.ix_(order, order)]
    return None if np.tril(m).any() else make_cell(m, [cell.ops[v - 1] for v in order[1:-1]])


def test_hash_reproduces_every_record(data_dir):
    recs = records(data_dir)
    cells = [make_cell(r["matrix"], r["ops"]) for r in recs]
    start = time.perf_counter()
    mismatches = sum(nb101_hash(c) != r["hash"] for c, r in zip(cells, recs))
    print(f"hashed {len(recs)} NB101 cells in {time.perf_counter() - start:.2f} s")
    assert len(recs) == 30001 and mismatches == 0
    # the records are pruned, so make_cell keeps them as they are
    assert all(c.matrix == tuple(map(tuple, r["matrix"])) and c.labels() == r["ops"]
               for c, r in zip(cells, recs))


def test_canonical_cell_is_invariant_under_renumbering(sampled):
    rng = np.random.default_rng(1)
    checked = 0
    for cell in sampled:
        canon = canonical_cell(cell)
        assert canonical_cell(canon) == canon and nb101_hash(canon) == nb101_hash(cell)
        for _ in range(4):
            other = renumbered(cell, rng)
            if other is not None:
                assert canonical_cell(other) == canon and nb101_hash(other) == nb101_hash(cell)
                checked += 1
    assert checked > 100


def test_pruning_keeps_exactly_the_nodes_on_input_output_paths():
    rng = np.random.default_rng(2)
    for _ in range(500):
        m = np.triu(rng.integers(0, 2, (MAX_NODES, MAX_NODES)), 1)
        reach = np.eye(MAX_NODES, dtype=int)
        for _ in range(MAX_NODES):
            reach = ((reach + reach @ m) > 0).astype(int)
        keep = [v for v in range(MAX_NODES) if reach[0, v] and reach[v, -1]]
        sub = m[np.ix_(keep, keep)]
        if not reach[0, -1] or sub.sum() > MAX_EDGES:
            with pytest.raises(ArchitectureError):
                make_cell(m, [0, 1, 2, 0, 1])
            continue
        cell = make_cell(m, [0, 1, 2, 0, 1])
        assert cell.matrix == tuple(map(tuple, sub.tolist()))
        assert cell.ops == tuple([0, 1, 2, 0, 1][v - 1] for v in keep[1:-1])


def test_make_cell_accepts_names_ids_and_arrays():
    full = make_cell(CHAIN, ["input", "conv1x1-bn-relu", "output"])
    assert full == make_cell(np.array(CHAIN, dtype=bool), ["conv1x1"]) == make_cell(CHAIN, [1])
    assert full == NB101Cell(((0, 1, 0), (0, 0, 1), (0, 0, 0)), (1,))
    assert full.labels() == ["input", "conv1x1-bn-relu", "output"] and full.num_edges == 2
    assert make_cell([[0, 1], [0, 0]], []).num_nodes == 2
    # the dangling node 2 (no path to the output) is pruned
    assert make_cell([[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]], [0, 2]) == make_cell(CHAIN, [0])


def full_upper(n: int) -> np.ndarray:
    return np.triu(np.ones((n, n), dtype=int), 1)


def chain(n: int) -> np.ndarray:
    return np.eye(n, k=1, dtype=int)


@pytest.mark.parametrize("matrix,ops,problem", [
    ([[0, 1, 0], [0, 0, 1], [1, 0, 0]], [0], "on or below the diagonal"),  # cycle 0->1->2->0
    ([[1, 1], [0, 0]], [], "on or below the diagonal"),  # self-loop
    (full_upper(5), [0, 1, 2], "10 edges"),
    (chain(8), [0] * 6, "8 nodes"),
    ([[0]], [], "1 nodes"),
    (CHAIN, ["conv5x5"], "unknown NB101 op 'conv5x5'"),
    (CHAIN, [3], "unknown NB101 op 3"),
    (CHAIN, ["input", "conv3x3"], "needs 1 middle ops"),
    ([[0, 1, 0], [0, 0, 0], [0, 0, 0]], [0], "no path from the input"),
    ([[0, 1, 0], [0, 0, 1]], [0], "square"),
    ([[0, 1], [0]], [], "ragged"),
    ([[0, 2], [0, 0]], [], "0 or 1"),
])
def test_bad_cells_raise_one_line_errors(matrix, ops, problem):
    with pytest.raises(ArchitectureError) as info:
        make_cell(matrix, ops)
    assert problem in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("text,problem", [
    ("", "node 1 is ''"),
    ("conv3x3(0)", "expected output(sources)"),
    ("conv3x3(0)+output", "node 2 is 'output'"),
    ("output(0)+conv3x3(0)", "expected op(sources)"),
    ("conv3x3(1)+output(1)", "reads node 1"),
    ("conv3x3(0)+\nfoo bar", "node 2"),
    ("conv9x9(0)+output(1)", "unknown NB101 op 'conv9x9'"),
    ("+".join(["conv3x3(0)"] * 7 + ["output(1)"]), "9 nodes"),
    (42, "must be text"),
])
def test_malformed_strings_raise_one_line_errors(text, problem):
    with pytest.raises(ArchitectureError) as info:
        parse_cell(text)
    assert problem in str(info.value) and "\n" not in str(info.value)


def test_strings_round_trip(sampled):
    assert all(parse_cell(format_cell(c)) == c for c in sampled)
    cell = parse_cell("conv3x3-bn-relu(0) + maxpool3x3(1) + conv1x1-bn-relu(0, 2) + output(2, 3)")
    assert format_cell(cell) == "conv3x3(0)+maxpool3x3(1)+conv1x1(0,2)+output(2,3)"
    assert format_cell(make_cell([[0, 1], [0, 0]], [])) == "output(0)"
    assert parse_cell("conv3x3(0)+output(0)") == make_cell([[0, 1], [0, 0]], [])  # dangling: pruned


def test_sampled_mutated_and_neighbour_cells_are_valid(sampled):
    rng = np.random.default_rng(3)
    # NB101's sampler favours small cells (the edge limit rejects most large draws): 2-node
    # cells are about 10 % of the draws, so repeats are common
    assert len({nb101_hash(c) for c in sampled}) > 150
    assert {c.num_nodes for c in sampled} == set(range(2, MAX_NODES + 1))
    for cell in sampled[:100]:
        assert_valid(cell)
        child = mutate_cell(cell, rng)
        assert_valid(child)
        assert nb101_hash(child) != nb101_hash(cell)
    for cell in sampled[:30]:
        near = neighbours(cell)
        hashes = [nb101_hash(c) for c in near]
        assert near and len(set(hashes)) == len(hashes) and nb101_hash(cell) not in hashes
        for c in near:
            assert_valid(c)
        assert neighbours(cell) == near  # deterministic


def test_edits_can_grow_a_cell():
    """Padding to 7 nodes lets an edge flip bring a dead node to life."""
    tiny = make_cell([[0, 1], [0, 0]], [])
    rng = np.random.default_rng(4)
    assert max(mutate_cell(tiny, rng).num_nodes for _ in range(50)) > 2
    near = neighbours(make_cell(CHAIN, ["maxpool3x3"]))
    assert [format_cell(c) for c in near] == [
        "maxpool3x3(0)+conv3x3(0)+output(1,2)",  # a dead conv3x3 revived by an edge from the input
        "maxpool3x3(0)+output(0,1)",  # input -> output added
        "maxpool3x3(0)+conv3x3(1)+output(1,2)",  # revived by an edge from the maxpool
        "conv3x3(0)+output(1)",
        "conv1x1(0)+output(1)",
    ]


def test_adjacency_onehot_places_the_output_last():
    enc = adjacency_onehot(make_cell(CHAIN, ["conv1x1"]))
    assert enc.dtype == np.float32 and enc.shape == (21 + 5 * len(OPS),)
    rows, cols = np.triu_indices(MAX_NODES, 1)
    edges = {(int(i), int(j)) for i, j, e in zip(rows, cols, enc[:21]) if e}
    assert edges == {(0, 1), (1, 6)}
    assert enc[21:].reshape(5, 3).tolist() == [[0, 1, 0]] + [[0, 0, 0]] * 4


def test_path_encoding_counts_paths_by_op_sequence():
    # input -> conv3x3 (1), input -> conv3x3 (2), 1 -> maxpool (3), 2 -> output, 3 -> output, input -> output
    cell = make_cell([[0, 1, 1, 0, 1], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 1], [0] * 5],
                     ["conv3x3", "conv3x3", "maxpool3x3"])
    enc = path_encoding(cell)
    assert enc.dtype == np.float32 and enc.shape == (PATH_ENCODING_LENGTH,) == (364,)
    # index = sum_i 3**i * (op_i + 1): () -> 0, (conv3x3,) -> 1, (conv3x3, maxpool) -> 1 + 3*3
    assert {int(i): float(enc[i]) for i in np.flatnonzero(enc)} == {0: 1.0, 1: 1.0, 10: 1.0}
    two = make_cell([[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0] * 4], [0, 0])
    assert path_encoding(two)[1] == 2.0  # two parallel conv3x3 paths


def test_graph_nodes_edges_in_topological_order(sampled):
    labels, edges = graph_nodes_edges(make_cell(CHAIN, ["maxpool3x3"]))
    assert labels == ["input", "maxpool3x3", "output"]
    assert edges.dtype == np.int64 and edges.tolist() == [[0, 1], [1, 2]]
    for cell in sampled[:50]:
        labels, edges = graph_nodes_edges(cell)
        assert len(labels) == cell.num_nodes and edges.shape == (2, cell.num_edges)
        assert (edges[0] < edges[1]).all() and (np.diff(edges[0]) >= 0).all()
