"""Importer for NASLib's NAS-Bench-101 pickle (``nasbench_only108.pkl``) into a nasloop table.

NASLib ships NB101 as a pickle so that it needs no TensorFlow; ``naslib/utils/nb101_api.py``
reads it as ``{module_hash: (fixed_statistics, computed_statistics)}``:

* ``module_hash``: the cell's 32-character md5 graph hash (NB101's lookup key);
* ``fixed_statistics``: ``{"module_adjacency": (k, k) int ndarray of the pruned cell (output last),
  "module_operations": ["input", op names..., "output"], "trainable_parameters": int}``;
* ``computed_statistics``: ``{epochs: [one dict per training run]}``, only ``{108: [3 runs]}`` in
  ``nasbench_only108.pkl`` (the full NB101 data also has 4, 12 and 36); each run holds
  ``final_/halfway_`` + ``training_time`` (seconds), ``train_accuracy``, ``validation_accuracy`` and
  ``test_accuracy`` (fractions in [0, 1]).

The table keeps the final metrics of each epoch budget, averaged over the runs, with accuracies
in percent like nasloop's other tables. The halfway numbers are not a budget of their own (they
sit mid-way through a longer run's learning-rate schedule), so they are left out.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from ...engine.data.numbers import file_number
from ...engine.data.safe_pickle import load_pickle
from ...engine.data.table import Table, column_name
from ...engine.errors import DataError, one_line
from .graph import MAX_NODES, OPS

DATASET = "cifar10"
INPUT, OUTPUT, PADDING = -1, -2, -3  # the `ops` column's codes for nodes that apply no op
_OP_IDS = {name: i for i, name in enumerate(OPS)}
_HASH = re.compile(r"[0-9a-f]{32}")
# table metric -> the run's key, and the factor from NASLib's units to the table's
_METRICS = {"val_accuracy": ("final_validation_accuracy", 100.0),
            "test_accuracy": ("final_test_accuracy", 100.0),
            "train_seconds": ("final_training_time", 1.0)}
_RECORD_ERRORS = (KeyError, TypeError, ValueError, IndexError, AttributeError)
EXPECTED = "{md5 cell hash: (fixed statistics, {epochs: [training runs]})}"


def looks_like_naslib_nb101(obj: Any) -> bool:
    """True if ``obj`` (a loaded pickle) has NASLib's NB101 layout, judged on its first record.

    A cheap content check for choosing an importer; :func:`import_naslib_pickle` checks every record.
    """
    if not isinstance(obj, dict) or not obj:
        return False
    key, value = next(iter(obj.items()))
    return (isinstance(key, str) and _HASH.fullmatch(key) is not None
            and isinstance(value, (tuple, list)) and len(value) == 2
            and isinstance(value[0], dict) and {"module_adjacency", "module_operations"} <= value[0].keys()
            and isinstance(value[1], dict))


def import_naslib_pickle(path: str | Path, data: object | None = None) -> Table:
    """Read NASLib's NB101 pickle: one row per cell, run-averaged metrics for each epoch budget.

    Columns: ``hash`` (<U32), ``num_nodes`` (int8), ``matrix`` (uint8, (n, 7, 7): the adjacency in
    the top-left num_nodes block), ``ops`` (int8, (n, 7): op id per node, -1 input, -2 output,
    -3 padding), ``params`` (int64), and ``cifar10@<epochs>:val_accuracy|test_accuracy`` (percent)
    and ``cifar10@<epochs>:train_seconds`` (measured) for every budget in the file. ``data`` is the
    already (safely) loaded pickle, when the caller has it: the full file takes seconds to load.
    """
    path = Path(path)
    data = load_pickle(path) if data is None else data
    if not looks_like_naslib_nb101(data):
        raise DataError(one_line(f"{path} is not NASLib's NAS-Bench-101 pickle (nasbench_only108.pkl): expected "
                                 f"{EXPECTED}, found {_describe(data)}; give the file NASLib's get_dataset_api loads"))
    n = len(data)
    columns: dict[str, np.ndarray] = {
        "hash": np.empty(n, dtype="<U32"), "num_nodes": np.zeros(n, dtype=np.int8),
        "matrix": np.zeros((n, MAX_NODES, MAX_NODES), dtype=np.uint8),
        "ops": np.full((n, MAX_NODES), PADDING, dtype=np.int8), "params": np.zeros(n, dtype=np.int64)}
    metrics: dict[str, np.ndarray] = {}
    runs_per_cell: set[int] = set()
    for row, (key, value) in enumerate(data.items()):
        try:
            fixed, computed = value
            where = f"{path}: the record of cell {key!r:.40}"
            _fill_cell(columns, row, key, fixed, where)
            runs_per_cell |= _fill_metrics(metrics, row, n, computed, where)
        except _RECORD_ERRORS as exc:
            reason = f"{type(exc).__name__}: {one_line(exc, 200)}"
            raise DataError(one_line(f"{path}: the record of cell {key!r:.40} is malformed ({reason}); "
                                     "the file is damaged or not NASLib's NB101 pickle")) from None
    if not metrics:
        raise DataError(one_line(f"{path} holds no training results (every cell's computed statistics are "
                                 "empty); download nasbench_only108.pkl again"))
    _check_percentages(path, metrics)
    counts = sorted(runs_per_cell)
    runs = str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"
    meta = {"benchmark": "nb101", "key": "hash", "source": path.name, "repeats": f"mean of {runs} training runs",
            "cost": "measured: mean final_training_time (seconds) of the training runs"}
    return Table({**columns, **dict(sorted(metrics.items()))}, meta)


def _fill_cell(columns: dict[str, np.ndarray], row: int, key: Any, fixed: dict[str, Any], where: str) -> None:
    """Pack one cell's graph into the fixed-size ``matrix``/``ops`` rows, checking it is an NB101 cell."""
    if not isinstance(key, str) or _HASH.fullmatch(key) is None:
        raise ValueError("its key is not a 32-character md5 hex hash")
    adjacency = np.asarray(fixed["module_adjacency"])
    labels = list(fixed["module_operations"])
    k = len(labels)
    if not 2 <= k <= MAX_NODES or adjacency.shape != (k, k):
        raise ValueError(f"module_adjacency of shape {adjacency.shape} for {k} operations; "
                         f"NB101 cells have 2 to {MAX_NODES} nodes")
    if adjacency.dtype.kind not in "biuf" or ((adjacency != 0) & (adjacency != 1)).any() or np.tril(adjacency).any():
        raise ValueError("module_adjacency is not an upper-triangular 0/1 matrix")
    if labels[0] != "input" or labels[-1] != "output":
        raise ValueError("module_operations must start with 'input' and end with 'output'")
    unknown = [op for op in labels[1:-1] if op not in _OP_IDS]
    if unknown:
        raise ValueError(f"unknown operation {unknown[0]!r:.40}; NB101 ops are {', '.join(OPS)}")
    columns["hash"][row] = key
    columns["num_nodes"][row] = k
    columns["matrix"][row, :k, :k] = adjacency
    columns["ops"][row, :k] = [INPUT, *(_OP_IDS[op] for op in labels[1:-1]), OUTPUT]
    params = file_number(fixed["trainable_parameters"], f"{where}: trainable_parameters", NOT_NASLIB)
    if not (0 <= params < 2**62 and params.is_integer()):  # int() took '1000', 1.5 and -3, and overflowed past int64
        raise ValueError(f"its trainable_parameters {params!r} is no parameter count (a whole number >= 0)")
    columns["params"][row] = int(params)


