"""Two reports into one folder each stage their files in a folder of their own.

The staging folder was one name for all (``.report.part``), removed by each report as it began: a ``report`` run
beside a ``compare`` writing the same study's report removed the other's files under it. A staging folder is now
locked while its report writes, and only one whose lock can be taken (its report killed outright) is removed."""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

from nasloop.engine.cli import main
from nasloop.engine.report_files import STAGED


def test_a_report_leaves_a_live_reports_staging_folder_and_removes_a_dead_one(tmp_path: Path, data_dir: Path,
                                                                              capsys) -> None:
    run = tmp_path / "run"
    assert main(["search", "--budget", "3", "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]) == 0
    out = run / "report"  # where a run's report goes
    live, dead = out / f"{STAGED}live", out / f"{STAGED}dead"
    for folder in (live, dead):
        (folder / "figures").mkdir(parents=True)
        (folder / "figures" / "trajectory.png").write_bytes(b"a figure being written")
    held = os.open(live, os.O_RDONLY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)  # as the live report holds it
        assert main(["report", str(run)]) == 0
        assert (live / "figures" / "trajectory.png").read_bytes() == b"a figure being written"
        assert not dead.exists() and (out / "report.md").is_file()
        assert [path.name for path in out.glob(f"{STAGED}*")] == [live.name]  # its own is gone once moved in
    finally:
        os.close(held)
