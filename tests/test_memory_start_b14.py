"""A command under a memory limit (``ulimit -v``) runs where its work fits, and otherwise says one line naming the
limit: numpy's OpenBLAS, loading, started a thread per core whose reserved buffers the limit counted, and ended the
process itself where they did not fit (exit 1 in 'OpenBLAS error: Memory allocation still failed', exit 130 as
'interrupted' by its own SIGINT, a segmentation fault, a SystemError, or a hang).
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from nasloop.engine.start_fits import THREAD_VARIABLES

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/status and RLIMIT_AS")
MIB = 1024 * 1024
PEAK = "import sys\nprint(next(int(line.split()[1]) * 1024 for line in open('/proc/self/status') " \
       "if line.startswith('VmPeak')), file=sys.stderr)"
"""Appended to a child's code: its address space's peak, in bytes, as its last line on stderr."""


def _env(**extra: str) -> dict[str, str]:
    """This environment with no BLAS thread count of the user's (CI may set OMP_NUM_THREADS), plus ``extra``."""
    return {**{k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES}, **extra}


def _peak(code: str) -> int:
    """The address space a child running ``code`` with one OpenBLAS thread reaches, in bytes."""
    done = subprocess.run([sys.executable, "-c", f"{code}\n{PEAK}"], capture_output=True, text=True,
                          env=_env(OPENBLAS_NUM_THREADS="1"), timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return int(done.stderr.strip().splitlines()[-1])


def _show(run_dir: Path, limit: int) -> subprocess.CompletedProcess:
    """``nasloop show RUN`` under an address-space limit of ``limit`` bytes, as a user's shell would start it."""
    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, resource.RLIM_INFINITY))
    return subprocess.run([sys.executable, "-m", "nasloop.engine.cli", "show", str(run_dir)], capture_output=True,
                          text=True, preexec_fn=limited, env=_env(), timeout=300)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    run = tmp_path_factory.mktemp("memory") / "run"
    made = subprocess.run([sys.executable, "-m", "nasloop.engine.cli", "search", "--space", "nb201", "--budget", "10",
                           "--run-dir", str(run), "--data-dir", str(data_dir), "--quiet"], capture_output=True,
                          text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    return run


def _whole_or_one_memory_line(done: subprocess.CompletedProcess, run_dir: Path) -> bool:
    """The run shown, or one line naming the memory limit and its fix (to start, or for show)."""
    if done.returncode == 0:
        return str(run_dir) in done.stdout and not done.stderr
    lines = done.stderr.strip().splitlines()
    return done.returncode in (1, 2) and len(lines) == 1 and "not enough memory" in lines[0] and \
        "this shell's memory limit is" in lines[0] and "raise the limit or free memory" in lines[0]


def test_each_limit_around_numpy_s_load_ends_in_the_run_or_one_line(run_dir):
    """From well below what loading numpy takes to well above it: OpenBLAS's buffer (32 MiB) not fitting ended the
    process in its own words, exit 1, in a band of limits below numpy's whole load."""
    numpy_loaded = _peak("import numpy")
    for limit in range(numpy_loaded - 40 * MIB, numpy_loaded + 40 * MIB, 4 * MIB):
        done = _show(run_dir, limit)
        assert _whole_or_one_memory_line(done, run_dir), (limit, done.returncode, done.stderr[-1000:])


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="OpenBLAS starts one thread per core: one core, one")
def test_show_runs_under_a_limit_its_work_fits_in(run_dir):
    """With a thread per core OpenBLAS needed about 41 MB more per core than the command's own work, and failed to
    start one ('interrupted while starting', exit 130) or said there was not enough memory."""
    needs = _peak(f"import sys\nsys.argv = ['nasloop', 'show', {str(run_dir)!r}]\n"
                  "from nasloop.engine.cli_entry import main\nassert main() == 0")
    done = _show(run_dir, needs + 20 * MIB)
    assert done.returncode == 0 and str(run_dir) in done.stdout and not done.stderr, done.stderr[-2000:]


def test_a_child_hung_in_a_lock_is_taken_for_hung_and_ended(monkeypatch: pytest.MonkeyPatch):
    """The start's child hung for ever where a MemoryError left one of the import system's module locks held, and
    the command with it: a child asleep on a lock it can never take (a real one, not a stand-in) is given up on,
    once asleep for the stall window (the module's setting, read as each child is watched: 2 s here, not 10)."""
    from nasloop.engine import start_fits
    from nasloop.engine.start_fits import finished

    monkeypatch.setattr(start_fits, "STALLED_SECONDS", 2)
    assert finished([sys.executable, "-c", "import threading\nlock = threading.Lock()\nlock.acquire()\n"
                     "lock.acquire()"]) is None
    ended = finished([sys.executable, "-c", "import sys\nsys.exit('done')"])
    assert ended == (1, "done\n")
