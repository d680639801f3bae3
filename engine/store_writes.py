"""The store's write transactions: one per loop step, or one per group of instant evaluations.

A table lookup takes microseconds, so committing each one (with the strategy's state, several KB
for an evolution population) would make SQLite the search's bottleneck. Instant evaluations are
therefore written into one open transaction that commits when it is :data:`GROUP_SECONDS` old,
before any other write, and when the store closes (an exception in the loop included). The
state written with a group is the one recorded with its last evaluation, so every commit is a
consistent prefix of the search. A hard kill (power, SIGKILL) loses at most the last
``GROUP_SECONDS`` of lookups; the resumed strategy starts from the committed state with the same
random generator and proposes the same architectures again, so the lookups are redone and the
run continues exactly as it would have.
"""
from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from typing import Any, Iterator

GROUP_SECONDS = 0.05
"""How long a group of instant evaluations stays uncommitted at most (while the search runs)."""

_SAVE_STATE = "INSERT OR REPLACE INTO strategy_state (id, step, state, updated_at) VALUES (1, ?, ?, ?)"


class Writes:
    """Opens, groups and commits the writes of one store connection (in autocommit mode)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self._group_opened: float | None = None  # monotonic time the open group began
        self._group_state: tuple[int, dict[str, Any], float] | None = None  # (step, state, time) of its last one

    def single(self) -> "_Transaction":
        """A transaction of its own, committed at the end of the ``with`` block (after the open group)."""
        self.flush()
        return _Transaction(self.db)

    @contextlib.contextmanager
    def grouped(self) -> Iterator[None]:
        """Write one instant evaluation into the open group (opening one); see the module docstring.

        On error that evaluation's writes are undone and the group's earlier ones kept (a savepoint).
        """
        if self._group_opened is None:
            self.db.execute("BEGIN IMMEDIATE")
            self._group_opened = time.monotonic()
        self.db.execute("SAVEPOINT evaluation")
        try:
            yield
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK TO evaluation")
            raise
        finally:
            if self.db.in_transaction:
                self.db.execute("RELEASE evaluation")
            else:  # SQLite rolled the whole group back itself (a full disk): nothing is open any more
                self._group_opened = self._group_state = None
        if self._group_opened is not None and time.monotonic() - self._group_opened >= GROUP_SECONDS:
            self.flush()

    def keep_state(self, step: int, state: dict[str, Any], now: float) -> None:
        """The strategy state to commit with the group: the one after its latest evaluation.

        It is encoded when the group commits, so it must be a snapshot (``Strategy.state_dict``
        returns new containers): encoding every evaluation's state was most of a lookup's cost.
        """
        self._group_state = (step, state, now)

    def flush(self) -> None:
        """Commit the open group, if any, with the state after its last complete evaluation."""
        if self._group_opened is None:
            return
        state, self._group_opened, self._group_state = self._group_state, None, None
        with _Transaction(self.db, begin=False):
            if state is not None:
                step, snapshot, now = state
                self.db.execute(_SAVE_STATE, (step, json.dumps(snapshot), now))


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on error."""

    def __init__(self, db: sqlite3.Connection, begin: bool = True) -> None:
        self.db, self.begin = db, begin

    def __enter__(self) -> None:
        if self.begin:
            self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, *_: object) -> None:
        if exc_type is None:
            self.db.execute("COMMIT")
        elif self.db.in_transaction:  # SQLite itself rolls back on some errors (a full disk): keep that error
            self.db.execute("ROLLBACK")
