"""A study's runs in worker processes (``--jobs 2``) under a file-size limit: the limit is named, as with one job.

A write past the limit is told from a failing disk by the kernel's SIGXFSZ, which the command notes; a worker's
SIGXFSZ is its own, so the store's 'disk I/O error' a worker raised reached the command unnoted, and its line said to
free space or mend the disk, where the same study with one job (and every nasloop before) named the limit.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .limited_children import limited_child

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_FSIZE and SIGXFSZ as Linux has")


def compare_limited(out: Path, data_dir: Path, jobs: int) -> subprocess.CompletedProcess:
    """The real ``nasloop compare``, ``jobs`` runs at a time, under a 120 KiB file-size limit (``ulimit -f 120``):
    below what a store of 100 evaluations takes."""
    return subprocess.run([sys.executable, "-m", "nasloop.engine.cli", "compare", "--methods", "random", "--seeds",
                           "2", "--budget", "100", "--space", "nb201", "--out", str(out), "--data-dir", str(data_dir),
                           "--quiet", "--jobs", str(jobs)], capture_output=True, text=True, timeout=300,
                          **limited_child(120 * 1024))


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_study_s_workers_past_the_limit_name_it(tmp_path, data_dir, jobs):
    done = compare_limited(tmp_path / "study", data_dir, jobs)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    assert "file-size limit of 122,880 bytes ('ulimit -f' 120 in bash, 240 in dash)" in lines[0], lines
    assert "ulimit -f unlimited" in lines[0] and "mend the disk" not in lines[0], lines
    assert f"kept in {tmp_path / 'study'}: run the same command to continue" in lines[0], lines
