"""Whether a resume has nothing to do, so that it leaves the run's files exactly as they were.

A finished run resumed with no larger budget still ran the loop: it found nothing to evaluate, yet saved the
strategy state again (its time stamp), added the session's wall time (a fraction of a millisecond) and rewrote
the run's status, so a plain ``--resume DIR`` changed the store of every finished run, NAGO's and NB201's alike.
So did a run stored as failed because every evaluation failed (its budget spent), and one that stopped short of
its budget once every architecture of its space was evaluated.
"""
from __future__ import annotations

from ..search_spaces.base import SearchSpace
from .config import SearchConfig, checked_construction, construct
from .executors.base import Executor
from .registry import EXECUTORS
from .stop_record import every_evaluation_failed
from .store import RunStore
from .key_code import key_code
from .stored_keys import current_key, keys_trusted, space_evaluated_whole


def nothing_to_do(stored: SearchConfig, store: RunStore, budget: int | None, max_seconds: float | None,
                  counts: dict[str, float], space: SearchSpace) -> str | None:
    """What a resume of the run with ``budget`` and ``max_seconds`` (None: the stored ones) says when it would
    evaluate nothing and record nothing new, and how the run goes on; None where it goes on. Nothing is to do with
    no trial pending or waiting to be told, the run stored as the loop would store it again (finished, or failed
    with every evaluation failed: a run stopped by Ctrl-C or an error is then marked anew, so it goes on), and a
    budget spent or the space (``space``, the run's) evaluated whole, whose budgets no resume can raise."""
    if counts["pending"] or store.trials("told = 0 AND status IS NOT NULL"):
        return None
    status = store.get_meta("status")
    if status not in ("finished", "failed") or status == "failed" and every_evaluation_failed(store) is None:
        return None
    queries = stored.budget if budget is None else budget
    seconds = stored.max_seconds if max_seconds is None else max_seconds
    goes_on = "continue it" if status == "finished" else "try more architectures"
    hint = budget_hint(queries, seconds, counts["evaluations"], counts["cost"], goes_on)
    spent = "its budget was spent"
    if space_spent(stored, store, counts, space):
        hint, spent = "", "its space was evaluated whole"
    elif not hint:
        return None
    reason = store.get_meta("stop_reason")
    why = f" ({reason})" if reason and status == "finished" else ""  # a failed run's reason is said as it fails
    if stale_reason(store):  # the error is said here once; the run fails with its new reason
        why = f": every evaluation failed, and {spent} before the error it was stored with ({reason})"
    return f"nothing to do: {store.path.parent} had already {status}{why}{hint}"


def stale_reason(store: RunStore) -> str | None:
    """The reason a failed run whose every evaluation failed is stored again with by an idle resume, where it was
    stored with an error raised after its last evaluation (an API hook's, the budget spent); None otherwise. The
    resume said that error as why the run failed, though nothing it did raised it, and every evaluation failing
    went unsaid, where the run is left as the loop would store it again (see :func:`nothing_to_do`)."""
    failure = every_evaluation_failed(store)
    if store.get_meta("status") != "failed" or failure is None or store.get_meta("stop_reason") == failure:
        return None
    return failure


def idle_meta(store: RunStore) -> dict[str, str]:
    """What a resume with nothing to do writes of its own (the stop reason of :func:`stale_reason`), once the run's
    state has loaded; nothing for every other run."""
    reason = stale_reason(store)
    return {} if reason is None else {"stop_reason": reason}


def budget_hint(queries: int | None, seconds: float | None, evaluations: float, cost: float, goes_on: str) -> str:
    """'; give a larger --budget to continue it' for a run whose budgets are spent, naming each spent one: with
    both spent, a larger --budget alone was dropped as raising the budget the time limit had not ended, and the
    same advice came back; "" where neither is."""
    spent = [flag for flag, limit, used in (("--budget", queries, evaluations), ("--max-seconds", seconds, cost))
             if limit is not None and used >= limit]
    return f"; give a larger {' and '.join(spent)} to {goes_on}" if spent else ""


def space_spent(stored: SearchConfig, store: RunStore, counts: dict[str, float], space: SearchSpace) -> bool:
    """Whether the run has evaluated every architecture of ``space``, by the rule its loop stops by
    (:func:`~.stored_keys.space_evaluated_whole`) over the store's trials. A run a streak of repeats stopped is
    not: its space declares no size, or a functional dedup counts networks, so a resumed strategy may yet propose
    one it has not seen."""
    key = space.functional_hash if stored.dedup == "functional" else space.hash
    if not space_evaluated_whole(space, key, int(counts["evaluations"])):  # fewer evaluations than the space
        return False
    code = key_code(space, stored.dedup)  # the stored keys read where the code that keyed them keys them now
    trusted = keys_trusted(store, code)
    keys = {t.key if trusted else current_key(space, key, t, store.path) for t in store.trials("state != 'duplicate'")}
    return space_evaluated_whole(space, key, len(keys))


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


def check_executor(config: SearchConfig) -> None:
    """The run's executor's options checked as building it checks them, nothing built: a command builds it only
    once it knows it runs trials (a resume with nothing to do builds none, where an idle resume of a Ray run
    started Ray, some 6 s, to evaluate nothing; a study's checks leave it to each run)."""
    checked_construction("executor", config.executor, EXECUTORS.get(config.executor), **config.executor_options)


def run_executor(config: SearchConfig) -> Executor:
    """The run's executor, built (a Ray executor starts or joins Ray)."""
    return construct("executor", config.executor, EXECUTORS.get(config.executor), **config.executor_options)
