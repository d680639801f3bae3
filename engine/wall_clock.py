"""A run's wall time (meta ``wall_seconds``, which ``nasloop show`` gives) kept while a search session runs.

It is written with every strategy state the store saves (see :class:`.store_writes.Writes`), in the transactions
the loop commits anyway, and exactly when the session ends: stored only at the end, it would read 0.00 s (or earlier
sessions' time) while a run goes, and a hard kill (SIGKILL, power) would lose the whole session's. Between states (a
trial that trains for minutes) the session's :class:`.heartbeat.Heartbeat` writes it every few seconds.
"""
from __future__ import annotations

import contextlib
import time
from typing import Iterator

from .executors.base import interrupts_held
from .heartbeat import HEARTBEAT_KEY, Heartbeat
from .store import RunStore


@contextlib.contextmanager
def wall_clock(store: RunStore) -> Iterator[None]:
    """Add the block's wall time to ``store``'s as the block runs (a resume with nothing to do runs no block)."""
    base = store.get_meta("wall_seconds") or 0.0  # a number: checked as the store opened (store_rows.check_meta)
    beat = store.get_meta(HEARTBEAT_KEY)  # a killed session's last: its time after its last state saved counts
    base = max(base, beat["wall_seconds"]) if beat else base
    started = time.perf_counter()
    store.writes.wall = lambda: base + time.perf_counter() - started
    heartbeat = Heartbeat(store.path, store.writes.wall)
    heartbeat.start()
    try:
        yield
    finally:  # a second Ctrl-C as the session ends skipped its wall time and left it shown as killed: dropped
        with interrupts_held():
            heartbeat.stop()
            store.writes.wall = None
            store.set_meta("wall_seconds", base + time.perf_counter() - started)
            store.set_meta(HEARTBEAT_KEY, None)  # ended, not killed
