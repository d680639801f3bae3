"""The results store: one SQLite file per run, the single source of truth.

It holds the run's configuration, every trial (asked, running, finished, or waiting for an identical trial still
running), and the strategy's state; proposals answered at once from an earlier result are counted
(``repeats_answered``), not stored one by one. Each step of the loop is one transaction:

* ask: the new trials, the count of proposals answered from earlier results, and the strategy state after both (an
  ask of nothing but such repeats is written with the next step);
* complete: a trial's result, as soon as it arrives;
* tell: the trials marked as told and the strategy state after the tell;
* evaluated at once (a table lookup): ask, result and state together, committed in groups at most 50 ms old
  (``store_writes``), since a commit per lookup made SQLite the bottleneck.

After a crash at any instant the file holds a consistent prefix of those steps, so resuming means: restore the last
strategy state, tell it the results that finished but were not yet told, and re-submit the trials that were still
running. WAL journaling lets readers (``nasloop show``, a dashboard) look while a search writes.
"""
from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from .errors import ConfigError, DataError
from .file_limits import closed_past_the_limit, largest_file_text, needs_past_the_limit, past_largest_file
from .run_missing import DB_NAME, missing_run
from .store_rows import (DONE, DUPLICATE, RESTORE as _RESTORE, Trial, check_layout, check_meta, check_repeats,
                         check_single_evaluations, json_value, trial_of)
from .store_wal_rescue import rescue_or_refuse
from .store_empty import STORE_TABLES, empty_tables, existing_only, no_run
from .store_read_uri import read_only_uri
from .store_writes import Writes
from .state_rows import ROWS_VERSION, with_saved_rows
from .types import Result
from .user_dirs import expand_user

SCHEMA_VERSION = 1  # a new store's; one holding appended state rows is ROWS_VERSION, the newest read
REQUIRED_TABLES = STORE_TABLES
_SQLITE_HEADER = b"SQLite format 3\x00"
_ENVIRONMENT_ERRORS = {8, 10, 13, 14}
"""SQLite's READONLY, IOERR, FULL and CANTOPEN: the machine's side, not damage in the store."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS trials (
    id INTEGER PRIMARY KEY,
    step INTEGER NOT NULL,            -- which ask produced it
    arch TEXT NOT NULL,               -- the space's canonical string
    key TEXT NOT NULL,                -- dedup identity (exact or functional hash)
    fidelity INTEGER,
    state TEXT NOT NULL,              -- pending | done | duplicate
    duplicate_of INTEGER REFERENCES trials(id),
    status TEXT,                      -- ok | failed (copied for duplicates)
    score REAL,                       -- the objective the strategy saw
    metrics TEXT,                     -- JSON
    cost REAL,
    cost_estimated INTEGER,           -- 1 when cost is an estimate (a table without measured times)
    reason TEXT,
    told INTEGER NOT NULL DEFAULT 0,
    asked_at REAL NOT NULL,
    finished_at REAL
);
CREATE INDEX IF NOT EXISTS trials_key ON trials(key);
CREATE INDEX IF NOT EXISTS trials_waiting ON trials(duplicate_of) WHERE status IS NULL;
CREATE TABLE IF NOT EXISTS strategy_state (id INTEGER PRIMARY KEY CHECK (id = 1), step INTEGER NOT NULL,
                                           state TEXT NOT NULL, updated_at REAL NOT NULL);
"""


def _check_file(path: Path) -> None:
    """An existing, non-empty SQLite file, judged before SQLite opens (and could extend) it."""
    if not path.exists():
        raise missing_run(path)
    if not path.is_file():
        raise DataError(f"{path} is not a file, so not a nasloop store; give a run directory written by "
                        "'nasloop search'")
    try:
        with open(path, "rb") as fh:
            header = fh.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not header:  # refused, unless a write-ahead log beside it holds the run, which SQLite would delete
        rescue_or_refuse(path, _RESTORE)
        return _check_file(path)
    if header != _SQLITE_HEADER:
        raise DataError(f"{path} is not an SQLite file, so not a nasloop store; {_RESTORE}")


