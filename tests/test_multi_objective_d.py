"""Several objectives as a user gets them wrong: a direction given to --objective, a study reference point whose
hypervolume overflows. Each is refused in one line before anything runs."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop import SearchConfig
from nasloop.engine.cli import main
from nasloop.engine.errors import ConfigError


@pytest.mark.parametrize("objective, fragment", [
    ("params_m:min", "write --objective params_m --minimize, or --objectives params_m:min"),
    ("val_accuracy:max", "write --objective val_accuracy, or --objectives val_accuracy:max"),
    ("val_accuracy,params_m", "several go in --objectives, e.g. --objectives val_accuracy:max,params_m:max"),
])
def test_objective_with_objectives_syntax_says_how_to_write_it(objective, fragment, tmp_path, data_dir, capsys):
    """'--objective params_m:min' was refused as "reports no 'params_m:min' metric", which hid how to minimise."""
    run = tmp_path / "run"
    assert main(["search", "--objective", objective, "--budget", "2", "--data-dir", str(data_dir),
                 "--run-dir", str(run), "--quiet"]) == 2
    error = capsys.readouterr().err
    assert fragment in error and error.count("\n") == 1, error
    assert not run.exists()
    with pytest.raises(ConfigError, match="--objectives syntax|names several metrics"):
        SearchConfig(objective=objective)


def test_study_reference_point_whose_volume_overflows_is_refused(tmp_path: Path, data_dir, capsys):
    """Every run's hypervolume was infinite and left out: the table read '– (0/1 seeds)' at every budget, as if no
    run had succeeded."""
    study = tmp_path / "study"
    assert main(["compare", "--methods", "random", "--seeds", "1", "--budget", "3", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet", "--objectives", "val_accuracy:max,params_m:min",
                 "--reference-point", "-1e308,1e308"]) == 2
    error = capsys.readouterr().err
    assert "overflows a float" in error and "--reference-point 10," in error and error.count("\n") == 1, error
    assert not study.exists()
