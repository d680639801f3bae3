"""The report of a study of one method."""
from __future__ import annotations

from pathlib import Path

from nasloop.engine.cli import main


def test_a_study_of_one_method_says_it_has_no_pair_to_test(tmp_path: Path, data_dir: Path) -> None:
    """Its paired-tests section was a table head without rows, which read as a report that had lost them."""
    study = tmp_path / "study"
    assert main(["compare", "--methods", "random", "--seeds", "2", "--budget", "3", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet"]) == 0
    tests = (study / "report.md").read_text().split("## Paired tests at the full budget", 1)[1].split("##", 1)[0]
    assert "None: a study of one method has no pair to test." in tests and "| pair" not in tests
    assert ("Paired tests at the full budget</h2><p>None: a study of one method has no pair to test.</p>"
            in (study / "report.html").read_text())
