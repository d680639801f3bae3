"""The executor interface: where evaluations run.

The loop submits trials and collects whichever finish first, so an asynchronous executor (Ray)
keeps every worker busy; the in-process executor simply runs each trial when asked to wait.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
import time
from abc import ABC, abstractmethod
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Container, Iterable, Iterator

from ..errors import ConfigError, NasloopError, describe_exception
from ..evaluators.base import Evaluator, crashed, raised_in_evaluate
from ..registry import EXECUTORS, refusal_for
from ..signal_handlers import handlers_within
from ..options import Configurable
from ..types import Arch, Result


@dataclass(frozen=True)
class Completed:
    trial_id: int
    result: Result


class Executor(Configurable, ABC):
    """Base class for executors; subclass and register with ``@register_executor``."""

    plugin_kind = "executor"

    @property
    @abstractmethod
    def capacity(self) -> int:
        """How many trials may run at once."""

    @abstractmethod
    def submit(self, trial_id: int, evaluator: Evaluator, arch: Arch, fidelity: int | None) -> None:
        """Start (or queue) one evaluation; run it with :func:`nasloop.engine.executors.inprocess.run_trial`, which
        returns an evaluation that crashed on its architecture as a failed Result, so the search goes on."""

    @abstractmethod
    def wait(self) -> list[Completed]:
        """Block until at least one submitted trial finishes; return every finished one."""

    @property
    @abstractmethod
    def pending(self) -> int:
        """Trials submitted and not yet returned by :meth:`wait`."""

    def evaluate_now(self, evaluator: Evaluator, arch: Arch, fidelity: int | None) -> Result | None:
        """Evaluate here and now, as :meth:`submit` then :meth:`wait` would, if this executor runs trials in
        the caller's process one at a time; None if it does not (the loop then submits as usual)."""
        return None

    def close(self) -> None:
        """Release workers; called once when the search ends."""

    def __enter__(self) -> "Executor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


EMPTY_WAITS = 10_000
"""Empty answers from ``wait`` in a row, with trials pending, taken as an executor that does not block: a real one
returns none only when a trial is retried (Ray), each after seconds of work."""


def checked_capacity(executor: Executor) -> int:
    """``executor.capacity``, a whole number of trials >= 1: a user's executor answering 0 ended its search at once
    as 'finished', having evaluated nothing. Each check here refuses a user's executor as a :class:`PluginFault`
    (:func:`.registry.refusal_for`): once evaluations stand, its fix lets the run resume (it was stored failed)."""
    capacity = executor.capacity
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
        raise refusal_for(executor)(f"executor {EXECUTORS.label(executor)}: capacity is {capacity!r}; it must be how "
                                    "many trials may run at once, a whole number >= 1")
    return capacity


def checked_now(executor: Executor, result: object) -> Result | None:
    """What ``evaluate_now`` returned, if it is a Result or None; one line naming the executor otherwise: the
    result check that follows would blame the evaluator ("evaluator tabular: evaluate returned dict") for a user's
    executor returning the metrics dict of the Result the evaluator returned."""
    if result is not None and not isinstance(result, Result):
        raise refusal_for(executor)(f"executor {EXECUTORS.label(executor)}: evaluate_now returned "
                                    f"{type(result).__name__}; return the Result of nasloop.engine.executors."
                                    "inprocess.run_trial(evaluator, arch, fidelity), or None to have the trial "
                                    "submitted")
    return result


def evaluated_now(executor: Executor, evaluator: Evaluator, arch: Arch, fidelity: int | None) -> Result | None:
    """``executor.evaluate_now``, checked (:func:`checked_now`). An evaluation's crash that a user's executor let
    through (it called ``evaluator.evaluate`` itself) fails that trial alone, as :func:`.inprocess.run_trial` fails
    it: it was named a fault of the evaluator's stopping the run. Unlike ``wait``'s (see :func:`waited`), it is the
    crash of the one trial evaluated now, so no other trial is lost with it."""
    start = time.perf_counter()
    try:
        result = executor.evaluate_now(evaluator, arch, fidelity)
    except Exception as exc:
        failed = crashed(evaluator, exc, time.perf_counter() - start) if raised_in_evaluate(exc, evaluator) else None
        if failed is None:
            raise
        return failed
    return checked_now(executor, result)


