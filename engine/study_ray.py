"""A study's runs as Ray tasks (``compare --executor ray``) that stop when the study is stopped.

Stopped (Ctrl-C, SIGTERM), the study cancels its tasks; Ray raises KeyboardInterrupt once per cancel in each running
one, whose run then records itself interrupted. One such interrupt can be lost (raised inside a finalizer, Python
prints it as ignored; an evaluator may catch it and return), and the run would go on while the study waits or takes
Ray down under it, leaving it "running". So the study cancels again every :data:`CANCEL_EVERY_S` until each task has
ended, and a task drops a repeated cancel while an interrupt is already stopping its run, since one landing while
the run records the first would cut that record short.
"""
from __future__ import annotations

import contextlib
import itertools
import signal
import sys
import time
from typing import Any, Callable, Iterator

from .errors import ConfigError
from .executors.base import runs_stopped_by_sigterm, sigterm_interrupts

RunOne = Callable[[Any], tuple[str, str]]
CANCEL_EVERY_S = 1.0
"""Seconds between cancels of the tasks still running once the study is stopped."""
STOP_WAIT_S = 60.0
"""Seconds a stopped study waits for its runs to record their interrupts before it takes Ray down."""


def run_on_ray(run_one: RunOne, pending: list[Any], address: str | None,
               on_sigterm: Callable[[Any], None] | None = None, at_once: int | None = None
               ) -> Iterator[tuple[str, str]]:
    """``run_one(job)`` for each job as a Ray task (one CPU each), on a local Ray on loopback or the cluster at
    ``address``, at most ``at_once`` in flight (``compare --jobs``; all of them where None: Ray places them by the
    CPUs it has); yield (run dir, outcome) as they finish. Stopped by SIGTERM, ``on_sigterm(job)`` is called for
    each job cancelled once its task has ended: Ray's cancel reached it as Ctrl-C."""
    from .executors.ray_cluster_watch import LOST_AFTER_S, joined_cluster_watch, lost_after_s
    from .executors.ray_setup import (check_reachable, first_line, import_ray, init_ray, shutdown_ray,
                                      worker_options)

    lost_after = LOST_AFTER_S
    if address is not None:  # Ray itself retried an unreachable address for minutes, printing warnings
        lost_after = lost_after_s()  # a bad setting refused before Ray starts too
        check_reachable(address)
    ray = import_ray(local=address is None)
    owns = not ray.is_initialized()
    if owns:
        try:
            init_ray(ray, address=address, include_dashboard=False if address is None else None,
                     logging_level="WARNING")
        except Exception as exc:  # noqa: BLE001 - Ray fails in many ways; say which address, in one line
            raise ConfigError(f"cannot start or reach Ray{f' at {address}' if address else ''} ({first_line(exc)}); "
                              "fix --ray-address") from None
    watch = None if not owns or address is None else joined_cluster_watch(ray, address, lost_after)  # ray_cluster_watch
    task = ray.remote(num_cpus=1, max_retries=0, **worker_options(address))(cancellable)
    refs: dict[Any, Any] = {}
    waiting = iter(pending)

    def submit(count: int) -> None:
        refs.update({task.remote(run_one, job): job for job in itertools.islice(waiting, count)})

    try:
        with sigterm_interrupts() if owns else contextlib.nullcontext():  # Ray's own handler dumped a native
            submit(at_once or len(pending))  # stack and exit(1): stop as on Ctrl-C
            while refs:
                ready, _ = ray.wait(list(refs), num_returns=1, timeout=None if watch is None else 1.0)
                if watch is not None:  # a run's task died with the cluster: not said as that run's error
                    watch.check(len(refs), "run", "the same compare resumes them")
                for ref in ready:
                    job = refs.pop(ref)
                    submit(1)  # --jobs was read by local processes only: every run started at once on Ray
                    try:
                        yield ray.get(ref)
                    except ray.exceptions.RayError as exc:  # the worker died: this run stays interrupted
                        yield job[0]["run_dir"], f"error: Ray task failed ({first_line(exc)})"
    except BaseException as exc:  # stopped: each running run is interrupted, so it records why, before Ray goes down
        cancel_until_ended(ray, list(refs))
        if on_sigterm is not None and runs_stopped_by_sigterm(exc):
            for job in refs.values():
                on_sigterm(job)
        raise
    finally:
        if owns:
            shutdown_ray(ray)


def cancel_until_ended(ray: Any, refs: list[Any]) -> None:
    """Cancel ``refs`` every :data:`CANCEL_EVERY_S` until each has ended, for :data:`STOP_WAIT_S` at most."""
    deadline = time.monotonic() + STOP_WAIT_S
    while refs and time.monotonic() < deadline:
        wait = max(0.0, min(CANCEL_EVERY_S, deadline - time.monotonic()))
        try:
            for ref in refs:
                ray.cancel(ref)
            _, refs = ray.wait(refs, num_returns=len(refs), timeout=wait)
        except Exception:  # noqa: BLE001 - Ray itself is going down: nothing more to wait for, and the interrupt
            return  # being handled is what the user hears of


def cancellable(run_one: RunOne, job: Any) -> tuple[str, str]:
    """``run_one(job)`` in a Ray task, a repeated cancel dropped while an interrupt stops the run (see the module's
    doc). The handler stays after the run: a cancel sent as the task ends lands in Ray's own handling of it."""
    signal.signal(signal.SIGINT, interrupt_unless_stopping)
    return run_one(job)


def interrupt_unless_stopping(signum: int, frame: object) -> None:
    """Raise KeyboardInterrupt (Ray's cancel, or Ctrl-C) unless one is already being handled: the run is then
    recording it, or unwinding to do so."""
    if isinstance(sys.exc_info()[1], KeyboardInterrupt):
        return
    raise KeyboardInterrupt
