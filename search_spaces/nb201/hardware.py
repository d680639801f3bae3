"""HW-NAS-Bench's hardware costs of every NB201 cell, served as metrics of the NB201 benchmark.

HW-NAS-Bench (Li et al., ICLR 2021) measured or estimated latency and energy of all 15,625
NB201 networks on six devices (edge GPU, Raspberry Pi 4, edge TPU, Pixel 3, Eyeriss, FPGA) for
each of NB201's datasets. With ``nb201_hw_metrics.csv.gz`` in the data folder, every NB201
lookup also reports them (``edgegpu_latency``, ``fpga_energy``...), so multi-objective searches
trade accuracy against a device's cost: ``--objectives val_accuracy:max,edgegpu_latency:min``.
Without the file the metrics are simply absent. The file is read as untrusted input: every row
must name a valid cell and hold finite numbers. ``edgetpu_latency`` is -1 on the 4,699 cells the
Edge TPU compiler refused (HW-NAS-Bench's marker for "not measured"): those cells have no such
metric, so a search minimising it never takes -1 ms for the fastest network.
"""
from __future__ import annotations

import csv
import gzip
import math
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np

from ...engine.data.paths import first_data_file
from ...engine.errors import ArchitectureError, DataError
from .cell import cell_code
from .space import NB201Space

HW_FILE = "nb201_hw_metrics.csv.gz"
HW_HOW_TO_GET = (f"get {HW_FILE} (shipped in shared/data; see the README's 'Data' section) and put it in --data-dir "
                 "or $NASLOOP_DATA")
METRICS = ("edgegpu_latency", "edgegpu_energy", "raspi4_latency", "edgetpu_latency", "pixel3_latency",
           "eyeriss_latency", "eyeriss_energy", "eyeriss_arithmetic_intensity", "fpga_latency", "fpga_energy")
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
    """The hardware file in the data folders, or None (the metrics are optional)."""
    return first_data_file((HW_FILE,), data_dir)


def _columns() -> dict[str, str]:
    """The file's metric columns (``edgegpu_latency_cifar10``...) → the benchmark's metric (``cifar10:...``)."""
    return {f"{m}_{s}": f"{d}:{m}" for d, s in DATASET_SUFFIX.items() for m in METRICS}


def holds_hardware(header: list[str]) -> bool:
    """Whether a CSV ``header`` is this file's, whatever the file is named (a copy renamed to a table's name)."""
    return {"arch_str", *_columns()} <= set(header)


@lru_cache(maxsize=2)
def load_hardware(path: str, mtime: float) -> dict[str, np.ndarray]:
    """``{"<dataset>:<metric>": values in cell-code order}`` from the file at ``path``."""
    space = NB201Space()
    columns = {f"{d}:{m}": np.full(NUM_CELLS, np.nan) for d in DATASET_SUFFIX for m in METRICS}
    seen = np.zeros(NUM_CELLS, dtype=bool)
    try:
        with gzip.open(path, "rt", newline="") as fh:
            reader = csv.DictReader(fh)
            wanted = _columns()
            missing = sorted((set(wanted) | {"arch_str"}) - set(reader.fieldnames or ()))
            if missing:
                raise DataError(f"{path} is not the HW-NAS-Bench NB201 file: it lacks the column '{missing[0]}'; "
                                f"get {HW_FILE} as the data README says")
            for line, row in enumerate(reader, start=2):
                code = cell_code(space.parse(row["arch_str"]))
                for column, key in wanted.items():
                    value = float(row[column])
                    if not math.isfinite(value):
                        raise DataError(f"{path} line {line}: {column} is {row[column]!r}, not a finite number")
                    missing = key.endswith(":edgetpu_latency") and value == NOT_COMPILED
                    columns[key][code] = math.nan if missing else float(f"{value:.{SIGNIFICANT}g}")
                seen[code] = True
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, csv.Error) as exc:  # zlib: damaged mid-file
        raise DataError(f"cannot read {path}: {exc}; get {HW_FILE} again as the data README says") from None
    except (ArchitectureError, ValueError) as exc:
        raise DataError(f"{path} holds a row that is not an NB201 cell with numbers ({exc}); "
                        f"get {HW_FILE} again as the data README says") from None
    if not seen.all():
        raise DataError(f"{path} does not cover all {NUM_CELLS} NB201 cells; get {HW_FILE} again")
    return columns
