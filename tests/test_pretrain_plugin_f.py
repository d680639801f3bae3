"""A user's own Pretrainable predictor, in a plugin file, is pretrained through ``nasloop predictors pretrain`` by
writing only its fit and its save: the command's driver reads the tables, draws the cells and fits it. Before,
the interface handed it space names, and a user's predictor had to resolve spaces and read their tables itself
(through the engine's assembly, as FLAN did)."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest

from nasloop.engine.assemble import build_context, build_space
from nasloop.engine.cli import main
from nasloop.engine.pretraining import training_cells
from nasloop.engine.registry import PREDICTORS

PLUGIN = textwrap.dedent('''
    import json
    from pathlib import Path

    import numpy as np

    from nasloop.engine.registry import register_predictor
    from nasloop.predictors.base import Predictor, Pretrainable


    @register_predictor("mean-f")
    class MeanScore(Predictor, Pretrainable):
        """Predicts the mean target it was fitted on; its pretrained file holds that mean."""

        def _fit(self, archs, y):
            self.mean_ = float(np.mean(y))

        def predict(self, archs):
            return np.full(len(archs), self.mean_), np.ones(len(archs))

        def save_pretrained(self, out, spaces, cells):
            Path(out).write_text(json.dumps({"spaces": list(spaces), "cells": cells, "mean": self.mean_}))
''')


@pytest.fixture(autouse=True)
def _forget_the_plugin() -> Iterator[None]:
    """Each test loads the file as a CLI process would; the class it registered goes with the test."""
    yield
    PREDICTORS._items.pop("mean-f", None)


def _pretrain(tmp_path: Path, data_dir: Path, *args: str) -> int:
    plugin = tmp_path / "mean_plugin.py"
    plugin.write_text(PLUGIN)
    return main(["--plugin", str(plugin), "predictors", "pretrain", "--predictor", "mean-f", "--train-size", "8",
                 "--data-dir", str(data_dir), *args])


def test_a_users_pretrainable_predictor_is_fitted_on_the_drawn_cells_and_saves(tmp_path, data_dir, capsys):
    out = tmp_path / "mean.json"
    assert _pretrain(tmp_path, data_dir, "--space", "nb201", "--out", str(out)) == 0
    assert f"wrote {out} (mean-f on nb201: 8 cells, " in capsys.readouterr().out
    context = build_context("nb201", "cifar10", str(data_dir), lookup=True)
    _, y = training_cells(build_space("nb201", context), context, 8, seed=0)
    saved = json.loads(out.read_text())
    assert saved["spaces"] == ["nb201"] and saved["cells"] == 8 and np.isclose(saved["mean"], y.mean())


def test_a_users_predictor_without_a_start_option_is_not_fitted_in_turn(tmp_path, data_dir, capsys):
    out = tmp_path / "chain.json"
    assert _pretrain(tmp_path, data_dir, "--space", "nb201", "--space", "tnb101-micro", "--out", str(out)) == 2
    error = capsys.readouterr().err
    assert "mean-f cannot start a fit from the file of an earlier space" in error and "add --joint" in error
    assert error.count("\n") == 1 and not out.exists()


def test_a_users_predictor_is_fitted_once_on_a_mix_of_spaces(tmp_path, data_dir, capsys):
    out = tmp_path / "mix.json"
    assert _pretrain(tmp_path, data_dir, "--space", "nb201", "--space", "tnb101-micro", "--joint",
                     "--out", str(out)) == 0
    assert "(mean-f on nb201, tnb101-micro: 16 cells in all, " in capsys.readouterr().out
    saved = json.loads(out.read_text())  # each space's targets standardised on their own, then mixed
    assert saved["spaces"] == ["nb201", "tnb101-micro"] and saved["cells"] == 16 and abs(saved["mean"]) < 1e-9
