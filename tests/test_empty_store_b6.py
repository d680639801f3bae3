"""A store that provably holds no run (0 bytes, or a store's tables holding nothing but the schema version), as an
older nasloop's search left it when a Ctrl-C came as it created the file in place: a new search into the folder
replaces it, and show, export and --resume say what it is and how to go on in one line. A new search said the
folder 'already holds a run' and the readers called it damaged, so the folder could not be used until the file was
found and deleted by hand. A stale lock file (a dead process's id) and the store's empty sidecars change nothing."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from nasloop.engine.registry import register_evaluator, register_search_space
from nasloop.engine.store import RunStore
from nasloop.engine.store_empty import holds_no_run
from nasloop.engine.store_journal import roll_back_hot_journal
from nasloop.engine.study_renew import run_state

from .digit_space import DigitSpace, DigitSum

DEAD_PID = "4194303"  # a killed search's pid, left in its lock file: the lock is a flock, which died with it


@pytest.fixture(autouse=True)
def digits():
    """A user's space and evaluator, which read no data: each search here takes milliseconds."""
    register_search_space("b6e-digits")(type("B6EDigits", (DigitSpace,), {"name": "b6e-digits"}))
    register_evaluator("b6e-sum")(type("B6ESum", (DigitSum,), {}))


def _search(nasloop_in_process, run: Path, *more: str):
    return nasloop_in_process(["search", "--space", "b6e-digits", "--evaluator", "b6e-sum", "--strategy", "random",
                               "--budget", "3", "--run-dir", str(run), "--quiet", "--json", *more])


def _empty_store(run: Path) -> Path:
    """A 0-byte store beside empty SQLite sidecars and the lock file of a process that died, as a Ctrl-C left them."""
    run.mkdir()
    store = run / "nasloop.sqlite"
    store.write_bytes(b"")
    for end in ("-wal", "-shm"):
        (run / f"nasloop.sqlite{end}").write_bytes(b"")
    (run / "nasloop.lock").write_text(DEAD_PID)
    return store


def _tables_only(run: Path, with_version: bool = True) -> Path:
    """A store an older nasloop began in place: some of its tables made, the schema version perhaps, nothing more."""
    run.mkdir()
    store = run / "nasloop.sqlite"
    db = sqlite3.connect(store)
    db.executescript("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                     "CREATE TABLE trials (id INTEGER PRIMARY KEY, arch TEXT NOT NULL);")
    if with_version:
        db.execute("INSERT INTO meta VALUES ('schema_version', '1')")
        db.commit()
    db.close()
    return store


@pytest.mark.parametrize("make", [_empty_store, _tables_only, lambda run: _tables_only(run, with_version=False)],
                         ids=["zero-bytes", "tables-and-version", "tables-only"])
def test_a_new_search_replaces_a_store_that_holds_no_run(nasloop_in_process, tmp_path, make):
    store = make(tmp_path / "run")
    assert holds_no_run(store)
    done = _search(nasloop_in_process, tmp_path / "run")
    assert done.returncode == 0, done.stderr
    with RunStore.in_run_dir(tmp_path / "run", readonly=True) as run:
        assert run.get_meta("status") == "finished" and run.counts()["evaluations"] == 3


@pytest.mark.parametrize("make", [_empty_store, _tables_only], ids=["zero-bytes", "tables-and-version"])
@pytest.mark.parametrize("command", [["show", "{run}"], ["export", "{run}", "{out}"], ["search", "--resume", "{run}"]],
                         ids=["show", "export", "resume"])
def test_readers_say_a_store_holds_no_run_and_how_to_go_on(nasloop_in_process, tmp_path, make, command):
    run = tmp_path / "run"
    store = make(run)
    args = [word.format(run=run, out=tmp_path / "out.csv") for word in command]
    done = nasloop_in_process(args)
    assert done.returncode == 2 and done.stderr == (
        f"nasloop {command[0]}: error: {store} holds no run (it is empty: a search stopped as it started left it); "
        f"start that search again with --run-dir {run}, which replaces the file\n")
    assert store.exists() and not (tmp_path / "out.csv").exists()


def test_an_empty_store_beside_a_log_that_holds_something_is_kept(nasloop_in_process, tmp_path):
    """The write-ahead log may hold the store's pages: not provably empty, so left to the user, as before."""
    store = _empty_store(tmp_path / "run")
    (tmp_path / "run" / "nasloop.sqlite-wal").write_bytes(b"\x37\x7f\x06\x82" + bytes(28))
    assert not holds_no_run(store)
    done = _search(nasloop_in_process, tmp_path / "run")
    assert done.returncode == 2 and "already holds a run" in done.stderr
    assert store.read_bytes() == b""


def test_a_run_of_a_configuration_and_nothing_more_is_kept(nasloop_in_process, tmp_path):
    """Today's store holds its configuration from its first instant: a run stopped before its first trial is a run
    that --resume continues, never replaced."""
    run = tmp_path / "run"
    assert _search(nasloop_in_process, run).returncode == 0
    with RunStore.in_run_dir(run) as store:
        store.db.execute("DELETE FROM trials")
        store.db.execute("DELETE FROM strategy_state")
        store.db.execute("DELETE FROM meta WHERE key IN ('status', 'stop_reason', 'wall_seconds')")
    assert not holds_no_run(run / "nasloop.sqlite")
    assert "already holds a run" in _search(nasloop_in_process, run).stderr
    (run / "nasloop.lock").write_text(DEAD_PID)  # a killed search's lock file: no lock is held, whatever it says
    shown = nasloop_in_process(["show", str(run), "--json"])
    assert shown.returncode == 0 and '"status": "stopped"' in shown.stdout
    resumed = nasloop_in_process(["search", "--resume", str(run), "--quiet", "--json"])
    assert resumed.returncode == 0 and '"status": "finished"' in resumed.stdout, resumed.stderr


def test_a_studys_run_that_holds_no_run_is_run_anew(tmp_path):
    """A study's compare runs it as a new run (whose search replaces the file), where it was left 'damaged'."""
    _empty_store(tmp_path / "run")
    assert run_state(tmp_path / "run") == "new"


def test_a_store_half_made_by_a_killed_search_is_no_run_and_the_next_search_makes_its_own(nasloop_in_process, tmp_path):
    """kill -9 while a search builds its store under its temporary name leaves that file and its journal, never the
    store: the folder holds no run, and the next search into it builds its store afresh."""
    run = tmp_path / "run"
    run.mkdir()
    (run / "nasloop.sqlite.new").write_bytes(b"SQLite format 3\x00" + bytes(100))
    (run / "nasloop.sqlite.new-journal").write_bytes(bytes(512))
    (run / "nasloop.lock").write_text(DEAD_PID)
    shown = nasloop_in_process(["show", str(run)])
    assert shown.returncode == 2 and "no nasloop run at" in shown.stderr
    assert _search(nasloop_in_process, run).returncode == 0
    assert sorted(p.name for p in run.iterdir() if p.name.endswith((".new", "-journal"))) == []


def test_a_journal_left_alone_makes_no_empty_store(tmp_path):
    """A writer opens a store only where it exists: opening the path made a 0-byte store of a file removed since its
    check (here, a journal whose store is gone), which every reader then refused."""
    journal = tmp_path / "nasloop.sqlite-journal"
    journal.write_bytes(bytes(512))
    with pytest.raises(sqlite3.OperationalError):
        roll_back_hot_journal(tmp_path / "nasloop.sqlite")
    assert sorted(p.name for p in tmp_path.iterdir()) == [journal.name]
