"""A study's runs in worker processes (``compare --jobs N``) that stop when the study is stopped (the benchmark
scripts' searches with ``--jobs N`` run here too, through their ``script_args.results_of``).

A pool's workers kept going after the study was stopped: Ctrl-C or SIGTERM on ``compare`` waited for every
run already handed to a worker, the queued ones included, to run to its end (a whole training run) before it
said "interrupted"; a SIGTERM reached only the parent, while a worker took the default SIGTERM and died
without recording why; and after ``kill -9`` of the parent the workers ran on as orphans, then hung for good.
Here the parent cancels what has not started and passes the signal on, each worker takes one interrupt (the
terminal's Ctrl-C reaches it as well as the parent's forwarded one), records its run as interrupted and starts
no other, and a worker whose parent dies is sent SIGTERM by the kernel (Linux) and exits once its run is
recorded. SIGHUP (the study's terminal closed, which signals the whole process group) stops each as Ctrl-C does:
its default killed the workers mid-run, unrecorded ("no process is searching it"), and Python's resource tracker,
whose relaunch printed a traceback for each semaphore it had not seen. After ``kill -9`` Python's resource tracker
warns of the pool's "leaked semaphore objects" and removes them: a killed parent runs no code to release them, and
Ctrl-C, SIGTERM or SIGHUP leave none.
"""
from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Callable, Iterator, TypeVar

from .executors.base import STOP_SIGNALS, Terminated, interrupts_held, runs_stopped_by_sigterm

Job = TypeVar("Job")
Result = TypeVar("Result")  # a study's (run dir, outcome); a benchmark script's figures of one search
MASKS = sys.platform != "win32"
"""Whether the platform has signal masks to hold them with (Windows has none, nor SIGHUP)."""
HELD = set(STOP_SIGNALS)
"""The signals held back while workers start (see :func:`_interrupts_held`)."""
_stopping = False
_running = False
_parent = 0


def run_in_pool(run_one: Callable[[Job], Result], pending: list[Job], jobs: int) -> Iterator[Result]:
    """``run_one(job)`` for each pending job in ``jobs`` worker processes; yield each result in order.

    Stopped (Ctrl-C, SIGTERM raised as an interrupt), the pool cancels the jobs not started, passes the
    signal to its workers and waits only for them to record their runs as interrupted; a second Ctrl-C or SIGTERM
    meanwhile is dropped, as a search drops one while it records the first."""
    with _interrupts_held():  # Python's resource tracker starts here: SIGHUP stays held in it (see below)
        pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_worker_start, initargs=(os.getpid(),))
    with pool:
        futures: list[Future] = []
        try:
            with _interrupts_held():  # the workers start as submitted; one raised here is one of the loop's
                futures += [pool.submit(_guarded, run_one, job) for job in pending]
            for future in futures:
                yield future.result()
        except BaseException as exc:  # an interrupt here, or GeneratorExit when the caller's loop was interrupted
            for future in futures:
                future.cancel()
            sig = signal.SIGTERM if runs_stopped_by_sigterm(exc) else signal.SIGINT
            # the pool's own workers only (its table of them has no public name): not every child of a program
            for pid in list(getattr(pool, "_processes", None) or {}):  # that calls this beside its own processes
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
            # Ctrl-C pressed again while the workers record theirs broke this wait: the command returned with its
            # workers alive, and exit printed tracebacks (multiprocessing joining them, workers spawned as it died)
            with interrupts_held():
                pool.shutdown(wait=True)
            raise


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Within the block, Ctrl-C, SIGTERM and SIGHUP wait (they are delivered as it ends), and so, until their
    handlers are in place, in the workers it starts, which inherit the blocked signals. A Ctrl-C while a worker was
    still importing printed its traceback and broke the pool, whose own thread then failed on the futures the study
    had cancelled: three tracebacks, where an interrupt is one line. Python's resource tracker, started with the
    pool, ignores Ctrl-C and SIGTERM and unblocks them; SIGHUP stays blocked in it, where its default killed it."""
    if not MASKS:
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _worker_start(parent: int) -> None:
    """In each worker: one interrupt per signal kind (Ctrl-C, SIGTERM, SIGHUP) is acted on, and the parent's death
    sends SIGTERM. An interrupt that came while it started (:func:`_interrupts_held`) is acted on once the handlers
    are in place."""
    global _parent
    _parent = parent
    for sig in STOP_SIGNALS:  # a SIGHUP ignored (the study started under nohup) stays ignored, as in the parent
        if sig in (signal.SIGINT, signal.SIGTERM) or signal.getsignal(sig) is not signal.SIG_IGN:
            signal.signal(sig, _interrupt_once)
    if sys.platform.startswith("linux"):  # PR_SET_PDEATHSIG = 1: the kernel signals us when the parent dies
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
    if os.getppid() != parent:  # it died before the line above took effect
        _interrupt_once(signal.SIGTERM, None)
    if MASKS:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD)


def _interrupt_once(signum: int, frame: object) -> None:
    """The first Ctrl-C or SIGTERM interrupts the run; later ones (the terminal's and the parent's copy of one
    Ctrl-C) would interrupt the recording of that interrupt, so they are dropped. An idle worker has no run to
    record: it is left for the pool to close (its traceback would otherwise land in the user's terminal)."""
    global _stopping
    if not _running and os.getppid() != _parent:  # an idle orphan (the parent's death signals each worker
        os._exit(1)  # when the thread that started it ends, then again once it is reparented)
    if _stopping or not _running:
        _stopping = True
        return
    _stopping = True
    raise Terminated if signum == signal.SIGTERM else KeyboardInterrupt


def _guarded(run_one: Callable[[Job], Result], job: Job) -> Result:
    """Run one job unless the worker was stopped; a worker whose parent died exits once its run is recorded."""
    global _running
    try:
        _running = True  # before the check: a signal between the two still interrupts
        if _stopping:
            raise KeyboardInterrupt
        return run_one(job)
    finally:
        _running = False
        if _stopping and os.getppid() != _parent:  # nobody is left to read the result: the pool's pipes hang it
            os._exit(1)
