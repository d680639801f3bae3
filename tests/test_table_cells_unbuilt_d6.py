"""What needs only a count of a table, or a few of its cells, lists none of them.

Each built NB101's 30,001 table cells (3 s, 27 MB): a study's default target (``compare --space nb101``) and the
budget check of ``--dedup functional``.
"""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.assemble import build_context
from nasloop.engine.data.table import Table
from nasloop.engine.errors import ConfigError
from nasloop.engine.run_checks import check_budget
from nasloop.engine.study_target import _table_range
from nasloop.search_spaces.nb101 import benchmark as nb101_benchmark
from nasloop.search_spaces.nb101.benchmark import NB101Benchmark
from nasloop.search_spaces.nb101.space import NB101Space
from nasloop.search_spaces.nb201 import NB201Space

from .nb101_small_e import small_nb101


@pytest.fixture
def small_table(data_dir, tmp_path):
    """A data folder holding the first three NB101 records: the whole table takes seconds to load."""
    small_nb101(data_dir, tmp_path)
    return tmp_path


def _built() -> int:
    return nb101_benchmark._cells.cache_info().misses


def test_the_tables_values_and_optimum_read_its_rows_as_the_listed_cells_give_them(small_table):
    benchmark = NB101Benchmark(small_table)
    before = _built()
    values = benchmark.table_values("cifar10")  # the shipped JSON's validation accuracies (it holds no test ones)
    best = benchmark.optimum("cifar10")
    target = _table_range(benchmark, "cifar10", "val_accuracy", False, None)  # a study's default target and worst
    assert _built() == before  # nothing above built the table's list of cells
    assert np.array_equal(values, benchmark.metric_values(benchmark.cells(), "cifar10"), equal_nan=True)
    assert best == np.nanmax(values) and np.isfinite(values).all() and target == (best, np.nanmin(values))
    params = benchmark.table_values("cifar10", "params_m")  # no column of its own: read through the listed cells
    assert np.array_equal(params, benchmark.metric_values(benchmark.cells(), "cifar10", "params_m"))


def test_a_benchmark_narrowing_its_table_gives_nan_for_a_listed_cell_it_no_longer_holds(small_table):
    full = NB101Benchmark(small_table).table

    class Narrowed(NB101Benchmark):
        @property
        def table(self):
            return Table({name: column[1:] for name, column in full.columns.items()}, full.meta)

    narrowed = Narrowed(small_table)
    values = narrowed.table_values("cifar10")
    assert np.isnan(values[0]) and np.array_equal(values, narrowed.metric_values(narrowed.cells(), "cifar10"),
                                                  equal_nan=True)


def test_functional_dedup_counts_a_space_without_a_functional_hash_of_its_own_by_its_size(small_table):
    space = NB101Space(context=build_context(NB101Space, "cifar10", str(small_table), lookup=True))
    before = _built()
    check_budget(3, space, "nb101", "functional")  # its graph hash is its functional hash: 3 cells, 3 networks
    assert _built() == before
    with pytest.raises(ConfigError, match="exceeds the 3 architectures of nb101"):
        check_budget(4, space, "nb101", "functional")
    with pytest.raises(ConfigError, match="exceeds the 4,930 distinct networks of the 15,625 architectures"):
        check_budget(4931, NB201Space(), "nb201", "functional")  # a space with its own still counts them

