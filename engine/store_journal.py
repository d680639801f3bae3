"""A hot rollback journal that a kill left beside a store made by an earlier nasloop, rolled back before reading.

Earlier versions switched a new store to WAL in place, on its first open (now done before the store is renamed
into place: :func:`.store._create`); a ``kill -9`` in that instant left ``nasloop.sqlite-journal`` beside it. SQLite
rolls such a journal back on the next open that may write, but every read-only one (``show``, ``export``, the first
check of ``search --resume``) failed on it: "attempt to write a readonly database", and ``--resume`` then advised
running itself again.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from .store_empty import existing_only


def roll_back_hot_journal(path: Path) -> None:
    """Have SQLite roll back a journal left beside the store at ``path``, if there is one; the caller has checked
    that its folder is writable. A journal that a live connection holds is not hot, and SQLite leaves it alone."""
    journal = path.with_name(path.name + "-journal")
    if not journal.is_file() or journal.stat().st_size == 0:
        return
    db = sqlite3.connect(existing_only(path), uri=True, timeout=30.0)
    try:
        db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # the first read rolls a hot journal back
    finally:
        db.close()
