"""The results store: one SQLite file per run, the single source of truth.

It holds the run's configuration, every trial (asked, running, finished, or answered from an
earlier identical trial), and the strategy's state. Each step of the loop is one transaction:

* ask: the new trials, the answers to proposals already evaluated, and the strategy state after both;
* complete: a trial's result, as soon as it arrives;
* tell: the trials marked as told and the strategy state after the tell.

After a crash at any instant the file holds a consistent prefix of those steps, so resuming
means: restore the last strategy state, tell it the results that finished but were not yet told,
and re-submit the trials that were still running. WAL journaling lets readers (``nasloop show``,
a dashboard) look while a search writes.
"""
from __future__ import annotations

import csv
import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import DataError
from .types import Result

DB_NAME = "nasloop.sqlite"
SCHEMA_VERSION = 1

PENDING, DONE, DUPLICATE = "pending", "done", "duplicate"

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


@dataclass(frozen=True)
class Trial:
    id: int
    step: int
    arch: str
    key: str
    fidelity: int | None
    state: str
    duplicate_of: int | None
    score: float | None
    result: Result | None
    told: bool
    asked_at: float
    finished_at: float | None

    def as_record(self) -> dict[str, Any]:
        """A plain dict for export (timestamps kept, result flattened)."""
        out: dict[str, Any] = {"id": self.id, "step": self.step, "arch": self.arch, "fidelity": self.fidelity,
                               "state": self.state, "duplicate_of": self.duplicate_of, "score": self.score,
                               "asked_at": self.asked_at, "finished_at": self.finished_at}
        if self.result is not None:
            out.update(status=self.result.status, cost=self.result.cost,
                       cost_estimated=self.result.cost_estimated, reason=self.result.reason,
                       metrics=dict(self.result.metrics))
        return out


def _trial(row: sqlite3.Row) -> Trial:
    result = None
    if row["status"] is not None:
        result = Result(metrics=json.loads(row["metrics"] or "{}"), cost=row["cost"] or 0.0,
                        status=row["status"], reason=row["reason"], cost_estimated=bool(row["cost_estimated"]))
    return Trial(id=row["id"], step=row["step"], arch=row["arch"], key=row["key"], fidelity=row["fidelity"],
                 state=row["state"], duplicate_of=row["duplicate_of"], score=row["score"], result=result,
                 told=bool(row["told"]), asked_at=row["asked_at"], finished_at=row["finished_at"])


