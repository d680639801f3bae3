"""NAS-Bench-201 importers: public formats into nasloop's own table.

Sources understood:

* the compact CSV ``nasbench201_all.csv.gz`` (all 15,625 cells; 200- and 12-epoch accuracies);
* NASLib's ``nb201_<dataset>_full_training.pickle`` layout
  (``{arch_str: {dataset: {"eval_acc1es": [...], "train_times": [...], "cost_info": {...}}}}``),
  whose per-epoch learning curves become fidelities 1..200 of the 200-epoch schedule and whose
  measured training times become the cost. Pickles are read with nasloop's restricted unpickler,
  so a hostile file runs no code.

Neither the CSV nor the 12-epoch data carries training times; there the cost is an estimate
proportional to the network's FLOPs (see :func:`estimated_epoch_seconds`), recorded in the
table's metadata and marked on every result so nobody mistakes it for a measurement.
"""
from __future__ import annotations

import csv
import math
import sys
import zlib
from pathlib import Path

import numpy as np

from ...engine.data import table as table_code
from ...engine.data.parsed_cache import cached_columns
from ...engine.data.safe_pickle import load_pickle
from ...engine.data.sniff import gzip_text, is_gzip
from ...engine.data.numbers import file_number, file_numbers
from ...engine.data.table import Table, column_name, covered_groups, held_rows
from ...engine.errors import ArchitectureError, DataError
from .cell import NUM_CELLS, cell_code, codes_by_text
from .cost import nb201_params_flops
from .space import NB201Space

CSV_FILE = "nasbench201_all.csv.gz"
DATASETS = ("cifar10", "cifar100", "ImageNet16-120")
# (input size, classes, training images) of each dataset as NB201 trains on it (cifar10: the
# 25,000-image half of the "cifar10-valid" split).
TRAINING_SETS = {"cifar10": (32, 10, 25_000), "cifar100": (32, 100, 50_000), "ImageNet16-120": (16, 120, 151_700)}
# CSV column prefixes: cifar10's validation numbers come from NB201's "cifar10-valid" setting.
_CSV_VAL = {"cifar10": "cifar10valid", "cifar100": "cifar100", "ImageNet16-120": "imagenet16"}
_CSV_TEST = {"cifar10": "cifar10", "cifar100": "cifar100", "ImageNet16-120": "imagenet16"}
_CSV_ZEN = {"cifar10": "zen_cifar10", "cifar100": "zen_cifar100", "ImageNet16-120": "zen_imagenet16"}
INVALID_ZEN = -1e7
NASLIB_EPOCHS = 200  # NASLib's pickles hold the 200-epoch schedule's learning curves
NASLIB_DATASETS = {"cifar10-valid": "cifar10", "cifar100": "cifar100", "ImageNet16-120": "ImageNet16-120"}
NOT_NASLIB = "not a NASLib NB201 pickle, or a damaged one: get the file again"

# Cost model for tables without measured times: a GPU trains these small networks at an
# effective rate far below peak (they are launch-bound), plus a fixed per-epoch overhead.
EFFECTIVE_FLOPS_PER_SECOND = 2.0e12
EPOCH_OVERHEAD_SECONDS = 2.0


def estimated_epoch_seconds(flops_m: np.ndarray, dataset: str) -> np.ndarray:
    """Estimated seconds for one training epoch: forward+backward ≈ 3× the forward multiply-adds."""
    _, _, images = TRAINING_SETS[dataset]
    return EPOCH_OVERHEAD_SECONDS + images * 3 * 2 * flops_m * 1e6 / EFFECTIVE_FLOPS_PER_SECOND


def cells_in_code_order() -> np.ndarray:
    return np.asarray(list(NB201Space().enumerate()), dtype=np.uint8)


def _with_costs(columns: dict[str, np.ndarray], cells: np.ndarray) -> None:
    """Add params/FLOPs columns and estimated costs for every dataset/fidelity lacking measured ones.

    An estimated cost is also recorded in a ``:cost_estimated`` column, so each result says which it is.
    """
    for dataset, (size, classes, _) in TRAINING_SETS.items():
        params, flops = nb201_params_flops(cells, num_classes=classes, input_size=size)
        columns[f"{dataset}:params_m"] = params
        columns[f"{dataset}:flops_m"] = flops
        per_epoch = estimated_epoch_seconds(flops, dataset)
        for name in [c for c in columns if c.startswith(f"{dataset}@") and c.endswith(":val_accuracy")]:
            fidelity = int(name.split("@")[1].split(":")[0])
            seconds = column_name(dataset, fidelity, "train_seconds")
            estimated = np.isnan(columns[seconds]) if seconds in columns else np.ones(len(cells), dtype=bool)
            measured = columns.get(seconds, np.full(len(cells), np.nan))
            columns[seconds] = np.where(estimated, per_epoch * fidelity, measured)
            columns[column_name(dataset, fidelity, "cost_estimated")] = estimated


