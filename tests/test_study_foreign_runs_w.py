"""A run of another space or dataset inside a study's folder is left out of its statistics, and listed."""
from __future__ import annotations

import shutil
from pathlib import Path

from nasloop.engine.cli import main


def test_a_run_of_another_dataset_in_a_study_is_left_out_and_named(tmp_path: Path, data_dir: Path, capsys) -> None:
    """A CIFAR-100 run copied into a CIFAR-10 study as one of its seeds was averaged with the others without a word
    (its accuracies some 20 points lower): only the method's options were checked, not the study's grid."""
    study, other = tmp_path / "study", tmp_path / "other"
    common = ["--space", "nb201", "--budget", "3", "--data-dir", str(data_dir), "--quiet"]
    assert main(["compare", "--methods", "random", "--seeds", "2", "--out", str(study), *common]) == 0
    assert main(["search", "--dataset", "cifar100", "--strategy", "random", "--seed", "1", "--run-dir", str(other),
                 *common]) == 0
    shutil.rmtree(study / "runs" / "random" / "seed-1")
    shutil.copytree(other, study / "runs" / "random" / "seed-1")
    capsys.readouterr()
    assert main(["compare", "--methods", "random", "--seeds", "2", "--out", str(study), *common]) == 0
    assert "note: left out of the report: random seed 1: " in capsys.readouterr().err  # the run is kept, not redone
    assert main(["report", str(study)]) == 0
    assert ("1 run left out of the report (missing, unfinished, failed, damaged, another method's or of another "
            "grid)") in capsys.readouterr().err
    report = (study / "report.md").read_text()
    assert "| random | 1 |" in report
    assert ("random seed 1: " + str(study / "runs" / "random" / "seed-1") + " holds a run made for another grid "
            "(dataset 'cifar100', not the study's 'cifar10'); left out") in report
