"""A user's plugin benchmark sent to Ray's workers inside the evaluator: one caching with ``functools.cached_property``
(a lock in Python 3.11, which no pickle takes) travels, and one holding what cannot travel is named, with the
attribute and the fix, where Ray's refusal named only the evaluator ('tabular', which the user did not write).

A plugin file's classes are pickled by value, whole, as this module's are here; no Ray cluster is started: the
executor sends the evaluator with the same pickler (``ray.put``)."""
from __future__ import annotations

import functools
import os
import sys
import threading

import numpy as np
import pytest

from nasloop.engine.assemble import build_context, build_space
from nasloop.engine.data.table import Table
from nasloop.engine.evaluators.tabular import TabularEvaluator
from nasloop.engine.executors.shipping import ship_cached_properties, unshippable
from nasloop.engine.registry import register_benchmark, register_search_space
from nasloop.engine.types import Result
from nasloop.search_spaces.base import Benchmark, Task
from .test_spaces_listing_h import Digits


class CachedFormula(Benchmark):
    """Answers from weights it builds once, cached with functools.cached_property."""

    name, tasks = "h-cached", (Task("digits"),)

    @functools.cached_property
    def weights(self):
        return np.arange(5, dtype=float)

    @property
    def table(self):
        return Table({})

    def fidelities(self, task):
        return [200]

    def query(self, arch, task, fidelity=None):
        return Result(metrics={"val_accuracy": float(np.dot(self.weights, arch))}, cost=1.0)

    @classmethod
    def recognise_source(cls, path):
        return None

    @classmethod
    def import_files(cls, paths):
        raise NotImplementedError


class LockedFormula(CachedFormula):
    name = "h-locked"
    guard = threading.Lock()


class LoggingFormula(CachedFormula):
    name = "h-logging"

    def __init__(self, data_dir=None):
        super().__init__(data_dir)
        self.log = open(os.devnull, "a")  # noqa: SIM115 - what a careless benchmark keeps open


@pytest.fixture()
def ray_by_value():
    """ray, with this module's classes pickled by value, as a plugin file's are."""
    import ray

    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    yield ray
    ray.cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


def _evaluator(benchmark: type[Benchmark]) -> TabularEvaluator:
    register_benchmark(benchmark.name)(benchmark)
    space = type(f"{benchmark.__name__}Digits", (Digits,), {"name": f"{benchmark.name}-digits",
                                                            "benchmark": benchmark.name, "__module__": __name__})
    register_search_space(space.name)(space)
    context = build_context(space.name, "digits", lookup=True)
    return TabularEvaluator(build_space(space.name, context), context)


def test_a_benchmark_caching_with_cached_property_travels_to_the_workers(ray_by_value):
    evaluator = _evaluator(CachedFormula)
    arch = (1, 2, 3, 0, 1)
    ship_cached_properties(ray_by_value)
    copy = ray_by_value.cloudpickle.loads(ray_by_value.cloudpickle.dumps(evaluator))
    assert copy.evaluate(arch).metrics["val_accuracy"] == evaluator.evaluate(arch).metrics["val_accuracy"] == 12.0


def test_what_does_not_pickle_is_named_in_the_users_benchmark_with_the_fix(ray_by_value):
    dumps = ray_by_value.cloudpickle.dumps
    ship_cached_properties(ray_by_value)
    assert unshippable(_evaluator(LockedFormula), dumps, "Ray's words") == (
        "evaluator tabular cannot be sent to Ray's workers: the class attribute guard of benchmark 'h-locked' (class "
        "LockedFormula, the evaluator's context.benchmark) does not pickle (TypeError: cannot pickle '_thread.lock' "
        "object); a plugin file's classes travel by value, whole: build it outside the class body (a module-level "
        "function cached with functools.lru_cache), or where it is used")
    evaluator = _evaluator(LoggingFormula)
    message = unshippable(evaluator, dumps, "Ray's words")
    evaluator.context.benchmark.log.close()
    assert message.startswith("evaluator tabular cannot be sent to Ray's workers: the attribute log of benchmark "
                              "'h-logging' (class LoggingFormula, the evaluator's context.benchmark) does not pickle (")
    assert message.endswith("); a benchmark sends only its attributes whose names do not start with '_': keep it as "
                            "_log, built where it is used (each worker builds its own)")
