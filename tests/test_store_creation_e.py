"""A new store appears under its name already in WAL mode, so no kill can leave a hot rollback journal beside it.

Before: the store was renamed into place in rollback-journal mode and switched to WAL by its first open; a
``kill -9`` in that instant (seen once in about 70 kills of ``nasloop search`` at random instants) left
``nasloop.sqlite-journal``, and every later read-only open failed: ``nasloop show`` and ``nasloop search --resume``
said "the run store could not be read or written (attempt to write a readonly database)", the latter adding
"then continue with 'nasloop search --resume ...'", the command that had just failed."""
from __future__ import annotations

import sqlite3
import subprocess
import sys

from nasloop.engine.config import SearchConfig
from nasloop.engine.search import resume, search, summarize
from nasloop.engine.store import DB_NAME, _create


def test_a_new_store_is_in_wal_mode_before_it_is_opened(tmp_path):
    path = tmp_path / DB_NAME
    _create(path, {"created_at": 0.0})
    header = path.read_bytes()[:100]
    assert header[18:20] == b"\x02\x02"  # SQLite's file format numbers: 2 is WAL, 1 a rollback journal
    assert sorted(p.name for p in tmp_path.iterdir()) == [DB_NAME]  # no journal, no leftover of the creation


KILLED_IN_A_WRITE = """
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA synchronous=OFF")  # the journal is valid at once, as one is once synced in a commit
db.execute("BEGIN IMMEDIATE")
db.execute("UPDATE meta SET value = '\\"half-written\\"' WHERE key = 'status'")  # the page's original: in the journal
os._exit(9)
"""


def test_a_hot_journal_left_by_an_earlier_nasloop_is_rolled_back_and_the_run_resumes(tmp_path, data_dir):
    """Such a store (made here: a rollback-journal store whose writer died inside its transaction) was read by
    neither show nor --resume."""
    run = tmp_path / "run"
    search(SearchConfig(strategy="random", budget=3, seed=0, data_dir=str(data_dir), run_dir=str(run)))
    with sqlite3.connect(run / DB_NAME) as db:
        db.execute("PRAGMA journal_mode=DELETE")
    subprocess.run([sys.executable, "-c", KILLED_IN_A_WRITE, str(run / DB_NAME)], check=False)
    assert (run / (DB_NAME + "-journal")).stat().st_size > 0
    assert summarize(run)["status"] == "finished"  # not the half-written value: the journal was rolled back
    assert resume(run, budget=5)["evaluations"] == 5
