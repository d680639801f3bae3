"""The run a reader was given, as an open store: a run folder is opened read-only, a RunStore is checked open.

``summarize(store)`` after ``with RunStore.in_run_dir(d) as store:`` had ended (or ``store.close()``) failed in
sqlite3's words, 'Cannot operate on a closed database', naming neither the store nor the fix.
"""
from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Iterator

from .errors import ConfigError
from .store import RunStore


@contextlib.contextmanager
def opened(store_or_dir: RunStore | str | Path, reader: str, rest: str = "") -> Iterator[RunStore]:
    """``store_or_dir`` as an open store, closed after use only if opened here; ``reader`` names the caller, and
    ``rest`` its other arguments (``", 'out.csv'"``) in the call the message advises."""
    if not isinstance(store_or_dir, RunStore):
        with RunStore.in_run_dir(store_or_dir, readonly=True) as store:
            yield store
        return
    try:
        store_or_dir.db.execute("SELECT 1")
    except sqlite3.ProgrammingError as exc:
        if "closed" not in str(exc):
            raise
        folder = store_or_dir.path.parent
        raise ConfigError(f"the RunStore of {folder} given to {reader} is closed (its 'with' block ended, or close() "
                          f"was called); pass the run folder instead, {reader}('{folder}'{rest}), or call {reader} "
                          "inside the 'with' block") from None
    yield store_or_dir
