"""A study made before a bare ``--objectives`` name was refused (commit 66a13b2) goes on with the command that made it.

Until then ``--objectives val_accuracy,flops_m`` maximised both names (``parse_objectives`` read a missing direction
as ``:max``, as it still does for a stored run), and ``study.json`` stored the names as given. The command that made
such a study was then refused for its bare names, and its ``:max`` form as another grid, so the study could not be
continued at all.
"""
from __future__ import annotations

import json
from pathlib import Path

from nasloop.engine.cli import main
from nasloop.engine.store import RunStore

from .messages import one_line

BARE = ["val_accuracy", "flops_m"]


def _old_study_file(study: Path, data_dir: Path) -> dict:
    """``study.json`` as nasloop wrote it before 66a13b2 (``Study.to_dict`` of 66a13b2^: the grid of GRID_FIELDS,
    then data_dir, executor, executor_options, plugins, methods, seeds, pretrained_files, report, folders, and no
    plugin signature without plugins) for ``compare --methods random --objectives val_accuracy,flops_m
    --reference-point 10,5 --seeds 2 --budget 3``: its objectives as given, without a direction."""
    return {"version": 1,
            "grid": {"space": "nb201", "dataset": "cifar10", "evaluator": "tabular", "budget": 3, "max_seconds": None,
                     "fidelity": None, "objective": None, "minimize": False, "objectives": BARE,
                     "reference_point": [10.0, 5.0], "dedup": "exact", "space_options": {}, "evaluator_options": {}},
            "data_dir": str(data_dir), "executor": "inprocess", "executor_options": {}, "plugins": [],
            "methods": [{"label": "random", "strategy": "random", "predictor": None, "strategy_options": {},
                         "predictor_options": {}}],
            "seeds": [0, 1], "pretrained_files": {}, "report": {"target": None, "interval": "t"},
            "folders": {"random": "random"}}


def _compare(study: Path, data_dir: Path, objectives: str, reference: str = "10,5") -> int:
    return main(["compare", "--methods", "random", "--objectives", objectives, "--reference-point", reference,
                 "--seeds", "2", "--budget", "3", "--data-dir", str(data_dir), "--out", str(study), "--quiet"])


def _make_old_study(study: Path, data_dir: Path, capsys) -> None:
    """The old study with its seed 0 finished and seed 1 never started (its compare stopped in between). Seed 0 is a
    real run, whose stored configuration then reads as an older nasloop stored it: the objectives as given (its
    ``objectives`` meta was already written with directions, ``val_accuracy:max``)."""
    assert main(["compare", "--methods", "random", "--objectives", "val_accuracy:max,flops_m:max",
                 "--reference-point", "10,5", "--seeds", "1", "--budget", "3", "--data-dir", str(data_dir),
                 "--out", str(study), "--quiet"]) == 0
    with RunStore.in_run_dir(study / "runs" / "random" / "seed-0") as store:
        config = store.get_meta("config")
        store.set_meta("config", {**config, "objectives": BARE})
    (study / "study.json").write_text(json.dumps(_old_study_file(study, data_dir), indent=1))
    capsys.readouterr()


def test_the_command_that_made_an_older_study_goes_on_with_it(tmp_path, data_dir, capsys):
    study = tmp_path / "study"
    _make_old_study(study, data_dir, capsys)
    assert _compare(study, data_dir, "val_accuracy,flops_m") == 0
    captured = capsys.readouterr()
    one_line(next(line for line in captured.err.splitlines() if "without a direction" in line),
             "they are maximised, as when it began", "--objectives val_accuracy:max,flops_m:max")
    assert "1 method, 2 seeds; 2 runs used" in captured.out, captured  # seed 0 is no run of another grid
    assert json.loads((study / "study.json").read_text())["grid"]["objectives"] == BARE  # the same command goes on
    with RunStore.in_run_dir(study / "runs" / "random" / "seed-1", readonly=True) as store:  # the new seed's run
        assert store.get_meta("config")["objectives"] == ["val_accuracy:max", "flops_m:max"]
    assert _compare(study, data_dir, "val_accuracy,flops_m") == 0  # and again
    assert _compare(study, data_dir, "val_accuracy:max,flops_m:max") == 0  # written as it now must be, the same
    assert "2 runs used" in capsys.readouterr().out


def test_an_older_study_refuses_other_directions_naming_its_own(tmp_path, data_dir, capsys):
    """A bare name beside a direction, or a direction the study did not take, is refused in one line that says
    what the study maximised and what to type to continue it."""
    study = tmp_path / "study"
    _make_old_study(study, data_dir, capsys)
    before = (study / "study.json").read_text()
    assert _compare(study, data_dir, "val_accuracy,flops_m:min") == 2
    one_line(capsys.readouterr().err.strip(), "'val_accuracy' gives no direction",
             "give --objectives val_accuracy:max,flops_m:max to continue it")
    assert _compare(study, data_dir, "val_accuracy:max,flops_m:min", "10,300") == 2
    one_line(capsys.readouterr().err.strip(), "['val_accuracy:max', 'flops_m:max'], not "
                                              "['val_accuracy:max', 'flops_m:min']")
    assert (study / "study.json").read_text() == before and not (study / "runs" / "random" / "seed-1").exists()


def test_bare_names_are_still_refused_for_a_new_study_or_one_set_aside(tmp_path, data_dir, capsys):
    """Only the study's own bare names go on: a new study, or one --force-new may set aside, is refused as before."""
    assert _compare(tmp_path / "new", data_dir, "val_accuracy,flops_m") == 2
    one_line(capsys.readouterr().err.strip(), "'val_accuracy' gives no direction, and would be maximised")
    study = tmp_path / "study"
    _make_old_study(study, data_dir, capsys)
    assert main(["compare", "--methods", "random", "--objectives", "val_accuracy,flops_m", "--reference-point",
                 "10,5", "--seeds", "2", "--budget", "3", "--data-dir", str(data_dir), "--out", str(study),
                 "--force-new", "--quiet"]) == 2
    one_line(capsys.readouterr().err.strip(), "'val_accuracy' gives no direction, and would be maximised")
    assert not list(tmp_path.glob("study.replaced-*"))
