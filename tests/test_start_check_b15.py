"""A start check (engine/start_fits.py) whose child cannot be started for a reason other than memory says nothing
of the memory limit: under 'ulimit -v 8000000' with 'ulimit -n 6', the child's pipes could not be opened (too many
open files; 'ulimit -u' reached fails alike, in EAGAIN), and every command was refused as 'not enough memory to
start' under a limit of gigabytes. The command now makes its imports itself, as it does with no limit set."""
from __future__ import annotations

import resource
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS as Linux counts it")
LIMIT = 8 * 1024 ** 3
"""Far above what the imports need."""
OPEN_FILES = 6
"""Enough for Python to start and import nasloop (one file open at a time beside the three standard streams), too
few for the child's /dev/null and two pipes."""


def test_a_check_that_cannot_start_its_child_lets_the_command_start():
    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (LIMIT, resource.RLIM_INFINITY))
        resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILES, OPEN_FILES))

    done = subprocess.run([sys.executable, "-m", "nasloop.engine.cli", "--version"], capture_output=True, text=True,
                          preexec_fn=limited, timeout=300)
    assert "memory" not in done.stderr, done.stderr
    assert done.returncode == 0 and done.stdout.startswith("nasloop "), done.stderr[-2000:]
