"""The benchmark scripts that run searches in several processes (``--jobs 2``) stop them with the script.

SIGTERM (``timeout``, a scheduler) or ``kill -9`` of guided_search.py, multi_objective_nb201.py or nago_search.py
left their workers searching on, reparented to PID 1, and SIGTERM ended the script without a word. Each script now
runs its searches in nasloop's own pool (``script_args.results_of``): SIGTERM stops it as Ctrl-C does, in one line,
and no worker outlives it. Each case is a real script run, signalled once its searches run: each signal once, each
on another script (the three share the pool and its signal handling: ``results_of``, ``run_main``), which keeps the
suite's time.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .benchmark_scripts import parsed_tables_only

SCRIPTS = Path(__file__).resolve().parents[1] / "benchmarks"
# sizes that keep each search running well past the signal, and the searches few
ARGS = {
    "guided_search.py": ["--methods", "random", "--seeds", "4", "--budget", "3000"],
    "multi_objective_nb201.py": ["--methods", "random", "--costs", "params_m", "--seeds", "4", "--budget", "2000"],
    "nago_search.py": ["--methods", "random", "--seeds", "4", "--budget", "200"],
}


def _interruptible() -> None:
    """SIGINT as a terminal's process has it (a suite started in the background ignores it, and so would the
    script)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _children(pid: int) -> set[int]:
    """The processes ``pid`` started that are still its children."""
    found: set[int] = set()
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            found |= {int(child) for child in Path(f"/proc/{pid}/task/{task}/children").read_text().split()}
        except OSError:  # the thread ended meanwhile
            pass
    return found


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie has ended: it waits only to be reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _is_worker(pid: int) -> bool:
    """A search worker, not the resource tracker a spawned pool starts beside its workers."""
    try:
        return b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process tree from /proc")
@pytest.mark.parametrize("script, name", [("guided_search.py", "SIGINT"), ("nago_search.py", "SIGTERM"),
                                          ("multi_objective_nb201.py", "SIGKILL")])
def test_a_stopped_script_leaves_no_worker_and_says_so_in_one_line(tmp_path, data_dir, script, name):
    sig = signal.Signals[name]
    (tmp_path / "cache").mkdir()  # the tests' parsed tables alone: each worker parsed NB201's again before searching
    env = {**os.environ, "NASLOOP_DATA": str(data_dir), "XDG_CACHE_HOME": str(parsed_tables_only(tmp_path / "cache")),
           "TMPDIR": str(tmp_path)}  # the scratch run folders of a killed script land here, not in /tmp
    extra = ["--figures", str(tmp_path / "figures")] if script == "nago_search.py" else []
    # files, not pipes: a surviving worker holds a pipe open, and reading it to its end would wait for that worker
    with open(tmp_path / "out", "w") as out, open(tmp_path / "err", "w") as err:
        started = subprocess.Popen([sys.executable, str(SCRIPTS / script), *ARGS[script], *extra, "--jobs", "2"],
                                   stdout=out, stderr=err, env=env, preexec_fn=_interruptible)
    seen: set[int] = set()
    try:
        guard = time.monotonic() + 120
        # both workers exist and a search has made its run: a worker idle when its parent died found the pool's
        # pipe closed and ended, where one in a search ran on to the end of it
        while len([pid for pid in seen if _is_worker(pid)]) < 2 or not any(tmp_path.glob("**/nasloop.sqlite")):
            assert started.poll() is None and time.monotonic() < guard, "the searches never started"
            seen |= _children(started.pid)
            time.sleep(0.05)
        started.send_signal(sig)
        code = started.wait(timeout=60)  # a guard against a hang, not a time to beat
        guard = time.monotonic() + 20
        while any(_alive(pid) for pid in seen) and time.monotonic() < guard:
            time.sleep(0.1)
        assert not [pid for pid in seen if _alive(pid)], f"workers left running after {sig.name} of the script"
    finally:
        started.kill()
        for pid in seen:  # what a failing run left, ended here rather than left to run on
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    if sig != signal.SIGKILL:
        assert code == 130
        assert (tmp_path / "err").read_text().strip() == f"{script}: interrupted"
