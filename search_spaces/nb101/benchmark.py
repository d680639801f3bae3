"""NAS-Bench-101 tables: lookups by the benchmark's graph hash, stored proxies, data import.

The table is nasloop's own ``nb101.npz`` when imported (``nasloop data import --space nb101``),
else the shipped 30k JSON read directly. The 30k table holds about 7% of the 423,624 cells; an
architecture it lacks is a failed result saying so. The cost is the measured 108-epoch training
time, scaled by epochs for lower fidelities the source has no time for (and marked estimated).
"""
from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ...engine.data.importing import not_this_benchmark
from ...engine.data.paths import FileVersion
from ...engine.data.safe_pickle import load_pickle
from ...engine.data.sniff import head_text, is_pickle
from ...engine.data.table import Table, column_name, row_index
from ...engine.errors import ArchitectureError, one_line
from ...engine.registry import register_benchmark
from ...engine.types import Result
from ..benchmark import Benchmark, Task
from ...engine.metric_units import ACCURACY, SIZE
from ..table_files import fidelities_in as _fidelities, load_table
from .cost import nb101_flops
from .graph import NB101Cell, cell_hash, remember_hashes
from .importers import JSON_FILE, import_json, merge, recognise_json
from .importers_naslib import DATASET, import_naslib_pickle, looks_like_naslib_nb101

TABLE_FILE = "nb101.npz"
HOW_TO_GET = (f"get {JSON_FILE} (see the README's 'Data' section) or NASLib's nasbench_only108.pkl, then run "
              "'nasloop data import --space nb101 FILE', or point --data-dir / NASLOOP_DATA at the folder holding it")
FULL_SPACE = 423_624


