"""Counting NB101's table, sampling it and reading a graph hash build no list of its cells.

Each of them built one NB101Cell per table row, kept for the process's life (27 MB for the 30,001-row table, about
380 MB for the whole space's), and the run context's check of whether the table holds the space built that list only
for its length, in a cache keeping up to 8 benchmarks alive.
"""
from __future__ import annotations

import weakref

import numpy as np

from nasloop.engine.assemble import build_context
from nasloop.engine.context import _held_cells
from nasloop.engine.data.table import Table
from nasloop.search_spaces.nb101 import benchmark as nb101_benchmark
from nasloop.search_spaces.nb101.benchmark import NB101Benchmark
from nasloop.search_spaces.nb101.graph import cell_hash, make_cell
from nasloop.search_spaces.nb101.space import NB101Space

from .nb101_small_e import first_records, small_nb101


def test_count_samples_and_hashes_build_no_cell_list_and_give_the_listed_cells(data_dir, tmp_path):
    small_nb101(data_dir, tmp_path)  # three cells: the whole table takes seconds to load
    records = first_records(data_dir)
    context = build_context(NB101Space, "cifar10", str(tmp_path))  # no lookup: the proxies' check counts the table
    space = NB101Space(context=context, table_only=True)
    built = nb101_benchmark._cells.cache_info().misses
    assert space.size == 3 and context.benchmark.cell_count() == 3 and context._table_serves(space)
    rng = np.random.default_rng(0)
    samples = [space.sample(rng) for _ in range(6)]
    by_hash = space.parse(records[1]["hash"])
    assert nb101_benchmark._cells.cache_info().misses == built  # nothing above built the table's list of cells
    listed = context.benchmark.cells()
    rng = np.random.default_rng(0)
    assert samples == [listed[int(rng.integers(3))] for _ in range(6)]  # the draws the list gave
    assert by_hash == listed[1] == make_cell(records[1]["matrix"], records[1]["ops"])
    assert [cell_hash(c) for c in listed] == [r["hash"] for r in records]
    counted = NB101Benchmark(tmp_path)
    gone = weakref.ref(counted)
    assert _held_cells(counted) == 3
    del counted
    assert gone() is None  # the count kept no benchmark alive


def test_a_benchmark_narrowing_its_table_counts_and_draws_the_cells_it_lists(data_dir, tmp_path):
    """The count and a drawn cell came from the benchmark's ``table``, the list from the file: a user's subclass
    narrowing ``table`` had a space whose size and enumeration disagreed (2 against 3)."""
    small_nb101(data_dir, tmp_path)
    full = NB101Benchmark(tmp_path).table

    class Narrowed(NB101Benchmark):
        @property
        def table(self):
            return Table({name: column[1:] for name, column in full.columns.items()}, full.meta)

    narrowed = Narrowed(tmp_path)
    assert narrowed.cell_count() == len(narrowed.cells()) == 3
    assert [narrowed.cell(row) for row in range(3)] == narrowed.cells()
