"""A proxy computed inside a run notes the networks it could not build where the run's other notes go (its
``on_note``: the command's 'note:' lines, a script's callback), not through Python's logging beside them."""
from __future__ import annotations

import logging
import pickle

import pytest

from nasloop import search
from nasloop.engine.config import SearchConfig
from nasloop.engine.context import RunContext
from nasloop.engine.registry import register_evaluator, register_search_space
from nasloop.search_spaces.base import NetworkSpace

from .digit_space import DigitSpace, DigitSum


class HalfBuilt(DigitSpace, NetworkSpace):
    """Digits whose networks a user's bug fails to build where the first digit is 3."""

    name = "cn-halfbuilt"

    def to_module(self, arch, num_classes=10):
        from torch import nn

        if arch[0] == 3:
            raise RuntimeError("digit 3 is not wired yet")
        return nn.Sequential(nn.Conv2d(3, arch[1] + 1, 1), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                             nn.Linear(arch[1] + 1, num_classes))


@pytest.fixture
def half_built():
    """The space and an evaluator scoring its digits, registered for one test."""
    register_search_space(HalfBuilt.name)(HalfBuilt)
    register_evaluator(f"{HalfBuilt.name}-sum")(type("HalfBuiltSum", (DigitSum,), {}))
    return HalfBuilt.name


def test_a_forest_on_a_computed_proxy_notes_unbuilt_networks_to_the_run(half_built, tmp_path, caplog):
    """The note went to logging.warning: a bare 'note: ...' line under the command's 'nasloop search: note:' ones, and
    a script's on_note never heard that some candidates were ranked last for want of a network."""
    notes: list[str] = []
    with caplog.at_level(logging.WARNING):
        search(SearchConfig(space=half_built, evaluator=f"{half_built}-sum", strategy="bananas", predictor="forest",
                            predictor_options={"features": ["params"]}, budget=11, run_dir=str(tmp_path / "run")),
               on_note=notes.append)
    unbuilt = [note for note in notes if "networks could not be built" in note]
    assert len(unbuilt) == 1  # once, though the forest asks again each step
    assert unbuilt[0].startswith("computing params: ") and "digit 3 is not wired yet" in unbuilt[0]
    assert not [record for record in caplog.records if "could not be built" in record.getMessage()]


def test_a_context_with_a_run_callback_still_travels():
    """An evaluator holding the context ships to Ray's workers pickled: the run's callback (a script's closure need
    not pickle) stays behind, where the notes are said."""
    context = RunContext(on_note=lambda text: None)
    assert pickle.loads(pickle.dumps(context)) == context
    assert pickle.loads(pickle.dumps(context)).on_note is None
