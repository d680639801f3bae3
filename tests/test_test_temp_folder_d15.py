"""The tests leave nothing in the shared temp folder: their temp folder, and their commands', is pytest's.

A test run left a traceback file in /tmp for each unexpected error a test provoked (engine/cli_stops.py keeps the
traceback for the user to read; 'RuntimeError: shape mismatch' from test_hostile_env_f13, in this process), and
whatever a command the tests killed left behind. tests/conftest.py now points the temp folder of this process and
of the commands it starts into pytest's folder, leaving Ray's where it was (its socket paths' 107-byte limit).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from nasloop.engine.cli_parser import build_parser
from nasloop.engine.cli_stops import unexpected_error

FOLDERS = """
import tempfile
from ray._common.utils import get_default_ray_temp_dir
print(tempfile.gettempdir())
print(get_default_ray_temp_dir())
"""


def test_a_traceback_file_of_a_test_lies_in_pytest_s_folder(tmp_path, tmp_path_factory):
    args = build_parser().parse_args(["search", "--space", "nb201", "--run-dir", str(tmp_path / "run")])
    line = unexpected_error(RuntimeError("shape mismatch"), args)
    kept = re.search(r"the traceback is in (\S+\.traceback)", line)
    assert kept is not None, line
    assert Path(kept[1]).is_relative_to(tmp_path_factory.getbasetemp()), line
    assert Path(kept[1]).read_text() == "RuntimeError: shape mismatch\n"


def test_a_command_s_temp_folder_is_pytest_s_and_ray_s_stays_short(tmp_path_factory):
    done = subprocess.run([sys.executable, "-c", FOLDERS], env=dict(os.environ), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    temp, ray = done.stdout.splitlines()
    assert Path(temp).is_relative_to(tmp_path_factory.getbasetemp()), temp
    assert not Path(ray).is_relative_to(tmp_path_factory.getbasetemp()), ray
    # a session's socket: <ray>/session_<date>_<time>_<microseconds>_<pid>/sockets/plasma_store, within 107 bytes
    assert len(f"{ray}/session_2026-12-07_17-59-12_123456_1234567/sockets/plasma_store".encode()) <= 107, ray
