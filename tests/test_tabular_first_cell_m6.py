"""The tabular evaluator reads the metrics of a benchmark declaring no ``metric_names`` off its first cell: it built
the benchmark's whole list of cells (``cells()[:1]``) to read that one. It now asks ``Benchmark.cell(0)``, which a
benchmark that can build one row's cell alone answers so; one listing only its cells still gives the first of them."""
from __future__ import annotations

import pytest

from nasloop.engine.context import RunContext
from nasloop.engine.evaluators.tabular import TabularEvaluator
from nasloop.engine.registry import register_benchmark
from nasloop.engine.types import Result

from .digit_space import DigitFormula, DigitSpace

ROWS = 4 ** 5


class Formula(DigitFormula):
    """The digits' formula over every cell, counting the cells it builds."""

    built = 0

    def query(self, arch, task, fidelity=None):
        return Result(metrics={"score": float(sum(arch)), "params": 1.0}, cost=1.0)

    def cells(self):
        return [self._build(row) for row in range(ROWS)]

    def _build(self, row):
        Formula.built += 1
        return tuple((row // 4 ** j) % 4 for j in range(5))


class RowFormula(Formula):
    """The same table, building one row's cell alone."""

    def cell(self, row):
        if not 0 <= row < ROWS:
            raise IndexError(row)
        return self._build(row)


class Empty(Formula):
    """A table of no cells: nothing to read metrics off."""

    def cells(self):
        return []


def _evaluator(benchmark: type[Formula]) -> TabularEvaluator:
    register_benchmark(f"m6-{benchmark.__name__.lower()}")(benchmark)
    space = type("Digits", (DigitSpace,), {"name": "m6-digits", "benchmark": benchmark.name})()
    return TabularEvaluator(space, RunContext(dataset="digits", benchmark=benchmark()))


@pytest.fixture(autouse=True)
def _count(monkeypatch):
    monkeypatch.setattr(Formula, "built", 0)


def test_a_benchmark_building_one_cell_alone_builds_only_the_first():
    assert _evaluator(RowFormula).metric_names(10) == ["score", "params"]
    assert Formula.built == 1  # was 1,024: every cell listed to read the first


def test_a_benchmark_listing_its_cells_still_gives_the_first_and_an_empty_one_none():
    assert _evaluator(Formula).metric_names(10) == ["score", "params"]
    assert Formula.built == ROWS
    assert _evaluator(Empty).metric_names(10) is None
