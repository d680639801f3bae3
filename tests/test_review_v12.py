"""Defects found reviewing the session's merged changes (helper V12).

A reader of a run whose store this user cannot write, in a folder it can (another user's run in a shared folder):
it opened the store as a writer would, which SQLite opens read-only for such a file, and left ``nasloop.sqlite-wal``
and ``-shm`` beside it, this user's; the owner's next write to its own run failed on them ('attempt to write a
readonly database', checked with two real users). It reads such a store as a read-only folder's now.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nasloop.engine.cli import main

pytestmark = pytest.mark.usefixtures("isolated_cache")


def _as_a_user_who_cannot_write_it(command: list[str]) -> list[str]:
    """``command`` run without root's right to write any file (a user's own rights), where the tests run as root."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("root writes any file; setpriv (util-linux), which drops that right, is not installed")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner", *command]


def _sidecars(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(("-wal", "-shm", "-journal")))


def test_show_of_a_store_this_user_cannot_write_leaves_no_files_beside_it(tmp_path, data_dir):
    run = tmp_path / "run"
    assert main(["search", "--strategy", "random", "--budget", "4", "--seed", "1", "--data-dir", str(data_dir),
                 "--run-dir", str(run), "--quiet"]) == 0
    assert _sidecars(run) == []
    (run / "nasloop.sqlite").chmod(0o444)  # another user's file: readable, not writable; the folder writable
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    shown = subprocess.run(_as_a_user_who_cannot_write_it(
        [sys.executable, "-c", "import sys; from nasloop.engine.cli import main; sys.exit(main())", "show",
         str(run)]), capture_output=True, text=True, env=env, timeout=300)
    assert shown.returncode == 0, shown.stderr
    assert "evaluations" in shown.stdout
    assert _sidecars(run) == []
