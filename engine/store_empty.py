"""A run store that provably holds no run: a new search into its folder replaces it, and every reader says so.

Today's searches build a new store under another name and rename it into place whole (:func:`.store._create`), so
they leave none. A nasloop from before that created the file in place, first empty and then with its tables, and a
Ctrl-C in those instants left a 0-byte ``nasloop.sqlite`` or one holding empty tables (a file made by hand, or
copied off a full disk, can be one too). Nothing could use such a folder until the user found and deleted the file:
a new search said it 'already holds a run', ``--resume`` and ``show`` called it damaged and advised a backup.

A store holds no run when it is 0 bytes with no journal beside it that holds anything, or when it is an SQLite file
whose only tables are a store's and whose only row is the schema version: no configuration, no trial and no strategy
state. A run created by today's nasloop holds its configuration from its first instant, so it is never one.
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from .errors import DataError

STORE_TABLES = ("meta", "trials", "strategy_state")
SIDECARS = ("-wal", "-journal", "-shm")
"""The files SQLite keeps beside a store: a write-ahead log, a rollback journal and the log's shared-memory index."""


def _size(path: Path) -> int | None:
    """The size of the file at ``path``; None where there is none (or it cannot be read: never a store to replace)."""
    try:
        return os.path.getsize(path) if os.path.isfile(path) else None
    except OSError:
        return None


def empty_tables(db: sqlite3.Connection) -> bool:
    """Whether the store open in ``db`` has at most a store's tables, holding nothing but its schema version."""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables <= set(STORE_TABLES):
        return False
    if any(db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() for table in ("trials", "strategy_state")
           if table in tables):
        return False
    return "meta" not in tables or db.execute("SELECT 1 FROM meta WHERE key != 'schema_version' LIMIT 1"
                                              ).fetchone() is None


def holds_no_run(path: Path) -> bool:
    """Whether the store file at ``path`` exists and provably holds no run (see the module's doc). A journal beside a
    non-empty file that holds a transaction SQLite has yet to roll back is left to the reader that rolls it back."""
    size = _size(path)
    if size is None:
        return False
    if size == 0:
        return not any(_size(path.with_name(path.name + end)) for end in ("-wal", "-journal"))
    if _size(path.with_name(path.name + "-journal")):
        return False
    try:
        db = sqlite3.connect(reader_uri(path), uri=True, timeout=5.0)
        try:
            db.execute("PRAGMA query_only = ON")
            return empty_tables(db)
        finally:
            db.close()
    except sqlite3.Error:  # damaged, locked or foreign: not provably empty, and its readers say what it is
        return False


def discard_empty(path: Path) -> None:
    """Remove the store at ``path`` where it holds no run, with the files SQLite kept beside it: a log left beside
    the new store would be replayed into it. The store goes last, so an interrupt here leaves a store that still
    holds no run. Called under the new run's lock, just before the new store is made."""
    if not holds_no_run(path):
        return
    for end in SIDECARS:
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + end).unlink()
    path.unlink(missing_ok=True)


def existing_only(path: Path) -> str:
    """The URI a writer opens the store at ``path`` by: one that fails where the file is gone, where opening the path
    made an empty store of it (a store removed between a reader's check and its open, or a journal left alone)."""
    return f"{path.resolve().as_uri()}?mode=rw"


def reader_uri(path: Path) -> str:
    """The URI a reader opens the store at ``path`` by where it leaves no file behind: a ``mode=ro`` connection to a
    WAL store makes a log and a shared-memory file beside it that it cannot remove, so every ``show`` (and a study's
    check of its runs) left them beside a finished run it only read. Where the folder is writable and nothing lies
    beside the store, and the store is this user's to write, it is opened as a writer would (the caller sets
    ``query_only``): the last connection to close removes both, as a search's does. It is still a WAL reader, so a
    search writing meanwhile is read consistently and keeps its own files; a log already there is read in
    ``mode=ro``, left as found, never merged by a reader."""
    if all(os.access(where, os.W_OK) for where in (path.parent, path)) and not any(
            os.path.lexists(path.with_name(path.name + end)) for end in ("-wal", "-shm")):
        return existing_only(path)
    return f"{path.resolve().as_uri()}?mode=ro"


def no_run(path: Path) -> DataError:
    """The refusal of a reader (``show``, ``export``, ``--resume``) given a store that holds no run."""
    return DataError(f"{path} holds no run (it is empty: a search stopped as it started left it); start that search "
                     f"again with --run-dir {path.parent}, which replaces the file")
