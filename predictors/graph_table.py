"""Graph features of every architecture of an enumerable space, kept on disk between processes.

A predictor ranking a whole space reads the graph features of every architecture in it: NB201's 15,625 cells took
3.1-3.6 s of a fresh ``search --strategy predictor-topk --predictor forest --budget 40`` (cProfile; nearly all of it
building each cell's two graph encodings), paid again by every search, study run, Ray worker and test process. The
whole table is now kept in the user cache folder beside the parsed benchmark columns
(:mod:`..engine.data.parsed_cache`: written whole under a temporary name, loaded with ``allow_pickle=False``) and
loaded in milliseconds by the next process. Its key is everything a row depends on: the space's class and options,
the feature names (the graph encodings read, the operation subsets), the architectures the space enumerates, in
order (a space bound to a benchmark table enumerates that table's), and the source of the code computing them (the
graph features' module, and every module of the space's package and of its classes). A kept table is only read
where it is whole: one row per architecture and column, each a count or length (a whole number, finite, not
negative), and equal to the rows computed afresh for :data:`CHECKED` architectures spread over the space; else it
is computed again and rewritten, never trusted.
"""
from __future__ import annotations

import hashlib
import inspect
import json
import sys
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..engine.data.parsed_cache import entry_file, kept_columns
from ..engine.types import Arch
from ..search_spaces.base import SearchSpace

KIND = "graph-features"
CHECKED = 16
"""Architectures whose kept rows are compared with rows computed afresh at each load (a few ms on NB201)."""


def code_files(space: SearchSpace, module: str) -> list[Path] | None:
    """The source files that decide a space's graph features: ``module`` (the features' own), the modules of the
    space's classes and every module of the package of its own class; None where one has no source file (a class
    made in an interactive session): its table is then not kept. Files listed from disk, not from the modules a
    process happened to import, so that every process keys the same table alike."""
    try:
        files = [Path(inspect.getfile(sys.modules[module])),
                 *(Path(inspect.getfile(cls)) for cls in type(space).__mro__ if cls is not object)]
    except (TypeError, OSError):
        return None
    home = files[1].parent
    if (home / "__init__.py").is_file():  # a package: its other modules hold what the class reads (its cell spec)
        files += sorted(home.glob("*.py"))
    return list(dict.fromkeys(files))


def whole_table(space: SearchSpace, names: Sequence[str], module: str,
                compute: Callable[[list[Arch]], np.ndarray]) -> tuple[list[Arch], np.ndarray]:
    """Every architecture ``space`` enumerates and its rows of the features ``names`` (``compute``'s), kept on
    disk for the next process (see the module's text)."""
    archs = list(space.enumerate())
    order = hashlib.sha256(repr(archs).encode()).hexdigest()
    place = (type(space).__module__, type(space).__qualname__, json.dumps(space.config(), sort_keys=True,
                                                                           default=repr), tuple(names))
    code = code_files(space, module)
    where = None if code is None else entry_file(KIND, place, (order, len(archs)), code)
    spread = sorted({int(i) for i in np.linspace(0, len(archs) - 1, min(CHECKED, len(archs)))})

    def whole(columns: dict[str, np.ndarray]) -> bool:
        rows = columns.get("rows")
        if rows is None or set(columns) != {"rows"} or rows.dtype != np.float64:
            return False
        if rows.shape != (len(archs), len(names)) or not np.isfinite(rows).all():
            return False
        if (rows < 0).any() or (rows != np.round(rows)).any():
            return False
        return bool(np.array_equal(rows[spread], compute([archs[i] for i in spread])))

    columns = kept_columns(where, lambda: {"rows": np.asarray(compute(archs), dtype=np.float64)}, whole)
    return archs, columns["rows"]
