"""``compare --executor ray --ray-address`` with an address where no cluster answers.

Before: ``search`` refused such an address in seconds, but ``compare`` handed it to Ray, which retried it for
minutes, printing GCS warnings; and a study with nothing left to run started (or joined) Ray all the same, so
rewriting a finished study's report needed a reachable cluster and took the seconds of Ray's start.
"""
from __future__ import annotations

import os
import subprocess
import sys

_NO_CLUSTER = "127.0.0.1:1"  # nothing listens on port 1
_ENV = {**os.environ, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0",
        "RAY_AUTH_MODE": "disabled"}


def _compare(data_dir, out, *extra: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "nasloop.engine.cli", "compare", "--space", "nb201", "--seeds", "1", "--budget", "5",
           "--methods", "random", "--data-dir", str(data_dir), "--out", str(out), *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=_ENV)


def test_an_unreachable_ray_address_is_refused_in_one_line(tmp_path, data_dir):
    proc = _compare(data_dir, tmp_path / "study", "--executor", "ray", "--ray-address", _NO_CLUSTER)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith(
        f"nasloop compare: error: cannot reach the Ray cluster at '{_NO_CLUSTER}' (")


def test_a_finished_study_is_reported_again_without_ray(tmp_path, data_dir):
    study = tmp_path / "study"
    assert _compare(data_dir, study).returncode == 0
    proc = _compare(data_dir, study, "--executor", "ray", "--ray-address", _NO_CLUSTER)
    assert proc.returncode == 0, proc.stderr
    assert "report: " in proc.stdout
