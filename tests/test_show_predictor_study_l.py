"""``show`` and ``export`` of a predictor study's folder point to ``report``, as they do for a search study."""
from __future__ import annotations

from pathlib import Path

from nasloop.engine.cli import main

from .messages import one_line


def test_show_and_export_of_a_predictor_study_name_it_and_report(tmp_path: Path, data_dir: Path, capsys) -> None:
    """They said 'no nasloop run at DIR (missing nasloop.sqlite) ... start a new search with --run-dir'."""
    study = tmp_path / "pred"
    assert main(["compare", "--predictors", "zero-cost", "--train-sizes", "8", "--seeds", "1", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet"]) == 0
    capsys.readouterr()
    for command in (["show", str(study)], ["export", str(study), str(tmp_path / "fits.csv")]):
        assert main(command) == 2
        error = capsys.readouterr().err.strip()
        one_line(error, "predictor study", f"nasloop report {study}")
        assert "start a new search" not in error
    assert not (tmp_path / "fits.csv").exists()
