"""A new store appears under its name already in WAL mode, so no kill can leave a hot rollback journal beside it.

Before: the store was renamed into place in rollback-journal mode and switched to WAL by its first open; a
``kill -9`` in that instant (seen once in about 70 kills of ``nasloop search`` at random instants) left
``nasloop.sqlite-journal``, and every later read-only open failed: ``nasloop show`` and ``nasloop search --resume``
said "the run store could not be read or written (attempt to write a readonly database)", the latter adding
"then continue with 'nasloop search --resume ...'", the command that had just failed."""
from __future__ import annotations

from nasloop.engine.store import DB_NAME, _create


def test_a_new_store_is_in_wal_mode_before_it_is_opened(tmp_path):
    path = tmp_path / DB_NAME
    _create(path, {"created_at": 0.0})
    header = path.read_bytes()[:100]
    assert header[18:20] == b"\x02\x02"  # SQLite's file format numbers: 2 is WAL, 1 a rollback journal
    assert sorted(p.name for p in tmp_path.iterdir()) == [DB_NAME]  # no journal, no leftover of the creation
