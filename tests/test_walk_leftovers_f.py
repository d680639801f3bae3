"""Leftovers of earlier walks (helper F): a user's to_module raising an ordinary error fails that architecture alone
in every path that builds networks, ..."""
from __future__ import annotations

import logging

import numpy as np

from nasloop.engine.evaluators.proxies import computed_scorer, score_architectures

from .digit_space import DigitSpace
from nasloop.search_spaces.base import NetworkSpace


class BrokenNets(DigitSpace, NetworkSpace):
    """Digits whose networks a user's bug fails to build where the first digit is 3."""

    name = "wf-broken"

    def to_module(self, arch, num_classes=10):
        from torch import nn

        if arch[0] == 3:
            raise RuntimeError("digit 3 is not wired yet")
        return nn.Sequential(nn.Conv2d(3, arch[1] + 1, 1), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                             nn.Linear(arch[1] + 1, num_classes))


ARCHS = ["0-1-2-3-0", "3-1-2-3-0", "1-2-2-3-0"]


def test_proxies_of_a_user_space_whose_to_module_raises_fail_that_row_alone():
    rows = score_architectures(BrokenNets(), ARCHS, ["params"], batch_size=2)
    assert [r["scores"]["params"] is None for r in rows] == [False, True, False]
    reason = rows[1]["errors"]["params"]
    assert "search space wf-broken: to_module raised RuntimeError: digit 3 is not wired yet" in reason
    assert __file__ in reason  # where: the user's line


def test_computed_proxy_of_a_user_space_notes_its_unbuilt_networks_once(caplog):
    space = BrokenNets()
    score = computed_scorer(space, "params", batch_size=2)
    with caplog.at_level(logging.WARNING):
        first = score([space.parse(a) for a in ARCHS])
        score([space.parse(a) for a in ARCHS])
    assert np.isnan(first).tolist() == [False, True, False]
    notes = [r.getMessage() for r in caplog.records]
    assert len(notes) == 1 and "1 of 3 architectures' networks could not be built" in notes[0]
    assert "to_module raised RuntimeError: digit 3 is not wired yet" in notes[0]
