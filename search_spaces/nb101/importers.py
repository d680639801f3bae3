"""NAS-Bench-101 importers: the shipped 30k JSON and NASLib's pickle into nasloop's own table.

The table has one row per cell (any order) and these columns:

* ``hash`` (the benchmark's md5 graph hash, the lookup key), ``num_nodes``, ``matrix`` ((n, 7, 7)
  uint8, the cell in its top-left block, output last), ``ops`` ((n, 7) int8: op id per node, -1
  input, -2 output, -3 padding), ``params`` (trainable parameters);
* ``cifar10@<epochs>:val_accuracy`` (and ``test_accuracy``, ``train_seconds`` where the source
  has them), in percent and seconds;
* ``cifar10:proxy:zen`` where the source has Zen scores.

The 30k JSON (``nasbench101_30k.json.gz``) holds one training run's validation accuracy at 4, 12,
36 and 108 epochs, the measured 108-epoch training time, params, and Zen for about a third of
its cells; no test accuracy. Every record's graph is validated as it is read.
"""
from __future__ import annotations

import json
import sys
import zlib
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ...engine.data import numbers
from ...engine.data import table as table_code
from ...engine.data.numbers import file_number
from ...engine.data.parsed_cache import cached_columns
from ...engine.data.sniff import content_text
from ...engine.data.table import Table, column_name, covered_groups, held_rows
from ...engine.errors import ArchitectureError, DataError, one_line
from . import graph, importers_naslib
from .graph import MAX_NODES, make_cell
from .importers_naslib import DATASET, INPUT, OUTPUT, PADDING

JSON_FILE = "nasbench101_30k.json.gz"
JSON_FIDELITIES = (4, 12, 36, 108)
_JSON_FIELDS = ("hash", "matrix", "ops", "params", "val_acc_108")


def recognise_json(head: str) -> str | None:
    """Whether ``head`` (a file's first decompressed text) starts the NB101 records list."""
    text = head.lstrip()
    if text.startswith("[") and all(f'"{name}"' in text[:4096] for name in _JSON_FIELDS):
        return "the NB101 30k JSON (val accuracy at 4/12/36/108 epochs)"
    return None


def _records(path: Path) -> list[Any]:
    try:
        data = json.loads(content_text(path))
    # RecursionError: nesting no benchmark has (a hostile file)
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise DataError(f"cannot read {path} as the NB101 JSON ({one_line(exc, 120)}); the file is corrupt or "
                        "truncated, fetch it again") from None
    if not isinstance(data, list) or not data:
        raise DataError(f"{path} is not the NB101 JSON: expected a list of {{hash, matrix, ops, ...}} records")
    return data


def import_json(path: str | Path) -> Table:
    """Read the NB101 JSON records into a table, validating each record's graph: its parsed columns kept on disk for
    the next process (:mod:`...engine.data.parsed_cache`; the parse took 1.5-3 s of CPU in each), checked again as a
    table on every load."""
    path = Path(path)
    code = (sys.modules[__name__], graph, importers_naslib, numbers, table_code)
    columns = cached_columns(path, "nb101-json", code, lambda: _json_columns(path), _whole)
    return Table(columns, {"benchmark": "nb101", "key": "hash", "source": path.name,
                           "repeats": "one training run per cell",
                           "cost": "measured 108-epoch training time; lower fidelities scaled (estimated)"})


def _whole(columns: dict[str, np.ndarray]) -> bool:
    """Whether kept columns are a whole table of the JSON: its columns, one row per cell, each hash once."""
    hashes = columns.get("hash")
    n = 0 if hashes is None else len(hashes)
    return (n > 0 and hashes.dtype == np.dtype("<U32") and len(set(hashes.tolist())) == n
            and columns.get("matrix", np.empty(0)).shape == (n, MAX_NODES, MAX_NODES)
            and columns.get("ops", np.empty(0)).shape == (n, MAX_NODES)
            and all(c.shape[:1] == (n,) for c in columns.values()))


