"""nasloop's own compact benchmark-table format.

A table is a set of equal-length numpy columns, one row per architecture, plus a JSON ``meta``
record saying where the numbers came from. Columns are named ``<dataset>@<fidelity>:<metric>``
(``cifar10@200:val_accuracy``) or carry a plain name for per-architecture data (``cells``,
``index``). Saved as one ``.npz``: loads in milliseconds, no per-architecture Python objects.
"""
from __future__ import annotations

import json
import os
import tempfile
import zipfile
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Hashable, Iterable

import numpy as np

from ..errors import DataError
from ..replaced_files import replaced
from .sniff import TORCH_SAVE, is_torch_save, refuse_inflated_members

FORMAT_VERSION = 1


def column_name(dataset: str, fidelity: int, metric: str) -> str:
    return f"{dataset}@{fidelity}:{metric}"


MAX_TRAIN_SECONDS = 1e9
"""The longest training a table may record, about 32 years: no benchmark's network trained for longer, and a
pickle's train_times of 4e305 s made run costs that summed to infinity (show failed writing the cost)."""


def _bounds(column: str) -> tuple[float, float] | None:
    """The values a metric column can hold: accuracies in percent, SSIM, a negated loss (never positive), a time
    (never negative: a negative training time made a run's cost, and so --max-seconds, run backwards; at most
    :data:`MAX_TRAIN_SECONDS`)."""
    if column.endswith("seconds"):
        return 0.0, MAX_TRAIN_SECONDS
    if column.endswith("accuracy"):
        return 0.0, 100.0
    if column.endswith("ssim"):
        return -1.0, 1.0
    if "neg_" in column and column.endswith("loss"):
        return -np.inf, 0.0
    return None


