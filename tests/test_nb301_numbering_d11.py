"""The NB301 table finds a DARTS cell in every form that writes the same network, as NB201's and NB101's do.

A node's two inputs in either order, and two nodes neither of which reads the other numbered either way, are one
network (the space's functional hash says so); the table found a row only under its file's numbering of the nodes.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.assemble import build_context
from nasloop.search_spaces.darts.benchmark import NB301Benchmark
from nasloop.search_spaces.cell_numbering import smallest_numbering
from nasloop.search_spaces.darts.genotype import DartsArch, DartsCell, neighbours
from nasloop.search_spaces.darts.space import DartsSpace


def _inputs_swapped(arch: DartsArch) -> DartsArch:
    """Each node's two (input, op) pairs in the other order."""
    return tuple(tuple(p for node in range(4) for p in reversed(cell[2 * node:2 * node + 2]))
                 for cell in arch)  # type: ignore[return-value]


def _renumbered(cell: DartsCell) -> DartsCell | None:
    """The cell with its first pair of adjacent nodes that may trade places (the later not reading the earlier)
    numbered the other way, every reader renumbered; None where no such pair exists."""
    for j in range(3):
        a, b = 2 + j, 3 + j
        if a in {s for s, _ in cell[2 * (j + 1):2 * (j + 2)]}:
            continue
        nodes = [cell[2 * k:2 * k + 2] for k in range(4)]
        nodes[j], nodes[j + 1] = nodes[j + 1], nodes[j]
        return tuple((b if s == a else a if s == b else s, op) for node in nodes for s, op in node)
    return None


@pytest.fixture(scope="module")
def table_space(data_dir: Path) -> DartsSpace:
    return DartsSpace(build_context(DartsSpace, "cifar10", str(data_dir), lookup=True))


def test_every_table_cell_is_found_in_its_other_forms(data_dir: Path, table_space: DartsSpace) -> None:
    bench = NB301Benchmark(data_dir)
    cells = bench.task_cells("cifar10")
    forms = [(cell, _inputs_swapped(cell)) for cell in cells]
    for normal, reduce in cells:
        forms += [((normal, reduce), other) for other in ((_renumbered(normal), reduce), (normal, _renumbered(reduce)))
                  if None not in other]
    forms = [(cell, other) for cell, other in forms if table_space.hash(other) != table_space.hash(cell)]
    assert len(forms) > 2 * len(cells)  # most cells have two nodes that may trade places, in either cell
    for cell, other in forms:  # written otherwise, the same network
        assert table_space.functional_hash(other) == table_space.functional_hash(cell)
    written, others = [c for c, _ in forms], [o for _, o in forms]
    assert all(bench.holds(others, "cifar10"))
    assert [bench.query(o, "cifar10").metrics for o in others] == [bench.query(c, "cifar10").metrics for c in written]
    scores = bench.proxy_scores(others, "nwot", "cifar10")
    assert list(scores) == list(bench.proxy_scores(written, "nwot", "cifar10"))
    assert not any(score != score for score in scores)  # no NaN: every form read its stored score


def test_a_held_neighbour_in_another_numbering_is_a_neighbour(table_space: DartsSpace) -> None:
    """Bound to the table, a cell's neighbours are the one-edit ones the table holds: 11 CIFAR-10 cells have one,
    written in another numbering of its nodes, which local search climbed past to the 10 nearest cells instead."""
    cells = list(table_space.enumerate())
    functional = lambda arch: tuple(map(smallest_numbering, arch))  # noqa: E731 (functional_hash, unformatted)
    held = {functional(c) for c in cells}
    pairs = [(cell, near) for cell in cells for near in neighbours(cell) if functional(near) in held]  # 94,000
    assert len(pairs) >= 10
    for cell, near in pairs:
        assert table_space.functional_hash(near) in {table_space.functional_hash(a)
                                                     for a in table_space.neighbours(cell)}
