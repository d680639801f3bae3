"""The NB301 table's rows are parsed once per loaded table: its lookup index, its cells and a task's cells (a
table-bound space's) each parsed every row again (1,649 parses of 924 rows in a 50-evaluation tabular search)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from nasloop.engine.assemble import build_context
from nasloop.search_spaces.darts import benchmark as nb301
from nasloop.search_spaces.darts.benchmark import NB301Benchmark
from nasloop.search_spaces.darts.space import DartsSpace


def test_a_table_bound_search_parses_each_row_at_most_once(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parses: Counter[str] = Counter()
    parse = nb301.parse_arch

    def counted(text: str):
        parses[text] += 1
        return parse(text)

    monkeypatch.setattr(nb301, "parse_arch", counted)  # the real parse, counted
    space = DartsSpace(build_context(DartsSpace, "cifar10", str(data_dir), lookup=True))
    bench = NB301Benchmark(data_dir)
    rng = np.random.default_rng(0)
    drawn = [space.sample(rng) for _ in range(5)]  # the space's cells of the task
    assert all(bench.holds(drawn, "cifar10"))  # the lookup's index of every row
    cells = bench.cells()
    assert bench.cells() == cells and len(cells) == len(bench.table)
    assert len(bench.task_cells("svhn")) == 199
    assert max(parses.values(), default=0) <= 1
    assert sum(parses.values()) <= len(bench.table)
