"""SIGTERM while Ray builds its core worker, in a process that imported Ray before nasloop (a notebook, a script).

nasloop keeps Ray's native failure-signal handler out of its driver by setting Ray's switch while it imports Ray;
where Ray was imported first, the switch had been read already, and the handler, installed as Ray built its core
worker, took a SIGTERM there for a crash: Ray's native stack dump ('*** SIGTERM received ...') above the search's
line, then an abort 3 s later.
"""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .real_ctrl_c import sigint_as_a_terminal_gives_it
from .test_ray_interrupt_m import _NOTHING_EVALUATED, _RAY_ENV, _argv, _assert_no_ray_process_left, _core_worker_logs

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="finds Ray's processes through /proc")

_RAY_FIRST = "import sys, ray; from nasloop.engine.cli import main; sys.exit(main(sys.argv[1:]))"


def test_sigterm_while_ray_starts_is_one_line_where_ray_was_imported_first(tmp_path, data_dir):
    argv = [sys.executable, "-c", _RAY_FIRST, *_argv(data_dir, tmp_path / "run")[3:]]
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_RAY_ENV,
                             preexec_fn=sigint_as_a_terminal_gives_it)
    older = _core_worker_logs(child.pid)
    deadline = time.monotonic() + 90
    while child.poll() is None and not _core_worker_logs(child.pid) - older and time.monotonic() < deadline:
        time.sleep(0.005)
    if child.poll() is None:
        child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=90)
    assert child.returncode == 130, err  # before: -6, after Ray's native stack dump
    assert err.splitlines() == [_NOTHING_EVALUATED]
    _assert_no_ray_process_left(child.pid)
