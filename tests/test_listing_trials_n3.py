"""The lists of what works on a space try each user predictor as a search does, once a listing and without its
state (a listing saves none): ``nasloop spaces nb201`` fitted every user predictor 6 times (two readers, each
fitting, updating and loading its state), and one whose fit called ``sys.exit`` ended the listing with that exit
status, where any failure but Ctrl-C leaves that predictor out."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from nasloop.engine import cli
from nasloop.engine.registry import register_predictor
from nasloop.predictors.base import Predictor


class Counted(Predictor):
    """Predicts the mean score seen, and counts the fits of every copy (a listing builds several)."""

    fits = 0

    def _fit(self, archs, y):
        type(self).fits += 1
        self.mean = float(np.mean(y))

    def predict(self, archs):
        return np.full(len(archs), self.mean), np.ones(len(archs))


class Exits(Counted):
    """Ends the process in its fit, as a script's stray exit() would."""

    def _fit(self, archs, y):
        sys.exit(3)


@pytest.fixture
def listed(monkeypatch, data_dir):
    """``nasloop spaces nb201``'s predictors, with this file's predictors registered (the conftest drops them)."""
    monkeypatch.setenv("NASLOOP_DATA", str(data_dir))
    Counted.fits = 0
    register_predictor("n3-counted")(Counted)

    def listing(capsys) -> tuple[int, str]:
        status = cli.main(["spaces", "nb201"])
        out = capsys.readouterr().out
        return status, next(line for line in out.splitlines() if line.strip().startswith("predictors:"))
    return listing


def test_a_user_predictor_that_exits_in_its_fit_is_left_out_of_the_listing(listed, capsys):
    register_predictor("n3-exits")(Exits)
    status, predictors = listed(capsys)
    assert status == 0
    assert "n3-counted" in predictors and "n3-exits" not in predictors and "flan" in predictors


def test_a_listing_fits_a_user_predictor_once_and_updates_it_once(listed, capsys):
    status, predictors = listed(capsys)
    assert status == 0 and "n3-counted" in predictors
    assert Counted.fits == 2  # its trial's fit, and the update that fits it again on one more architecture
