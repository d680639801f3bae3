"""The benchmark interface: a search space's tabular data and the importers of its public formats.

A benchmark knows its tasks (datasets), each task's metric and whether it is minimised, the
fidelities it has results for, and answers ``query(arch, task, fidelity)`` with a
:class:`~nasloop.engine.types.Result` (accuracies, params/FLOPs where known, the cost and whether
that cost was measured or estimated). It may also hold stored zero-cost proxy scores and the
list of its cells (what ``predictors evaluate`` ranks). The tabular evaluator, ``predictors
evaluate``, zero-cost warm-ups and ``data import`` reach tables only through this interface.

A benchmark object holds only its data folder. Its table loads on first use, once per process
(loaders are cached by file and modification time), and is dropped when the object is pickled,
so an evaluator that carries one ships to Ray workers in bytes.
"""
from __future__ import annotations

import os
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Sequence

import numpy as np

from ..engine.data.table import Table
from ..engine.errors import ConfigError, UnsupportedError
from ..engine.options import Configurable
from ..engine.types import Arch, Result


@dataclass(frozen=True)
class Task:
    """One dataset or task of a benchmark and the metric a search on it optimises."""

    name: str
    metric: str = "val_accuracy"
    minimize: bool = False
    description: str = ""
    aliases: tuple[str, ...] = ()


class Benchmark(Configurable, ABC):
    """Base class for benchmarks; subclass it in the space's folder and register with ``@register_benchmark``."""

    plugin_kind = "benchmark"
    name: ClassVar[str] = "benchmark"
    tasks: ClassVar[tuple[Task, ...]] = ()
    table_file: ClassVar[str] = ""
    """The file ``nasloop data import`` writes (``<name>.npz``), found in the data folders."""
    formats: ClassVar[str] = ""
    """The public formats :meth:`import_files` reads, in words (for messages)."""
    final_only: ClassVar[bool] = False
    """The table holds only each architecture's final result: no fidelity to choose."""

    def __init__(self, data_dir: str | os.PathLike | None = None) -> None:
        self.data_dir = str(data_dir) if data_dir else None

    @property
    @abstractmethod
    def table(self) -> Table:
        """The benchmark's table, loaded on first use (once per process and file version)."""

    def __getstate__(self) -> dict[str, Any]:
        """Only the configuration travels; each process loads (and caches) the table itself."""
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    # --- tasks and fidelities ----------------------------------------------------------------
    def task(self, name: str) -> Task:
        """The task called ``name`` (or one of its aliases, any case); one line listing the tasks otherwise."""
        wanted = str(name).lower()
        for task in self.tasks:
            if wanted == task.name.lower() or wanted in (a.lower() for a in task.aliases):
                return task
        raise ConfigError(f"the {self.name} benchmark has no task '{name}'; choose --dataset from: "
                          f"{', '.join(t.name for t in self.tasks)}")

    @abstractmethod
    def fidelities(self, task: str) -> list[int]:
        """The fidelities (training epochs) the table has results for on ``task``, ascending
        (empty for a ``final_only`` table)."""

    def check(self, task: str, fidelity: int | None = None) -> int | None:
        """Load the table now and check the task and fidelity; return the fidelity to query.

        Every problem (missing or corrupt file, unknown task, absent fidelity) is one line.
        """
        name = self.task(task).name
        if self.final_only:
            len(self.table)  # loads it: a missing or corrupt file fails now
            if fidelity is not None:
                raise UnsupportedError(f"the {self.name} table holds only each architecture's final result; "
                                       f"drop --fidelity {fidelity}")
            return None
        available = self.fidelities(name)
        if not available:
            raise UnsupportedError(f"the {self.name} table has no results for {name}; "
                                   "import a source that covers it with 'nasloop data import'")
        chosen = max(available) if fidelity is None else int(fidelity)
        if chosen not in available:
            shown = ", ".join(map(str, available[:12])) + (" ..." if len(available) > 12 else "")
            raise UnsupportedError(f"{self.name} {name} has no {chosen}-epoch results; available: {shown}")
        return chosen

    # --- lookups -----------------------------------------------------------------------------
    @abstractmethod
    def query(self, arch: Arch, task: str, fidelity: int | None = None) -> Result:
        """The table's result for ``arch``; an architecture it does not hold is a failed Result, never a crash."""

    def proxy_names(self, task: str) -> list[str]:
        """The zero-cost proxies whose scores the table stores for ``task``."""
        return []

    def proxy_scores(self, archs: Sequence[Arch], proxy: str, task: str) -> np.ndarray:
        """Stored scores of ``proxy`` for ``archs`` (NaN where the table has none)."""
        raise UnsupportedError(f"the {self.name} table has no '{proxy}' scores for {self.task(task).name}; "
                               f"it has: {', '.join(self.proxy_names(task)) or 'none'}")

    def cells(self) -> list[Arch]:
        """Every architecture the table holds, in the benchmark's own fixed order."""
        raise UnsupportedError(f"the {self.name} benchmark does not list its architectures")

    # --- importing public formats ------------------------------------------------------------
    @classmethod
    @abstractmethod
    def recognise(cls, path: Path) -> str | None:
        """What ``path`` is, in words, if it is a file this benchmark imports (judged by content); else None."""

    @classmethod
    @abstractmethod
    def import_files(cls, paths: Sequence[Path]) -> Table:
        """Convert public files (later ones override earlier ones) into nasloop's own table."""
