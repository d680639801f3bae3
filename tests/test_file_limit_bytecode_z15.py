"""A test's command under a file-size limit leaves the tests' bytecode folder whole: Python writes a ``.pyc`` cut at
the limit without a word, so where the first to compile the standard library's typing (past 120 KiB) was a command
under ``ulimit -f 120`` (tests/test_file_limit_api_b15.py, tests/test_file_limit_w14.py on a fresh machine), every
later command of the run failed at its import in 'EOFError: marshal data too short'."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .limited_children import limited_child

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_FSIZE as Linux has")


def test_a_child_under_a_file_size_limit_leaves_the_bytecode_folder_whole(tmp_path):
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(tmp_path / "pyc")}  # a fresh folder: nothing compiled yet
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    imports = [sys.executable, "-c", "import inspect, typing"]
    under = subprocess.run(imports, capture_output=True, text=True, timeout=300, **limited_child(120 * 1024, env))
    assert under.returncode == 0, under.stderr[-2000:]
    after = subprocess.run(imports, capture_output=True, text=True, timeout=300, env=env)
    assert after.returncode == 0, after.stderr[-2000:]  # was EOFError: marshal data too short
