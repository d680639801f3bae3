"""A strategy state's lists that only grow, saved as appended rows rather than whole at every commit.

A guided strategy's state holds every result it was told, and its predictor's every training point: 309 KB of
JSON after 2,000 NB101 lookups, encoded, checked and written again at each commit, so a run wrote its history
over and over (203 MB written for a 1.2 MB store). A ``state_dict`` marks such a list by returning it as
:class:`AppendedRows` (at its top level, or in a dict inside it: ``state['predictor']['archs']``); the store
keeps each one's rows in the ``strategy_rows`` table, writes only the rows it lacks, and saves the state
without them, with the count of each in meta :data:`META_KEY`, in the same transaction. Reading the state back
(``RunStore.strategy_state``) puts the lists back where they were, so a strategy loads what it saved.

Each commit checks the last row the store holds against the state's row at that place (one row, whatever the
run's length); a list that does not go on from the stored one (a state's rows rebuilt otherwise) is written
whole again, never saved half old, half new. The first commit of a connection (:data:`WRITER_KEY` names another
writer) compares every row instead: a resume's ``load_state_dict`` rebuilds the lists, and one that changed a
row inside them (a guided strategy's keys hashed again after an upgrade) kept the last and left the stale rows
stored, under a state saying they were hashed by the code now.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from .appended_rows import put_back
from .errors import DataError
from .store_rows import RESTORE, json_value

META_KEY = "state_rows"
"""The meta key naming each appended list of the saved state (its path, as JSON) and its length."""
WRITER_KEY = "state_rows_writer"
"""The meta key of the token of the connection that last saved the rows (:func:`save_rows`' ``writer``)."""
ROWS_VERSION = 2
"""The store schema of a store holding appended rows (a new store is 1): an older nasloop asks to be upgraded."""

_TABLE = ("CREATE TABLE IF NOT EXISTS strategy_rows (name TEXT NOT NULL, idx INTEGER NOT NULL, row TEXT NOT NULL, "
          "PRIMARY KEY (name, idx)) WITHOUT ROWID")


def save_rows(db: sqlite3.Connection, rows: dict[str, list[Any]], writer: str) -> None:
    """Write the rows of each list the store lacks, and every list's length (meta), in the open transaction; every
    row is compared where ``writer`` (a token of the connection) did not save the rows last, only the last else."""
    if rows:
        db.execute(_TABLE)
    last_writer = db.execute("SELECT value FROM meta WHERE key = ?", (WRITER_KEY,)).fetchone()
    whole = last_writer is None or last_writer[0] != json.dumps(writer)
    for name, values in rows.items():
        have = _kept_rows(db, name, values) if whole else _kept_after_last(db, name, values)
        db.execute("DELETE FROM strategy_rows WHERE name = ? AND idx >= ?", (name, have))
        db.executemany("INSERT INTO strategy_rows (name, idx, row) VALUES (?, ?, ?)",
                       [(name, i, json.dumps(values[i])) for i in range(have, len(values))])
    db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                   [(META_KEY, json.dumps({name: len(values) for name, values in rows.items()})),
                    (WRITER_KEY, json.dumps(writer))])  # rolled back with the rows, so compared again then
    if rows:  # an older nasloop, which would read the state without them, asks to be upgraded instead
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version' AND value != ?",
                   (str(ROWS_VERSION), str(ROWS_VERSION)))


def _kept_rows(db: sqlite3.Connection, name: str, values: list[Any]) -> int:
    """How many of the stored rows of ``name`` are ``values``' first rows, each compared."""
    stored = [text for (text,) in db.execute("SELECT row FROM strategy_rows WHERE name = ? ORDER BY idx", (name,))]
    return next((i for i, (text, value) in enumerate(zip(stored, values)) if text != json.dumps(value)),
                min(len(stored), len(values)))


def _kept_after_last(db: sqlite3.Connection, name: str, values: list[Any]) -> int:
    """How many stored rows of ``name`` ``values`` keeps, by the last of them alone: all, or none where it differs."""
    have = min(_count(db, name), len(values))  # a state of fewer rows than saved: the rows past it are no longer its
    return 0 if have and _stored_row(db, name, have - 1) != json.dumps(values[have - 1]) else have


def _count(db: sqlite3.Connection, name: str) -> int:
    last = db.execute("SELECT MAX(idx) FROM strategy_rows WHERE name = ?", (name,)).fetchone()[0]
    return 0 if last is None else last + 1


def _stored_row(db: sqlite3.Connection, name: str, index: int) -> str | None:
    row = db.execute("SELECT row FROM strategy_rows WHERE name = ? AND idx = ?", (name, index)).fetchone()
    return None if row is None else row[0]


def with_saved_rows(db: sqlite3.Connection, path: Path, state: dict[str, Any]) -> dict[str, Any]:
    """``state``, read from the store ``db`` at ``path``, with the lists its meta :data:`META_KEY` names put back
    from their rows, marked as they were saved (``AppendedRows``); one missing or unreadable is damage, in one line."""
    row = db.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchone()
    try:
        return put_back(state, _read_rows(db, json_value(path, row[0], f"meta '{META_KEY}'"))) \
            if row is not None else state
    except ValueError as exc:
        raise DataError(f"{path} is damaged: {exc}; {RESTORE}") from None


def _read_rows(db: sqlite3.Connection, counts: Any) -> dict[str, list[Any]]:
    """The lists ``counts`` names, each its first rows as counted; ValueError naming what is missing or unreadable
    (a count past SQLite's integers, or a bool, is no length: an OverflowError's traceback, 'true' read as 1)."""
    if not isinstance(counts, dict) or not all(type(n) is int and 0 <= n < 2 ** 63 for n in counts.values()):
        raise ValueError(f"meta '{META_KEY}' is {counts!r:.60}, not list names and their lengths")
    out: dict[str, list[Any]] = {}
    for name, count in counts.items():
        try:
            texts = [text for (text,) in db.execute(
                "SELECT row FROM strategy_rows WHERE name = ? AND idx < ? ORDER BY idx", (name, count))]
        except sqlite3.OperationalError as exc:  # the table dropped from the file
            raise ValueError(f"the saved rows of {name} cannot be read ({exc})") from None
        if len(texts) != count:
            raise ValueError(f"the saved rows of {name} are {len(texts)}, not {count}")
        try:
            out[name] = [json.loads(text) for text in texts]
        except (TypeError, ValueError, RecursionError):
            raise ValueError(f"a saved row of {name} is not valid JSON") from None
    return out