@dataclass(eq=False)  # compared and hashed by identity: memos key on a loaded table
class Table:
    """Columns of per-architecture data with provenance."""

    columns: dict[str, np.ndarray]
    meta: dict[str, Any] = field(default_factory=dict)
    folder: Path | None = field(default=None, compare=False)
    """The folder it was loaded from (None: built in memory), where an import completing it must write: a search
    reads a folder's table before the cache's, so advice to import the whole file into the cache changed nothing."""

    def __post_init__(self) -> None:
        lengths = {len(v) for v in self.columns.values()}
        if len(lengths) > 1:
            raise DataError(f"benchmark table columns have different lengths {sorted(lengths)}; re-import the table")
        self._check_values()

    def _check_values(self) -> None:
        """Refuse numbers no benchmark holds, on import and on every load.

        A table from outside (or one damaged since) must not report a best accuracy of 999 or
        inf: every float is finite or NaN (missing), every accuracy lies in [0, 100] (an SSIM in
        [-1, 1], a negated loss at or below 0), and the column named by ``meta["key"]`` (the
        benchmark's cell identity) has no repeats. The error names the file, the column and the
        first bad row.
        """
        source = self.meta.get("source", "the benchmark table")
        for name, values in self.columns.items():
            if values.dtype.kind != "f" or values.ndim != 1:
                continue
            bad = np.isinf(values)
            limits = ""
            bounds = _bounds(name)
            if bounds is not None:
                bad |= (values < bounds[0]) | (values > bounds[1])
                limits = f" or outside [{bounds[0]:g}, {bounds[1]:g}]"
            if bad.any():
                row = int(np.flatnonzero(bad)[0])
                raise DataError(f"{source}: column '{name}' row {row} holds {float(values[row])!r}, infinite{limits}; "
                                "the file is damaged or not this benchmark's: get a fresh copy and import it again")
        key = self.meta.get("key")
        if key in self.columns:
            values = self.columns[key]
            _, first, counts = np.unique(values, return_index=True, return_counts=True, axis=0)
            if (counts > 1).any():
                row = int(np.sort(first[counts > 1])[0])
                raise DataError(f"{source}: column '{key}' repeats the architecture of row {row}; the file is "
                                "damaged or not this benchmark's: get a fresh copy and import it again")

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def held(self) -> int:
        """How many architectures the table holds: a table of some cells only (a NASLib pickle's) keeps a row for
        every cell of the space and marks the ones it has in its ``present`` column."""
        return int(np.count_nonzero(self.held_rows()))

    def held_rows(self) -> np.ndarray:
        """Which rows hold an architecture (all, but in a table of some cells: its ``present`` column)."""
        present = self.columns.get("present")
        return np.ones(len(self), dtype=bool) if present is None else present.astype(bool)

    def save(self, path: str | Path) -> Path:
        """Write the table whole or not at all: to a temporary file of its own (two imports into one folder do
        not share one), renamed into place. A table of no architectures is refused, not written over a good one."""
        path = Path(path)
        if len(self) == 0:
            raise DataError(f"{self.meta.get('source', 'the file')} holds no architectures of this benchmark; "
                            f"nothing was written to {path}: check that it is the benchmark's full file")
        meta = dict(self.meta, format_version=FORMAT_VERSION)
        if path.is_dir():
            raise DataError(f"cannot write the table {path}: it is a folder; choose another --out")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
            with replaced(path, Path(tmp)), os.fdopen(handle, "wb") as fh:  # never a half-written table
                umask = os.umask(0)
                os.umask(umask)
                os.fchmod(fh.fileno(), 0o666 & ~umask)  # as open() would make it: a shared data folder stays readable
                np.savez_compressed(fh, __meta__=np.array(json.dumps(meta)), **self.columns)
        except OSError as exc:
            raise DataError(f"cannot write the table {path} ({exc.strerror or exc}); "
                            "choose a writable folder with --out") from None
        return path

    @staticmethod
    def peek_meta(path: str | Path) -> dict[str, Any]:
        """A saved table's metadata without loading its columns ({} when it is not a readable table)."""
        try:
            refuse_inflated_members(path)
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(str(data["__meta__"]))
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, RecursionError):
            return {}
        return meta if isinstance(meta, dict) else {}

    @classmethod
    def load(cls, path: str | Path) -> "Table":
        try:
            if Path(path).is_file() and not zipfile.is_zipfile(path):  # np.load would try .npy or pickle
                raise ValueError("not an .npz archive")
            refuse_inflated_members(path)
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(str(data["__meta__"]))
                columns = {k: data[k] for k in data.files if k != "__meta__"}
            if not isinstance(meta, dict):
                raise ValueError("its metadata is not a JSON object")
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, RecursionError) as exc:  # or nested JSON
            if is_torch_save(path):  # its missing '__meta__', and 're-create it', said nothing of what it is
                raise DataError(f"{path} is {TORCH_SAVE}; the table in its place comes from 'nasloop data import'") \
                    from None
            reason = str(exc).replace("\n", " ")
            raise DataError(f"{path} is not a readable nasloop table ({reason}); "
                            "re-create it with 'nasloop data import'") from None
        if meta.get("format_version") != FORMAT_VERSION:
            raise DataError(f"{path} has table format {meta.get('format_version')}, this nasloop reads "
                            f"{FORMAT_VERSION}; re-create it with 'nasloop data import'")
        try:
            return cls(columns, meta, Path(path).absolute().parent)
        except DataError as exc:
            raise DataError(f"{path}: {exc}") from None


@lru_cache(maxsize=8)
def row_index(table: Table, column: str) -> dict[str, int]:
    """``{key: row}`` of one key column (an architecture's string or hash), built once per loaded table."""
    return {key: row for row, key in enumerate(table.columns[column].tolist())}


