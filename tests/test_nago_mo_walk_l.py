"""A researcher's walk of NAGO, bo, several objectives and the Ray executor: what it found."""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main


def test_an_objective_without_a_direction_is_refused(tmp_path, data_dir, capsys):
    """``--objectives val_accuracy:max,flops_m`` maximised FLOPs without a word (a bare name was :max), so a
    user who forgot ``:min`` on a cost searched for the largest networks; the README asks for one of each."""
    for given, bare in (("val_accuracy:max,flops_m", "flops_m"), ("val_accuracy,params_m:min", "val_accuracy")):
        run = tmp_path / bare
        assert main(["search", "--space", "nb201", "--strategy", "random", "--objectives", given, "--budget", "2",
                     "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]) == 2
        error = capsys.readouterr().err.strip()
        assert error.count("\n") == 0, error
        assert f"'{bare}' gives no direction" in error and f"write {bare}:max or {bare}:min" in error, error
        assert not run.exists()
    study = tmp_path / "study"
    assert main(["compare", "--methods", "random", "--objectives", "val_accuracy:max,flops_m", "--reference-point",
                 "80,250", "--seeds", "1", "--budget", "2", "--data-dir", str(data_dir), "--out", str(study)]) == 2
    assert "'flops_m' gives no direction" in capsys.readouterr().err
    assert not study.exists()


def test_runs_at_once_is_hinted_under_the_other_commands_name(tmp_path, capsys):
    """``compare`` takes runs at once as ``--jobs``, ``search`` and ``proxies`` trials at once as ``--workers``; each
    given to the other command was 'unrecognized arguments' with no hint, as --metric and --objective were."""
    for command, given, meant in ((["search", "--space", "nb201", "--executor", "ray"], "--jobs", "--workers"),
                                  (["proxies", "--space", "nb201", "--sample", "2"], "--jobs", "--workers"),
                                  (["compare", "--methods", "random", "--out", str(tmp_path / "s")], "--workers",
                                   "--jobs")):
        with pytest.raises(SystemExit) as stopped:
            main([*command, given, "2"])
        assert stopped.value.code == 2
        assert f"unrecognized arguments: {given} 2 (did you mean {meant}?)" in capsys.readouterr().err


@pytest.mark.parametrize("written", ["\n  - val_accuracy: max\n  - flops_m: min", " {val_accuracy: max, flops_m: min}",
                                     "\n  - val_accuracy:max\n  - flops_m: min"])
def test_objectives_written_as_a_yaml_mapping_are_told_how_to_write_them(tmp_path, data_dir, capsys, written):
    """``- flops_m: min`` (YAML's space after the colon makes it a mapping) was refused as 'objectives must be a list
    of strings or null, got [{...}]', naming no form that works."""
    path = tmp_path / "search.yaml"
    path.write_text(f"space: nb201\nstrategy: evolution\nobjectives:{written}\nbudget: 5\n")
    assert main(["search", "--config", str(path), "--data-dir", str(data_dir), "--run-dir", str(tmp_path / "run"),
                 "--quiet"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and str(path) in error, error
    assert "write objectives: [val_accuracy:max, flops_m:min] or objectives: val_accuracy:max,flops_m:min" in error
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("point", ["{val_accuracy: 80, flops_m: 250}", "{flops_m: 250, val_accuracy: 80}"])
def test_a_reference_point_written_by_metric_is_told_its_order(tmp_path, data_dir, capsys, point):
    """``reference_point: {val_accuracy: 80, flops_m: 250}`` was refused as 'must be a list of numbers or null',
    not saying in which order the numbers go."""
    path = tmp_path / "search.yaml"
    path.write_text(f"space: nb201\nstrategy: evolution\nobjectives: val_accuracy:max,flops_m:min\n"
                    f"reference_point: {point}\nbudget: 5\n")
    assert main(["search", "--config", str(path), "--data-dir", str(data_dir), "--run-dir", str(tmp_path / "run"),
                 "--quiet"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and str(path) in error, error
    assert "write reference_point: [80, 250] for objectives val_accuracy, flops_m" in error, error
