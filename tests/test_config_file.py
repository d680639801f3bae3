"""A YAML configuration read by ``nasloop search --config``, with flags merged into it."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.cli_config import search_config
from nasloop.engine.cli_parser import build_parser
from nasloop.engine.errors import ConfigError


def _config(tmp_path: Path, text: str, *flags: str):
    path = tmp_path / "search.yaml"
    path.write_text(text)
    return search_config(build_parser().parse_args(["search", "--config", str(path), *flags]))


def test_dashed_option_key_keeps_its_options_when_a_flag_adds_one(tmp_path: Path) -> None:
    """`strategy-options` is read as `strategy_options`; a --strategy-opt flag used to replace it silently."""
    config = _config(tmp_path, "strategy: evolution\nstrategy-options: {population_size: 20}\n",
                     "--strategy-opt", "sample_size=5")
    assert config.strategy_options == {"population_size": 20, "sample_size": 5}


def test_dashed_run_dir_key_is_overridden_by_the_flag(tmp_path: Path) -> None:
    config = _config(tmp_path, "run-dir: from_file\n", "--run-dir", "from_flag")
    assert config.run_dir == "from_flag"


def test_key_in_both_spellings_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="gives strategy_options twice"):
        _config(tmp_path, "strategy_options: {}\nstrategy-options: {population_size: 20}\n")


def test_objective_flag_replaces_the_files_direction(tmp_path: Path) -> None:
    """A file minimising params_m and --objective val_accuracy minimised accuracy: the file's minimize stayed, and no
    flag says maximise."""
    config = _config(tmp_path, "objective: params_m\nminimize: true\n", "--objective", "val_accuracy")
    assert (config.objective, config.minimize) == ("val_accuracy", False)
    config = _config(tmp_path, "objective: params_m\nminimize: true\n", "--objective", "flops_m", "--minimize")
    assert (config.objective, config.minimize) == ("flops_m", True)


def test_objective_flags_replace_the_files_objectives(tmp_path: Path) -> None:
    """Either flag replaces the file's objectives whole; merged key by key, the pair was refused as given twice."""
    several = "objectives: val_accuracy:max,params_m:min\nreference_point: [0, 2]\n"
    config = _config(tmp_path, several, "--objective", "test_accuracy")
    assert (config.objective, config.objectives, config.reference_point) == ("test_accuracy", None, None)
    config = _config(tmp_path, "objective: params_m\nminimize: true\n", "--objectives", "val_accuracy:max,flops_m:min")
    assert (config.objective, config.minimize, config.objectives) == (None, False, ["val_accuracy:max", "flops_m:min"])


def test_a_reference_point_flag_keeps_the_files_objectives(tmp_path: Path) -> None:
    config = _config(tmp_path, "objectives: val_accuracy:max,params_m:min\nreference_point: [0, 2]\n",
                     "--reference-point", "0,3")
    assert (config.objectives, config.reference_point) == (["val_accuracy:max", "params_m:min"], [0.0, 3.0])
