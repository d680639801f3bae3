"""A Ray search stopped by Ctrl-C or SIGTERM while Ray builds its native core worker, inside ``ray.init``.

Before: the interrupt was raised there (in Python code that Ray's core worker construction calls), which left a
half-built native worker: the search printed its one line, then crashed as it exited, Ctrl-C in a segfault (exit
139, -11 here) and SIGTERM in Ray's native stack dump ('*** SIGTERM received ...') above the line and an abort 3 s
later (exit 134, -6 here). The tests signal the search once the driver's core worker log appears, which Ray writes
as it starts building the worker, or once Ray's session folder appears (the start of Ray's start): moments a test
sees from outside, with no hook in the search.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from .real_ctrl_c import sigint_as_a_terminal_gives_it

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="finds Ray's processes through /proc")

_RAY_ENV = {**os.environ, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0",
            "RAY_AUTH_MODE": "disabled"}
_RAY_TEMP = Path(os.environ.get("RAY_TMPDIR", tempfile.gettempdir())) / "ray"  # where Ray puts its sessions
_HOLD_NOTICE = "nasloop: stopping as soon as Ray has started (Ctrl-C again stops at once)"
_NOTHING_EVALUATED = "nasloop search: interrupted; nothing was evaluated yet: run the same command again"


def _argv(data_dir: Path, run: Path) -> list[str]:
    return [sys.executable, "-m", "nasloop.engine.cli", "search", "--strategy", "random", "--budget", "4",
            "--executor", "ray", "--workers", "2", "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]


def _core_worker_logs(pid: int) -> set[Path]:
    """The core worker logs of the driver ``pid``, in the Ray session it started (its folder ends in the pid)."""
    return set(_RAY_TEMP.glob(f"session_*_{pid}/logs/python-core-driver-*_{pid}.log"))


def _sessions(pid: int) -> set[Path]:
    """The folders of the Ray sessions the driver ``pid`` started (the first thing Ray's start makes)."""
    return set(_RAY_TEMP.glob(f"session_*_{pid}"))


def _stopped_as_ray_builds_its_worker(data_dir: Path, run: Path, signum: int) -> tuple[int, int, str]:
    """Run the search in a child process and send it ``signum`` as soon as its core worker log appears; its pid,
    exit status and stderr."""
    child = subprocess.Popen(_argv(data_dir, run), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=_RAY_ENV, preexec_fn=sigint_as_a_terminal_gives_it)
    older = _core_worker_logs(child.pid)  # an earlier process's session that had the same pid
    deadline = time.monotonic() + 90
    while child.poll() is None and not _core_worker_logs(child.pid) - older and time.monotonic() < deadline:
        time.sleep(0.005)
    if child.poll() is None:
        child.send_signal(signum)
    _, err = child.communicate(timeout=90)
    return child.pid, child.returncode, err


def _ray_processes_of(driver: int) -> list[int]:
    """Live processes of the Ray session the process ``driver`` started (its GCS, raylet and their agents name the
    session folder, which ends in the driver's pid, on their command lines)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = cmdline.read_text()
            if f"_{driver}/" in command and "session_" in command:
                if (cmdline.parent / "stat").read_text().rsplit(") ", 1)[1][0] != "Z":  # a zombie has stopped
                    found.append(int(cmdline.parent.name))
        except (OSError, IndexError):  # gone meanwhile
            pass
    return found


def _assert_no_ray_process_left(driver: int) -> None:
    deadline = time.monotonic() + 30  # a stopped raylet's agents stop in seconds
    while _ray_processes_of(driver) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = _ray_processes_of(driver)
    for pid in left:  # not for the next test to meet
        os.kill(pid, signal.SIGKILL)
    assert not left


def test_ctrl_c_while_ray_builds_its_core_worker_stops_without_a_crash(tmp_path, data_dir):
    run = tmp_path / "run"
    driver, status, err = _stopped_as_ray_builds_its_worker(data_dir, run, signal.SIGINT)
    assert status == 130, err  # before: -11, a segfault after the line below
    assert err.splitlines() == [_HOLD_NOTICE, _NOTHING_EVALUATED]
    _assert_no_ray_process_left(driver)
    again = subprocess.run(_argv(data_dir, run), capture_output=True, text=True, env=_RAY_ENV, timeout=90)
    assert again.returncode == 0, again.stderr  # the same command again, as the line says


def test_a_second_ctrl_c_while_ray_starts_stops_the_search_in_its_line(tmp_path, data_dir):
    # The first Ctrl-C is held until Ray is up; the second, sent once the first is acknowledged (Ray's processes are
    # then still starting), stops it there, or once Ray is up where Python drops it (in a fork hook): not in the
    # traceback Python prints for a dropped exception.
    child = subprocess.Popen(_argv(data_dir, tmp_path / "run"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=_RAY_ENV, preexec_fn=sigint_as_a_terminal_gives_it)
    older = _sessions(child.pid)
    deadline = time.monotonic() + 90  # a search that never starts Ray fails below, not by waiting here forever
    while child.poll() is None and not _sessions(child.pid) - older and time.monotonic() < deadline:
        time.sleep(0.005)
    child.send_signal(signal.SIGINT)
    notice = child.stderr.readline()
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=90)
    assert child.returncode == 130, notice + err
    assert [notice.rstrip("\n"), *err.splitlines()] == [_HOLD_NOTICE, _NOTHING_EVALUATED]
    _assert_no_ray_process_left(child.pid)


def test_sigterm_while_ray_builds_its_core_worker_stops_in_one_line(tmp_path, data_dir):
    driver, status, err = _stopped_as_ray_builds_its_worker(data_dir, tmp_path / "run", signal.SIGTERM)
    assert status == 130, err  # before: -6, Ray's native stack dump and an abort
    assert err.splitlines() == [_NOTHING_EVALUATED]
    _assert_no_ray_process_left(driver)