def recognise(path: Path, head: str) -> str | None:
    """The NB201 source ``head`` (the file's first decompressed text) belongs to, if any."""
    header = (head.splitlines()[0] if head else "").split(",")
    if "index" in header and "arch_str" in header and any(c.endswith(("_200", "_12")) for c in header):
        return "the compact NB201 CSV"
    return None


def import_csv(path: str | Path) -> Table:
    """Read the compact NB201 CSV (every cell, 200- and 12-epoch accuracies): its parsed columns kept on disk for
    the next process (:mod:`...engine.data.parsed_cache`), checked again as a table on every load."""
    modules = (__name__, cell_code.__module__, nb201_params_flops.__module__, NB201Space.__module__)  # by name: an
    code = (*(sys.modules[name] for name in modules), table_code)  # import of the package here would be a cycle
    columns = cached_columns(path, "nb201-csv", code, lambda: _csv_columns(path), _whole)
    meta = {"benchmark": "nb201", "key": "index", "source": Path(path).name,
            "cost": f"estimated: {EPOCH_OVERHEAD_SECONDS} s + 6·FLOPs·images / {EFFECTIVE_FLOPS_PER_SECOND:.1e} "
                    "per epoch (no measured times in this source)"}
    return Table(columns, meta)


def _whole(columns: dict[str, np.ndarray]) -> bool:
    """Whether kept columns are a whole table of the CSV: NB201's cells in order, each cell's official index once,
    and every column one value per cell (the table checks their numbers)."""
    index = columns.get("index")
    return (all(c.shape[:1] == (NUM_CELLS,) for c in columns.values()) and "cells" in columns
            and index is not None and np.array_equal(np.sort(index), np.arange(NUM_CELLS))
            and np.array_equal(columns["cells"], cells_in_code_order()))


def _csv_columns(path: str | Path) -> dict[str, np.ndarray]:
    """The CSV's columns, read and checked: a damaged file refused in one line."""
    n = NUM_CELLS
    index = np.full(n, -1, dtype=np.int32)
    fields = [(d, fid, kind, f"{(_CSV_VAL if kind == 'val' else _CSV_TEST)[d]}_{kind}_{fid}")
              for d in DATASETS for fid in (200, 12) for kind in ("val", "test")]
    values = {f: np.full(n, np.nan) for f in fields}
    zen = {d: np.full(n, np.nan, dtype=np.float32) for d in _CSV_ZEN}
    space, codes_of = NB201Space(), codes_by_text()
    first_line = np.zeros(n, dtype=np.int64)  # where each cell was read: a second row for it is refused
    try:
        # utf-8-sig: a CSV re-saved by a Windows tool starts with a BOM, which is recognised as the CSV (sniff drops
        # it) and then read into the first column's name: 'missing columns index' of a file that has it
        with (gzip_text(path, encoding="utf-8-sig") if is_gzip(path)
              else open(path, newline="", encoding="utf-8-sig")) as fh:
            reader = csv.DictReader(fh)
            missing = {"index", "arch_str"} | {f[3] for f in fields} | set(_CSV_ZEN.values())
            missing -= set(reader.fieldnames or ())
            if missing:
                raise DataError(f"{path} is not the NB201 CSV: missing columns {', '.join(sorted(missing))}")
            for line, row in enumerate(reader, start=2):
                try:
                    code = codes_of.get(row["arch_str"])  # a string written as nasloop writes it, else parsed
                    code = cell_code(space.parse(row["arch_str"])) if code is None else code
                    if first_line[code]:
                        raise DataError(f"{path} line {line} repeats the cell of line {first_line[code]}; the file "
                                        "is damaged or edited: fetch it again")
                    first_line[code] = line
                    if not 0 <= int(row["index"]) < n:  # -7 read as 'the file is truncated', 2**40 an OverflowError
                        raise ValueError(f"index {row['index']} is outside the official 0..{n - 1}")
                    index[code] = int(row["index"])
                    for f in fields:
                        values[f][code] = float(row[f[3]])
                    for dataset, name in _CSV_ZEN.items():
                        zen[dataset][code] = float(row[name])
                except (ValueError, TypeError) as exc:
                    raise DataError(f"{path} line {line}: {exc}; the file is corrupt, fetch it again") from None
    except (OSError, EOFError, zlib.error, csv.Error, UnicodeDecodeError) as exc:  # zlib: damaged mid-file
        raise DataError(f"cannot read {path} ({exc}); the file is corrupt or not the NB201 CSV") from None
    if (index < 0).any():
        raise DataError(f"{path} covers {int((index >= 0).sum())} of {n} NB201 cells; the file is truncated")
    cells = cells_in_code_order()
    columns: dict[str, np.ndarray] = {"cells": cells, "index": index}
    for (dataset, fid, kind, _), col in values.items():
        columns[column_name(dataset, fid, f"{kind}_accuracy")] = col
    for dataset, col in zen.items():  # -1e8 marks cells where Zen is undefined (no input→output path)
        columns[f"{dataset}:proxy:zen"] = np.where(col <= INVALID_ZEN, np.nan, col).astype(np.float32)
    _with_costs(columns, cells)
    return columns


