"""The tabular evaluator loads what its lookups read before the run starts: the table and its companions."""
from __future__ import annotations

import gzip
from pathlib import Path

from nasloop.engine.cli import main

from .messages import one_line


def test_a_damaged_hardware_file_is_refused_before_the_run_folder_exists(tmp_path: Path, data_dir: Path,
                                                                          capsys) -> None:
    """NB201's HW-NAS-Bench costs were first read by the first lookup, inside the run: a damaged file left a
    failed run folder behind, and the 1.8 s load counted in the first run's wall time (in a study, whichever
    method ran first in a worker read slowest)."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "nasbench201_all.csv.gz").symlink_to(data_dir / "nasbench201_all.csv.gz")
    (data / "nb201_hw_metrics.csv.gz").write_bytes(gzip.compress(b"garbage\n"))
    run_dir = tmp_path / "run"
    assert main(["search", "--space", "nb201", "--budget", "3", "--data-dir", str(data), "--run-dir", str(run_dir),
                 "--quiet"]) == 2
    one_line(capsys.readouterr().err.strip(), "nb201_hw_metrics.csv.gz is not the HW-NAS-Bench NB201 file")
    assert not run_dir.exists()
