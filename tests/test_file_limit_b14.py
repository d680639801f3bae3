"""A file-size limit is named only where a write went past it, in the units of the shell that set it.

SQLite keeps no errno: its 'disk I/O error' was read as the limit wherever one was set, so a store whose journal
cannot be read, under a generous ``ulimit -f``, sent the user to raise a limit that stopped nothing. And the limit was
given in bash's KiB alone, where dash counts 512-byte blocks.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .limited_children import limited_child

SEARCH = ("search", "--space", "nb201", "--dataset", "cifar10", "--strategy", "evolution", "--seed", "0")
GENEROUS = 512 * 1024 * 1024
"""A file-size limit far above anything these commands write."""

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_FSIZE and SIGXFSZ as Linux has")


def nasloop(*argv: str, file_limit: int | None = None) -> subprocess.CompletedProcess:
    """The real command, under a file-size limit of ``file_limit`` bytes where given (``ulimit -f``)."""
    return subprocess.run([sys.executable, "-m", "nasloop.engine.cli", *argv], capture_output=True, text=True,
                          timeout=300, **limited_child(file_limit))


@pytest.fixture
def unreadable_journal(tmp_path: Path, data_dir: Path) -> Path:
    """A finished run whose store's rollback journal is a folder: every read of the store is SQLite's 'disk I/O
    error', with no file near any size limit."""
    run_dir = tmp_path / "run"
    made = nasloop(*SEARCH, "--budget", "10", "--run-dir", str(run_dir), "--data-dir", str(data_dir))
    assert made.returncode == 0, made.stderr
    (run_dir / "nasloop.sqlite-journal").mkdir()
    return run_dir


@pytest.mark.parametrize("command", ["show", "resume"])
def test_a_disk_io_error_under_a_generous_limit_is_not_the_limit(unreadable_journal, data_dir, command):
    argv = (("show", str(unreadable_journal)) if command == "show" else
            ("search", "--resume", str(unreadable_journal), "--budget", "20", "--data-dir", str(data_dir)))
    done = nasloop(*argv, file_limit=GENEROUS)
    lines = done.stderr.strip().splitlines()
    assert done.returncode != 0 and len(lines) == 1, done.stderr
    assert "file-size limit" not in lines[0] and "ulimit" not in lines[0], lines  # was 'raise it (ulimit -f ...)'
    assert "disk I/O error" in lines[0] and "mend the disk" in lines[0], lines
    # the same store with no limit says the same: the limit changes nothing
    assert nasloop(*argv).stderr.strip().splitlines() == lines


def test_the_limit_is_named_in_bytes_and_in_both_shells_units(tmp_path, data_dir):
    run_dir = tmp_path / "cut"
    stopped = nasloop(*SEARCH, "--budget", "100", "--run-dir", str(run_dir), "--data-dir", str(data_dir),
                      file_limit=120 * 1024)
    lines = stopped.stderr.strip().splitlines()
    assert stopped.returncode == 2 and len(lines) == 1, stopped.stderr
    assert "file-size limit of 122,880 bytes ('ulimit -f' 120 in bash, 240 in dash)" in lines[0], lines
    assert "ulimit -f unlimited" in lines[0] and f"--resume {run_dir}" in lines[0], lines