def _json_columns(path: Path) -> dict[str, np.ndarray]:
    """The JSON's columns, read and checked: a damaged file refused in one line."""
    records = _records(path)
    n = len(records)
    columns: dict[str, np.ndarray] = {
        "hash": np.empty(n, dtype="<U32"), "num_nodes": np.zeros(n, dtype=np.int8),
        "matrix": np.zeros((n, MAX_NODES, MAX_NODES), dtype=np.uint8),
        "ops": np.full((n, MAX_NODES), PADDING, dtype=np.int8), "params": np.zeros(n, dtype=np.int64),
        "cifar10:proxy:zen": np.full(n, np.nan, dtype=np.float32),
        column_name(DATASET, 108, "train_seconds"): np.full(n, np.nan)}
    for fidelity in JSON_FIDELITIES:
        columns[column_name(DATASET, fidelity, "val_accuracy")] = np.full(n, np.nan)
    for row, record in enumerate(records):
        try:
            _fill(columns, row, record, f"{path}: record {row}")
        except (ArchitectureError, KeyError, TypeError, ValueError) as exc:
            raise DataError(f"{path}: record {row} is not an NB101 cell record ({one_line(exc, 160)}); "
                            "the file is corrupt or not the NB101 JSON") from None
    if len(set(columns["hash"].tolist())) != n:
        raise DataError(f"{path} lists some cell hash twice; the file is corrupt, fetch it again")
    return columns


NOT_NB101 = "the file is corrupt or not the NB101 JSON: fetch it again"


def _fill(columns: dict[str, np.ndarray], row: int, record: dict[str, Any], where: str) -> None:
    cell = make_cell(record["matrix"], record["ops"])
    if cell.num_nodes != len(record["matrix"]):
        raise ValueError("its graph is not pruned to input-output paths")
    key = str(record["hash"])
    if len(key) != 32:
        raise ValueError(f"hash {key[:40]!r} is not a 32-character md5 hex digest")
    size = cell.num_nodes
    columns["hash"][row] = key
    columns["num_nodes"][row] = size
    columns["matrix"][row, :size, :size] = cell.matrix
    columns["ops"][row, :size] = [INPUT, *cell.ops, OUTPUT]
    params = file_number(record["params"], f"{where} params", NOT_NB101)  # int() took -3, and overflowed past int64
    if not (0 <= params < 2**62 and params.is_integer()):
        raise ValueError(f"its params {record['params']!r} is no parameter count (a whole number >= 0)")
    columns["params"][row] = int(params)
    for fidelity in JSON_FIDELITIES:
        value = record.get(f"val_acc_{fidelity}")
        if value is not None:
            columns[column_name(DATASET, fidelity, "val_accuracy")][row] = file_number(
                value, f"{where} val_acc_{fidelity}", NOT_NB101)
    if record.get("train_time_108") is not None:
        columns[column_name(DATASET, 108, "train_seconds")][row] = file_number(
            record["train_time_108"], f"{where} train_time_108", NOT_NB101)
    if record.get("zen") is not None:
        columns["cifar10:proxy:zen"][row] = file_number(record["zen"], f"{where} zen", NOT_NB101)


def merge(tables: Sequence[Table]) -> Table:
    """Combine tables, later ones winning for the cells (hashes) they hold; columns are unioned. A value a later
    table lacks for a cell (NaN: the 30k JSON has Zen for a third of its cells, NASLib's pickle no result at an epoch
    budget a cell lacks) is no value, and leaves the earlier table's: each ``dataset@epochs`` group goes by whether
    the later table holds its accuracy, its costs following, and a proxy by its own
    (:func:`~nasloop.engine.data.table.held_rows`)."""
    if len(tables) == 1:
        return tables[0]
    index: dict[str, int] = {}
    for table in tables:
        for key in table.columns["hash"].tolist():
            index.setdefault(key, len(index))
    n = len(index)
    columns: dict[str, np.ndarray] = {}
    for table in tables:
        rows = np.fromiter((index[k] for k in table.columns["hash"].tolist()), dtype=np.int64)
        covered = covered_groups(table, np.ones(len(rows), dtype=bool))
        for name, col in table.columns.items():
            if name not in columns:
                fill = np.nan if col.dtype.kind == "f" else (PADDING if name == "ops" else 0)
                columns[name] = np.full((n, *col.shape[1:]), fill, dtype=col.dtype if name != "hash" else "<U32")
            held = held_rows(name, col, covered)
            columns[name][rows[held]] = col[held]
    meta = {"benchmark": "nb101", "key": "hash", "source": " + ".join(str(t.meta.get("source")) for t in tables),
            "cost": "; ".join(sorted({str(t.meta.get("cost")) for t in tables}))}
    return Table(columns, meta)
