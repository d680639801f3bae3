"""Feature rows shared, within one process, by the feature sets that read the same data the same way.

Each predictor built keeps a :class:`~.features.FeatureSet`, and ``nasloop predictors evaluate`` builds one per
predictor, train size and seed: each encoded every one of NB201's 15,625 cells again (graph features, 13 stored
proxy columns) to rank them, 4.5 s after a fit of 0.3 s on 8 cells. Feature sets whose rows are
the same share one table of rows here, so the cells are encoded once a process (a second ``evaluate_predictors``
call, a study, another predictor with the same features). The key is everything a row depends on: the space's
class and options, the feature names, the run's dataset, table and fidelity, and the state of every data folder
searched (each entry's name, size and modification time), so a table, proxy file or precomputed ``nasloop
proxies`` file added or rewritten since gives fresh rows. Feature sets computing a proxy on the networks keep
rows of their own (their scores depend on the scorer's images and settings, and the note that they build every
network must stay true). Nothing is kept across processes.

Memory: an NB201 row of the forest's default features (13 proxies and 74 graph features) is 87 floats, 15,625
rows 10.9 MB of floats and 2.3 MB of row objects and their table; at most :data:`SHARED_SETS` tables are kept
beyond those feature sets still hold, each of at most :data:`~.features.CACHE_ROWS` rows.
"""
from __future__ import annotations

import json
import os
from collections import OrderedDict
from typing import Hashable, Sequence

import numpy as np

from ..engine.context import RunContext
from ..engine.data.paths import search_dirs
from ..engine.types import Arch
from ..search_spaces.base import SearchSpace

SHARED_SETS = 4
"""Tables of rows kept for feature sets yet to be built: a comparison of a few feature lists on one space."""

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


def rows_key(space: SearchSpace, context: RunContext, names: Sequence[str]) -> Hashable:
    """What the rows of feature set ``names`` on ``space`` under ``context`` depend on (see the module's text)."""
    benchmark = context.benchmark
    return (type(space), json.dumps(space.config(), sort_keys=True, default=repr), tuple(names), context.dataset,
            context.lookup, context.fidelity, context.workdir, None if benchmark is None else type(benchmark),
            _folder_state(context.data_dir))


def shared_rows(key: Hashable) -> dict[Arch, np.ndarray]:
    """The table of rows of feature sets with ``key``, new where none is kept; the least recently asked for of more
    than :data:`SHARED_SETS` is dropped (a feature set holding it keeps it)."""
    rows = _SHARED.pop(key, None)
    _SHARED[key] = rows = {} if rows is None else rows
    while len(_SHARED) > SHARED_SETS:
        _SHARED.popitem(last=False)
    return rows


def forget_shared_rows() -> None:
    """Drop every kept table (a test starts from none)."""
    _SHARED.clear()
