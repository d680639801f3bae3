"""Reading a store's rows back: every field checked, since a store from outside is not trusted."""
from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from .errors import ConfigError, DataError
from .heartbeat import HEARTBEAT_KEY, valid_heartbeat
from .objectives import Objective, oriented_values, parse_objectives
from .types import Result

PENDING, DONE, DUPLICATE = "pending", "done", "duplicate"
"""A trial's states: asked and not finished, finished (its result stored), answered by an earlier trial."""

RESTORE = "restore the file from a backup, or start a new run directory"


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


def json_value(path: Path, text: Any, what: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError, RecursionError):  # RecursionError: JSON nested deeper than Python's stack
        raise DataError(f"{path} is damaged: {what} is not valid JSON; {RESTORE}") from None


COLUMNS = {"meta": ("key", "value"), "strategy_state": ("id", "step", "state", "updated_at"),
           "trials": ("id", "step", "arch", "key", "fidelity", "state", "duplicate_of", "status", "score", "metrics",
                      "cost", "reason", "told", "asked_at", "finished_at")}
"""The columns each table is read by (``cost_estimated`` is added to an older store as it is opened to write)."""
STATUSES = ("running", "finished", "failed", "interrupted")
"""A run's stored status."""


def check_layout(path: Path, db: sqlite3.Connection) -> None:
    """Every column a read needs, and no trigger or view: a store from outside with a column dropped failed as an
    IndexError inside a read, and a trigger (which nasloop never writes) ran on nasloop's own writes, deleting or
    changing trials while a resumed search added them."""
    for table, needed in COLUMNS.items():
        held = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        missing = [column for column in needed if column not in held]
        if missing:
            raise DataError(f"{path} is damaged: its '{table}' table has no column '{missing[0]}'; {RESTORE}")
    extra = db.execute("SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view')").fetchone()
    if extra is not None:
        raise DataError(f"{path} holds a {extra[0]} '{extra[1]}', which no nasloop store has (it would change what "
                        f"the run reads or writes); {RESTORE}")


def check_meta(path: Path, key: str, value: Any) -> None:
    """A recorded value of the run that nasloop reads as a number, a flag or a name is one: a wall time of NaN
    failed 'show' as an unexpected TypeError, and a minimize of "yes" was read as true."""
    valid, expected = _META_VALUES.get(key, (None, ""))
    if valid is not None and not valid(value):
        raise DataError(f"{path} is damaged: meta {key!r} is {value!r}, not {expected}; {RESTORE}")


def _seconds(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < math.inf


def _count(value: Any) -> bool:
    """Whether ``value`` is a count the loop resumes with (a number of repeats: see ``store_writes.LOOP_COUNTS``)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _objective_list(value: Any) -> bool:
    """Whether ``value`` lists objectives as a run records them (``val_accuracy:max``; empty in a run from before
    it recorded them, which reads 'objective'): one damaged was refused as a flag, "write e.g. --objectives ...",
    by show, export and resume alike."""
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        return False
    try:
        return not value or bool(parse_objectives(value))
    except ConfigError:
        return False


RESOLVED_KEY = "resolved_options"
"""The meta key of the options a run's plugins resolved when it began (see :mod:`.resolved_options`)."""


def resolved_record(value: Any) -> bool:
    """Whether ``value`` maps plugin kinds to names to options, as :data:`RESOLVED_KEY` holds them."""
    return isinstance(value, dict) and all(
        isinstance(by_name, dict) and all(isinstance(options, dict) for options in by_name.values())
        for by_name in value.values())


_META_VALUES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "wall_seconds": (_seconds, "a number"), "created_at": (_seconds, "a number"),
    "minimize": (lambda v: isinstance(v, bool), "true or false"),
    "objective": (lambda v: isinstance(v, str), "a metric's name"),
    "status": (lambda v: v in STATUSES, f"one of {', '.join(STATUSES)}"),
    "objectives": (_objective_list, "a list of METRIC[:max|:min]"),
    "data_identity": (lambda v: v is None or isinstance(v, str), "text naming the data, or null"),
    "stop_reason": (lambda v: v is None or isinstance(v, str), "text"),
    "repeat_streak": (_count, "a count"), "repeats_to_replay": (_count, "a count"),
    "pretrained_files": (lambda v: v is None or isinstance(v, dict) and all(isinstance(d, str) for d in v.values()),
                         "file -> sha256"),
    RESOLVED_KEY: (resolved_record, "plugin kind -> name -> options"),
    HEARTBEAT_KEY: (valid_heartbeat, "null or {wall_seconds, at}: two numbers, at a time before the year 10000")}
"""What each meta value nasloop reads must be, and how the refusal says so (the others are checked where they are
read). Checked as every store opens, so the readers of the wall time need no check of their own."""


def number(path: Path, row: sqlite3.Row, column: str, optional: bool = True) -> Any:
    """``row[column]`` if it is a number (or NULL where allowed); a damaged store otherwise."""
    value = row[column]
    if (value is None and optional) or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return value
    raise DataError(f"{path} is damaged: trial {row['id']!r} has {value!r} in '{column}' where a number belongs; "
                    f"{RESTORE}")


