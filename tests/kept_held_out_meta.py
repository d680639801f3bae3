"""The held-out record a run keeps in its store's meta (``run_held_out.HELD_OUT_KEY``), read and edited as the
tests of show's reading of it need: as a store from outside would hold it."""
from __future__ import annotations

import sqlite3
from pathlib import Path


def kept_text(run: Path) -> str:
    """The record's JSON text, as stored."""
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        (value,) = db.execute("SELECT value FROM meta WHERE key = 'held_out'").fetchone()
    return value


def keep_text(run: Path, text: str) -> None:
    """Store ``text`` as the record, in place of the run's own."""
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'held_out'", (text,))
