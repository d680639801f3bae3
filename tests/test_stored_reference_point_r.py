"""A multi-objective run whose recorded reference point was damaged is named as damaged in one line by 'show' and
'report', never read as another point nor surfacing as an unexpected error."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from nasloop.engine.cli import main


@pytest.fixture
def two_objective_run(tmp_path: Path, data_dir: Path) -> Path:
    """A small NB201 run of two objectives with a reference point, as the README's front example makes."""
    run = tmp_path / "front"
    assert main(["search", "--strategy", "random", "--objectives", "val_accuracy:max,flops_m:min",
                 "--reference-point", "80,250", "--budget", "6", "--data-dir", str(data_dir),
                 "--run-dir", str(run), "--quiet"]) == 0
    return run


def set_reference_point(run: Path, value: object) -> bytes:
    """Write ``value`` as the run configuration's reference_point; the store's bytes afterwards."""
    db = sqlite3.connect(run / "nasloop.sqlite")
    with db:
        config = json.loads(db.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()[0])
        config["reference_point"] = value
        db.execute("UPDATE meta SET value = ? WHERE key = 'config'", (json.dumps(config),))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the edit into the file itself, so its bytes are compared
    db.close()
    return (run / "nasloop.sqlite").read_bytes()


@pytest.mark.parametrize("value", [["x", 1], [80, 250, 3], [80], "80,250", [True, 250]])
@pytest.mark.parametrize("command", ["show", "report"])
def test_a_damaged_reference_point_is_named_in_one_line(two_objective_run, capsys, value, command) -> None:
    """Text in the point failed both as 'unexpected ValueError ... could not convert string to float'; a point of
    three numbers was cut to two unsaid, and one of one number was read as a point of one objective."""
    before = set_reference_point(two_objective_run, value)
    assert main([command, str(two_objective_run)]) == 2
    error = capsys.readouterr().err
    assert f"{two_objective_run / 'nasloop.sqlite'} is damaged: its run configuration's reference_point is " \
        in error and "not 2 finite numbers, one per objective (val_accuracy:max, flops_m:min)" in error, error
    assert "unexpected" not in error and error.count("\n") == 1, error
    assert (two_objective_run / "nasloop.sqlite").read_bytes() == before


def test_an_intact_reference_point_is_still_used(two_objective_run, capsys) -> None:
    """The check passes the point a run recorded: show still measures the hypervolume against it."""
    assert main(["show", "--json", str(two_objective_run)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["reference_point"] == [80.0, 250.0] and shown["reference_point_given"] is True


def test_resuming_a_run_whose_reference_point_holds_text_names_the_store_as_damaged(two_objective_run, capsys):
    """A resume read the recorded configuration as if the user had just given it: 'reference_point must be a list of
    numbers or null, got ['x', 1]', with no word of the store or the fix."""
    before = set_reference_point(two_objective_run, ["x", 1])
    assert main(["search", "--resume", str(two_objective_run), "--budget", "8"]) == 2
    error = capsys.readouterr().err
    assert (f"{two_objective_run / 'nasloop.sqlite'} is damaged: its run configuration does not load "
            "(reference_point must be a list of numbers or null, got ['x', 1]); restore the file from a backup"
            in error and error.count("\n") == 1), error
    assert (two_objective_run / "nasloop.sqlite").read_bytes() == before
