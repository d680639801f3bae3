"""NAS-Bench-201 tables: importers from public formats, and the lookup the tabular evaluator uses.

Sources understood by :func:`import_file`:

* the compact CSV ``nasbench201_all.csv.gz`` (all 15,625 cells; 200- and 12-epoch accuracies);
* NASLib's ``nb201_<dataset>_full_training.pickle`` layout
  (``{arch_str: {dataset: {"eval_acc1es": [...], "train_times": [...], "cost_info": {...}}}}``),
  whose per-epoch learning curves become fidelities 1..200 of the 200-epoch schedule and whose
  measured training times become the cost.

Neither the CSV nor the 12-epoch data carries training times; there the cost is an estimate
proportional to the network's FLOPs (see :func:`estimated_epoch_seconds`), recorded in the
table's metadata so nobody mistakes it for a measurement.
"""
from __future__ import annotations

import csv
import gzip
import math
import os
import pickle
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ...search_spaces.nb201 import EDGES, OPS, NB201Space, cell_code
from ...search_spaces.nb201_cost import nb201_params_flops
from ..errors import ArchitectureError, DataError, UnsupportedError
from ..registry import register_benchmark_table
from ..types import Result
from .paths import find_file
from .table import Table, column_name

TABLE_FILE = "nb201.npz"
CSV_FILE = "nasbench201_all.csv.gz"
NUM_CELLS = len(OPS) ** len(EDGES)
HOW_TO_GET = (f"get {CSV_FILE} (see the README's 'Data' section) or a NASLib nb201 pickle, then run "
              "'nasloop data import FILE', or point --data-dir / NASLOOP_DATA at the folder holding it")

# Dataset names as users write them → the name the table uses.
DATASETS = {"cifar10": "cifar10", "cifar100": "cifar100", "imagenet16-120": "ImageNet16-120",
            "imagenet16": "ImageNet16-120", "imagenet": "ImageNet16-120"}
# (input size, classes, training images) of each dataset as NB201 trains on it.
DATASET_SHAPES = {"cifar10": (32, 10, 25_000), "cifar100": (32, 100, 50_000), "ImageNet16-120": (16, 120, 151_700)}
# CSV column prefixes: cifar10's validation numbers come from NB201's "cifar10-valid" setting.
_CSV_VAL = {"cifar10": "cifar10valid", "cifar100": "cifar100", "ImageNet16-120": "imagenet16"}
_CSV_TEST = {"cifar10": "cifar10", "cifar100": "cifar100", "ImageNet16-120": "imagenet16"}
_CSV_ZEN = {"cifar10": "zen_cifar10", "cifar100": "zen_cifar100", "ImageNet16-120": "zen_imagenet16"}
INVALID_ZEN = -1e7
NASLIB_EPOCHS = 200  # NASLib's pickles hold the 200-epoch schedule's learning curves
_NASLIB_DATASETS = {"cifar10-valid": "cifar10", "cifar100": "cifar100", "ImageNet16-120": "ImageNet16-120"}

# Cost model for tables without measured times: a GPU trains these small networks at an
# effective rate far below peak (they are launch-bound), plus a fixed per-epoch overhead.
EFFECTIVE_FLOPS_PER_SECOND = 2.0e12
EPOCH_OVERHEAD_SECONDS = 2.0


def canonical_dataset(name: str) -> str:
    try:
        return DATASETS[name.lower()]
    except KeyError:
        raise DataError(f"unknown NB201 dataset '{name}'; use cifar10, cifar100 or ImageNet16-120") from None


def estimated_epoch_seconds(flops_m: np.ndarray, dataset: str) -> np.ndarray:
    """Estimated seconds for one training epoch: forward+backward ≈ 3× the forward multiply-adds."""
    _, _, images = DATASET_SHAPES[dataset]
    return EPOCH_OVERHEAD_SECONDS + images * 3 * 2 * flops_m * 1e6 / EFFECTIVE_FLOPS_PER_SECOND


def _cells_in_code_order() -> np.ndarray:
    return np.asarray(list(NB201Space().enumerate()), dtype=np.uint8)