def checked_completions(executor: Executor, completed: object, running: Container[int]) -> list[Completed]:
    """What ``wait`` returned, if it keeps the contract (each a :class:`Completed` of a running trial, once); one
    line naming the executor otherwise: a user's executor returning a bare Result, an unknown trial or one trial
    twice failed in nasloop's own code (AttributeError, KeyError) after the evaluation was spent."""
    name, refused = EXECUTORS.label(executor), refusal_for(executor)
    if not isinstance(completed, (list, tuple)) or not all(isinstance(c, Completed) for c in completed):
        got = (type(completed).__name__ if not isinstance(completed, (list, tuple)) else
               f"a list holding {type(next(c for c in completed if not isinstance(c, Completed))).__name__}")
        raise refused(f"executor {name}: wait returned {got}; return a list of Completed(trial_id, result), one for "
                      "each trial that finished")
    ids = [c.trial_id for c in completed]
    stray = next((i for i in ids if i not in running or ids.count(i) > 1), None)
    if stray is not None:
        why = "twice" if ids.count(stray) > 1 else "though no such trial is running"
        raise refused(f"executor {name}: wait returned trial {stray!r} {why}; return each submitted trial once, "
                      "under the id submit was given")
    return list(completed)


def waited(executor: Executor, evaluator: Evaluator, running: Container[int]) -> list[Completed]:
    """``executor.wait()``, checked (:func:`checked_completions`). An evaluation's crash that a user's executor let
    through (it called ``evaluator.evaluate`` itself) is named as the executor's: it stopped the search as an
    'unexpected' error at the evaluator's line, where nasloop's executors store a failed trial and go on."""
    try:
        completed = executor.wait()
    except Exception as exc:
        if isinstance(exc, NasloopError) or not raised_in_evaluate(exc, evaluator):
            raise
        raise refusal_for(executor)(f"executor {EXECUTORS.label(executor)}: wait raised what an evaluation raised, "
                                    f"{describe_exception(exc)}; run each trial with nasloop.engine.executors."
                                    "inprocess.run_trial(evaluator, arch, fidelity), which returns a crash as a "
                                    "failed trial") from exc
    return checked_completions(executor, completed, running)


def next_completions(executor: Executor, evaluator: Evaluator, running: Container[int],
                     empty_waits: int) -> tuple[list[Completed], int]:
    """One checked ``wait`` (:func:`waited`) and the count of empty answers in a row it makes of ``empty_waits``;
    past :data:`EMPTY_WAITS` the executor is named as one that does not block, where its caller spun for ever."""
    completed = waited(executor, evaluator, running)
    empty_waits = 0 if completed else empty_waits + 1
    if empty_waits >= EMPTY_WAITS:
        raise refusal_for(executor)(f"executor {EXECUTORS.label(executor)}: wait returned no trial {EMPTY_WAITS:,} "
                                    f"times in a row with {executor.pending} pending; it must block until one "
                                    "finishes")
    return completed, empty_waits


RESUME_CONTINUES_THEM = "the run continues them with 'nasloop search --resume'"
"""How a search's lost trials are taken up again, which :func:`..stop_reasons.in_study_terms` finds to say it as a
study goes on (a study's run named the lone run's resume beside the study's own advice)."""


def lost_trials(executor: Executor, running: Iterable[int],
                continued_by: str = RESUME_CONTINUES_THEM) -> ConfigError:
    """The error for an executor whose ``pending`` fell to 0 while submitted trials never came back from ``wait``
    (a user's executor that dropped one): the search ended as 'finished' with a trial not done. ``continued_by``
    says how the command that lost them takes them up again."""
    shown = ", ".join(map(str, sorted(running)[:5]))
    return refusal_for(executor)(f"executor {EXECUTORS.label(executor)}: pending is 0 but trial(s) {shown} never "
                                 "came back from wait; pending must count every submitted trial until wait returns "
                                 f"it ({continued_by})")


