"""HW-NAS-Bench's hardware costs of every NB201 cell, served as metrics of the NB201 benchmark.

HW-NAS-Bench (Li et al., ICLR 2021) measured or estimated latency and energy of all 15,625
NB201 networks on six devices (edge GPU, Raspberry Pi 4, edge TPU, Pixel 3, Eyeriss, FPGA) for
each of NB201's datasets. With ``nb201_hw_metrics.csv.gz`` (shipped in shared/data) or the benchmark's
published ``HW-NAS-Bench-v1_0.pickle`` (the root of github.com/GATECH-EIC/HW-NAS-Bench: ``{"nasbench201":
{dataset: {metric: [one value per NB201 index], "config": [{"arch_str": ...}, ...]}}}``) in the data folder,
every NB201 lookup also reports them (``edgegpu_latency``, ``fpga_energy``...), so multi-objective searches
trade accuracy against a device's cost: ``--objectives val_accuracy:max,edgegpu_latency:min``.
Without either the metrics are simply absent. Both are read as untrusted input (the pickle with the
plain-data unpickler): every row must name a valid cell and hold finite numbers. ``edgetpu_latency``
is -1 on the 4,699 cells the Edge TPU compiler refused (HW-NAS-Bench's marker for "not measured"):
those cells have no such metric, so a search minimising it never takes -1 ms for the fastest network.
"""
from __future__ import annotations

import csv
import math
import sys
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np

from ...engine.data.parsed_cache import cached_columns
from ...engine.data.paths import FileVersion, first_data_file
from ...engine.data.safe_pickle import load_pickle
from ...engine.data.sniff import gzip_text
from ...engine.errors import ArchitectureError, DataError
from .cell import cell_code, codes_by_text
from .space import NB201Space

HW_FILE = "nb201_hw_metrics.csv.gz"
HW_PICKLE = "HW-NAS-Bench-v1_0.pickle"
HW_SOURCES = f"{HW_PICKLE} is in the root of github.com/GATECH-EIC/HW-NAS-Bench, {HW_FILE} shipped in shared/data"
HW_HOW_TO_GET = (f"get HW-NAS-Bench's {HW_PICKLE} (in the root of github.com/GATECH-EIC/HW-NAS-Bench) or nasloop's "
                 f"{HW_FILE} (shipped in shared/data), and put it in --data-dir or $NASLOOP_DATA")
METRICS = ("edgegpu_latency", "edgegpu_energy", "raspi4_latency", "edgetpu_latency", "pixel3_latency",
           "eyeriss_latency", "eyeriss_energy", "eyeriss_arithmetic_intensity", "fpga_latency", "fpga_energy")
UNITS = {name: "ms" if name.endswith("latency") else "mJ" for name in METRICS if name.endswith(("latency", "energy"))}
"""HW-NAS-Bench's units, per image (its issue #7); the arithmetic intensity has none."""
DATASET_SUFFIX = {"cifar10": "cifar10", "cifar100": "cifar100", "ImageNet16-120": "imagenet16"}
NUM_CELLS = 15_625
NOT_COMPILED = -1.0
"""HW-NAS-Bench's edgetpu_latency for a cell the Edge TPU compiler refused."""
SIGNIFICANT = 12
"""Digits kept of each figure. The Eyeriss figures are sums of per-layer ones, so equal costs differ in the 16th
digit (4.8744200000000015 and 4.874420000000002 ms): unrounded, a cell slower-equal and less accurate than another
stayed on a Pareto front, the tie being split. Twelve digits join them (eyeriss_latency's 38 values on CIFAR-10 are
27) and keep every measured latency distinct."""


def find_hardware_file(data_dir: str | None) -> Path | None:
    """The hardware file in the data folders (nasloop's CSV first, else the published pickle), or None (the metrics
    are optional)."""
    return first_data_file((HW_FILE, HW_PICKLE), data_dir)


def _columns() -> dict[str, str]:
    """The file's metric columns (``edgegpu_latency_cifar10``...) → the benchmark's metric (``cifar10:...``)."""
    return {f"{m}_{s}": f"{d}:{m}" for d, s in DATASET_SUFFIX.items() for m in METRICS}


def holds_hardware(header: list[str]) -> bool:
    """Whether a CSV ``header`` is this file's, whatever the file is named (a copy renamed to a table's name)."""
    return {"arch_str", *_columns()} <= set(header)


def _kept(key: str, value: float) -> float:
    """One figure of a cell as kept: edgetpu_latency's -1 (not compiled) as no value, every other to
    :data:`SIGNIFICANT` digits."""
    missing = key.endswith(":edgetpu_latency") and value == NOT_COMPILED
    return math.nan if missing else float(f"{value:.{SIGNIFICANT}g}")


