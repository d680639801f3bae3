"""What ``nasloop search`` says once its run has ended, and its exit status.

A resume with nothing to do reprinted the summary without a word, and one of a run whose every evaluation had
failed repeated only why it failed, as if the resume had evaluated something: each now says there was nothing
to do, why the run had ended, and how to go on.
"""
from __future__ import annotations

import sqlite3
from typing import Any

from .errors import NasloopError
from .stop_reasons import STREAK
from .store import RunStore


def evaluations_done(run_dir: str) -> int | None:
    """How many evaluations a run to resume has finished (an interrupted one's pending trials are not: the resume
    runs them); None when it cannot be read (resuming says why)."""
    try:
        with RunStore.in_run_dir(run_dir, readonly=True) as store:  # counts only: summarize reads every row
            counts = store.counts()
            return int(counts["evaluations"] - counts["pending"])
    except (NasloopError, sqlite3.Error):
        return None


def search_outcome(summary: dict[str, Any], done_before: int | None) -> tuple[int, str | None]:
    """The exit status of a search or resume that ended in ``summary`` and the line it says on stderr, if any:
    1 for a failed run (every evaluation failed), a resume with nothing to do of one included. ``done_before``:
    the evaluations a resumed run had finished (see :func:`evaluations_done`); None for a new run."""
    idle = done_before == summary["evaluations"] - summary["pending"]  # a resume that evaluated nothing
    if summary["status"] == "failed":
        if idle:
            return 1, (f"nasloop search: failed: nothing to do: {summary['run_dir']} had already failed "
                       f"({summary['stop_reason']}){_extend_hint(summary, 'try more architectures')}")
        return 1, f"nasloop search: failed: {summary['stop_reason']}"
    if summary["status"] == "finished" and idle:  # (search and resume told on_note of a run within its random start)
        if summary["stop_reason"].startswith(STREAK):  # its strategy ran again: the run was not left as it was
            return 0, (f"nasloop search: note: the resume of {summary['run_dir']} evaluated nothing new: "
                       f"{summary['stop_reason']}")
        return 0, (f"nasloop search: note: nothing to do: {summary['run_dir']} had already finished "
                   f"({summary['stop_reason']}){_extend_hint(summary, 'continue it')}")
    return 0, None


def _extend_hint(summary: dict[str, Any], to: str) -> str:
    """How a run with nothing left to do goes on (``to``: what it then does): the budget that ended it, raised (a
    larger --budget did nothing for a run its time budget ended); none for a run that evaluated its whole space."""
    budget = summary["budget"]
    if budget["seconds"] is not None and budget["seconds_used"] >= budget["seconds"]:
        return f"; give a larger --max-seconds to {to}"
    if budget["queries"] is not None and budget["queries_used"] >= budget["queries"]:
        return f"; give a larger --budget to {to}"
    return ""
