"""A table-bound DARTS space looks its own neighbours up in the NB301 table without checking each again.

An evolution's mutation looks up every neighbour of its parent (about 120) when no random edit lands in the
table's 725 cells, which is nearly always: 700 evaluations looked up 393,000 neighbours, and each lookup checked
the cell as a user's input and formatted its functional form anew (tests/test_darts_space.py's evolution to 700:
11.8 CPU s under pytest -n0, 6.1 s now). The space's own cells skip the check and share their forms; a cell from
outside is checked as before.
"""
from __future__ import annotations

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ArchitectureError
from nasloop.engine.search import search
from nasloop.search_spaces.darts import benchmark as nb301
from nasloop.search_spaces.darts.benchmark import NB301Benchmark
from nasloop.search_spaces.darts.genotype import neighbours


def test_the_space_s_own_neighbours_are_found_held_as_a_checked_lookup_finds_them(data_dir):
    bench = NB301Benchmark(data_dir)
    for cell in bench.task_cells("cifar10")[:5]:
        near = neighbours(cell)
        assert bench.holds(near, "cifar10", checked=True) == bench.holds(near, "cifar10")
    held = [bench.holds(neighbours(cell), "cifar10", checked=True) for cell in bench.task_cells("cifar10")[:40]]
    assert any(any(row) for row in held) and not all(all(row) for row in held)  # both answers occur


def test_a_cell_from_outside_is_still_checked_after_its_int_twin_was_looked_up(data_dir):
    bench = NB301Benchmark(data_dir)
    cell = next(c for c in bench.task_cells("cifar10") if c[0][0][0] == 1 or c[0][1][0] == 1)
    assert bench.holds([cell], "cifar10", checked=True) == [True]
    first = 0 if cell[0][0][0] == 1 else 1
    pairs = list(cell[0])
    pairs[first] = (True, pairs[first][1])  # equal to 1 and hashed alike: a cached form must not answer it
    with pytest.raises(ArchitectureError, match="must be \\(input, op index\\)"):
        bench.holds([(tuple(pairs), cell[1])], "cifar10")


def test_an_evolution_on_the_table_checks_a_cell_per_lookup_not_per_neighbour(tmp_path, data_dir, monkeypatch):
    NB301Benchmark(data_dir).task_cells("cifar10")  # the table's rows parsed (and checked) once, before counting
    checked: list[int] = []
    real = nb301.check_arch

    def counted(arch: object):
        checked.append(1)
        return real(arch)

    monkeypatch.setattr(nb301, "check_arch", counted)  # the real check, counted where the table's lookups call it
    summary = search(SearchConfig(space="darts", strategy="evolution", budget=60, seed=3, data_dir=str(data_dir),
                                  run_dir=str(tmp_path / "run")))
    assert summary["evaluations"] == 60 and summary["failed"] == 0
    assert 60 <= len(checked) <= 3 * 60  # each evaluation's query; each neighbour checked: 1,260
