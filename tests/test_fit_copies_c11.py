"""A predictor's ``_fit`` is handed copies of the data its state saves: ``fit`` handed it the very list and array it
kept, so a user's predictor shuffling them in place (a minibatch loop) broke the pairs of architecture and score its
state saved, and the run store, which appends a state's rows and checks the last one alone, kept them so."""
from __future__ import annotations

import json
import sqlite3

import numpy as np

from nasloop.engine import cli
from nasloop.engine.registry import register_predictor
from nasloop.predictors.base import Predictor
from nasloop.search_spaces.nb201 import NB201Space


class Shuffler(Predictor):
    """A mean, fitted after shuffling the data it is handed in place (its last row kept where it was), and its
    targets centred in place."""

    def _fit(self, archs, y):
        order = np.random.default_rng(len(archs)).permutation(len(archs) - 1)
        archs[:-1] = [archs[i] for i in order]
        y[:-1] = y[:-1][order]
        self._mean = float(y.mean())
        y -= self._mean

    def predict(self, archs):
        return np.full(len(archs), self._mean), np.ones(len(archs))


def _rows(db: sqlite3.Connection, *path: str) -> list:
    return [json.loads(row) for (row,) in db.execute("SELECT row FROM strategy_rows WHERE name = ? ORDER BY idx",
                                                     (json.dumps(list(path)),))]


def test_a_guided_run_saves_each_training_architecture_beside_its_own_score(tmp_path, data_dir):
    register_predictor("c11-shuffler")(Shuffler)
    run = tmp_path / "run"
    assert cli.main(["search", "--space", "nb201", "--strategy", "bananas", "--predictor", "c11-shuffler",
                     "--seed", "1", "--budget", "40", "--quiet", "--data-dir", str(data_dir),
                     "--run-dir", str(run)]) == 0
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        told = {text: score for text, score, *_ in _rows(db, "observed")}
        archs, y = _rows(db, "predictor", "archs"), _rows(db, "predictor", "y")
    db.close()
    assert len(archs) == len(y) > 20
    assert [told[text] for text in archs] == y


def test_the_state_keeps_the_data_as_fit_was_given_it():
    space = NB201Space()
    cells = [space.sample(np.random.default_rng(seed)) for seed in range(6)]
    predictor = Shuffler(space).fit(cells, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    predictor.update([space.sample(np.random.default_rng(9))], [7.0])
    state = predictor.state_dict()
    assert state["archs"][:6] == [space.format(cell) for cell in cells]
    assert state["y"] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