def trial_of(path: Path, row: sqlite3.Row) -> Trial:
    """A trial row, every field checked: a store from outside may hold text or NULL anywhere."""
    result = None
    status = row["status"]
    if status is not None:
        if status not in ("ok", "failed"):
            raise DataError(f"{path} is damaged: trial {row['id']!r} has status {status!r}; {RESTORE}")
        metrics = json_value(path, row["metrics"] or "{}", f"the metrics of trial {row['id']!r}")
        if not isinstance(metrics, dict) or not all(v is None or isinstance(v, (int, float)) for v in metrics.values()):
            raise DataError(f"{path} is damaged: the metrics of trial {row['id']!r} are not a mapping of numbers; "
                            f"{RESTORE}")
        cost = number(path, row, "cost", False)
        if not 0 <= cost < math.inf:  # every cost stored is (checked_result): an infinite one failed 'show'
            raise DataError(f"{path} is damaged: trial {row['id']!r} has cost {cost!r}, not seconds; {RESTORE}")
        result = Result(metrics=metrics, cost=cost, status=status, reason=row["reason"],
                        cost_estimated="cost_estimated" in row.keys() and bool(number(path, row, "cost_estimated")))
    for column in ("arch", "key", "state"):
        if not isinstance(row[column], str):
            raise DataError(f"{path} is damaged: trial {row['id']!r} has {row[column]!r} in '{column}'; {RESTORE}")
    state, repeats = row["state"], row["duplicate_of"]
    if state not in (PENDING, DONE, DUPLICATE) or (state == DUPLICATE) != (repeats is not None):
        # an unknown state was resumed as a running trial, and evaluated again
        raise DataError(f"{path} is damaged: trial {row['id']!r} has state {state!r} with duplicate_of {repeats!r}; "
                        f"{RESTORE}")
    fidelity = number(path, row, "fidelity")
    if fidelity is not None and (not isinstance(fidelity, int) or fidelity < 1):  # -3 was evaluated at -3 epochs
        raise DataError(f"{path} is damaged: trial {row['id']!r} has fidelity {fidelity!r}, not a whole number of 1 "
                        f"or more; {RESTORE}")
    return Trial(id=number(path, row, "id", False), step=number(path, row, "step", False), arch=row["arch"],
                 key=row["key"], fidelity=fidelity, state=row["state"],
                 duplicate_of=number(path, row, "duplicate_of"), score=number(path, row, "score"),
                 result=result, told=bool(number(path, row, "told", False)),
                 asked_at=number(path, row, "asked_at", False), finished_at=number(path, row, "finished_at"))


def check_repeats(path: Path, db: sqlite3.Connection) -> None:
    """Each repeat (a trial answered by an earlier one) follows the trial it repeats: one whose original is not in
    the store waited for it for ever when resumed, and ``show`` and ``export`` read such a store as fine. Checked
    as every store opens (one query), so no reader needs a check of its own."""
    row = db.execute("SELECT id, state, duplicate_of FROM trials AS t WHERE state = 'duplicate' AND NOT EXISTS "
                     "(SELECT 1 FROM trials AS o WHERE o.id = t.duplicate_of AND o.id < t.id) ORDER BY id LIMIT 1"
                     ).fetchone()
    if row is None:
        return
    if row["duplicate_of"] is None:  # in the words the row's own check uses
        raise DataError(f"{path} is damaged: trial {row['id']!r} has state {row['state']!r} with duplicate_of None; "
                        f"{RESTORE}")
    raise DataError(f"{path} is damaged: trial {row['id']!r} repeats trial {row['duplicate_of']!r}, which it does "
                    f"not follow; {RESTORE}")


def check_single_evaluations(path: Path, db: sqlite3.Connection) -> None:
    """Each architecture (its dedup key) is evaluated by one trial: the loop asks for a key it knows only as a
    repeat of that trial. A row copied or edited into a second evaluation of one was counted twice by ``show`` and
    in a resumed run's budget, which went on from the first alone. Checked as every store opens (one query over
    the key index: 1.6 ms for 10,000 trials), so no reader needs a check of its own."""
    # the keys held twice first, from the key index alone: a query reading each row's state took 6 to 13 ms
    row = db.execute("SELECT MIN(id) AS first, MAX(id) AS last FROM trials WHERE state != 'duplicate' AND key IN "
                     "(SELECT key FROM trials GROUP BY key HAVING COUNT(*) > 1) GROUP BY key HAVING COUNT(*) > 1 "
                     "ORDER BY first LIMIT 1").fetchone()
    if row is not None:
        raise DataError(f"{path} is damaged: trials {row['first']!r} and {row['last']!r} both evaluate one "
                        f"architecture (one dedup key), where a store holds one evaluation of each and repeats of "
                        f"it; {RESTORE}")


def check_scores(path: Path, trials: Sequence[Trial], objectives: Sequence[Objective]) -> None:
    """Each trial's stored score is the first objective its result gives (higher is better; NULL for a failure or a
    missing value): a score edited to NULL or infinity otherwise made ``show`` and a resumed search name another
    best, with the metrics of the true one still in the row."""
    for trial in trials:
        if trial.result is None:
            continue
        scores = oriented_values(trial.result.metrics, objectives) if trial.result.ok else None
        expected = None if scores is None else scores[0]
        stored = trial.score
        if stored is not None and math.isinf(stored) and trial.result.ok:  # an infinite loss, as older runs kept it
            raw = trial.result.metrics.get(objectives[0].metric)
            expected = stored if raw is not None and objectives[0].oriented(float(raw)) == stored else expected
        if (stored is None) != (expected is None) or (
                stored is not None and not math.isclose(stored, expected, rel_tol=1e-9, abs_tol=1e-12)):
            raise DataError(f"{path} is damaged: trial {trial.id} has score {stored!r}, where its result gives "
                            f"{expected!r} ({objectives[0]}); {RESTORE}")
