"""A user's walk through several objectives: the NB201 multi-objective benchmark script's reporting."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[1] / "benchmarks"


def test_multi_objective_script_reports_the_budgets_end(tmp_path, data_dir):
    """``--budget 60`` printed only '@50': the last ten evaluations of every run were never reported."""
    env = {**os.environ, "NASLOOP_DATA": str(data_dir)}
    done = subprocess.run([sys.executable, str(SCRIPTS / "multi_objective_nb201.py"), "--methods", "random",
                           "--costs", "params_m", "--seeds", "1", "--budget", "60", "--out", str(tmp_path / "mo")],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    headers = [line for line in done.stdout.splitlines() if line.startswith("| method |")]
    assert len(headers) == 2, done.stdout  # the nadir and the median tables
    for header in headers:
        assert "HV ratio @50 | HV ratio @60 | seeds >= 0.98 @60 | min @60" in header, header
