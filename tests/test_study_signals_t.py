"""``nasloop compare --jobs 2`` stopped by SIGTERM or ``kill -9`` stops its worker processes with it.

Before: a SIGTERM to the study's process waited for every run handed to a worker (the queued one too) to run to
its end before it said "interrupted"; after ``kill -9`` the workers ran their runs on as orphans, then hung
forever. Each kill here lands at a point the test sees: once both runs have stored evaluations."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from nasloop.engine.search import summarize

from .hangup_default import hangup_default
from .live_store import count_trials

BUDGET = 3000
SLOW = ["--evaluator", "proxy", "--evaluator-opt", "proxies=[params]"]
"""Each run builds its networks (about 70 a second here): none ends on its own before the signal, though workers
start seconds apart. 10,000 table lookups took about 1.5 s on an idle machine, and a run finished before it."""


HELD = '''
import time

from nasloop.engine.evaluators.tabular import TabularEvaluator
from nasloop.engine.registry import register_evaluator

ANSWERED = [0]


@register_evaluator("t-held")
class Held(TabularEvaluator):
    """The table's answer for a worker's first 20 cells, then each trial held until the worker is stopped, as a
    long training is."""

    instant = False  # each trial is stored pending first, as a training's is

    def evaluate(self, arch, fidelity=None):
        ANSWERED[0] += 1
        while ANSWERED[0] > 20:
            time.sleep(0.05)
        return super().evaluate(arch, fidelity)
'''
"""The evaluator of a study's runs in worker processes: each run stores 20 evaluations, then its trial waits until
a signal stops it, so no run ends on its own however far apart the workers start (on a loaded machine too), and no
process of the study loads torch (the proxy evaluator's networks cost each of the three about 2 CPU s)."""


def _start(study: Path, data_dir: Path) -> subprocess.Popen:
    plugin = study.parent / "t_held.py"
    plugin.write_text(HELD, encoding="utf-8")
    argv = [sys.executable, "-m", "nasloop.engine.cli", "--plugin", str(plugin), "compare", "--methods", "random",
            "--seeds", "3", "--budget", str(BUDGET), "--evaluator", "t-held", "--jobs", "2", "--out", str(study),
            "--data-dir", str(data_dir), "--quiet"]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=hangup_default)  # a suite run under nohup: SIGHUP as a terminal gives it


def _stopped(run: Path) -> bool:
    """Stopped where it was: interrupted, or "stopped" in the rare case the interrupt landed inside the
    store's own write and the status could not follow (resumable all the same); never run to its end."""
    return summarize(run)["status"] in ("interrupted", "stopped") and count_trials(run / "nasloop.sqlite") < BUDGET


def _wait_until_both_run(proc: subprocess.Popen, runs: list[Path]) -> list[int]:
    """Wait until every run has stored evaluations; the pids of their processes, from their lock files."""
    deadline = time.monotonic() + 120
    while not all(count_trials(run / "nasloop.sqlite") >= 10 for run in runs):
        assert proc.poll() is None and time.monotonic() < deadline, "the study never ran two runs at once"
        time.sleep(0.005)
    while not all((run / "nasloop.lock").read_text() for run in runs):  # the pid is written after the lock is taken
        time.sleep(0.005)
    return [int((run / "nasloop.lock").read_text()) for run in runs]


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] == "Z"  # a zombie has ended
    except FileNotFoundError:
        return True


def test_sigterm_stops_the_running_runs_and_starts_no_queued_one(tmp_path, data_dir):
    study = tmp_path / "study"
    runs = [study / "runs" / "random" / f"seed-{s}" for s in (0, 1)]
    proc = _start(study, data_dir)
    _wait_until_both_run(proc, runs)
    proc.send_signal(signal.SIGTERM)  # the study's process alone, as `kill PID` or a scheduler does
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err.decode().strip() == f"nasloop compare: interrupted; what finished is kept in {study}: run the same " \
                                   "command to continue"
    assert all(_stopped(run) for run in runs), [summarize(run)["status"] for run in runs]
    assert not (study / "runs" / "random" / "seed-2").exists()  # queued, never started


def test_kill_9_of_the_study_stops_its_workers(tmp_path, data_dir):
    study = tmp_path / "study"
    runs = [study / "runs" / "random" / f"seed-{s}" for s in (0, 1)]
    proc = _start(study, data_dir)
    workers = _wait_until_both_run(proc, runs)
    proc.kill()
    proc.wait()
    proc.stderr.close()
    deadline = time.monotonic() + 120
    while not all(_gone(pid) for pid in workers):  # an orphan ran its run to the end, then hung for good
        assert time.monotonic() < deadline, "the workers outlived their study"
        time.sleep(0.01)
    assert all(_stopped(run) for run in runs), [summarize(run)["status"] for run in runs]
    assert os.path.exists(study / "study.json")


def test_sigterm_stops_a_study_on_its_own_ray_as_ctrl_c_does(tmp_path, data_dir):
    """Ray's handler in the study's process printed a native stack and exit(1): 'unexpected SystemExit', and the
    runs read "stopped"; now the study is interrupted and each running run records it."""
    study = tmp_path / "study"
    argv = [sys.executable, "-m", "nasloop.engine.cli", "compare", "--methods", "random", "--seeds", "1",
            "--budget", str(BUDGET), *SLOW, "--executor", "ray", "--out", str(study), "--data-dir", str(data_dir),
            "--quiet"]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    run = study / "runs" / "random" / "seed-0"
    _wait_until_both_run(proc, [run])
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err.decode().strip() == f"nasloop compare: interrupted; what finished is kept in {study}: run the same " \
                                   "command to continue"
    # Ray's cancel interrupts the run; one lost (a clean-clone CI under load saw the run finish during the study's
    # wait) is sent again until the run has recorded it (tests/test_study_ray_cancel_e.py); never "stopped"
    assert summarize(run)["status"] == "interrupted"