@contextmanager
def closed_on_error(executor: Executor) -> Iterator[None]:
    """Close ``executor`` if the block raises (a new run refused by a check, a resume refused on what it finds), so
    a Ray it started does not outlive the refusal in a Python session; the block's error is the one reported."""
    try:
        yield
    except BaseException:
        with suppress(Exception):
            executor.close()
        raise


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised as the interrupt it is, so a run records who stopped it (a scheduler, not the user)."""


_sigterm_received = threading.Event()


def _sigterm_as_interrupt(signum: int, frame: object) -> None:
    """SIGTERM (a scheduler's preemption, ``timeout``) stops a command as Ctrl-C does: a search records itself
    interrupted and says how to resume, where the default handler killed it mid-write."""
    _sigterm_received.set()
    raise Terminated


def sigterm_caught_elsewhere() -> None:
    """Stop as :func:`_sigterm_as_interrupt` does, for a SIGTERM another handler took first (the one that holds it
    while Ray starts)."""
    _sigterm_as_interrupt(signal.SIGTERM, None)


def forget_sigterm() -> None:
    """Start a run with no SIGTERM on record: one that stopped an earlier run of the process (a notebook's) is not
    this run's cause."""
    _sigterm_received.clear()


def stopped_by_sigterm(exc: BaseException) -> bool:
    """Whether ``exc`` is the interrupt a SIGTERM raised since :func:`forget_sigterm`. Ray's blocking calls turn any
    exception a signal handler raises into a plain KeyboardInterrupt, so the handler's record counts as well as the
    type."""
    return isinstance(exc, Terminated) or isinstance(exc, KeyboardInterrupt) and _sigterm_received.is_set()


def runs_stopped_by_sigterm(exc: BaseException) -> bool:
    """Whether a generator of a study's runs was stopped by a SIGTERM, as :func:`stopped_by_sigterm` tells: ``exc``
    may also be the GeneratorExit it gets when the interrupt was raised in its caller's loop, where only the
    handler's record tells."""
    return stopped_by_sigterm(exc if isinstance(exc, KeyboardInterrupt) else KeyboardInterrupt())


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """Within the block, SIGTERM raises KeyboardInterrupt (in the main thread; elsewhere nothing changes)."""
    with handlers_within({signal.SIGTERM: _sigterm_as_interrupt}):
        yield


def _dropped(signum: int, frame: object) -> None:
    """A Ctrl-C, SIGTERM or SIGHUP that arrives while the interrupt already stopping a command is recorded or
    reported."""


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, *((signal.SIGHUP,) if sys.platform != "win32" else ()))
"""The signals that stop a command as Ctrl-C does (SIGHUP: :mod:`..hangup`; Windows has none)."""


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Within the block, Ctrl-C, SIGTERM and SIGHUP are dropped (in the main thread; elsewhere nothing changes): the
    block records or reports the interrupt already stopping a command, and a second one (Ctrl-C pressed twice, a
    closed terminal's SIGHUP after a Ctrl-C) cut that short: a run read "running", shown "stopped" with no reason,
    and the command's one line became a traceback. The block is a few store reads or writes: short. A SIGHUP
    ignored (``nohup``) is ignored again after it."""
    with handlers_within(dict.fromkeys(STOP_SIGNALS, _dropped)):
        yield


def _exit_at_once(signum: int, frame: object) -> None:
    """A Ctrl-C or SIGTERM after the command has stopped and said so: the process ends here, with the command's
    status, since only Python's exit handlers are left to run."""
    with suppress(OSError, ValueError):
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(130)


def later_interrupts_end_the_process() -> None:
    """Once a command stopped by Ctrl-C or SIGTERM has said so, another (Ctrl-C pressed several times) landed in an
    exit handler (multiprocessing joining its children, a weakref finalizer) and Python printed that handler's
    traceback after the command's one line; it now ends the process at once, a hung exit handler included. Only
    for the program itself (a caller of ``main`` keeps its own handlers)."""
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, _exit_at_once)