@lru_cache(maxsize=2)
def load_hardware(path: str, version: FileVersion) -> dict[str, np.ndarray]:
    """``{"<dataset>:<metric>": values in cell-code order}`` from the file at ``path``, the CSV or the pickle: the
    CSV's parsed columns kept on disk for the next process (:mod:`...engine.data.parsed_cache`)."""
    if Path(path).name == HW_PICKLE:
        return _read_checked(path)
    code = (sys.modules[__name__], sys.modules[cell_code.__module__])  # the cell module by name: no import cycle
    return cached_columns(path, "nb201-hw", code, lambda: _read_checked(path), _whole)


def _whole(columns: dict[str, np.ndarray]) -> bool:
    """Whether kept columns are this file's: every metric, one float per cell."""
    return (set(columns) == set(_columns().values())
            and all(c.dtype == np.float64 and c.shape == (NUM_CELLS,) and not np.isinf(c).any()
                    for c in columns.values()))


def _read_checked(path: str) -> dict[str, np.ndarray]:
    """The file's columns, read and checked: a damaged file refused in one line."""
    columns = {f"{d}:{m}": np.full(NUM_CELLS, np.nan) for d in DATASET_SUFFIX for m in METRICS}
    seen = np.zeros(NUM_CELLS, dtype=bool)
    try:
        (_read_pickle if Path(path).name == HW_PICKLE else _read_csv)(path, columns, seen)
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, csv.Error) as exc:  # zlib: damaged mid-file
        raise DataError(f"cannot read {path}: {exc}; {_again(path)}") from None
    except (ArchitectureError, ValueError, TypeError, IndexError) as exc:  # IndexError: a list short of a config
        raise DataError(f"{path} holds a row that is not an NB201 cell with numbers ({exc}); "
                        f"{_again(path)}") from None
    if not seen.all():
        raise DataError(f"{path} does not cover all {NUM_CELLS} NB201 cells; {_again(path)}")
    return columns


def _again(path: str) -> str:
    """'get <the file> again (where both come from)': the refusals of a damaged file said 'as the data README says',
    a file a fresh machine does not have."""
    return f"get {Path(path).name} again ({HW_SOURCES})"


def _read_csv(path: str, columns: dict[str, np.ndarray], seen: np.ndarray) -> None:
    """nasloop's CSV: one row per cell, a column per metric and dataset. Rows are read as lists and each column
    stored at once: a DictReader's dict per row, a parse of each cell's string and a call per figure (468,750) took
    1.2-2.8 s of every process's first NB201 lookup, a search's, a study's and each Ray worker's."""
    space, codes_of = NB201Space(), codes_by_text()
    with gzip_text(path) as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        wanted = _columns()
        missing = sorted((set(wanted) | {"arch_str"}) - set(header))
        if missing:
            raise DataError(f"{path} is not the HW-NAS-Bench NB201 file: it lacks the column '{missing[0]}'; "
                            f"{_again(path)}")
        position = {name: i for i, name in enumerate(header)}  # a repeated name's last column, as DictReader read
        arch_at, at = position["arch_str"], [position[column] for column in wanted]
        codes, figures = [], []
        for line, row in enumerate(filter(None, reader), start=2):  # blank lines skipped, as DictReader skipped
            text = row[arch_at]
            code = codes_of.get(text)
            codes.append(cell_code(space.parse(text)) if code is None else code)
            values = [float(row[i]) for i in at]
            if not all(map(math.isfinite, values)):
                column = next(c for c, v in zip(wanted, values) if not math.isfinite(v))
                raise DataError(f"{path} line {line}: {column} is {row[position[column]]!r}, not a finite number")
            figures.append(values)
    rows = np.array(codes, dtype=np.intp)
    for key, column in zip(wanted.values(), zip(*figures)):
        columns[key][rows] = [_kept(key, value) for value in column]
    seen[rows] = True


def _read_pickle(path: str, columns: dict[str, np.ndarray], seen: np.ndarray) -> None:
    """HW-NAS-Bench's published pickle: per dataset, each metric's list and the cells' configs, by NB201 index."""
    space = NB201Space()
    data = load_pickle(path)
    tables = data.get("nasbench201") if isinstance(data, dict) else None
    for dataset in DATASET_SUFFIX:
        table = tables.get(dataset) if isinstance(tables, dict) else None
        configs = table.get("config") if isinstance(table, dict) else None
        if not isinstance(configs, list) or any(not isinstance(table.get(m), (list, np.ndarray)) for m in METRICS):
            raise DataError(f"{path} is not HW-NAS-Bench's {HW_PICKLE}: it has no nasbench201 {dataset} configs "
                            f"and metric lists; {_again(path)}")
        for index, config in enumerate(configs):
            code = cell_code(space.parse(config.get("arch_str") if isinstance(config, dict) else config))
            for metric in METRICS:
                value = float(table[metric][index])
                if not math.isfinite(value):
                    raise DataError(f"{path}: nasbench201 {dataset} {metric} of index {index} is {value!r}, not a "
                                    "finite number")
                columns[f"{dataset}:{metric}"][code] = _kept(f"{dataset}:{metric}", value)
            seen[code] = True
