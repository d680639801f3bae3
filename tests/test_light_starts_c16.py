"""A benchmark script's table-only search loads neither torch nor scipy.stats.

guided_search.py imported torch in every job to set its thread count, though random, evolution and local search
only look the table up (1.1 s of CPU a job), and its statistics modules (stats_util, nasloop.engine.study_stats,
nago_tables) imported scipy.stats as they loaded (0.6 s). With ``--jobs N`` each worker is a fresh interpreter that
imports the script again, so both were paid once per worker, for a random search of well under a second. They now
load where they are used: torch for a search with a predictor, scipy.stats for an interval or a test.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .cli_processes import process_env

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
JOB = """
import json, sys
sys.path.insert(0, sys.argv[1])
import guided_search, nago_tables, stats_util
from nasloop.engine import study_stats

name, seed, scores, wall = guided_search._run_job(("random", "nb201", "cifar10", 0, 12, sys.argv[2], sys.argv[3], 1))
curve = study_stats.best_so_far(scores, len(scores))
print(json.dumps({"scores": len(scores), "best": float(curve[-1]) == max(scores),
                  "loaded": sorted(m for m in ("torch", "scipy.stats") if m in sys.modules)}))
print(stats_util.format_mean([1.0, 2.0, 3.0], 2), "scipy.stats" in sys.modules)
"""


def test_a_random_search_job_of_guided_search_loads_neither_torch_nor_scipy_stats(data_dir, tmp_path):
    done = subprocess.run([sys.executable, "-c", JOB, str(BENCHMARKS), str(data_dir), str(tmp_path)],
                          env=process_env({"PYTHONWARNINGS": None}), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    searched, interval = done.stdout.splitlines()
    assert searched == '{"scores": 12, "best": true, "loaded": []}'
    assert interval == "2.00 ± 2.48 True"  # the t-interval still comes from scipy, loaded when it is asked for
