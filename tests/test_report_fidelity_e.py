"""Reports name the fidelity a run or study was searched at, as ``nasloop show`` does.

``nasloop search --space nb101 --fidelity 4`` and ``nasloop compare ... --fidelity 12`` reported
'nb101 / cifar10' over their 4- and 12-epoch accuracies, which read as the final (108-epoch) ones.
"""
from __future__ import annotations

from nasloop.engine.cli import main
from tests.nb101_small_e import small_nb101


def test_run_and_study_reports_name_the_fidelity(data_dir, tmp_path, capsys):
    small_nb101(data_dir, tmp_path)
    run, study = tmp_path / "run", tmp_path / "study"
    assert main(["search", "--space", "nb101", "--fidelity", "4", "--strategy", "random", "--budget", "2",
                 "--data-dir", str(tmp_path), "--run-dir", str(run), "--quiet"]) == 0
    assert main(["report", str(run)]) == 0
    assert "nb101 / cifar10, fidelity 4, strategy random" in (run / "report" / "report.md").read_text()
    assert main(["compare", "--space", "nb101", "--fidelity", "12", "--methods", "random", "--seeds", "1",
                 "--budget", "2", "--data-dir", str(tmp_path), "--out", str(study)]) == 0
    assert (study / "report.md").read_text().startswith("# nasloop study: nb101 / cifar10, fidelity 12, budget 2")
