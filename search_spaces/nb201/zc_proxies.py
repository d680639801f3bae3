"""NAS-Bench-Suite-Zero's 13 zero-cost proxies of every NB201 cell, served by the NB201 benchmark.

``nb201_zc_proxies.csv.gz`` (the suite's final release, see the data README) scores the 9,445
cells whose ops all lie on an input-to-output path, on CIFAR-10 and on ImageNet16-120. Every
other cell computes the same network as its live form (dead ops set to ``none``), so it reads
that cell's row: all 15,625 cells are covered. The suite marks a score it could not compute
(the all-``none`` cell's jacov, nwot, epe_nas, zen) with -1e8; those become NaN. Without the file
the proxies are simply absent (the table's own Zen, params and FLOPs remain). The file is read
as untrusted input: every row must name a valid cell and hold finite numbers.
"""
from __future__ import annotations

import csv
import gzip
import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from ...engine.data.paths import search_dirs
from ...engine.errors import ArchitectureError, DataError
from ..cell_space import live_cell
from .cell import NUM_CELLS, SPEC, cell_code

ZC_FILE = "nb201_zc_proxies.csv.gz"
PROXIES = ("synflow", "snip", "grasp", "fisher", "grad_norm", "jacov", "nwot", "epe_nas", "plain", "l2_norm", "zen",
           "flops", "params")
DATASET_SUFFIX = {"cifar10": "cifar10", "ImageNet16-120": "imagenet16"}  # the suite scored no CIFAR-100
INVALID = -1e8  # the suite's mark for a score it could not compute


def find_zc_file(data_dir: str | None) -> Path | None:
    """The proxy file in the data folders, or None (the proxies are optional)."""
    for folder in search_dirs(data_dir):
        if (folder / ZC_FILE).is_file():
            return folder / ZC_FILE
    return None


@lru_cache(maxsize=2)
def load_zc_proxies(path: str, mtime: float) -> dict[str, dict[str, np.ndarray]]:
    """``{dataset: {proxy: scores in cell-code order, NaN where undefined}}`` from the file at ``path``."""
    from .space import NB201Space

    space = NB201Space()
    wanted = {f"{p}_{suffix}": (dataset, p) for dataset, suffix in DATASET_SUFFIX.items() for p in PROXIES}
    rows: dict[int, dict[str, float]] = {}
    try:
        with gzip.open(path, "rt", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = sorted((set(wanted) | {"arch_str"}) - set(reader.fieldnames or ()))
            if missing:
                raise DataError(f"{path} is not NAS-Bench-Suite-Zero's NB201 proxy file: it lacks the column "
                                f"'{missing[0]}'; get {ZC_FILE} as the data README says")
            for line, row in enumerate(reader, start=2):
                cell = space.parse(row["arch_str"])
                if live_cell(SPEC, cell) != cell:
                    raise DataError(f"{path} line {line}: {row['arch_str']} has dead ops, and the file holds only "
                                    f"cells without; get {ZC_FILE} again as the data README says")
                values = {column: float(row[column]) for column in wanted}
                bad = next((c for c, v in values.items() if not math.isfinite(v)), None)
                if bad is not None:
                    raise DataError(f"{path} line {line}: {bad} is {row[bad]!r}, not a finite number")
                rows[cell_code(cell)] = values
    except (OSError, EOFError, UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"cannot read {path}: {exc}; get {ZC_FILE} again as the data README says") from None
    except (ArchitectureError, ValueError) as exc:
        raise DataError(f"{path} holds a row that is not an NB201 cell with numbers ({exc}); "
                        f"get {ZC_FILE} again as the data README says") from None
    live_codes = np.array([cell_code(live_cell(SPEC, cell)) for cell in space.enumerate()])
    absent = sorted(set(live_codes.tolist()) - set(rows))
    if absent:
        raise DataError(f"{path} does not cover every NB201 cell (no row for code {absent[0]}); get {ZC_FILE} again")
    out: dict[str, dict[str, np.ndarray]] = {d: {} for d in DATASET_SUFFIX}
    for column, (dataset, proxy) in wanted.items():
        by_code = np.full(NUM_CELLS, np.nan)
        for code, values in rows.items():
            by_code[code] = values[column] if values[column] != INVALID else np.nan
        out[dataset][proxy] = by_code[live_codes]  # enumeration order is cell-code order
    return out
