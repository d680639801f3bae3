"""Whether a resume has nothing to do, so that it leaves the run's files exactly as they were.

A finished run resumed with no larger budget still ran the loop: it found nothing to evaluate, yet saved the
strategy state again (its time stamp), added the session's wall time (a fraction of a millisecond) and rewrote
the run's status, so a plain ``--resume DIR`` changed the store of every finished run, NAGO's and NB201's alike.
So did a run stored as failed because every evaluation failed (its budget spent), and one that stopped short of
its budget once every architecture of its space was evaluated.
"""
from __future__ import annotations

from ..search_spaces.base import SearchSpace
from .config import SearchConfig
from .loop import Budget
from .stop_record import every_evaluation_failed
from .store import RunStore
from .stored_keys import current_key


def nothing_to_do(stored: SearchConfig, store: RunStore, budget: int | None, max_seconds: float | None,
                  counts: dict[str, float], space: SearchSpace) -> bool:
    """Whether resuming the run with ``budget`` and ``max_seconds`` (None: the stored ones) evaluates nothing and
    records nothing new: no trial pending or waiting to be told, the run stored as the loop would store it again
    (finished, or failed with every evaluation failed: a run stopped by Ctrl-C or an error is then marked anew, so
    it goes on), and a budget spent or the space (``space``, the run's) evaluated whole."""
    if counts["pending"] or store.trials("told = 0 AND status IS NOT NULL"):
        return False
    status = store.get_meta("status")
    if status != "finished" and not (status == "failed"
                                     and store.get_meta("stop_reason") == every_evaluation_failed(store)):
        return False
    limits = Budget(stored.budget if budget is None else budget,
                    stored.max_seconds if max_seconds is None else max_seconds)
    return not limits.allows(int(counts["evaluations"]), counts["cost"]) or space_spent(stored, store, counts, space)


def space_spent(stored: SearchConfig, store: RunStore, counts: dict[str, float], space: SearchSpace) -> bool:
    """Whether the run has evaluated every architecture of ``space``, as its loop tells (``SearchLoop._exhausted``):
    a space that declares its size, under exact dedup. A run a streak of repeats stopped is not: its space declares
    no size, or a functional dedup counts networks, so a resumed strategy may yet propose one it has not seen."""
    size = space.size
    if size is None or stored.dedup != "exact" or counts["evaluations"] < size:
        return False
    return len({current_key(space, space.hash, t, None) for t in store.trials("state != 'duplicate'")}) >= size


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
