"""A table holding one network in several rows (its nodes numbered otherwise) folded into one row: their mean.

A benchmark whose space writes one network in several forms looks a row up by the network's identity (its
functional form). A table with two rows of one network (a user's file of two trainings written in two numberings,
or a plugin's) answered every lookup with the first and left the second unused, silently. Repeated trainings of one
network are averaged, as NAS-Bench-201 reports a cell trained several times and as one NDS file's import already
groups a network sampled twice: each number is the mean over the rows that hold one (weighted by their ``runs``
where the table counts the trainings behind a row), so no training is dropped and none is counted twice.
"""
from __future__ import annotations

from typing import Hashable, Sequence

import numpy as np

from .table import Table

RUNS = "runs"
"""The column counting the trainings behind each row (NDS's tables), the weight of a row in a mean, summed."""


def _mean(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The weighted mean of ``values`` (rows of one network) over the rows holding a finite number; NaN where none."""
    held = np.isfinite(values)
    shaped = weights.reshape((-1,) + (1,) * (values.ndim - 1)) * held
    total = shaped.sum(axis=0)
    summed = np.where(held, values, 0.0) * shaped
    return np.where(total > 0, summed.sum(axis=0) / np.maximum(total, 1e-300), np.nan)


def mean_of_repeats(table: Table, identities: Sequence[Hashable]) -> Table:
    """``table`` with the rows of one identity (``identities``, one per row in row order) made one row, where the
    first of them stood and under its written form: numbers the mean of the rows' (:func:`_mean`), ``runs`` their
    sum, a yes/no column whether any row says yes, any other column the first row's. ``table`` itself where no
    identity repeats; else its ``found`` note says how many networks were folded from how many rows."""
    groups: dict[Hashable, list[int]] = {}
    for row, identity in enumerate(identities):
        groups.setdefault(identity, []).append(row)
    repeated = [rows for rows in groups.values() if len(rows) > 1]
    if not repeated:
        return table
    firsts = np.array([rows[0] for rows in groups.values()], dtype=np.int64)
    runs = table.columns.get(RUNS)
    weights = np.ones(len(table)) if runs is None else np.maximum(runs.astype(float), 1.0)
    columns: dict[str, np.ndarray] = {}
    for name, col in table.columns.items():
        merged = col[firsts].copy()
        for at, rows in enumerate(groups.values()):
            if len(rows) == 1:
                continue
            if name == RUNS:
                merged[at] = col[rows].sum()
            elif col.dtype.kind == "f":
                merged[at] = _mean(col[rows], weights[rows])
            elif col.dtype.kind == "b":
                merged[at] = col[rows].any(axis=0)
        columns[name] = merged
    note = (f"{len(repeated):,} network{'s' * (len(repeated) > 1)} held in {sum(map(len, repeated)):,} rows (written "
            "in other numberings of the nodes), one row each: the mean of those rows' trainings")
    found = table.meta.get("found")
    return Table(columns, {**table.meta, "found": f"{found}; {note}" if found else note}, table.folder)
