"""A report names the command that made it as a shell reads it back."""
from __future__ import annotations

import shlex
from pathlib import Path

from nasloop.engine.cli import main


def test_the_command_a_report_names_runs_again_from_a_folder_with_a_space(tmp_path: Path, data_dir: Path) -> None:
    """The command was joined with spaces, so 'nasloop report my runs/r1' named a folder 'my' and an argument
    'runs/r1': pasted back into a shell it reported nothing. It is quoted now, word for word."""
    run_dir = tmp_path / "my runs" / "r é1"
    assert main(["search", "--strategy", "random", "--budget", "2", "--data-dir", str(data_dir), "--run-dir",
                 str(run_dir), "--quiet"]) == 0
    assert main(["report", str(run_dir)]) == 0
    made = (run_dir / "report" / "report.md").read_text().split("by `", 1)[1].split("` with", 1)[0]
    assert shlex.split(made) == ["nasloop", "report", str(run_dir)]
