"""Why a run stopped, stored with how to continue: what ``show`` and ``summarize`` report for it."""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from .config import SearchConfig
from .errors import ExecutorLost, NasloopError, PluginFault
from .executors.base import interrupts_held, stopped_by_sigterm
from .plugin_crash import plugin_crashes_named
from .state_json import users_state_named
from .stop_reasons import BY_SIGTERM, BY_USER, continue_hint
from .store import DB_NAME, RunStore

if TYPE_CHECKING:  # annotations only: the loop's imports need not load for a stop's record
    from .loop import SearchLoop
    from .tensorboard_log import TensorBoardLog


def record_stop(store: RunStore, config: SearchConfig, exc: BaseException) -> None:
    """Store the run as interrupted, with what stopped it and how to continue."""
    cause = (BY_SIGTERM if stopped_by_sigterm(exc) else BY_USER if isinstance(exc, KeyboardInterrupt) else
             f"exit({exc.code!r}) was called" if isinstance(exc, SystemExit) else
             f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    with interrupts_held(), contextlib.suppress(Exception):  # the store itself may be what failed
        store.set_meta("status", "interrupted")
        store.set_meta("stop_reason", f"{cause}; {continue_hint(config.run_dir)}")


def record_stop_before_start(run_dir: Path, config: SearchConfig, exc: BaseException) -> None:
    """A new run stopped (Ctrl-C, a plugin's bug) once its store existed but before the loop's own handler was in
    place (the store being opened, the loop being built): its status was none or still 'running', shown 'stopped'
    (no process searching it), not 'interrupted' by the user. A status the loop's handler stored is kept."""
    with interrupts_held(), contextlib.suppress(Exception):  # a store half-made is removed, and nothing is said
        if (run_dir / DB_NAME).exists():
            with RunStore.in_run_dir(run_dir) as store:
                if store.get_meta("status") in (None, "running"):
                    record_stop(store, config, exc)


def every_evaluation_failed(store: RunStore) -> str | None:
    """Why a run whose every evaluation failed is stored as failed (a broken device or table must not look like a
    finished search), naming the first failure; None where one succeeded or none ran. A resume of such a run that
    evaluates nothing would store this again, so it leaves the run as it was (see :mod:`.idle_resume`)."""
    counts = store.counts()
    if not counts["evaluations"] or counts["failed"] != counts["evaluations"]:
        return None
    first = store.trials("state = 'done' AND status = 'failed'")[0].result
    done = int(counts["evaluations"])
    why = first.reason or "its evaluator gave no reason"  # a user's evaluator may fail one without a word
    return (f"all {done} evaluations failed; the first: " if done > 1 else "its one evaluation failed: ") + why


def search_and_record(loop: SearchLoop, store: RunStore, config: SearchConfig, log: TensorBoardLog | None) -> None:
    """Run the loop and store how the run ended: finished, failed (every evaluation, or on an error of the user's,
    with the reason; a plugin's fault before any evaluation stands, with how to continue once fixed) or
    interrupted (with how to continue: by the user, a plugin's bug, or a plugin's output refused
    once evaluations stand, which its fix lets a resume continue; a user's plugin raising is said as such output
    is, naming the plugin: see :mod:`.plugin_crash`)."""
    try:
        with plugin_crashes_named(), users_state_named(loop.strategy):
            loop.run()
        failure = every_evaluation_failed(store)
        store.set_meta("status", "finished" if failure is None else "failed")
        if failure is not None:
            store.set_meta("stop_reason", failure)
    except NasloopError as exc:
        # a plugin's output refused, or its method raising: the run continues once the plugin is fixed, interrupted
        # where evaluations stand, failed where none does (its first ask, or an evaluator's first result refused,
        # leaving a pending trial alone), which a resume starts afresh: that said no word of it
        # a cluster lost under the search (ExecutorLost) is no fault of the run: interrupted, to resume, as a Ctrl-C
        fault, lost = isinstance(exc, PluginFault), isinstance(exc, ExecutorLost)
        counts = store.counts() if fault else None
        stands = lost or counts is not None and counts["evaluations"] > counts["pending"]
        store.set_meta("status", "interrupted" if stands else "failed")
        store.set_meta("stop_reason", f"{exc}; {continue_hint(config.run_dir)}" if lost else
                       f"{exc}; once fixed, {continue_hint(config.run_dir)}" if fault else str(exc))
        raise
    except (KeyboardInterrupt, SystemExit, Exception) as exc:  # Ctrl-C, a full disk, a plugin's bug or exit()
        record_stop(store, config, exc)
        raise
    finally:
        if log is not None:
            log.close()
