"""Whether a resume has nothing to do, so that it leaves the run's files exactly as they were.

A finished run resumed with no larger budget still ran the loop: it found nothing to evaluate, yet saved the
strategy state again (its time stamp), added the session's wall time (a fraction of a millisecond) and rewrote
the run's status, so a plain ``--resume DIR`` changed the store of every finished run, NAGO's and NB201's alike.
"""
from __future__ import annotations

from .config import SearchConfig
from .loop import Budget
from .store import RunStore


def nothing_to_do(stored: SearchConfig, store: RunStore, budget: int | None, max_seconds: float | None,
                  counts: dict[str, float]) -> bool:
    """Whether resuming the run with ``budget`` and ``max_seconds`` (None: the stored ones) evaluates nothing and
    records nothing new: no trial pending or waiting to be told, a budget spent, and the run stored as finished (a
    run stopped by Ctrl-C or an error after its last evaluation is then marked finished, so it goes on)."""
    if counts["pending"] or store.get_meta("status") != "finished":
        return False
    if store.trials("told = 0 AND status IS NOT NULL"):
        return False
    limits = Budget(stored.budget if budget is None else budget,
                    stored.max_seconds if max_seconds is None else max_seconds)
    return not limits.allows(int(counts["evaluations"]), counts["cost"])


def ended_by_the_other_limit(stored: SearchConfig, budget: int | None, max_seconds: float | None, finished: int,
                             pending: int, spent: float) -> bool:
    """Whether a resume raises one budget of a run the other one ended (``--budget`` for a run its
    ``--max-seconds`` ended, or the reverse): it has nothing to do, and the new budget, stored, showed a budget
    the run never had. One with trials left pending runs them, so goes on."""
    if pending:
        return False
    if budget is not None and max_seconds is None and stored.max_seconds is not None:
        return spent >= stored.max_seconds
    if max_seconds is not None and budget is None and stored.budget is not None:
        return finished >= stored.budget
    return False
