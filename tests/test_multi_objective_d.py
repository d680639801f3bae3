"""Several objectives as a user gets them wrong (a direction given to --objective, a study reference point whose
hypervolume overflows, a proxy objective missing from --proxies), each refused in one line before anything runs;
and the hypervolume against a brute-force grid."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nasloop import SearchConfig
from nasloop.engine.cli import main
from nasloop.engine.errors import ConfigError
from nasloop.engine.objectives import hypervolume


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


def _grid_volume(points: np.ndarray, reference: np.ndarray) -> float:
    """The dominated volume by brute force: every cell of the grid the points' coordinates cut, kept if some point
    dominates its upper corner (independent of botorch)."""
    axes = [np.unique(np.concatenate([[r], points[:, d]])) for d, r in enumerate(reference)]
    axes = [a[a >= r] for a, r in zip(axes, reference)]
    lows = np.stack(np.meshgrid(*[a[:-1] for a in axes], indexing="ij"), -1).reshape(-1, len(axes))
    highs = np.stack(np.meshgrid(*[a[1:] for a in axes], indexing="ij"), -1).reshape(-1, len(axes))
    covered = (points[None, :, :] >= highs[:, None, :]).all(-1).any(-1)
    return float(np.prod(highs - lows, axis=1)[covered].sum())


@pytest.mark.parametrize("objectives", [2, 3, 4])
def test_hypervolume_matches_a_brute_force_grid(objectives):
    """``hypervolume`` moved from botorch's Hypervolume to its box decomposition (the former took minutes on a
    six-objective front of 177 members); the volumes must not move with it: ties, points below the reference and
    dominated points included."""
    rng = np.random.default_rng(objectives)
    points = rng.integers(0, 9, size=(18, objectives)).astype(float) + rng.random((18, objectives)).round(1)
    points = np.vstack([points, points[:3]])  # ties
    reference = np.full(objectives, 1.5)
    assert hypervolume(points, reference) == pytest.approx(_grid_volume(points, reference), rel=1e-12)
    assert hypervolume(points[:1] * 0, reference) == 0.0  # nothing above the reference


def test_objective_naming_a_proxy_left_out_of_proxies_says_to_add_it(tmp_path, data_dir, capsys):
    """'--evaluator proxy --objectives synflow:max,params:min' was told to choose from 'synflow' alone."""
    run = tmp_path / "run"
    assert main(["search", "--evaluator", "proxy", "--objectives", "synflow:max,params:min", "--budget", "2",
                 "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]) == 2
    error = capsys.readouterr().err
    assert "'params' is a zero-cost proxy" in error and "--proxies synflow,params" in error, error
    assert error.count("\n") == 1 and not run.exists()
