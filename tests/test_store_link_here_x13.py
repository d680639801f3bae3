"""A run whose ``nasloop.sqlite`` links to a file in its own folder (``nasloop.sqlite -> kept.sqlite``) resumes: the
folder the link reaches is the run's own, locked once, where a second lock refused the resume in its own name."""
from __future__ import annotations

import os
import subprocess
import sys

from nasloop.engine.config import SearchConfig
from nasloop.engine.search import search


def test_a_store_linked_within_its_own_folder_resumes(tmp_path, data_dir, monkeypatch):
    monkeypatch.setenv("NASLOOP_DATA", str(data_dir))
    run_dir = tmp_path / "run"
    search(SearchConfig(space="nb201", dataset="cifar10", strategy="random", budget=5, seed=0, run_dir=str(run_dir)))
    os.replace(run_dir / "nasloop.sqlite", run_dir / "kept.sqlite")
    (run_dir / "nasloop.sqlite").symlink_to("kept.sqlite")
    done = subprocess.run([sys.executable, "-m", "nasloop.engine.cli", "search", "--resume", str(run_dir),
                           "--budget", "10", "--quiet"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr  # was 'RUN is being searched by process PID', its own pid
    shown = subprocess.run([sys.executable, "-m", "nasloop.engine.cli", "show", str(run_dir), "--json"],
                           capture_output=True, text=True, timeout=300)
    assert '"evaluations": 10,' in shown.stdout and (run_dir / "nasloop.sqlite").is_symlink(), shown.stdout
