"""A search session's heartbeat: its wall time so far, written to the store every few seconds while it runs.

The run's wall time (meta ``wall_seconds``) is written with each strategy state the loop saves and when the session
ends, so a ``kill -9`` during a long trial (a training of minutes) left only the time up to that trial's ask: ``show``
of a run killed 25 s into its first training read 'wall time 0.00 s'. A thread of the session writes meta
``heartbeat`` (the wall seconds so far and the clock time) every :data:`BEAT_SECONDS` through its own connection,
one small commit, and the session's end clears it; found set in a run no process searches, it says the session was
killed, and when: ``show`` gives the wall time as at least the last beat's, during the trials then unfinished.
"""
from __future__ import annotations

import contextlib
import json
import math
import sqlite3
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Mapping

from .store_empty import existing_only

HEARTBEAT_KEY = "heartbeat"
BEAT_SECONDS = 5.0
"""How far behind a killed session's wall time may be: a commit this often costs a search nothing it would notice."""
_SAVE = f"INSERT OR REPLACE INTO meta (key, value) VALUES ('{HEARTBEAT_KEY}', ?)"


LAST_DATE = datetime(9999, 12, 31, tzinfo=timezone.utc).timestamp()
"""The latest ``at`` a heartbeat can hold: ``show`` writes it as a date, and a later one (1e20 in a damaged or hand-made
store) failed it as an unexpected OverflowError where the store is refused as damaged in one line."""


def valid_heartbeat(value: Any) -> bool:
    """Whether ``value`` is a heartbeat as a session writes it (or null: none, the session having ended)."""
    return value is None or (isinstance(value, dict) and all(
        isinstance(value.get(key), (int, float)) and not isinstance(value.get(key), bool)
        and 0 <= value[key] < limit for key, limit in (("wall_seconds", math.inf), ("at", LAST_DATE))))


class Heartbeat:
    """Writes ``wall()`` to the store at ``path`` every ``every`` seconds from a thread, until :meth:`stop`."""

    def __init__(self, path: Path, wall: Callable[[], float], every: float = BEAT_SECONDS) -> None:
        self.path, self.wall, self.every = path, wall, every
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="nasloop-heartbeat", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """End the beats and wait for the last to be written (the session then writes its exact time)."""
        self._stopped.set()
        self._thread.join()

    def _beat(self) -> None:
        try:  # its own connection: the session's belongs to its thread, and may be mid-transaction
            db = sqlite3.connect(existing_only(self.path), uri=True, isolation_level=None, timeout=1.0)
        except sqlite3.Error:
            return  # no beat: show then gives the time as of the last state saved, as before
        try:
            while not self._stopped.wait(self.every):
                with contextlib.suppress(sqlite3.Error):  # busy with the session's own write: the next beat
                    db.execute(_SAVE, (json.dumps({"wall_seconds": self.wall(), "at": time.time()}),))
        finally:
            db.close()


def wall_text(summary: Mapping[str, Any]) -> str:
    """``show``'s wall time: 'at least' where its last session was killed, and during which trials."""
    killed = summary.get("killed")
    if not killed:
        return f"{summary['wall_seconds']:.2f} s"
    at = datetime.fromtimestamp(killed["last_beat_at"], timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    during = (f" during trial{'s' * (len(killed['trials']) > 1)} {', '.join(map(str, killed['trials']))}"
              if killed["trials"] else "")
    return f"at least {summary['wall_seconds']:.2f} s: its search was killed{during}, last alive at {at}"
