"""A predictor study continued reads the data its fits began with.

A search study records its ``--data-dir`` and asks its runs' results of the data found now
(:mod:`.study_data`). A predictor study recorded neither: continued with another ``--data-dir`` (or
``$NASLOOP_DATA``), seed 0 had ranked one table's values and seed 1 another's, averaged in one row, unsaid. Its records
hold taus, not the values they ranked, so the study records, beside its grid, the folder it was given and a digest of
the values its fits rank (the task's metric at the ranked fidelity, over every cell of the table), and a study whose
digest differs from the data found now is refused before any fit, in the search study's words. A study from before
it recorded one takes the digest of the data it is continued on.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np

from .config import construct
from .errors import DataError, NasloopError
from .predictor_evaluation import ranked_metric
from .predictor_grid import DATA_DIR_KEY, DIGEST_KEY, RANKED, benchmark_task
from .study_data import continue_advice


def data_record(grid: dict[str, Any], ranked: dict[str, Any], data_dir: str | None) -> dict[str, Any]:
    """What the grid file keeps of the data a study of ``grid`` ranks now: the ``--data-dir`` given (None: the
    default folders) and, where the table is at hand and lists its cells, the digest of the values its fits rank
    (``ranked``: the fidelity a grid naming none ranks, :func:`.predictor_grid.ranked_fidelity`)."""
    record: dict[str, Any] = {DATA_DIR_KEY: data_dir}
    digest = _digest(grid, ranked, data_dir)
    if digest is not None:
        record[DIGEST_KEY] = digest
    return record


def _digest(grid: dict[str, Any], ranked: dict[str, Any], data_dir: str | None) -> str | None:
    """SHA-256 of the ranked metric's values over every cell of the table, in its order; None where the table is
    not found or does not list its cells (the fits then say why, or rank what they can look up)."""
    name, benchmark, task = benchmark_task(grid)
    if task is None:
        return None
    fidelity = grid["fidelity"] if grid.get("fidelity") is not None else ranked.get(RANKED)
    try:  # a metric or fidelity refused: the fits say so in their own words
        metric, _ = ranked_metric(grid.get("metric"), task.metric, task.minimize)
        table = construct("benchmark", name, benchmark, data_dir=data_dir)
        values = table.table_values(task.name, metric, table.check(task.name, fidelity))
    except NasloopError:  # UnsupportedError too: a table that does not list its cells
        return None
    return hashlib.sha256(np.ascontiguousarray(values, dtype=np.float64).tobytes()).hexdigest()


def same_data(folder: Path, stored: dict[str, Any], now: dict[str, Any], force_new: bool) -> bool:
    """Whether the study ``stored`` in ``folder`` may go on with the data found ``now`` (:func:`data_record`): a
    study that recorded no digest, or whose data is not at hand now, is taken to. One of other data is refused
    (DataError) unless ``force_new``, which then sets it aside (False)."""
    then, found = stored.get(DIGEST_KEY), now.get(DIGEST_KEY)
    if then is None or found is None or then == found:
        return True
    if force_new:
        return False
    where = f"--data-dir {now[DATA_DIR_KEY]}" if now[DATA_DIR_KEY] is not None else "the default data folders"
    raise DataError(f"{folder} holds a predictor study whose fits ranked other {stored['space']} {stored['dataset']} "
                    f"values than the table found now ({where}) holds, which would mix with its records; "
                    f"{continue_advice(stored.get(DATA_DIR_KEY))}")
