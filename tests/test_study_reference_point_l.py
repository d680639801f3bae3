"""A multi-objective study's reference point must leave some of the table's front above it."""
from __future__ import annotations

from nasloop.engine.cli import main

from .messages import one_line


def test_a_reference_point_no_cell_beats_is_refused_before_the_study_folder(tmp_path, data_dir, capsys):
    """95 % validation accuracy is past every NB201 cell: every run's hypervolume would read 0 at every query and the
    report would compare zeros as a tie, so the study is refused in one line suggesting a point that works."""
    study = tmp_path / "study"
    objectives = ["--objectives", "val_accuracy:max,params_m:min"]
    common = ["compare", "--seeds", "1", "--budget", "4", "--methods", "random", "--data-dir", str(data_dir),
              "--quiet", *objectives]
    assert main([*common, "--out", str(study), "--reference-point", "95,0.01"]) == 2
    message = one_line(capsys.readouterr().err.strip(), "--reference-point 95,0.01", "hypervolume would be 0")
    assert not study.exists()
    suggested = [float(v) for v in message.rsplit("--reference-point ", 1)[1].split(",")]
    assert suggested[0] < 80 and suggested[1] > 1.5  # the worst accuracy and the largest network of the table
