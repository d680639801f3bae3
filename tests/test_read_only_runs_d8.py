"""A run folder copied while its search ran (or left by a kill), then kept where this user cannot write.

Before: ``show`` and ``export`` refused it ('holds the store's unmerged journal ... copy the run folder somewhere
writable'), though SQLite reads such a journal from a read-only folder through the shared-memory file beside it
(checked on a real read-only mount; here the folder is made to read as unwritable, since root may write anywhere).
"""
from __future__ import annotations

import os
import shutil
import sqlite3

import pytest

from nasloop.engine.cli import main
from nasloop.engine.errors import DataError
from nasloop.engine.search import summarize


@pytest.fixture
def copied_while_running(tmp_path, data_dir):
    """A finished run's folder copied while a writer held its store open with a commit in the journal only."""
    run = tmp_path / "run"
    assert main(["search", "--strategy", "random", "--budget", "6", "--seed", "1", "--data-dir", str(data_dir),
                 "--run-dir", str(run), "--quiet"]) == 0
    writer = sqlite3.connect(run / "nasloop.sqlite")
    try:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("UPDATE trials SET reason = 'kept in the journal' WHERE id = 1")
        writer.commit()
        copy = tmp_path / "copy"
        shutil.copytree(run, copy)
    finally:
        writer.close()
    return copy


def test_a_copied_run_in_a_read_only_folder_is_read_with_its_journal(copied_while_running, monkeypatch, tmp_path):
    from nasloop.engine import store as store_module

    copy = copied_while_running
    assert (copy / "nasloop.sqlite-wal").stat().st_size > 0 and (copy / "nasloop.sqlite-shm").exists()
    writable = os.access
    monkeypatch.setattr(store_module.os, "access", lambda path, mode: mode != os.W_OK and writable(path, mode))
    assert summarize(copy)["evaluations"] == 6
    assert main(["export", str(copy), str(tmp_path / "out.csv")]) == 0
    assert "kept in the journal" in (tmp_path / "out.csv").read_text()


def test_a_journal_without_its_shared_memory_file_is_still_told_to_be_copied(copied_while_running, monkeypatch):
    from nasloop.engine import store as store_module

    copy = copied_while_running
    (copy / "nasloop.sqlite-shm").unlink()
    writable = os.access
    monkeypatch.setattr(store_module.os, "access", lambda path, mode: mode != os.W_OK and writable(path, mode))
    with pytest.raises(DataError, match=r"holds the store's unmerged journal \(nasloop.sqlite-wal\) without its "
                                        r"shared-memory file \(nasloop.sqlite-shm\), which a reader must make; copy"):
        summarize(copy)