NOT_NASLIB = "the file is damaged or not NASLib's NB101 pickle: get it again"


def _fill_metrics(metrics: dict[str, np.ndarray], row: int, n: int, computed: dict[Any, Any], where: str) -> set[int]:
    """Store one cell's run-averaged final metrics per epoch budget; return its numbers of runs. Each run's number
    is checked as every reader checks one (a huge integer overflowed, text was read as a number)."""
    counts = set()
    for epochs, runs in computed.items():
        if not runs:
            raise ValueError(f"no training runs at {epochs} epochs")
        counts.add(len(runs))
        for metric, (key, scale) in _METRICS.items():
            name = column_name(DATASET, int(epochs), metric)
            if name not in metrics:
                metrics[name] = np.full(n, np.nan)
            metrics[name][row] = scale * sum(file_number(run[key], f"{where}: {key} at {epochs} epochs", NOT_NASLIB)
                                             for run in runs) / len(runs)
    return counts


def _check_percentages(path: Path, metrics: dict[str, np.ndarray]) -> None:
    """NASLib stores accuracies as fractions; a file in percent would silently become 100x too large."""
    for name, col in metrics.items():
        if name.endswith("_accuracy") and ((col < 0) | (col > 100)).any():
            raise DataError(one_line(f"{path}: {name} has values outside 0-100% after reading the accuracies as "
                                     "fractions (NASLib's unit); the file is not NASLib's NB101 pickle"))


def _describe(obj: Any) -> str:
    """A one-line sketch of a loaded pickle, for saying what was found instead."""
    if not isinstance(obj, dict):
        return f"a {type(obj).__name__}"
    if not obj:
        return "an empty dict"
    key, value = next(iter(obj.items()))
    inner = f" with keys {', '.join(repr(k)[:30] for k in list(value)[:4])}" if isinstance(value, dict) else ""
    return f"a dict of {len(obj)} entries such as {key!r:.50} -> {type(value).__name__}{inner}"