def _with_costs(columns: dict[str, np.ndarray], cells: np.ndarray) -> None:
    """Add params/FLOPs columns and estimated costs for every dataset/fidelity lacking measured ones."""
    for dataset, (size, classes, _) in DATASET_SHAPES.items():
        params, flops = nb201_params_flops(cells, num_classes=classes, input_size=size)
        columns[f"{dataset}:params_m"] = params
        columns[f"{dataset}:flops_m"] = flops
        per_epoch = estimated_epoch_seconds(flops, dataset)
        for name in [c for c in columns if c.startswith(f"{dataset}@") and c.endswith(":val_accuracy")]:
            fidelity = int(name.split("@")[1].split(":")[0])
            seconds = column_name(dataset, fidelity, "train_seconds")
            if seconds not in columns:
                columns[seconds] = (per_epoch * fidelity)


def import_csv(path: str | Path) -> Table:
    """Read the compact NB201 CSV (every cell, 200- and 12-epoch accuracies)."""
    n = NUM_CELLS
    index = np.full(n, -1, dtype=np.int32)
    fields = [(d, fid, kind, f"{(_CSV_VAL if kind == 'val' else _CSV_TEST)[d]}_{kind}_{fid}")
              for d in DATASET_SHAPES for fid in (200, 12) for kind in ("val", "test")]
    values = {f: np.full(n, np.nan) for f in fields}
    zen = {d: np.full(n, np.nan, dtype=np.float32) for d in _CSV_ZEN}
    space = NB201Space()
    try:
        with gzip.open(path, "rt", newline="") if str(path).endswith(".gz") else open(path, newline="") as fh:
            reader = csv.DictReader(fh)
            missing = {"index", "arch_str"} | {f[3] for f in fields} | set(_CSV_ZEN.values())
            missing -= set(reader.fieldnames or ())
            if missing:
                raise DataError(f"{path} is not the NB201 CSV: missing columns {', '.join(sorted(missing))}")
            for line, row in enumerate(reader, start=2):
                try:
                    code = cell_code(space.parse(row["arch_str"]))
                    index[code] = int(row["index"])
                    for f in fields:
                        values[f][code] = float(row[f[3]])
                    for dataset, name in _CSV_ZEN.items():
                        zen[dataset][code] = float(row[name])
                except (ValueError, TypeError) as exc:
                    raise DataError(f"{path} line {line}: {exc}; the file is corrupt, fetch it again") from None
    except (OSError, EOFError, gzip.BadGzipFile, csv.Error, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read {path} ({exc}); the file is corrupt or not the NB201 CSV") from None
    if (index < 0).any():
        raise DataError(f"{path} covers {int((index >= 0).sum())} of {n} NB201 cells; the file is truncated")
    cells = _cells_in_code_order()
    columns: dict[str, np.ndarray] = {"cells": cells, "index": index}
    for (dataset, fid, kind, _), col in values.items():
        columns[column_name(dataset, fid, f"{kind}_accuracy")] = col
    for dataset, col in zen.items():  # -1e8 marks cells where Zen is undefined (no input→output path)
        columns[f"{dataset}:proxy:zen"] = np.where(col <= INVALID_ZEN, np.nan, col).astype(np.float32)
    _with_costs(columns, cells)
    meta = {"benchmark": "nb201", "source": Path(path).name,
            "cost": f"estimated: {EPOCH_OVERHEAD_SECONDS} s + 6·FLOPs·images / {EFFECTIVE_FLOPS_PER_SECOND:.1e} "
                    "per epoch (no measured times in this source)"}
    return Table(columns, meta)


def import_naslib_pickle(path: str | Path) -> Table:
    """Read a NASLib NB201 pickle: full learning curves (fidelities 1..200) and measured times.

    Only the 200-epoch schedule is in these files; each epoch's validation accuracy becomes the
    fidelity of that many epochs (what a user would see stopping training there).
    """
    try:
        with open(path, "rb") as fh:
            data = pickle.load(fh)  # noqa: S301 - the user imports a file they chose, as NASLib does
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, IndexError) as exc:
        raise DataError(f"cannot read {path} as a NASLib NB201 pickle ({exc}); fetch the file again") from None
    if not isinstance(data, dict) or not data:
        raise DataError(f"{path} is not a NASLib NB201 pickle: expected a dict of arch strings")
    space = NB201Space()
    n = NUM_CELLS
    columns: dict[str, np.ndarray] = {}

    def column(dataset: str, epoch: int, metric: str) -> np.ndarray:
        name = column_name(dataset, int(epoch), metric)
        if name not in columns:
            columns[name] = np.full(n, np.nan)
        return columns[name]

    present = np.zeros(n, dtype=bool)
    for arch_str, record in data.items():
        try:
            code = cell_code(space.parse(arch_str))
        except ArchitectureError as exc:
            raise DataError(f"{path}: key {arch_str!r} is not an NB201 cell ({exc})") from None
        if not isinstance(record, dict):
            raise DataError(f"{path}: the record of {arch_str} is not a dict; not a NASLib NB201 pickle")
        present[code] = True
        for naslib_name, dataset in _NASLIB_DATASETS.items():
            info = record.get(naslib_name)
            if info is None:
                continue
            try:
                curve = np.asarray(info.get("eval_acc1es", ()), dtype=np.float64)
                times = np.asarray(info.get("train_times", ()), dtype=np.float64)
                per_epoch = float((info.get("cost_info") or {}).get("train_time", math.nan))
            except (AttributeError, TypeError, ValueError) as exc:
                raise DataError(f"{path}: the {arch_str}/{naslib_name} record is malformed ({exc}); "
                                "not a NASLib NB201 pickle") from None
            if curve.ndim != 1 or len(curve) == 0:
                raise DataError(f"{path}: {arch_str}/{naslib_name} has no 'eval_acc1es' learning curve")
            epochs = np.arange(1, len(curve) + 1)
            spent = np.cumsum(times[:len(curve)]) if len(times) >= len(curve) else per_epoch * epochs
            for epoch, acc, seconds in zip(epochs, curve, spent):
                column(dataset, epoch, "val_accuracy")[code] = acc
                if not math.isnan(seconds):
                    column(dataset, epoch, "train_seconds")[code] = seconds
    if not columns:
        raise DataError(f"{path} holds no cifar10-valid, cifar100 or ImageNet16-120 records")
    cells = _cells_in_code_order()
    columns.update(cells=cells, present=present)
    _with_costs(columns, cells)
    return Table(columns, {"benchmark": "nb201", "source": Path(path).name, "schedule_epochs": NASLIB_EPOCHS,
                           "cost": "measured train_times from the source where present, else estimated"})