def _create(path: Path, meta: dict[str, Any]) -> None:
    """Make a new store with its schema and ``meta``, all or nothing.

    It is built under a temporary name and renamed into place, so a full disk or a kill during creation leaves no
    half-made store that would later be refused as damaged. It is switched to WAL there too: switched once in place, a
    kill then left a hot rollback journal, which no read-only open (``show``, ``--resume``'s check) can roll back. It
    is synced once, before the rename, not by SQLite: each new run waited for 15 syncs, 10-250 ms on a busy disk."""
    partial = path.with_name(path.name + ".new")
    sidecars = [partial, *(partial.with_name(partial.name + end) for end in ("-journal", "-wal", "-shm"))]
    size = 0  # the bytes its commit writes: a failed one takes back what it wrote, which then tells nothing
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for file in sidecars:
            file.unlink(missing_ok=True)
        db = sqlite3.connect(partial, isolation_level=None)
        try:  # a rollback journal here: once committed, everything is in the one file that is renamed
            db.executescript("PRAGMA synchronous=OFF; BEGIN;" + _SCHEMA)
            db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                           [(k, json.dumps(v)) for k, v in {"schema_version": SCHEMA_VERSION, **meta}.items()])
            size = db.execute("PRAGMA page_count").fetchone()[0] * db.execute("PRAGMA page_size").fetchone()[0]
            db.execute("COMMIT")
            db.execute("PRAGMA journal_mode=WAL")  # kept in the file; closing leaves no journal beside it
        finally:
            db.close()
        with open(partial, "rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, path)
    except BaseException as exc:  # a Ctrl-C too: a half-made store left beside the run helps nobody
        for file in sidecars:
            with contextlib.suppress(OSError):
                file.unlink()
        if not isinstance(exc, (OSError, sqlite3.DatabaseError)):
            raise
        if past_largest_file(exc) or needs_past_the_limit(size, exc):  # not 'free some space' on a disk with plenty
            raise DataError(f"{largest_file_text(f'the run store {path}')}, and run the search again") from None
        raise DataError(f"cannot create the run store {path} ({exc}); free some space or choose another "
                        "--run-dir, and run the search again") from None


class RunStore:
    """One run's SQLite database (``<run_dir>/nasloop.sqlite``).

    A store from outside is not trusted: an existing file is opened only after it proves to be a
    nasloop store of a schema this version reads and passes SQLite's integrity check, and every
    value read back is checked for its type, so damage is reported in one line naming the file
    instead of being acted on. ``readonly`` (``show``, ``export``) never writes to the file.
    """

    def __init__(self, path: str | Path, create: bool = False, readonly: bool = False,
                 meta: dict[str, Any] | None = None) -> None:
        """Open the store at ``path``; ``create`` makes a new one holding ``meta`` first."""
        self.path = Path(path)
        if create:
            _create(self.path, meta or {})
        _check_file(self.path)
        try:
            self._sees_others = True  # whether this connection sees other connections' commits (data_version)
            if readonly:
                uri = read_only_uri(self.path)
                self._sees_others = not uri.endswith("immutable=1")
                self.db = sqlite3.connect(uri, uri=True, timeout=30.0)
                self.db.execute("PRAGMA query_only = ON")  # never writes, whichever way it was opened
            else:
                self.db = sqlite3.connect(existing_only(self.path), uri=True, isolation_level=None, timeout=30.0)
            self.db.row_factory = sqlite3.Row
            self._page_size = int(self.db.execute("PRAGMA page_size").fetchone()[0])  # one write's size (__exit__)
            self.writes = Writes(self.db)
            self._check_schema()
            if readonly and self.get_meta("config") is None and empty_tables(self.db):  # no reader's run
                raise no_run(self.path)
            if not readonly:
                self._migrate()
            # a store from before costs said whether they were estimates, read without migrating it (show, export)
            self._estimates = "cost_estimated" in {row["name"] for row in self.db.execute("PRAGMA table_info(trials)")}
        except sqlite3.DatabaseError as exc:
            if not self.path.exists():  # removed since it was checked: opening it no longer makes an empty one
                raise missing_run(self.path) from None
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF in _ENVIRONMENT_ERRORS:
                raise  # the disk or the file system, not the store: the CLI says so, and how to continue
            raise DataError(f"{self.path} is not a readable nasloop store ({exc}); "
                            "restore it from a backup or start a new run directory") from None

    def _check_schema(self) -> None:
        """Refuse a foreign, newer or damaged store before anything reads from or writes to it."""
        tables = sorted(r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
        problems = [r[0] for r in self.db.execute("PRAGMA quick_check")]  # first: damage can hide the version
        if problems != ["ok"]:
            lines = [line.strip(" *") for line in problems[0].splitlines() if line.strip(" *")]
            first = "; ".join(lines[:2])  # SQLite's report runs over several lines, up to a hundred
            raise DataError(f"{self.path} is damaged (SQLite integrity check: {first}); {_RESTORE}")
        version = self.get_meta("schema_version") if "meta" in tables else None
        if version is None and empty_tables(self.db):  # an older nasloop's store, stopped as it was made
            raise no_run(self.path)
        if version is None and set(REQUIRED_TABLES) <= set(tables):
            raise DataError(f"{self.path} is damaged: it has a nasloop store's tables but no schema version; "
                            f"{_RESTORE}")
        if version is None:
            raise DataError(f"{self.path} is an SQLite database but not a nasloop store (its tables: "
                            f"{', '.join(tables) or 'none'}); nasloop leaves it untouched: give a run directory "
                            "written by 'nasloop search'")
        if not isinstance(version, int) or isinstance(version, bool):
            raise DataError(f"{self.path} is damaged: its schema version is {version!r}; {_RESTORE}")
        if version > ROWS_VERSION:
            raise DataError(f"{self.path} was written by a newer nasloop (store schema {version}; this one reads "
                            f"up to {ROWS_VERSION}); upgrade nasloop to open it")
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        if missing and empty_tables(self.db):
            raise no_run(self.path)
        if missing:
            raise DataError(f"{self.path} is damaged: its '{missing[0]}' table is missing; {_RESTORE}")
        check_layout(self.path, self.db)
        check_repeats(self.path, self.db)
        check_single_evaluations(self.path, self.db)
        for key, value in self.db.execute("SELECT key, value FROM meta"):
            check_meta(self.path, key, json_value(self.path, value, f"meta {key!r}"))
        config = self.get_meta("config")
        if config is not None and not isinstance(config, dict):
            raise DataError(f"{self.path} is damaged: its run configuration is not a mapping; {_RESTORE}")
        self.strategy_state()

    def _migrate(self) -> None:
        # NORMAL keeps every committed transaction through a process crash (kill -9); only an OS
        # crash or power cut can lose the last few, and never corrupts the file.
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA journal_mode=WAL")  # readers (show, a dashboard) look while a search writes
        columns = {row["name"] for row in self.db.execute("PRAGMA table_info(trials)")}
        if "cost_estimated" not in columns:  # a store written before costs said whether they were estimates
            self.db.execute("ALTER TABLE trials ADD COLUMN cost_estimated INTEGER")

    @classmethod
    def in_run_dir(cls, run_dir: str | Path, create: bool = False, readonly: bool = False,
                   meta: dict[str, Any] | None = None) -> "RunStore":
        if not isinstance(run_dir, (str, os.PathLike)) or not str(run_dir).strip():  # None: Path's TypeError; '': .
            raise ConfigError(f"a run folder is a path (text or pathlib.Path), got {run_dir!r}; pass the folder a "
                              "search wrote, e.g. summary['run_dir']")
        return cls(expand_user(run_dir) / DB_NAME, create=create, readonly=readonly, meta=meta)  # as search

    def close(self) -> None:
        self.writes.flush()
        self.db.close()

    def __enter__(self) -> "RunStore":
        return self

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        closed_past_the_limit(self.path, self._page_size, exc, self.close)  # a write past 'ulimit -f' as EFBIG

    # --- meta ---------------------------------------------------------------------------------
    def get_meta(self, key: str) -> Any:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json_value(self.path, row["value"], f"meta '{key}'") if row else None

    def set_meta(self, key: str, value: Any) -> None:
        self.writes.flush()
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, json.dumps(value)))

    # --- the loop's transactions --------------------------------------------------------
    def record_ask(self, step: int, trials: list[dict[str, Any]], strategy_state: dict[str, Any],
                   repeats: int = 0, counts: dict[str, int] | None = None) -> list[int]:
        """Insert the asked trials (evaluations and duplicates) with the strategy state after the ask.

        ``repeats`` counts proposals answered at once from earlier results and already told (the
        state is the one after that tell): they are counted, not stored row by row, so a strategy
        that re-proposes known cells hundreds of thousands of times leaves a store of its
        evaluations, not of its repeats. Duplicates of trials still running get rows: they wait
        for the result. ``counts`` are the loop's as of that state (``store_writes.LOOP_COUNTS``), saved with it, as
        in every method here that saves a state.
        """
        now = time.time()
        with self.writes.single():
            self._count_repeats(repeats)
            ids = self._insert(step, trials, now)
            self.writes.save_state((step, strategy_state, now, counts or {}))
        return ids

    def record_evaluated(self, step: int, trial: dict[str, Any], strategy_state: dict[str, Any],
                         repeats: int = 0) -> int:
        """Insert one trial asked and evaluated at once (a table lookup), already told.

        It joins the open group of such evaluations (``store_writes``), committed with the
        strategy state given here when the group is old enough or another write comes. That
        state is encoded then, not now (it is most of a lookup's cost otherwise), which is why
        the loop passes new containers, never the strategy's live ones, or (a user's state_dict,
        which may return them) the ``state_dict`` to read when the group commits. The loop's counts
        saved with it (``store_writes.LOOP_COUNTS``) are 0: a new evaluation ends a streak of repeats and a replay.
        """
        now = time.time()

        def write() -> int:
            (trial_id,) = self._insert(step, [trial], now)
            return trial_id

        return self.writes.add(write, (step, strategy_state, now, {}), repeats)

    def _insert(self, step: int, trials: list[dict[str, Any]], now: float) -> list[int]:
        ids: list[int] = []
        for t in trials:
            result: Result | None = t.get("result")
            duplicate_of = t.get("duplicate_of")
            if t.get("duplicate_of_row") is not None:  # a duplicate of a trial asked in this batch
                duplicate_of = ids[t["duplicate_of_row"]]
            cur = self.db.execute(
                "INSERT INTO trials (step, arch, key, fidelity, state, duplicate_of, status, score, metrics,"
                " cost, cost_estimated, reason, told, asked_at, finished_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (step, t["arch"], t["key"], t.get("fidelity"), t["state"], duplicate_of,
                 result.status if result else None, t.get("score"),
                 json.dumps(dict(result.metrics)) if result else None, result.cost if result else None,
                 int(result.cost_estimated) if result else None, result.reason if result else None,
                 int(bool(t.get("told"))), now, now if result else None))
            ids.append(cur.lastrowid)
        return ids

    def record_result(self, trial_id: int, result: Result, score: float | None,
                      tell: tuple[int, list[int], dict[str, Any], int, dict[str, int]] | None = None) -> None:
        """Persist one finished evaluation the moment it arrives.

        ``tell`` is ``(step, told trial ids, strategy state, repeats, loop counts)`` when the strategy has
        already been told this result: both then land in one transaction, so a synchronous
        search writes twice per evaluation (its ask, its result), not three times.
        """
        now = time.time()
        told_ids = tell[1] if tell is not None else []
        others = [i for i in told_ids if i != trial_id]
        with self.writes.single(saves_state=tell is not None):
            self.db.execute("UPDATE trials SET state = ?, status = ?, score = ?, metrics = ?, cost = ?,"
                            " cost_estimated = ?, reason = ?, finished_at = ?, told = ? WHERE id = ?",
                            (DONE, result.status, score, json.dumps(dict(result.metrics)), result.cost,
                             int(result.cost_estimated), result.reason, now, int(trial_id in told_ids), trial_id))
            if tell is None or others:  # told with it, no other id means no duplicate was waiting
                # Duplicates asked while this trial was running share its result.
                self.db.execute("UPDATE trials SET status = ?, score = ?, metrics = ?, cost = 0, reason = ?,"
                                " finished_at = ? WHERE duplicate_of = ? AND status IS NULL",
                                (result.status, score, json.dumps(dict(result.metrics)), result.reason, now,
                                 trial_id))
            if tell is not None:
                step, _, state, repeats, counts = tell
                self._tell(step, others, state, repeats, now, counts)

    def record_tell(self, step: int, trial_ids: list[int], strategy_state: dict[str, Any], repeats: int = 0,
                    counts: dict[str, int] | None = None) -> None:
        with self.writes.single():
            self._tell(step, trial_ids, strategy_state, repeats, time.time(), counts or {})

    def _tell(self, step: int, trial_ids: list[int], strategy_state: dict[str, Any], repeats: int,
              now: float, counts: dict[str, int]) -> None:
        self._count_repeats(repeats)
        if trial_ids:
            self.db.executemany("UPDATE trials SET told = 1 WHERE id = ?", [(i,) for i in trial_ids])
        self.writes.save_state((step, strategy_state, now, counts))

    def _count_repeats(self, repeats: int) -> None:
        self.writes.count_repeats(repeats)

    # --- reading ----------------------------------------------------------------------------
    def strategy_state(self) -> tuple[int, dict[str, Any]] | None:
        row = self.db.execute("SELECT step, state FROM strategy_state WHERE id = 1").fetchone()
        if row is None:
            return None
        state = json_value(self.path, row["state"], "the strategy state")
        if not isinstance(row["step"], int) or not isinstance(state, dict):
            raise DataError(f"{self.path} is damaged: the strategy state is not a step and a mapping; {_RESTORE}")
        return row["step"], with_saved_rows(self.db, self.path, state)  # its lists saved as appended rows

    def trials(self, where: str = "", params: tuple = ()) -> list[Trial]:
        sql = "SELECT * FROM trials" + (f" WHERE {where}" if where else "") + " ORDER BY id"
        try:
            rows = self.db.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if "decode" not in str(exc):  # the disk or the file system: the CLI says so, and how to continue
                raise
            # bytes overwritten inside a text column: sqlite3's message quotes the whole column
            raise DataError(f"{self.path} is damaged: a trial holds bytes that are not UTF-8 text; {_RESTORE}"
                            ) from None
        return [trial_of(self.path, r) for r in rows]

    def data_version(self) -> int | None:
        """SQLite's ``PRAGMA data_version``: two equal answers of this connection mean that no other connection
        committed to the store in between; None for a store read as immutable, which sees no other's commits."""
        return self.db.execute("PRAGMA data_version").fetchone()[0] if self._sees_others else None

    def evaluations(self) -> list[Trial]:
        """Trials that were (or are being) really evaluated, i.e. not answered from the store."""
        return self.trials("state != ?", (DUPLICATE,))

    def counts(self) -> dict[str, float]:
        estimated = "cost_estimated = 1" if self._estimates else "0"
        row = self.db.execute(
            "SELECT COUNT(*) FILTER (WHERE state != 'duplicate') AS evaluations,"
            " COUNT(*) FILTER (WHERE state = 'duplicate') AS duplicates,"
            " COUNT(*) FILTER (WHERE state = 'pending') AS pending,"
            " COUNT(*) FILTER (WHERE state = 'done' AND status = 'failed') AS failed,"
            f" COUNT(*) FILTER (WHERE state = 'done' AND {estimated}) AS estimated,"
            " COALESCE(SUM(cost) FILTER (WHERE state = 'done'), 0) AS cost FROM trials").fetchone()
        counts = dict(row)
        repeats = self.get_meta("repeats_answered") or 0
        if not isinstance(repeats, int):
            raise DataError(f"{self.path} is damaged: meta 'repeats_answered' is {repeats!r}; {_RESTORE}")
        counts["duplicates"] += repeats
        return counts
