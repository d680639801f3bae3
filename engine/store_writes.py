"""The store's write transactions: one per loop step, or one per group of instant evaluations.

A table lookup takes microseconds, so committing each one (with the strategy's state, several KB
for an evolution population) would make SQLite the search's bottleneck. Instant evaluations are
therefore written into one open transaction that commits when it is :data:`GROUP_SECONDS` old,
before any other write, and when the store closes (an exception in the loop included). The
state written with a group is the one recorded with its last evaluation, so every commit is a
consistent prefix of the search. A group that cannot be committed (a full disk) is written again
one evaluation per commit, so as much of it is kept as fits, as with a commit per lookup. A hard
kill (power, SIGKILL) loses at most the last ``GROUP_SECONDS`` of lookups; the resumed strategy
starts from the committed state with the same random generator and proposes the same
architectures again, so the lookups are redone and the run continues exactly as it would have.

A user's ``state_dict`` may return its strategy's live lists, which the asks and tells after an
evaluation change; copying them at every evaluation cost a state that grows with the history
(3,000 lookups of a 3,000-entry history: 1.3 s became 7.4 s). Such a group keeps no state: it
reads the strategy's where that is the state after its last evaluation, i.e. when it commits for
its age (just after that evaluation) or in the transaction of the next write that saves a state,
which covers the group too. Anything else (a run's status after an error, a Ctrl-C or SIGTERM, closing) commits
its lookups without a state: the store keeps the state from before the group, and its trials' steps are later than
that state's. The group's repeats are counted (``show`` counts every repeat the run told), and noted as counted
ahead of that state (meta ``repeats_to_replay``). The resumed strategy proposes the group's architectures again, and
the loop answers them from the store as the replay of that state, neither evaluated again nor counted as repeats,
nor the repeats it proposes again before the group's last lookup (see ``engine/replays.py``), so the run goes on
exactly. Only a lookup half written when the run stopped (its savepoint) is
dropped, and, under a full disk, a group that could not be committed.
"""
from __future__ import annotations

import json
import secrets
import sqlite3
import time
from typing import Any, Callable, TypeVar

from .registry import defined_by_nasloop
from .appended_rows import lifted
from .state_json import state_json
from .state_rows import save_rows

T = TypeVar("T")

GROUP_SECONDS = 0.05
"""How long a group of instant evaluations stays uncommitted at most (while the search runs)."""

_SAVE_STATE = "INSERT OR REPLACE INTO strategy_state (id, step, state, updated_at) VALUES (1, ?, ?, ?)"
_SAVE_WALL = "INSERT OR REPLACE INTO meta (key, value) VALUES ('wall_seconds', ?)"
_SAVE_META = "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"
KEYED_THROUGH = "keyed_through"
"""The meta key of the last trial id as of this nasloop's last state: an older one, which records no ``key_code``,
appends trials past it, keyed by its own hash (``stored_keys.keys_trusted``)."""
SAVE_KEYED_THROUGH = (f"INSERT OR REPLACE INTO meta (key, value) VALUES ('{KEYED_THROUGH}', "
                      "(SELECT COALESCE(MAX(id), 0) FROM trials))")
_ADD_TO_META = ("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) "
                "DO UPDATE SET value = CAST(value AS INTEGER) + excluded.value")

LOOP_COUNTS = ("repeat_streak", "repeats_to_replay")
"""The loop's counts saved (in meta) with each strategy state, as of that state: the repeats in a row its proposals
end with (``stop_reasons.RepeatStreak``: a resumed run stops where the uninterrupted one does) and the repeats
counted with groups kept without a state that the strategy resumed from it proposes again (``replays``)."""

State = tuple[int, "dict[str, Any] | Callable[[], dict[str, Any]]", float, "dict[str, int]"]
"""(step, strategy state, time, the loop's :data:`LOOP_COUNTS`) to save with a commit; the state is kept, or read
when the group commits (the strategy's ``state_dict``: see the module's docstring)."""


