"""A predictor built in Python without ``context=`` says what to pass: it read nothing its space's benchmark stores,
unsaid (zero-cost computed Zen on each NB201 network, the forest's default features left the stored proxies out,
FLAN's supplementary=[proxies] was told none are stored). The command always gives a context, and hears nothing."""
from __future__ import annotations

import logging

import pytest

from nasloop.engine.errors import UnsupportedError
from nasloop.predictors.baselines import ZeroCostPredictor
from nasloop.predictors.flan import FlanPredictor
from nasloop.predictors.forest import ForestPredictor
from nasloop.search_spaces.nb201 import NB201Space

PASS = "pass context=build_context(NB201Space, dataset, data_dir) (from nasloop.engine.assemble)"


def _notes(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and PASS in r.getMessage()]


def test_a_predictor_without_context_notes_what_it_does_instead_and_what_to_pass(caplog):
    space = NB201Space()
    with caplog.at_level(logging.WARNING):
        zero_cost = ZeroCostPredictor(space)
    assert zero_cost.builds_networks  # nothing is built yet: building it is free
    assert _notes(caplog) == [f"note: zero-cost computes proxy 'zen' on each nb201 network it ranks (up to seconds a "
                              f"network on a CPU), where its benchmark may store it: the run context holds no nb201 "
                              f"benchmark (a predictor built without context=); {PASS}"]
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        forest = ForestPredictor(space)
    assert "proxies" not in forest._features.names and len(_notes(caplog)) == 1
    assert _notes(caplog)[0].startswith("note: forest's default features leave out any proxies its benchmark stores")
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        FlanPredictor(space, supplementary=["synflow", "graph"])
    assert len(_notes(caplog)) == 1 and "feature synflow is computed on each nb201 network" in _notes(caplog)[0]


def test_stored_proxies_asked_for_without_context_name_the_fix_not_their_absence():
    with pytest.raises(UnsupportedError) as refused:
        FlanPredictor(NB201Space(), supplementary=["proxies"])
    assert str(refused.value) == ("feature 'proxies' reads stored proxies, and the run context holds no nb201 "
                                  f"benchmark (a predictor built without context=); {PASS}")
    assert "none are stored" not in str(refused.value)


def test_with_the_runs_context_nothing_is_noted(nb201_context, caplog):
    space = NB201Space()
    with caplog.at_level(logging.WARNING):
        assert not ZeroCostPredictor(space, context=nb201_context).builds_networks
        assert ForestPredictor(space, context=nb201_context, trees=2)._features.names[0] != "graph:paths"
        FlanPredictor(space, context=nb201_context, supplementary=["proxies"])
    assert _notes(caplog) == []
