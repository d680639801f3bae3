"""A benchmark is handed the options of the space the run builds (``Benchmark.space_options``, defaults filled in):
a user's benchmark computed from a formula could not learn the space's size, so its ``cells()`` listed one
configuration's, and ``predictors evaluate --space-opt length=3`` was refused as listing cells not of the space."""
from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from nasloop.engine.cli import main
from nasloop.engine.data.table import Table
from nasloop.engine.errors import ArchitectureError
from nasloop.engine.registry import register_benchmark, register_search_space
from nasloop.engine.types import Result
from nasloop.search_spaces.base import NeighbourhoodSpace
from nasloop.search_spaces.benchmark import Benchmark, Task


def _register() -> None:
    """A chain space whose length is an option, and a formula benchmark listing every chain of the length built."""

    class Chain(NeighbourhoodSpace):
        """A chain of ``length`` layers, each one of 4 block types."""

        name, vector_encodings, benchmark = "d9-chain", ("onehot",), "d9-formula"

        def __init__(self, length: int = 4) -> None:
            super().__init__()
            self.length = length

        def parse(self, text):
            blocks = text.split("-")
            if len(blocks) != self.length or not all(b in "0123" for b in blocks):
                raise ArchitectureError(f"'{text}' is not {self.length} block types 0-3 joined by '-'")
            return tuple(int(b) for b in blocks)

        def format(self, arch):
            return "-".join(map(str, arch))

        def sample(self, rng):
            return tuple(int(b) for b in rng.integers(0, 4, self.length))

        def mutate(self, arch, rng):
            i = int(rng.integers(self.length))
            return arch[:i] + ((arch[i] + int(rng.integers(1, 4))) % 4,) + arch[i + 1:]

        def neighbours(self, arch):
            return [arch[:i] + (b,) + arch[i + 1:] for i in range(self.length) for b in range(4) if b != arch[i]]

        def _encode(self, arch, kind):
            return np.eye(4, dtype=np.float32)[list(arch)].ravel()

    class Formula(Benchmark):
        """The number of blocks 0 and 1, as if it were an accuracy; every chain of the length the run builds."""

        tasks, table = (Task("cifar10", "val_accuracy"),), Table({})

        def fidelities(self, task):
            return [1]

        def query(self, arch, task, fidelity=None):
            return Result(metrics={"val_accuracy": float(sum(b in (0, 1) for b in arch))}, cost=1.0)

        @classmethod
        def recognise_source(cls, path):
            return None

        @classmethod
        def import_files(cls, paths):
            raise NotImplementedError("computed from no file")

        def cells(self):
            return list(itertools.product(range(4), repeat=self.space_options["length"]))

    register_search_space("d9-chain")(Chain)
    register_benchmark("d9-formula")(Formula)


@pytest.mark.parametrize("given, cells", [([], 4 ** 4), (["--space-opt", "length=3"], 4 ** 3)])
def test_predictors_evaluate_ranks_the_cells_of_the_space_as_built(given: list[str], cells: int, data_dir: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _register()
    assert main(["predictors", "evaluate", "--space", "d9-chain", *given, "--predictor", "forest", "--train-sizes",
                 "8", "--seeds", "1", "--data-dir", str(data_dir), "--json"]) == 0
    record, = json.loads(capsys.readouterr().out)
    assert record["test_size"] == cells - 8


def test_a_study_of_a_resized_space_targets_the_best_of_its_own_cells(tmp_path: Path, data_dir: Path) -> None:
    """compare's default target is the best of the benchmark's cells(): 2 for chains of 2, where the cells of the
    default length would have set 4, a target no run of length-2 chains reaches."""
    _register()
    study = tmp_path / "study"
    assert main(["compare", "--space", "d9-chain", "--space-opt", "length=2", "--methods", "random", "--seeds", "2",
                 "--budget", "16", "--data-dir", str(data_dir), "--out", str(study), "--quiet"]) == 0
    report = (study / "report.md").read_text(encoding="utf-8")
    assert "t intervals, target 2\n" in report and "| 2/2 |" in report, report
