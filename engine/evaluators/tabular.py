"""Evaluation by benchmark lookup (NAS-Bench-201 and any registered table)."""
from __future__ import annotations

import os
from typing import Any

from ...search_spaces.base import SearchSpace
from ..registry import BENCHMARK_TABLES, register_evaluator
from ..types import Arch, Result
from .base import Evaluator


@register_evaluator("tabular")
class TabularEvaluator(Evaluator):
    """Answers from the benchmark table registered under the space's name.

    The table loads on first use in each process and is cached there; the evaluator itself holds
    only the dataset name and data folder, so it pickles in bytes.
    """

    def __init__(self, space: SearchSpace, dataset: str = "cifar10",
                 data_dir: str | os.PathLike | None = None, **_: Any) -> None:
        super().__init__(space)
        self.dataset = dataset
        self.data_dir = str(data_dir) if data_dir else None
        self._benchmark = None

    @property
    def benchmark(self):
        if self._benchmark is None:
            self._benchmark = BENCHMARK_TABLES.get(self.space.name)(self.dataset, self.data_dir)
        return self._benchmark

    def check(self, fidelity: int | None = None) -> None:
        self.benchmark.check_fidelity(fidelity)  # loads the table: missing file, bad dataset or fidelity

    def evaluate(self, arch: Arch, fidelity: int | None = None) -> Result:
        return self.benchmark.query(arch, fidelity)

    def config(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "data_dir": self.data_dir}

    def __getstate__(self) -> dict[str, Any]:
        return dict(self.__dict__, _benchmark=None)