def covered_groups(table: Table, present: np.ndarray) -> dict[str, np.ndarray]:
    """Per ``dataset@fidelity`` group of ``table``'s columns, the rows (of those ``present`` marks) where it holds
    an accuracy there: a NaN in a file is no value, and a later file's NaN wrote over an earlier file's results
    (NB201: a NASLib pickle's over the CSV's 200- and 12-epoch results of a cell, and a search then refused the
    table, advising the same import again). A row's other metrics of the group (its costs) follow its accuracy."""
    covered: dict[str, np.ndarray] = {}
    for name, col in table.columns.items():
        if "@" in name and name.endswith("_accuracy"):
            group = name.split(":")[0]
            covered[group] = covered.get(group, np.zeros(len(col), dtype=bool)) | (present.astype(bool)
                                                                                    & np.isfinite(col))
    return covered


def held_rows(name: str, col: np.ndarray, covered: dict[str, np.ndarray]) -> np.ndarray:
    """The rows of a table's column ``name`` (``col``) that a merge writes over an earlier table's: a
    ``dataset@fidelity`` group's where the table holds the group's accuracy (``covered``, from
    :func:`covered_groups`), a column of numbers' where it is not NaN (no value: a network's params or a proxy the
    file lacks; in a group too, where a file's NaN validation accuracy beside its test accuracy wiped the value an
    earlier file gave), any other's every row."""
    numbers = col.dtype.kind == "f" and col.ndim == 1
    valued = np.isfinite(col) if numbers else np.ones(len(col), dtype=bool)
    group = name.split(":")[0]
    return covered[group] & valued if group in covered else valued


def merge_by_key(tables: list[Table], identity: Callable[[Table], Iterable[Hashable]] | None = None) -> Table:
    """One table from several of one benchmark: a later table's rows replace an earlier one's, by the key column
    its metadata names (``arch``), so numbers of two runs never mix in one row; other rows stay. A run's columns
    (``dataset@epoch``) are replaced whole: one a replacing table lacks (an epoch its shorter run never reached) is
    NaN on its rows. A column outside the runs (a network's params) keeps an earlier table's value where the later
    one has none (:func:`held_rows`).

    ``identity`` gives each row's architecture identity in row order, where a space writes one architecture in
    several forms (a cell's nodes numbered otherwise): rows of one identity are one row, under the first table's
    written form, as one file's import groups them. By the written form alone, a later file's network in another
    numbering was a second row, which replaced nothing. Without it, the key column's value is the identity.
    """
    if len(tables) == 1:
        return tables[0]
    key = tables[-1].meta["key"]
    identities = [list(identity(table)) if identity is not None else table.columns[key].tolist() for table in tables]
    index: dict[Hashable, int] = {}
    keys: list[Any] = []  # each identity's first written form
    for table, names in zip(tables, identities):
        for value, name in zip(table.columns[key].tolist(), names):
            if name not in index:
                index[name] = len(keys)
                keys.append(value)
    rows = [np.fromiter((index[name] for name in names), dtype=np.int64) for names in identities]
    names = list(dict.fromkeys(name for table in tables for name in table.columns))
    columns: dict[str, np.ndarray] = {key: np.asarray(keys)}
    for name in (n for n in names if n != key):
        sample = next(table.columns[name] for table in tables if name in table.columns)
        fill: Any = np.nan if sample.dtype.kind == "f" else ("" if sample.dtype.kind == "U" else 0)
        merged = np.full((len(keys), *sample.shape[1:]), fill, dtype=sample.dtype)
        for table, at in zip(tables, rows):
            if name not in table.columns:
                if "@" in name:  # the run this table holds of the row has no such epoch
                    merged[at] = fill
                continue
            col = table.columns[name]
            held = np.ones(len(at), dtype=bool) if "@" in name else held_rows(name, col, {})
            merged[at[held]] = col[held]
        columns[name] = merged
    meta = {**tables[-1].meta, "source": " + ".join(str(t.meta.get("source")) for t in tables)}
    found = [f"{t.meta.get('source')}: {t.meta['found']}" for t in tables if t.meta.get("found")]
    if found:
        meta["found"] = "; ".join(found) + f"; {len(keys):,} distinct in all, later files' networks replacing earlier"
    return Table(columns, meta)
