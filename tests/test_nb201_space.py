"""The NB201 search space against the real benchmark: strings, moves, hashes, encodings."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from nasloop.search_spaces import cell_space
from nasloop.search_spaces.nb201 import NB201Benchmark
from nasloop.engine.errors import ArchitectureError, UnsupportedError
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.search_spaces.nb201.cell import from_naslib

# The best CIFAR-10 cell by test accuracy: official index 6111, 94.37 %.
BEST = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|"


@pytest.fixture(scope="module")
def space() -> NB201Space:
    return NB201Space()


@pytest.fixture(scope="module")
def bench(data_dir) -> NB201Benchmark:
    return NB201Benchmark(data_dir)


def test_strings_round_trip_for_every_cell(space):
    cells = list(space.enumerate())
    assert len(cells) == space.size == 15625 == len(set(cells))
    assert all(space.parse(space.format(c)) == c for c in cells)
    assert space.parse("3,3,3,1,3,2") == space.parse(BEST) == space.parse("(3, 3, 3, 1, 3, 2)")


@pytest.mark.parametrize("text,problem", [
    ("", "3 nodes"),
    ("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|", "3 nodes"),
    ("|conv~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|",
     "unknown operation 'conv'"),
    ("|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|",
     "input 0 of node 1"),
    ("|nor_conv_3x3~0|+|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", "node 2 must list 2"),
    ("nor_conv_3x3~0+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", "node 1"),
    ("3,3,3,1,3", "6 op indices"),
    ("3,3,3,1,3,9", "6 op indices"),
])
def test_malformed_strings_name_the_problem_in_one_line(space, text, problem):
    with pytest.raises(ArchitectureError) as info:
        space.parse(text)
    assert problem in str(info.value) and "\n" not in str(info.value)


def test_naslib_convention_matches_the_benchmark_csv(space, bench):
    cell = from_naslib((2, 2, 0, 2, 2, 3))  # NASLib orders edges by source node and numbers ops differently
    assert space.format(cell) == BEST
    assert bench.table.columns["index"][np.ravel_multi_index(cell, (5,) * 6)] == 6111
    best_test = bench.best("cifar10", "test_accuracy")[1]
    assert bench.query(cell, "cifar10").metrics["test_accuracy"] == best_test == 94.3733


def test_sample_mutate_neighbours(space):
    rng = np.random.default_rng(0)
    samples = [space.sample(rng) for _ in range(2000)]
    counts = np.bincount(np.ravel(samples), minlength=5)
    assert stats.chisquare(counts).pvalue > 1e-4  # ops are drawn uniformly
    for cell in samples[:200]:
        child = space.mutate(cell, rng)
        assert sum(a != b for a, b in zip(cell, child)) == 1
        neighbours = space.neighbours(cell)
        assert len(neighbours) == len(set(neighbours)) == 24 and child in neighbours


def test_functional_hash_groups_cells_that_compute_the_same_function(space, bench):
    cells = list(space.enumerate())
    groups: dict[str, list] = {}
    for cell in cells:
        groups.setdefault(space.functional_hash(cell), []).append(cell)
    assert len(groups) == 4930
    # every cell without an input→output path is one class: its networks all output zeros (10 % accuracy)
    dead = groups["zero"]
    assert {round(bench.query(c, "cifar10").metrics["val_accuracy"], 4) for c in dead} <= {10.0, 10.02, 9.9867, 10.0133}
    # cells of one class differ only by training noise: far less than random pairs
    rng = np.random.default_rng(0)
    val = lambda c: bench.query(c, "cifar10").metrics["val_accuracy"]  # noqa: E731
    same = [abs(val(g[0]) - val(g[1]))
            for g in groups.values() if len(g) > 1 and g is not dead]
    pairs = rng.choice(len(cells), size=(len(same), 2))
    other = [abs(val(cells[i]) - val(cells[j]))
             for i, j in pairs]
    assert np.median(same) < 0.25 * np.median(other)


def test_encodings(space):
    cell = space.parse(BEST)
    onehot = space.encode(cell, "onehot")
    assert onehot.shape == (30,) and onehot.sum() == 6
    batch = space.encode_many([cell, space.parse("0,0,0,0,0,0")], "onehot")
    assert np.array_equal(batch[0], onehot) and batch[1].reshape(6, 5)[:, 0].all()
    path = space.encode(cell, "path")
    assert path.shape == (84,) and path.sum() == 4  # all four input→output paths are live
    assert space.encode(space.parse("0,0,0,0,0,0"), "path").sum() == 0
    # the input→output paths, as edge positions of (0,1), (0,2), (1,2), (0,3), (1,3), (2,3)
    assert sorted(cell_space._paths(space.spec)) == [(0, 2, 5), (0, 4), (1, 5), (3,)]
    graph = space.encode(cell, "graph")
    assert graph.num_nodes == 8 and graph.ops[0] == "shared/input" and graph.ops[-1] == "shared/output"
    assert graph.edges.shape == (2, 10) and (graph.edges[0] < graph.edges[1]).all()  # a DAG in topological order
    with pytest.raises(UnsupportedError, match="no 'vector' encoding"):
        space.encode(cell, "vector")


def _arcs(space, text: str) -> set[tuple[int, int]]:
    flow = space.encode(space.parse(text), "dataflow")
    assert flow.ops == space.encode(space.parse(text), "graph").ops  # same nodes; only the arcs differ
    assert (flow.edges[0] < flow.edges[1]).all()  # still a DAG in topological order
    return set(map(tuple, flow.edges.T.tolist()))


def test_dataflow_keeps_only_the_arcs_data_flows_along(space):
    # Nodes: 0 input, 1-6 the edges (0,1) (0,2) (1,2) (0,3) (1,3) (2,3) in string order, 7 output.
    written = set(map(tuple, space.encode(space.parse("3,3,3,3,3,3"), "graph").edges.T.tolist()))
    assert _arcs(space, "3,3,3,3,3,3") == written  # nothing to cut or bypass
    assert _arcs(space, "0,0,0,0,0,0") == set()  # no path from input to output
    assert _arcs(space, "0,0,0,3,0,0") == {(0, 4), (4, 7)}  # only the direct conv is live
    assert _arcs(space, "0,0,0,1,0,0") == {(0, 7)}  # a lone skip is a wire from input to output
    # A skip on (0,1) is bypassed: the input feeds (1,2) and (1,3) directly; dead (0,2) loses its arcs.
    assert _arcs(space, "1,0,3,0,2,3") == {(0, 3), (0, 5), (3, 6), (5, 7), (6, 7)}
    # A conv on (1,2) whose node 2 feeds nothing live is cut off, though (0,1) still feeds (1,3).
    assert _arcs(space, "3,0,3,0,3,0") == {(0, 1), (1, 5), (5, 7)}
    assert len(space.encode_many([space.parse("3,3,3,3,3,3")] * 2, "dataflow")) == 2


def test_hash_is_stable_and_distinct(space):
    cells = list(space.enumerate())
    assert len({space.hash(c) for c in cells}) == len(cells)
    assert space.hash((3, 3, 3, 1, 3, 2)) == BEST


def test_canonical_is_one_fixed_member_of_each_functional_class():
    space = NB201Space()
    cells = list(space.enumerate())
    canon = {c: space.canonical(c) for c in cells}
    assert len(set(canon.values())) == 4930  # one representative per function
    for cell, rep in canon.items():
        assert space.functional_hash(rep) == space.functional_hash(cell) and space.canonical(rep) == rep
    dead = space.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|none~1|none~2|")
    assert space.format(space.canonical(dead)) == "|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|"
