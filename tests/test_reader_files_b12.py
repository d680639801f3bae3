"""A reader of a run (``show``, ``export``, ``report``, a study's ``report``) leaves the run's folder as it found it.

Before: a reader opened the store with SQLite's ``mode=ro``, which makes ``nasloop.sqlite-wal`` and ``-shm`` beside a
WAL store and cannot remove them, so a finished run (its folder holding the store and its lock alone) gained both at
its first ``show``, and every study's runs at ``compare``'s own check of them. A reader must still read a store that
a search is writing: what that search committed, not what it has yet to commit.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.store import RunStore

pytestmark = pytest.mark.usefixtures("isolated_cache")


def _listing(folder: Path) -> list[str]:
    """Every path under ``folder``, relative to it."""
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def _sidecars(folder: Path) -> list[str]:
    """SQLite's files beside any store under ``folder``."""
    return [name for name in _listing(folder) if name.endswith(("-wal", "-shm", "-journal"))]


@pytest.fixture
def finished(tmp_path: Path, data_dir: Path) -> Path:
    """A finished random search of 6 evaluations."""
    run = tmp_path / "run"
    assert main(["search", "--strategy", "random", "--budget", "6", "--seed", "1", "--data-dir", str(data_dir),
                 "--run-dir", str(run), "--quiet"]) == 0
    return run


def test_show_export_and_report_leave_a_finished_run_as_they_found_it(finished, tmp_path, capsys):
    before = _listing(finished)
    assert _sidecars(finished) == []
    assert main(["show", str(finished)]) == 0
    assert main(["export", str(finished), str(tmp_path / "e.csv")]) == 0
    assert main(["report", str(finished), "--out", str(tmp_path / "report")]) == 0
    assert "nasloop run" in capsys.readouterr().out
    assert _listing(finished) == before


def test_a_study_and_its_report_leave_no_files_beside_its_runs(tmp_path, data_dir):
    study = tmp_path / "study"
    assert main(["compare", "--space", "nb201", "--methods", "random", "--seeds", "1", "--budget", "3",
                 "--data-dir", str(data_dir), "--out", str(study)]) == 0
    assert any(name.endswith("nasloop.sqlite") for name in _listing(study))
    assert _sidecars(study) == []
    before = _listing(study)
    assert main(["report", str(study)]) == 0
    assert _listing(study) == before


def test_a_reader_during_a_live_writer_reads_what_it_committed(finished, capsys):
    """A writer holding the store open with a commit in its log only and a transaction still open: ``show`` reads
    the commit, not the open transaction, and the writer's files stay for it to go on; once it closes, none is left."""
    writer = sqlite3.connect(finished / "nasloop.sqlite", isolation_level=None)
    try:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("UPDATE trials SET reason = 'committed' WHERE id = 1")
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE trials SET reason = 'not yet committed' WHERE id = 2")
        with RunStore.in_run_dir(finished, readonly=True) as store:
            reasons = {row[0]: row[1] for row in store.db.execute("SELECT id, reason FROM trials")}
        assert reasons[1] == "committed" and reasons[2] != "not yet committed"
        assert main(["show", str(finished)]) == 0
        assert "nasloop run" in capsys.readouterr().out
        assert {"nasloop.sqlite-wal", "nasloop.sqlite-shm"} <= set(_listing(finished))
        writer.execute("COMMIT")
        writer.execute("UPDATE trials SET reason = 'after the reader' WHERE id = 3")
    finally:
        writer.close()
    with RunStore.in_run_dir(finished, readonly=True) as store:
        reasons = {row[0]: row[1] for row in store.db.execute("SELECT id, reason FROM trials")}
    assert [reasons[1], reasons[2], reasons[3]] == ["committed", "not yet committed", "after the reader"]
    assert _sidecars(finished) == []


def test_a_writer_that_starts_while_a_reader_reads_is_read_and_can_write(finished):
    """The reader opened first, as a writer's connection kept from writing: a search starting meanwhile writes, and
    the reader's next read sees its commit; the reader cannot write."""
    with RunStore.in_run_dir(finished, readonly=True) as store:
        count = len(store.trials())
        with RunStore.in_run_dir(finished) as writer:
            writer.set_meta("note", "written while read")
            assert store.get_meta("note") == "written while read"
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            store.db.execute("UPDATE trials SET reason = 'from a reader'")
        assert len(store.trials()) == count
    assert _sidecars(finished) == []
