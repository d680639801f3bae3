"""NAS-Bench-Suite-Zero's NB201 proxy scores keyed by our cells (to validate our proxies against).

NB201 keys in that file are NASLib op-index tuples such as ``"(0,2,3,2,3,1)"`` in NASLib's op
numbering and edge order; they are converted to our cells and checked against the record's
``arch_str``, so a mix-up of the two conventions fails loudly instead of silently scrambling
the comparison. A score the suite could not compute reads NaN, by the rule its final CSV is read by
(:func:`~nasloop.search_spaces.suite_zero_csv.suite_scores`): this early file writes the synflow of a cell without an
input-output path as 0.0 too, and its snip, grasp, grad_norm and plain as 0.0 and its fisher as a small number,
which read as scores stored for those cells alone, where nasloop's proxies reading the images are undefined.
"""
from __future__ import annotations

import os

import numpy as np

from ...engine.data.suite_zero import HOW_TO_GET, load_suite_zero
from ...engine.errors import ArchitectureError, DataError
from ..cell_space import without_path
from ..suite_zero_csv import suite_scores
from .cell import SPEC, Cell, from_naslib
from .space import NB201Space


def load_nb201_zc(dataset: str = "cifar10", data_dir: str | os.PathLike | None = None) -> dict[Cell, dict[str, float]]:
    """NAS-Bench-Suite-Zero's NB201 records for ``dataset``: our cell -> {proxy or "val_accuracy": value}."""
    path, records = load_suite_zero("nasbench201", dataset, data_dir)
    space = NB201Space()
    out: dict[Cell, dict[str, float]] = {}
    for key, record in records.items():
        try:
            cell = from_naslib([int(t) for t in key.strip("()").split(",")])
            if "arch_str" in record and space.parse(record["arch_str"]) != cell:
                raise DataError(f"{path}: NB201 key {key} and its arch_str {record['arch_str']} disagree; "
                                "the file is not in NASLib's convention")
        except (ValueError, ArchitectureError) as exc:
            raise DataError(f"{path}: bad NB201 key {key!r} ({exc}); replace the file ({HOW_TO_GET})") from None
        # a proxy NASLib could not compute is stored as null; leave it out
        pathless = without_path(SPEC, cell)
        out[cell] = {k: float(v) if k == "val_accuracy" else float(suite_scores(k, np.float64(v), pathless))
                     for k, v in record.items() if k != "arch_str" and v is not None}
    return out