class RunStore:
    """One run's SQLite database (``<run_dir>/nasloop.sqlite``)."""

    def __init__(self, path: str | Path, create: bool = False) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise DataError(f"no nasloop run at {self.path.parent} (missing {DB_NAME}); "
                            "check the run directory, or start a new search with --run-dir")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            # NORMAL keeps every committed transaction through a process crash (kill -9); only an OS
            # crash or power cut can lose the last few, and never corrupts the file.
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
            columns = {row["name"] for row in self.db.execute("PRAGMA table_info(trials)")}
            if "cost_estimated" not in columns:  # a store written before costs said whether they were estimates
                self.db.execute("ALTER TABLE trials ADD COLUMN cost_estimated INTEGER")
        except sqlite3.DatabaseError as exc:
            raise DataError(f"{self.path} is not a readable nasloop store ({exc}); "
                            "restore it or start a new run directory") from None
        version = self.get_meta("schema_version")
        if version is None and create:
            self.set_meta("schema_version", SCHEMA_VERSION)
        elif version is not None and version != SCHEMA_VERSION:
            raise DataError(f"{self.path} was written by store schema {version}; this nasloop reads "
                            f"{SCHEMA_VERSION}")

    @classmethod
    def in_run_dir(cls, run_dir: str | Path, create: bool = False) -> "RunStore":
        return cls(Path(run_dir) / DB_NAME, create=create)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "RunStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _transaction(self):
        return _Transaction(self.db)

    # --- meta ---------------------------------------------------------------------------------
    def get_meta(self, key: str) -> Any:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row["value"]) if row else None

    def set_meta(self, key: str, value: Any) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, json.dumps(value)))

    # --- the three loop transactions --------------------------------------------------------
    def record_ask(self, step: int, trials: list[dict[str, Any]], strategy_state: dict[str, Any]) -> list[int]:
        """Insert the asked trials (evaluations and duplicates) with the strategy state after the ask.

        Duplicates already answered and told (``told``) go in with their result, and the state is
        the one after that tell.
        """
        now = time.time()
        ids = []
        with self._transaction():
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
            self._save_state(step, strategy_state, now)
        return ids

    def record_result(self, trial_id: int, result: Result, score: float | None) -> None:
        """Persist one finished evaluation the moment it arrives."""
        with self._transaction():
            self.db.execute("UPDATE trials SET state = ?, status = ?, score = ?, metrics = ?, cost = ?,"
                            " cost_estimated = ?, reason = ?, finished_at = ? WHERE id = ?",
                            (DONE, result.status, score, json.dumps(dict(result.metrics)), result.cost,
                             int(result.cost_estimated), result.reason, time.time(), trial_id))
            # Duplicates asked while this trial was running share its result.
            self.db.execute("UPDATE trials SET status = ?, score = ?, metrics = ?, cost = 0, reason = ?,"
                            " finished_at = ? WHERE duplicate_of = ? AND status IS NULL",
                            (result.status, score, json.dumps(dict(result.metrics)), result.reason, time.time(),
                             trial_id))

    def record_tell(self, step: int, trial_ids: list[int], strategy_state: dict[str, Any]) -> None:
        with self._transaction():
            self.db.executemany("UPDATE trials SET told = 1 WHERE id = ?", [(i,) for i in trial_ids])
            self._save_state(step, strategy_state, time.time())

    def _save_state(self, step: int, state: dict[str, Any], now: float) -> None:
        self.db.execute("INSERT OR REPLACE INTO strategy_state (id, step, state, updated_at) VALUES (1, ?, ?, ?)",
                        (step, json.dumps(state), now))

    # --- reading ----------------------------------------------------------------------------
    def strategy_state(self) -> tuple[int, dict[str, Any]] | None:
        row = self.db.execute("SELECT step, state FROM strategy_state WHERE id = 1").fetchone()
        return (row["step"], json.loads(row["state"])) if row else None

    def trials(self, where: str = "", params: tuple = ()) -> list[Trial]:
        sql = "SELECT * FROM trials" + (f" WHERE {where}" if where else "") + " ORDER BY id"
        return [_trial(r) for r in self.db.execute(sql, params)]

    def evaluations(self) -> list[Trial]:
        """Trials that were (or are being) really evaluated, i.e. not answered from the store."""
        return self.trials("state != ?", (DUPLICATE,))

    def counts(self) -> dict[str, float]:
        row = self.db.execute(
            "SELECT COUNT(*) FILTER (WHERE state != 'duplicate') AS evaluations,"
            " COUNT(*) FILTER (WHERE state = 'duplicate') AS duplicates,"
            " COUNT(*) FILTER (WHERE state = 'pending') AS pending,"
            " COUNT(*) FILTER (WHERE state = 'done' AND status = 'failed') AS failed,"
            " COUNT(*) FILTER (WHERE state = 'done' AND cost_estimated = 1) AS estimated,"
            " COALESCE(SUM(cost) FILTER (WHERE state = 'done'), 0) AS cost FROM trials").fetchone()
        return dict(row)

    # --- export -----------------------------------------------------------------------------
    def export(self, path: str | Path, include_duplicates: bool = False) -> Path:
        """Write trials as CSV or JSON (by suffix): one row per trial, metrics as columns."""
        path = Path(path)
        records = [t.as_record() for t in (self.trials() if include_duplicates else self.evaluations())]
        if path.suffix == ".json":
            path.write_text(json.dumps(records, indent=1))
        elif path.suffix == ".csv":
            metric_names = sorted({m for r in records for m in r.get("metrics", {})})
            fields = ["id", "step", "arch", "fidelity", "state", "duplicate_of", "status", "score", "cost",
                      "cost_estimated", "reason", "asked_at", "finished_at"] + metric_names
            with open(path, "w", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=fields)
                writer.writeheader()
                for r in records:
                    writer.writerow({**{k: v for k, v in r.items() if k != "metrics"}, **r.get("metrics", {})})
        else:
            raise DataError(f"cannot export to '{path.name}': use a .csv or .json file name")
        return path


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on error (the connection is in autocommit mode)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, *_: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
