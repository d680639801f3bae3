"""How nasloop names a user's search space or benchmark: by the name it is registered under where its class sets
none (the base classes' placeholders 'space' and 'benchmark' named every such plugin alike), and a benchmark by the
name a space's ``benchmark`` attribute gives it."""
from __future__ import annotations

import pytest

from nasloop.engine.assemble import build_context
from nasloop.engine.data.table import Table
from nasloop.engine.errors import RegistryError, UnsupportedError
from nasloop.engine.proxy_scoring import score_architectures
from nasloop.engine.registry import BENCHMARKS, register_benchmark, register_search_space
from nasloop.engine.types import Result
from nasloop.search_spaces.base import Benchmark, Task

from .digit_space import DigitSpace


class Formula(Benchmark):
    """A user's benchmark that computes its results and sets no name (registered inside each test)."""

    tasks = (Task("digits"),)

    @property
    def table(self) -> Table:
        return Table({})

    def fidelities(self, task: str) -> list[int]:
        return [200]

    def query(self, arch: tuple[int, ...], task: str, fidelity: int | None = None) -> Result:
        return Result(metrics={"val_accuracy": float(sum(arch))})

    @classmethod
    def recognise_source(cls, path: object) -> None:
        return None

    @classmethod
    def import_files(cls, paths: object) -> Table:
        raise NotImplementedError


def test_a_space_that_sets_no_name_is_named_by_its_registration_or_its_class():
    """Python calls that build a space without build_space's refusal of a nameless one said "search space 'space'"."""
    register_search_space("nb-nameless")(type("Nameless", (DigitSpace,), {}))
    with pytest.raises(UnsupportedError, match="^zero-cost proxies need .*, and search space 'nb-nameless' cannot "):
        score_architectures("nb-nameless", ["0-1-2-3-0"], ["synflow"])
    with pytest.raises(UnsupportedError, match="and search space 'nb-nameless' has none; pass lookup=False"):
        build_context("nb-nameless", "cifar10", lookup=True)
    unlisted = type("Unlisted", (DigitSpace,), {})()  # never registered: its class name
    with pytest.raises(UnsupportedError, match="^zero-cost proxies need .*, and search space 'Unlisted' cannot "):
        score_architectures(unlisted, ["0-1-2-3-0"], ["synflow"])


def test_a_benchmark_registered_under_a_name_other_than_its_own_is_refused_at_registration():
    """Registered 'nb-mine' with name 'nb-other': messages named 'nb-other', and a space whose benchmark is 'nb-mine'
    was refused as "tabulated by nb-mine" in a run context "holding the nb-other benchmark"."""
    other = type("Other", (Formula,), {"name": "nb-other"})
    with pytest.raises(RegistryError, match="^benchmark 'nb-mine': class Other sets name = 'nb-other', and nasloop's "
                                            r"messages name a benchmark by it .*; set name = 'nb-mine', or register it "
                                            "as 'nb-other'$"):
        register_benchmark("nb-mine")(other)
    assert "nb-mine" not in BENCHMARKS.names_at_hand()
    register_benchmark("nb-other")(other)
    register_benchmark("nb-mine")(other)  # an alias of a class registered under its own name


@pytest.mark.parametrize("parent", [Formula, type("Named", (Formula,), {"name": "nb-named"})],
                         ids=["nameless", "inheriting-a-name"])
def test_a_benchmark_that_sets_no_name_serves_the_space_naming_its_registration(parent):
    """One that set no name was 'benchmark', one subclassing another (a built-in's, to change its tasks) had its
    parent's: a run of the space naming it with any stored-proxy reader (--predictor forest) was refused with
    "this run context holds the benchmark benchmark, and search space ... is tabulated by nb-table"."""
    register_benchmark("nb-table")(type("Table", (parent,), {}))
    space = register_search_space("nb-tabled")(type("Tabled", (DigitSpace,), {"name": "nb-tabled",
                                                                            "benchmark": "nb-table"}))
    context = build_context(space, "digits")
    assert context.stored_proxies(space()) == [] and context.benchmark.name == "nb-table"
