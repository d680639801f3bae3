"""A run's stored evaluator options that its evaluator does not take as they are (a damaged store, an older
nasloop's) leave the words of what its values were measured on out: 'show' and 'report' of such a training run
failed as an unexpected ValueError in the train evaluator's measured_on, where before it they showed the run."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from nasloop.engine.cli import main


def _as_training_run(tmp_path: Path, data_dir: Path, options: dict) -> Path:
    """A finished run whose configuration is rewritten to name the train evaluator with ``options``."""
    run = tmp_path / "run"
    assert main(["search", "--space", "nb201", "--strategy", "random", "--budget", "2", "--data-dir", str(data_dir),
                 "--run-dir", str(run), "--quiet"]) == 0
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        config = json.loads(db.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()[0])
        config.update(evaluator="train", evaluator_options=options)
        db.execute("UPDATE meta SET value = ? WHERE key = 'config'", (json.dumps(config),))
    db.close()
    return run


@pytest.mark.parametrize("options", [{"val_fraction": "x"}, {"train_images": "lots"}, {"no_such_option": 1}])
def test_options_the_evaluator_does_not_take_are_not_described(tmp_path: Path, data_dir: Path,
                                                               capsys: pytest.CaptureFixture[str],
                                                               options: dict) -> None:
    run = _as_training_run(tmp_path, data_dir, options)
    capsys.readouterr()
    assert main(["show", str(run)]) == 0
    out = " ".join(capsys.readouterr().out.replace("│", " ").split())  # the rows of a wrapped cell, joined
    assert "evaluator options" in out and "validation split carved" not in out
    assert main(["report", str(run)]) == 0


def test_options_it_takes_are_described(tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = _as_training_run(tmp_path, data_dir, {"train_images": 500, "test": False})
    capsys.readouterr()
    assert main(["show", str(run)]) == 0
    out = " ".join(capsys.readouterr().out.replace("│", " ").split())  # the rows of a wrapped cell, joined
    assert "carved from the 500 training images" in out and "the test split was not measured" in out