def import_file(path: str | Path) -> Table:
    """Import any supported NB201 source, chosen by its file name's extension."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path} does not exist; give the path of an NB201 CSV or NASLib pickle")
    if path.name.endswith((".csv", ".csv.gz")):
        return import_csv(path)
    if path.name.endswith((".pickle", ".pkl")):
        return import_naslib_pickle(path)
    if path.name.endswith(".npz"):
        return Table.load(path)
    raise DataError(f"{path.name}: unknown NB201 format; nasloop reads the compact CSV (.csv/.csv.gz), "
                    "NASLib pickles (.pickle) and its own tables (.npz)")


def merge(tables: list[Table]) -> Table:
    """Combine tables from several sources, later ones winning.

    A table that covers only some cells (a NASLib pickle holds the cells it was given) marks them
    in its ``present`` column and overrides numbers only there. Its numbers come from one training
    schedule (``schedule_epochs`` in its metadata); at any shorter fidelity it replaces the whole
    ``dataset@fidelity`` group on its cells, so metrics it lacks become NaN there rather than
    mixing in numbers from another run (NASLib's epoch 12 of a 200-epoch run is not the CSV's
    12-epoch run, while its epoch 200 is the CSV's 200-epoch run).
    """
    columns: dict[str, np.ndarray] = {}
    for table in tables:
        mask = table.columns.get("present")
        if mask is not None:
            schedule = table.meta.get("schedule_epochs")
            groups = {name.split(":")[0] for name in table.columns if "@" in name}
            for name in [n for n in columns if "@" in n and n not in table.columns]:
                group = name.split(":")[0]
                if group in groups and int(group.split("@")[1]) != schedule:
                    columns[name] = np.where(mask, np.nan, columns[name])
        for name, col in table.columns.items():
            if name == "present":
                continue
            if mask is None or name not in columns or col.dtype.kind != "f":
                columns[name] = col
            else:
                columns[name] = np.where(mask, col, columns[name])
    meta = {"benchmark": "nb201", "source": " + ".join(str(t.meta.get("source")) for t in tables),
            "cost": "; ".join(sorted({str(t.meta.get("cost")) for t in tables}))}
    return Table(columns, meta)


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> Table:
    return import_file(path)


def load_table(data_dir: str | os.PathLike | None = None) -> Table:
    """The NB201 table: our own ``nb201.npz`` if imported, else the CSV read directly.

    Loaded once per process (and again only if the file changes), so evaluators shipped to many
    workers each pay the load once.
    """
    path = find_file((TABLE_FILE, CSV_FILE), data_dir, HOW_TO_GET)
    return _load(str(path), path.stat().st_mtime)


COUNT_PROXIES = {"params": "params_m", "flops": "flops_m"}  # proxy name → the table's column


@register_benchmark_table("nb201")
class NB201Benchmark:
    """Tabular NB201 lookups: validation and test accuracy kept apart, training time as cost."""

    space = "nb201"
    datasets = ("cifar10", "cifar100", "ImageNet16-120")

    def __init__(self, dataset: str = "cifar10", data_dir: str | os.PathLike | None = None) -> None:
        self.dataset = canonical_dataset(dataset)
        self.table = load_table(data_dir)
        self._cols = self.table.columns
        self.fidelities = sorted({int(c.split("@")[1].split(":")[0]) for c in self._cols
                                  if c.startswith(f"{self.dataset}@") and c.endswith(":val_accuracy")})
        if not self.fidelities:
            raise DataError(f"the NB201 table ({self.table.meta.get('source')}) has no {self.dataset} data; "
                            "import a source that covers it")

    @property
    def default_fidelity(self) -> int:
        return max(self.fidelities)

    def check_fidelity(self, fidelity: int | None) -> int:
        fidelity = self.default_fidelity if fidelity is None else int(fidelity)
        if fidelity not in self.fidelities:
            shown = ", ".join(map(str, self.fidelities[:12])) + (" ..." if len(self.fidelities) > 12 else "")
            raise UnsupportedError(f"NB201 {self.dataset} has no {fidelity}-epoch results; available: {shown}")
        return fidelity

    def query(self, arch: tuple[int, ...], fidelity: int | None = None) -> Result:
        fidelity = self.check_fidelity(fidelity)
        row = cell_code(arch)
        metrics: dict[str, Any] = {}
        for metric in ("val_accuracy", "test_accuracy"):
            col = self._cols.get(column_name(self.dataset, fidelity, metric))
            if col is not None and not math.isnan(col[row]):
                metrics[metric] = float(col[row])
        for metric in ("params_m", "flops_m"):
            metrics[metric] = float(self._cols[f"{self.dataset}:{metric}"][row])
        seconds = self._cols.get(column_name(self.dataset, fidelity, "train_seconds"))
        cost = float(seconds[row]) if seconds is not None and not math.isnan(seconds[row]) else 0.0
        if "val_accuracy" not in metrics:
            return Result.failed(f"no {fidelity}-epoch {self.dataset} result for this cell in the table", cost)
        return Result(metrics=metrics, cost=cost)

    def cells_by_index(self) -> list[tuple[int, ...]]:
        """Every cell in the order of its official NB201 index, the order published train/test splits use."""
        index = self._cols.get("index")
        if index is None:
            raise DataError(f"the NB201 table ({self.table.meta.get('source')}) has no official cell index; "
                            f"import {CSV_FILE}, which carries it")
        return [tuple(int(o) for o in cell) for cell in self._cols["cells"][np.argsort(index, kind="stable")]]

    def proxy_names(self) -> list[str]:
        prefix = f"{self.dataset}:proxy:"
        return sorted([c[len(prefix):] for c in self._cols if c.startswith(prefix)] + list(COUNT_PROXIES))

    def proxy_scores(self, archs: list[tuple[int, ...]], proxy: str) -> np.ndarray:
        """Stored zero-cost proxy scores (NaN where undefined) for ``archs``.

        ``params`` and ``flops`` are proxies too (the cheapest of every zero-cost suite); they are
        the table's own counts, computed for every cell at import.
        """
        column = f"{self.dataset}:{COUNT_PROXIES[proxy]}" if proxy in COUNT_PROXIES else f"{self.dataset}:proxy:{proxy}"
        col = self._cols.get(column)
        if col is None:
            raise UnsupportedError(f"the NB201 table has no '{proxy}' scores for {self.dataset}; "
                                   f"it has: {', '.join(self.proxy_names()) or 'none'}")
        rows = np.fromiter((cell_code(a) for a in archs), dtype=np.int64, count=len(archs))
        return col[rows].astype(np.float64)

    def best(self, metric: str = "val_accuracy", fidelity: int | None = None) -> tuple[tuple[int, ...], float]:
        """The best cell of the table by ``metric`` (for reporting regret, never for searching)."""
        col = self._cols[column_name(self.dataset, fidelity or self.default_fidelity, metric)]
        row = int(np.nanargmax(col))
        return tuple(int(o) for o in self._cols["cells"][row]), float(col[row])
