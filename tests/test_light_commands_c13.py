"""What every command paid before doing anything: ``nasloop show`` and a tabular search imported scipy.stats (0.6 s
of CPU, 60 MB, of a 1.6 s resume) for the table of ``nasloop predictors evaluate``, which imports it itself."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from nasloop.engine.cli import main


def _search(run: Path, data_dir: Path, budget: int) -> None:
    assert main(["search", "--space", "nb201", "--strategy", "random", "--budget", str(budget), "--seed", "4",
                 "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]) == 0


def test_show_and_a_tabular_resume_import_no_scipy_stats(tmp_path, data_dir):
    """In a fresh interpreter, as the command runs."""
    run = tmp_path / "run"
    _search(run, data_dir, 5)
    code = ("import sys\nfrom nasloop.engine.cli import main\n"
            f"assert main(['show', {str(run)!r}]) == 0\n"
            f"assert main(['search', '--resume', {str(run)!r}, '--budget', '6', '--quiet']) == 0\n"
            "print('scipy.stats' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "False", proc.stdout[-500:]