def looks_like_naslib_nb201(data: object) -> bool:
    """Whether a loaded pickle has NASLib's NB201 layout: arch strings → per-dataset records."""
    if not isinstance(data, dict) or not data:
        return False
    key, record = next(iter(data.items()))
    return isinstance(key, str) and key.startswith("|") and isinstance(record, dict)


_HEAD_BYTES = 1 << 16
_BOOKKEEPING = {"PROTO", "FRAME", "MEMOIZE", "BINPUT", "LONG_BINPUT", "PUT", "MARK"}
_STRINGS = {"SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE"}


def naslib_nb201_head(path: str | Path) -> bool | None:
    """Whether the pickle at ``path`` has NASLib's NB201 layout, read from its first opcodes (a dict whose first
    key is an arch string and whose first value a dict, as :func:`looks_like_naslib_nb201` checks once loaded);
    None where they do not say (another layout, a dict subclass, a gzipped file). Recognising a 58 MB pickle by
    loading it took 0.8 s, then the import loaded it again."""
    import pickletools

    try:
        with open(path, "rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except OSError:
        return None
    significant = []
    try:
        for op, arg, _ in pickletools.genops(head):
            if op.name not in _BOOKKEEPING:
                significant.append((op.name, arg))
            if len(significant) == 3:
                break
    except Exception:  # noqa: BLE001 - a head cut mid-opcode, or not a pickle: the full load decides
        return None
    names = [name for name, _ in significant]
    if names[:1] == names[2:] == ["EMPTY_DICT"] and names[1] in _STRINGS and str(significant[1][1]).startswith("|"):
        return True
    return None


def import_naslib_pickle(path: str | Path, data: object | None = None) -> Table:
    """Read a NASLib NB201 pickle: full learning curves (fidelities 1..200) and measured times.

    Only the 200-epoch schedule is in these files; each epoch's validation accuracy becomes the
    fidelity of that many epochs (what a user would see stopping training there). ``data`` is the
    already (safely) loaded pickle, when the caller has it.
    """
    data = load_pickle(path) if data is None else data
    if not looks_like_naslib_nb201(data):
        raise DataError(f"{path} is not a NASLib NB201 pickle: expected a dict of NB201 arch strings to "
                        "{'cifar10-valid': ..., 'cifar100': ..., 'ImageNet16-120': ...} records")
    space = NB201Space()
    columns: dict[str, np.ndarray] = {}

    def column(dataset: str, epoch: int, metric: str) -> np.ndarray:
        name = column_name(dataset, int(epoch), metric)
        if name not in columns:
            columns[name] = np.full(NUM_CELLS, np.nan)
        return columns[name]

    present = np.zeros(NUM_CELLS, dtype=bool)
    for arch_str, record in data.items():
        try:
            code = cell_code(space.parse(arch_str))
        except ArchitectureError as exc:
            raise DataError(f"{path}: key {str(arch_str)[:80]!r} is not an NB201 cell ({exc})") from None
        if not isinstance(record, dict):
            raise DataError(f"{path}: the record of {arch_str} is not a dict; not a NASLib NB201 pickle")
        present[code] = True
        for naslib_name, dataset in NASLIB_DATASETS.items():
            info = record.get(naslib_name)
            if info is None:
                continue
            where = f"{path}: {arch_str}/{naslib_name}"
            try:
                curve = file_numbers(info.get("eval_acc1es", ()), f"{where} eval_acc1es", NOT_NASLIB)
                times = file_numbers(info.get("train_times", ()), f"{where} train_times", NOT_NASLIB)
                per_epoch = file_number((info.get("cost_info") or {}).get("train_time", math.nan),
                                        f"{where} cost_info train_time", NOT_NASLIB)
            except (AttributeError, TypeError, ValueError) as exc:
                raise DataError(f"{path}: the {arch_str}/{naslib_name} record is malformed ({exc}); "
                                "not a NASLib NB201 pickle") from None
            if "eval_acc1es" not in info:
                raise DataError(f"{path}: {arch_str}/{naslib_name} has no 'eval_acc1es' learning curve; not a "
                                "NASLib NB201 pickle")
            if curve.ndim != 1 or len(curve) == 0:  # a 2-D one was said to be no curve at all
                raise DataError(f"{path}: {arch_str}/{naslib_name}: 'eval_acc1es' has shape {curve.shape}, expected "
                                f"(epochs,): one validation accuracy per epoch, 1 to {NASLIB_EPOCHS} of them; not a "
                                "NASLib NB201 pickle")
            if times.ndim != 1:  # a 2-D one was silently dropped (fewer rows than epochs) or summed across its rows
                raise DataError(f"{path}: {arch_str}/{naslib_name}: 'train_times' has shape {times.shape}, expected "
                                "(epochs,): one training time per epoch; not a NASLib NB201 pickle")
            if len(curve) > NASLIB_EPOCHS:  # each epoch is a column of every cell: 20,000 of them filled memory
                raise DataError(f"{path}: {arch_str}/{naslib_name} has a learning curve of {len(curve)} epochs, "
                                f"longer than NB201's {NASLIB_EPOCHS}-epoch schedule; not a NASLib NB201 pickle")
            epochs = np.arange(1, len(curve) + 1)
            spent = np.cumsum(times[:len(curve)]) if len(times) >= len(curve) else per_epoch * epochs
            for epoch, acc, seconds in zip(epochs, curve, spent):
                column(dataset, epoch, "val_accuracy")[code] = acc
                if not math.isnan(seconds):
                    column(dataset, epoch, "train_seconds")[code] = seconds
    if not columns:  # cells of no dataset: a table that held them and no result of any, 'wrote (3 architectures)'
        first = next(iter(data.values()))
        held = ", ".join(map(str, list(first)[:5])) or "nothing"
        raise DataError(f"{path}: no record holds a dataset NASLib's NB201 pickles name ({', '.join(NASLIB_DATASETS)})"
                        f"; the first holds {held}: not a NASLib NB201 pickle")
    cells = cells_in_code_order()
    columns.update(cells=cells, present=present)
    _with_costs(columns, cells)
    return Table(columns, {"benchmark": "nb201", "key": "index", "source": Path(path).name,
                           "schedule_epochs": NASLIB_EPOCHS,
                           "cost": "measured train_times from the source where present, else estimated"})


def merge(tables: list[Table]) -> Table:
    """Combine tables from several sources, later ones winning.

    A table that covers only some cells (a NASLib pickle holds the cells it was given) marks them
    in its ``present`` column and overrides numbers only there. Its numbers come from one training
    schedule (``schedule_epochs`` in its metadata); at any shorter fidelity it replaces the whole
    ``dataset@fidelity`` group on its cells, so metrics it lacks become NaN there rather than
    mixing in numbers from another run (NASLib's epoch 12 of a 200-epoch run is not the CSV's
    12-epoch run, while its epoch 200 is the CSV's 200-epoch run). A group it holds no accuracy of
    on a cell (a NaN in the file: no value) is left whole as the earlier tables had it, and so is any value a later
    file gives as NaN where it replaces no whole run (:func:`_written`).
    """
    columns: dict[str, np.ndarray] = {}
    for table in tables:
        mask = table.columns.get("present")
        covered = covered_groups(table, np.ones(len(table), dtype=bool) if mask is None else mask)
        if mask is not None:
            schedule = table.meta.get("schedule_epochs")
            for name in [n for n in columns if "@" in n and n not in table.columns]:
                group = name.split(":")[0]
                if group in covered and int(group.split("@")[1]) != schedule:
                    columns[name] = np.where(covered[group], np.nan, columns[name])
        for name, col in table.columns.items():
            if name == "present":
                continue
            if name not in columns or col.dtype.kind not in "fb":
                columns[name] = col
            else:
                columns[name] = np.where(_written(name, col, covered, mask, table.meta.get("schedule_epochs")), col,
                                         columns[name])
    masks = [table.columns.get("present") for table in tables]
    if all(mask is not None for mask in masks):  # pickles only: the cells they hold, which an import counts
        columns["present"] = np.logical_or.reduce(masks)
    meta = {"benchmark": "nb201", "key": "index", "source": " + ".join(str(t.meta.get("source")) for t in tables),
            "cost": "; ".join(sorted({str(t.meta.get("cost")) for t in tables}))}
    return Table(columns, meta)


def _written(name: str, col: np.ndarray, covered: dict[str, np.ndarray], mask: np.ndarray | None,
             schedule: object) -> np.ndarray:
    """The rows of column ``name`` a later table writes over the earlier ones': a pickle's run at a fidelity short of
    its schedule replaces the group whole on the cells it covers (a NaN included: the CSV's value there is another
    run's); anywhere else a NaN is no value, keeping an earlier file's, as the README says (a CSV's NaN, or a
    pickle's NaN validation accuracy at 200 epochs, wiped the CSV's and left the cell without a result)."""
    group = name.split(":")[0]
    if mask is not None and group in covered and int(group.split("@")[1]) != schedule:
        return covered[group]
    held = held_rows(name, col, covered)
    return held if mask is None else held & mask