class Writes:
    """Opens, groups and commits the writes of one store connection (in autocommit mode)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self._opened: float | None = None  # monotonic time the open group began
        # each evaluation of the open group: its writes (to redo them), the state after it and the repeats told
        # before it, counted with a state (a group committed without one leaves them to its replay)
        self._members: list[tuple[Callable[[], Any], State, int]] = []
        # the run's wall seconds so far while a search runs (set by it): kept in each transaction saving a state, so
        # 'show' sees the time advance at no extra commit and a hard kill loses no more of it than of the results
        self.wall: Callable[[], float] | None = None
        self._rows_writer = secrets.token_hex(8)  # this connection's: its first save compares every row (state_rows)

    def save_wall(self) -> None:
        """Write the run's wall time so far into the open transaction, while a search runs."""
        if self.wall is not None:
            self.db.execute(_SAVE_WALL, (json.dumps(self.wall()),))

    def single(self, saves_state: bool = True) -> "_Transaction":
        """A transaction of its own, committed at the end of the ``with`` block (after the open group), or with
        the open group when that keeps no state and this one ``saves_state`` (which then covers the group)."""
        if saves_state and self._reads_state_later():
            self.count_repeats(sum(repeats for *_, repeats in self._members))
            self._members, self._opened = [], None
            return _Transaction(self.db, joined=True)
        self.flush()
        return _Transaction(self.db)

    def count_repeats(self, repeats: int) -> None:
        """Add ``repeats`` proposals answered from the store to the run's count, in the open transaction."""
        if repeats:
            self.db.execute(_ADD_TO_META, ("repeats_answered", str(repeats)))

    def add(self, write: Callable[[], T], state: State, repeats: int = 0) -> T:
        """Run ``write`` (one instant evaluation's inserts) in the open group, opening one; ``state``
        is the strategy's after that evaluation, ``repeats`` the proposals it was told from the store since the
        last state. Returns what ``write`` returns.

        The state is encoded when the group commits, so it must be a snapshot (nasloop's ``state_dict``
        returns new containers; the loop copies a user's with :func:`snapshot`): encoding every
        evaluation's state was most of a lookup's cost. On
        an error the evaluation's writes are undone (a savepoint) and the group's earlier ones kept.
        """
        if self._opened is None:
            self.db.execute("BEGIN IMMEDIATE")
            self._opened = time.monotonic()
        member = (write, state, repeats)
        self.db.execute("SAVEPOINT evaluation")
        try:  # its rows and its place in the group stand or fall together: an interrupt after the one and before
            result = write()  # the other committed the rows with the state from before them
            self._members.append(member)
        except BaseException:
            if self._members and self._members[-1] is member:
                self._members.pop()
            if self.db.in_transaction:
                self.db.execute("ROLLBACK TO evaluation")
                self.db.execute("RELEASE evaluation")
            else:  # SQLite rolled the whole group back itself (a full disk)
                members, self._members, self._opened = self._members, [], None
                self._salvage(members)
            raise
        self.db.execute("RELEASE evaluation")  # interrupted before it, the group's commit takes the savepoint along
        if time.monotonic() - self._opened >= GROUP_SECONDS:
            self._commit()  # a state read now is the one after this evaluation
        return result

    def flush(self) -> None:
        """Commit the open group, if any, with the state after its last evaluation; one that keeps no state, which
        the strategy may have changed since, without a state (see the module's docstring).

        Any transaction still open then was left by an interrupt between its BEGIN and what keeps track of it (the
        group's opening time, a ``with`` block's start), before it wrote anything: it is rolled back. Left open,
        it took in the writes that follow, the run's "interrupted" status included, and closing the store rolled
        them back with it: the run read "running" (shown "stopped")."""
        self._commit(with_state=not self._reads_state_later())
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    def _reads_state_later(self) -> bool:
        """Whether the open group keeps no state but reads the strategy's when it commits (a user's)."""
        return bool(self._members) and callable(self._members[-1][1][1])

    def _commit(self, with_state: bool = True) -> None:
        """Commit the open group, with the state after its last evaluation and the repeats told up to it, or
        (``with_state`` false) its evaluations and repeats alone, to be replayed from the state saved before them
        (its repeats noted as counted ahead of that state)."""
        if self._opened is None:
            return
        members, self._members, self._opened = self._members, [], None
        try:
            repeats = sum(repeats for *_, repeats in members)
            if members and with_state:
                self.save_state(members[-1][1])
            elif repeats:
                self.db.execute(_ADD_TO_META, ("repeats_to_replay", str(repeats)))
            self.count_repeats(repeats)
            self.db.execute("COMMIT")
        except sqlite3.Error:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            self._salvage(members)
            raise
        except BaseException:  # a state JSON cannot hold: left open, the group swallowed the run's failed status
            if self.db.in_transaction:  # written next, and closing rolled both back; its lookups are redone on
                self.db.execute("ROLLBACK")  # resume, as after a hard kill
            raise

    def _salvage(self, members: list[tuple[Callable[[], Any], State, int]]) -> None:
        """The group could not be committed (a full disk): commit its evaluations one at a time, each
        with the state after it, until one does not fit either, as a commit per lookup would have.
        The caller raises the original error. One that keeps no state (a user's) is lost as after a hard kill:
        no evaluation's state but the last was known."""
        for write, state, repeats in members:
            if callable(state[1]):
                return
            try:
                with _Transaction(self.db):
                    write()
                    self.save_state(state)
                    self.count_repeats(repeats)
            except sqlite3.Error:
                return

    def save_state(self, state: State) -> None:
        """Write a strategy state and the loop's counts as of it (and the wall time) in the open transaction."""
        step, saved, now, counts = state
        saved = saved() if callable(saved) else saved
        saved, rows = lifted(saved) if isinstance(saved, dict) else (saved, {})  # its lists that only grow: the
        self.db.execute(_SAVE_STATE, (step, state_json(saved), now))  # rows the store lacks, not all (state_rows)
        save_rows(self.db, rows, self._rows_writer)
        self.db.executemany(_SAVE_META, [(key, json.dumps(counts.get(key, 0))) for key in LOOP_COUNTS])
        self.db.execute(SAVE_KEYED_THROUGH)
        self.save_wall()


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on error; ``joined`` goes on in the open group's transaction."""

    def __init__(self, db: sqlite3.Connection, joined: bool = False) -> None:
        self.db = db
        self.joined = joined

    def __enter__(self) -> None:
        if not self.joined:
            self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is None:
            self.db.execute("COMMIT")
        elif self.db.in_transaction:  # SQLite itself rolls back on some errors (a full disk): keep that error
            self.db.execute("ROLLBACK")


def grouped_state(strategy: Any) -> Callable[[], "dict[str, Any] | Callable[[], dict[str, Any]]"]:
    """What the loop gives :meth:`Writes.add` as ``strategy``'s state after a table lookup: nasloop's own
    ``state_dict`` builds new containers, kept as they are; a user's may return its live lists, so its
    ``state_dict`` itself is given, to read when the group commits (see the module's docstring)."""
    if defined_by_nasloop(type(strategy).state_dict):
        return strategy.state_dict
    return lambda: strategy.state_dict