@register_benchmark("nb101")
class NB101Benchmark(Benchmark):
    """Tabular NB101 lookups on CIFAR-10: validation (and, where imported, test) accuracy by epochs."""

    name = "nb101"
    warmup_proxies = ("params", "zen")  # the NB201 pair; on NB101 it finds 94.79 % within 25 queries (README)
    # which of NB101's three training runs a value is: the shipped table holds one run, NASLib's pickle their mean
    tasks = (Task(DATASET, description="CIFAR-10 (validation: NB101's held-out 10,000 training images; one training "
                                       "run of three in the 30k JSON, their mean from NASLib's pickle)"),)
    table_file = TABLE_FILE
    metric_units = {**ACCURACY, **SIZE}
    formats = f"the 30k JSON ({JSON_FILE}), NASLib's nasbench_only108.pkl and nasloop's nb101.npz"

    def table_source(self) -> tuple[str, FileVersion]:
        return self.located((TABLE_FILE, JSON_FILE), HOW_TO_GET)

    @property
    def table(self) -> Table:
        """The table, loaded on first use (once per process and file version)."""
        return self._file_table()

    def _file_table(self) -> Table:
        """The table of the file found, which :meth:`cells`, its count and a single cell read even where a
        subclass's ``table`` narrows it."""
        return load_table(type(self), *self.table_source())

    def row(self, arch: NB101Cell) -> int | None:
        if not isinstance(arch, NB101Cell):  # a string or a foreign value failed in cell_hash with AttributeError
            raise ArchitectureError(f"an NB101 architecture is an NB101Cell (matrix and ops), got "
                                    f"{one_line(repr(arch), 80)}; pass what space.parse or space.sample returns")
        return row_index(self.table, "hash").get(cell_hash(arch))

    def fidelities(self, task: str) -> list[int]:
        return _fidelities(self.table, self.task(task).name)

    def query(self, arch: NB101Cell, task: str, fidelity: int | None = None) -> Result:
        fidelity = self.check(task, fidelity)
        row = self.row(arch)
        if row is None:
            return Result.failed(f"not in the NB101 table: it holds {len(self.table):,} of the {FULL_SPACE:,} cells; "
                                 "search with the table as the space (space option table_only) or import a "
                                 "table that covers it")
        columns = self.table.columns
        metrics = {}
        for metric in ("val_accuracy", "test_accuracy"):
            col = columns.get(column_name(DATASET, fidelity, metric))
            if col is not None and not math.isnan(col[row]):
                metrics[metric] = float(col[row])
        metrics["params_m"] = float(columns["params"][row]) / 1e6
        metrics["flops_m"] = nb101_flops(arch)
        cost, estimated = self._cost(row, fidelity)
        if "val_accuracy" not in metrics:
            return Result.failed(f"no {fidelity}-epoch result for this cell in the NB101 table", cost, estimated)
        return Result(metrics=metrics, cost=cost, cost_estimated=estimated)

    def metric_values(self, archs: Sequence[NB101Cell], task: str, metric: str | None = None,
                      fidelity: int | None = None) -> np.ndarray:
        """Accuracies read from their column, as :meth:`query` gives them (NaN without a validation result),
        without the FLOP count every query works out: 11 s over the 30k table, 0.2 s this way."""
        values = self._column_values(lambda: [self.row(a) for a in archs], task, metric, fidelity)
        return super().metric_values(archs, task, metric, fidelity) if values is None else values

    def table_values(self, task: str, metric: str | None = None, fidelity: int | None = None) -> np.ndarray:
        """Accuracies of the cells :meth:`cells` lists, found by the file's hash column without building them: a
        study's default target built the 30k table's 30,001 cells for it (0.6 s and 28 MB, where this takes 0.03 s)."""
        def rows() -> list[int | None]:
            index = row_index(self.table, "hash")
            return [index.get(key) for key in self._file_table().columns["hash"].tolist()]
        values = self._column_values(rows, task, metric, fidelity)
        return super().table_values(task, metric, fidelity) if values is None else values

    def _column_values(self, rows: Callable[[], list[int | None]], task: str, metric: str | None,
                       fidelity: int | None) -> np.ndarray | None:
        """``metric`` at each of ``rows()`` (None: a cell the table lacks), or None for a metric no column holds."""
        metric = metric or self.task(task).metric
        fidelity = self.check(task, fidelity)
        self.check_metric(task, metric, fidelity)
        column = self.table.columns.get(column_name(DATASET, fidelity, metric))
        if metric not in ("val_accuracy", "test_accuracy") or column is None:
            return None
        measured = self.table.columns.get(column_name(DATASET, fidelity, "val_accuracy"))
        return np.array([np.nan if r is None or measured is None or math.isnan(measured[r]) else column[r]
                         for r in rows()], dtype=np.float64)

    def _cost(self, row: int, fidelity: int) -> tuple[float, bool]:
        """Measured training seconds at ``fidelity`` if the table has them, else the longest
        measured run scaled by epochs (an estimate)."""
        measured = self.table.columns.get(column_name(DATASET, fidelity, "train_seconds"))
        if measured is not None and not math.isnan(measured[row]):
            return float(measured[row]), False
        longest = max((f for f in self.fidelities(DATASET)
                       if column_name(DATASET, f, "train_seconds") in self.table.columns), default=None)
        if longest is None:
            return 0.0, True
        seconds = float(self.table.columns[column_name(DATASET, longest, "train_seconds")][row])
        return (0.0 if math.isnan(seconds) else seconds * fidelity / longest), True

    def metric_names(self, task: str, fidelity: int | None = None) -> list[str]:
        fidelity = self.check(task, fidelity)
        present = [metric for metric in ("val_accuracy", "test_accuracy")
                   if column_name(DATASET, fidelity, metric) in self.table.columns]  # NASLib's pickles add test
        return [*present, "params_m", "flops_m"]

    def cells(self) -> list[NB101Cell]:
        """Every cell of the table, in the table's order (the source's: ascending md5 hash), built once per process
        and table (900 bytes a cell: 27 MB for the 30k table, about 380 MB for the whole space's)."""
        return _cells(type(self), *self.table_source())

    def cell_count(self) -> int:
        """How many cells :meth:`cells` lists (the file's rows, as it reads them: a subclass's own ``table`` is
        not the list), counted without building them."""
        return len(self._file_table())

    def cell_hashes(self) -> list[str]:
        """The graph hash of each cell :meth:`cells` lists, read off the file's hash column without building them."""
        return self._file_table().columns["hash"].tolist()

    def cell(self, row: int) -> NB101Cell:
        """Cell ``row`` of :meth:`cells`, built alone (a graph hash's, a sample's) where no list of them is built."""
        columns = self._file_table().columns
        cell = _cell(int(columns["num_nodes"][row]), columns["matrix"][row], columns["ops"][row])
        remember_hashes([cell], [str(columns["hash"][row])])
        return cell

    def holds(self, archs: Sequence[NB101Cell]) -> np.ndarray:
        """Whether the table has each architecture (by graph hash, so isomorphic cells count too)."""
        rows = row_index(self.table, "hash")
        return np.fromiter((cell_hash(a) in rows for a in archs), dtype=bool, count=len(archs))

    def proxy_names(self, task: str) -> list[str]:
        self.task(task)
        return sorted([*self.stored_proxies(task), "params", "flops"])

    def partial_proxies(self, task: str) -> dict[str, tuple[int, int]]:
        """Every NB101 cell is pruned to input-output paths, where every proxy is defined, so a NaN is a
        score the source lacks: the shipped JSON has Zen for 10,250 of its 30,001 cells."""
        found = {}
        for name in self.stored_proxies(task):
            held = int(np.isfinite(self.table.columns[f"{self.task(task).name}:proxy:{name}"]).sum())
            if held < len(self.table):
                found[name] = (held, len(self.table))
        return found

    def proxy_scores(self, archs: Sequence[NB101Cell], proxy: str, task: str) -> np.ndarray:
        """Stored scores (Zen where the source has it), and the parameter and FLOP counts of every cell, both in
        millions as the ``params`` and ``flops`` proxies compute them: the table keeps a whole count of parameters,
        and a run mixing stored and computed scores (a precomputed file's cells beside the table's) or a predictor
        reading them through its log squash would otherwise see one proxy in two units."""
        self.task(task)
        if proxy == "flops":
            return np.array([nb101_flops(a) for a in archs], dtype=np.float64)
        if proxy == "params":
            return self.values_at(self.table.columns["params"], archs) / 1e6
        column = f"{DATASET}:proxy:{proxy}"
        if column not in self.table.columns:
            return super().proxy_scores(archs, proxy, task)
        return self.values_at(self.table.columns[column], archs)

    @classmethod
    def recognise_source(cls, path: Path) -> str | None:
        if is_pickle(path):
            return "NASLib's NB101 pickle" if looks_like_naslib_nb101(load_pickle(path)) else None
        return recognise_json(head_text(path))

    @classmethod
    def read_under(cls, path: Path) -> str | None:
        if (table := super().read_under(path)) is not None:
            return table
        return None if is_pickle(path) or recognise_json(head_text(path)) is None else JSON_FILE  # a pickle: imported

    @classmethod
    def read_source(cls, path: Path) -> Table:
        if is_pickle(path):
            return import_naslib_pickle(path)
        if recognise_json(head_text(path)):
            return import_json(path)
        raise not_this_benchmark(path, "nb101", NB101Benchmark.formats)

    @classmethod
    def import_files(cls, paths: Sequence[Path]) -> Table:
        return merge([cls.read_table(Path(p)) for p in paths])

    @classmethod
    def merge_tables(cls, tables: Sequence[Table]) -> Table:
        return merge(tables)


@lru_cache(maxsize=2)
def _cells(kind: type[NB101Benchmark], path: str, version: FileVersion) -> list[NB101Cell]:
    """The table's cells as values, built once per process; their hashes are the table's own."""
    columns = load_table(kind, path, version).columns
    cells = [_cell(size, matrix, ops)
             for size, matrix, ops in zip(columns["num_nodes"].tolist(), columns["matrix"], columns["ops"])]
    remember_hashes(cells, columns["hash"].tolist())
    return cells


def _cell(size: int, matrix: np.ndarray, ops: np.ndarray) -> NB101Cell:
    """A table row's matrix and ops (padded to 7 nodes) as a cell, cut to its ``size`` nodes."""
    return NB101Cell(tuple(tuple(int(v) for v in r[:size]) for r in matrix[:size]),
                     tuple(int(o) for o in ops[1:size - 1]))
