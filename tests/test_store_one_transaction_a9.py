"""A new run store is written in one transaction: each statement of its creation was committed on its own, and each
commit waited for the disk (9 syncs a run: 10-250 ms on a busy machine, paid by every search and every test's run).

SQLite's header counts the write transactions committed in rollback-journal mode (its 'file change counter', bytes
24-27): the creation's, then the switch to WAL; later commits go to the WAL and leave it alone."""
from __future__ import annotations

import sqlite3

from nasloop.engine.store import DB_NAME, REQUIRED_TABLES, RunStore, _create


def _change_counter(path) -> int:
    return int.from_bytes(path.read_bytes()[24:28], "big")


def test_a_new_store_is_committed_once_and_holds_its_schema_and_meta(tmp_path):
    path = tmp_path / DB_NAME
    _create(path, {"created_at": 0.0, "note": "x"})
    assert _change_counter(path) <= 2  # was 9: each CREATE and each meta row its own commit
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        meta = dict(db.execute("SELECT key, value FROM meta"))
    assert set(REQUIRED_TABLES) <= tables
    assert meta == {"schema_version": "1", "created_at": "0.0", "note": '"x"'}
    with RunStore(path) as store:  # the store the search opens next
        assert store.get_meta("note") == "x"
