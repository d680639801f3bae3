"""Feature rows shared, within one process, by the feature sets that read the same data the same way.

Each predictor built keeps a :class:`~.features.FeatureSet`, and ``nasloop predictors evaluate`` builds one per
predictor, train size and seed: each encoded every one of NB201's 15,625 cells again (graph features, 13 stored
proxy columns) to rank them, 4.5 s after a fit of 0.3 s on 8 cells. Feature sets whose rows are
the same share one table of rows here, so the cells are encoded once a process (a second ``evaluate_predictors``
call, a study, another predictor with the same features). The key is everything a row depends on: the space's
class and options, the feature names, and for features reading data (proxies) the run's dataset, table and
fidelity, and the state of every data folder searched (each entry's name, size and modification time), so a table,
proxy file or precomputed ``nasloop proxies`` file added or rewritten since gives fresh rows; vector encodings and
graph features read none, and their builds (each gp and mlp) list no folder. Feature sets computing a proxy on the
networks keep rows of their own (their scores depend on the scorer's images and settings, and the note that they
build every network must stay true). Nothing here is kept across processes (a whole space's graph features
are: :mod:`.graph_table`).

Memory: an NB201 row of the forest's default features (13 proxies and 74 graph features) is 87 floats, 15,625
rows 10.9 MB of floats and 2.3 MB of row objects and their table (:data:`ROW_OVERHEAD` a row); but NB101's 30,001
table cells, or a wide feature set, take many times that, so the tables kept beyond those feature sets still hold
are bounded by bytes, not by count: :data:`DEFAULT_LIMIT_MB` in all, or ``$NASLOOP_FEATURE_ROWS_MB`` (megabytes,
10**6 bytes; 0 keeps none but the one asked for). When a table is asked for, the least recently asked for go first
until the rest fit; the one asked for is kept whatever its size, as the feature set reading it holds it anyway.
Each table is of at most :data:`~.features.CACHE_ROWS` rows.
"""
from __future__ import annotations

import json
import math
import os
from collections import OrderedDict
from typing import Hashable, Sequence

import numpy as np

from ..engine.context import RunContext
from ..engine.errors import ConfigError
from ..engine.data.paths import search_dirs
from ..engine.types import Arch
from ..search_spaces.base import SearchSpace

LIMIT_VARIABLE = "NASLOOP_FEATURE_ROWS_MB"
DEFAULT_LIMIT_MB = 512
"""The megabytes of rows kept for feature sets yet to be built: about 40 NB201 tables of the forest's default
features, or 2 of NB101's 30,001 cells with as wide a feature set; a comparison of a few feature lists on one space."""
ROW_OVERHEAD = 150
"""Bytes a row takes beside its floats: its array object and its entry in the table (2.3 MB for 15,625 rows)."""

_SHARED: OrderedDict[Hashable, dict[Arch, np.ndarray]] = OrderedDict()


def _folder_state(data_dir: str | None) -> tuple:
    """Each data folder searched, with the name, size and modification time of each of its entries (None for a
    folder that cannot be listed): any data file the run could read, whoever reads it, changes it."""
    state = []
    for folder in search_dirs(data_dir):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            state.append((str(folder), None))
            continue
        seen = []
        for entry in entries:
            try:
                stat = entry.stat()
            except OSError:  # a dangling link: named, as what it points to may appear
                seen.append((entry.name, None, None))
                continue
            seen.append((entry.name, stat.st_size, stat.st_mtime_ns))
        state.append((str(folder), tuple(sorted(seen, key=repr))))
    return tuple(state)


def rows_key(space: SearchSpace, context: RunContext | None, names: Sequence[str]) -> Hashable:
    """What the rows of feature set ``names`` on ``space`` under ``context`` depend on (see the module's text);
    ``context`` None for features that read no data (vector encodings, graph features): their rows depend on the
    space alone, and keying them on the data folders listed both folders at every gp or mlp build."""
    space_key = (type(space), json.dumps(space.config(), sort_keys=True, default=repr), tuple(names))
    if context is None:
        return space_key
    benchmark = context.benchmark
    return (*space_key, context.dataset, context.lookup, context.fidelity, context.workdir,
            None if benchmark is None else type(benchmark), _folder_state(context.data_dir))


def limit_bytes() -> int:
    """The bytes of rows kept (see the module's text); ConfigError in one line for a setting that is no size."""
    text = os.environ.get(LIMIT_VARIABLE, "").strip()
    if not text:
        return DEFAULT_LIMIT_MB * 10**6
    try:
        megabytes = float(text)
    except ValueError:
        megabytes = math.nan
    if not 0 <= megabytes < math.inf:
        raise ConfigError(f"${LIMIT_VARIABLE} is {text!r}, not a number of megabytes; set it to one (0 keeps no "
                          f"feature rows for later predictors), or unset it for {DEFAULT_LIMIT_MB}")
    return int(megabytes * 10**6)


def table_bytes(rows: dict[Arch, np.ndarray]) -> int:
    """The memory a table of rows holds: its floats and :data:`ROW_OVERHEAD` a row."""
    return sum(row.nbytes for row in rows.values()) + ROW_OVERHEAD * len(rows)


def shared_rows(key: Hashable) -> dict[Arch, np.ndarray]:
    """The table of rows of feature sets with ``key``, new where none is kept; the least recently asked for others
    are dropped while all of them hold more than :func:`limit_bytes` (a feature set holding one keeps it)."""
    limit = limit_bytes()
    rows = _SHARED.pop(key, None)
    _SHARED[key] = rows = {} if rows is None else rows
    sizes = {name: table_bytes(table) for name, table in _SHARED.items()}
    total = sum(sizes.values())
    while total > limit and len(_SHARED) > 1:
        oldest, _ = _SHARED.popitem(last=False)
        total -= sizes[oldest]
    return rows


def forget_shared_rows() -> None:
    """Drop every kept table (a test starts from none)."""
    _SHARED.clear()
