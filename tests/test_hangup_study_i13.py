"""SIGHUP (the terminal closed) stops ``nasloop compare --jobs 2`` as Ctrl-C does, workers included, and is held
while an interrupt already stopping a command is recorded, as Ctrl-C and SIGTERM are.

Before: the workers took SIGHUP's default and died mid-run, unrecorded (each run read 'stopped: no process is
searching it'), and so did Python's resource tracker, whose relaunch printed a KeyError traceback per semaphore;
and a SIGHUP during :func:`interrupts_held` raised a second interrupt inside the writes it protects."""
from __future__ import annotations

import os
import signal
import time

from nasloop.engine.executors.base import interrupts_held
from nasloop.engine.hangup import hangup_interrupts
from nasloop.engine.search import summarize

from .hangup_default import hangup_default_here
from .test_study_signals_t import _start, _stopped, _wait_until_both_run


def _hangup_raises() -> bool:
    """Whether a SIGHUP to this process raises here (its handler runs in the main thread at its next check)."""
    try:
        os.kill(os.getpid(), signal.SIGHUP)
        time.sleep(0.05)
    except KeyboardInterrupt:
        return True
    return False


def test_a_hangup_while_an_interrupt_is_recorded_is_dropped() -> None:
    with hangup_default_here(), hangup_interrupts():
        with interrupts_held():
            raised_inside = _hangup_raises()
        raised_after = _hangup_raises()  # the hangup handler is back once the block ends
    assert (raised_inside, raised_after) == (False, True)


def test_sighup_to_the_studys_process_group_records_the_running_runs(tmp_path, data_dir) -> None:
    study = tmp_path / "study"
    runs = [study / "runs" / "random" / f"seed-{s}" for s in (0, 1)]
    proc = _start(study, data_dir)
    _wait_until_both_run(proc, runs)
    os.killpg(proc.pid, signal.SIGHUP)  # as a closed terminal signals its whole foreground process group
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err.decode().strip() == f"nasloop compare: interrupted; what finished is kept in {study}: run the same " \
                                   "command to continue"  # no resource tracker relaunched, no traceback
    assert all(_stopped(run) for run in runs), [summarize(run)["status"] for run in runs]
    assert any("stopped by the user" in (summarize(run)["stop_reason"] or "") for run in runs)  # (see _stopped)
    assert not (study / "runs" / "random" / "seed-2").exists()  # queued, never started
