"""The smallest space a user writes, for tests that need one of their own: five digits 0-3 written '0-1-2-3-0',
with parsing, sampling, mutation, neighbours and a one-hot encoding; and an evaluator scoring its digits, which
reads no dataset; and a user's benchmark computing results from no file (its table the digits' sums' range), whose
answers each test writes. Each test file subclasses the space with its own name and registers it inside its tests
(the conftest drops it after each)."""
from __future__ import annotations

import numpy as np

from nasloop.engine.data.table import Table
from nasloop.engine.errors import ArchitectureError
from nasloop.engine.evaluators.base import Evaluator
from nasloop.engine.types import Result
from nasloop.search_spaces.base import Benchmark, NeighbourhoodSpace, NetworkSpace, Task


class DigitSpace(NeighbourhoodSpace):
    """Five digits 0-3, written '0-1-2-3-0'."""

    vector_encodings = ("onehot",)

    def parse(self, text):
        parts = text.split("-")
        if len(parts) != 5 or not all(p in "0123" and p for p in parts):
            raise ArchitectureError(f"'{text}' is not 5 digits 0-3 joined by '-'")
        return tuple(int(p) for p in parts)

    def format(self, arch):
        return "-".join(map(str, arch))

    def sample(self, rng):
        return tuple(int(b) for b in rng.integers(0, 4, 5))

    def mutate(self, arch, rng):
        return ((arch[0] + 1) % 4, *arch[1:])

    def neighbours(self, arch):
        return [arch[:i] + (b,) + arch[i + 1:] for i in range(5) for b in range(4) if b != arch[i]]

    def _encode(self, arch, kind):
        return np.eye(4, dtype=np.float32)[list(arch)].ravel()


class DigitSum(Evaluator):
    """Scores an architecture by its digits: it reads no dataset."""

    objective = "score"

    def metric_names(self, fidelity=None):
        return ["score"]

    def evaluate(self, arch, fidelity=None):
        return Result(metrics={"score": float(sum(arch))}, cost=1.0)


class NetDigits(DigitSpace, NetworkSpace):
    """Digits as a network space whose networks no test builds: a run records a dataset only where something reads
    one, and nothing computes a proxy on these."""

    name = "rd-netdigits"

    def to_module(self, arch, num_classes=10):
        raise AssertionError("no network is built by these tests")


class DigitFormula(Benchmark):
    """A user's surrogate benchmark of the digits: one task at fidelity 10, results computed (a subclass's
    ``query``), read from no file; it counts its queries in ``calls``."""

    tasks, calls = (Task("digits", "score"),), 0

    @property
    def table(self):
        return Table({"digits@10:score": np.arange(16.0)})  # the task's results, which its formula computes

    def fidelities(self, task):
        return [10]

    @classmethod
    def recognise_source(cls, path):
        return None

    @classmethod
    def import_files(cls, paths):
        raise NotImplementedError("computed, from no file")
