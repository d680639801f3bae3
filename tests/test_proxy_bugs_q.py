"""A bug in a user's zero-cost proxy function fails that proxy's score, named with the proxy and its line.

Only RuntimeError, ValueError and arithmetic errors were caught: a KeyError in the function went through
score_network, and stopped the zero-cost warm-up (search() raised it mid-run, after the run's folder existed), the
forest's computed features and 'nasloop proxies' as an unexpected error, where the proxy evaluator failed the trial
alone. A function that cannot take (net, inputs, targets) is refused as it registers, where each network's score
failed as Python's TypeError pointing into nasloop's code.
"""
from __future__ import annotations

import logging

import numpy as np
import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError
from nasloop.engine.evaluators.proxies import PROXIES, computed_scorer, register_proxy, score_architectures
from nasloop.engine.registry import register_evaluator, register_search_space
from nasloop.engine.search import search
from nasloop.search_spaces.base import NetworkSpace

from .digit_space import DigitSpace, DigitSum


class SmallNets(DigitSpace, NetworkSpace):
    """Digits whose networks are a convolution as wide as the second digit plus one."""

    name = "pq-nets"

    def to_module(self, arch, num_classes=10):
        from torch import nn

        return nn.Sequential(nn.Conv2d(3, arch[1] + 1, 1), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                             nn.Linear(arch[1] + 1, num_classes))


ARCHS = ["0-1-2-3-0", "3-1-2-3-0", "1-2-2-3-0"]


@pytest.fixture()
def buggy():
    """A registered proxy with a user's bug: it looks up a key its own table lacks for networks of width 3."""
    @register_proxy("pq-buggy", needs_data=False)
    def pq_buggy(net, inputs, targets):
        width = {1: 0.5, 2: 1.0}
        return width[net[0].out_channels]

    yield "pq-buggy"
    del PROXIES._items["pq-buggy"]


def test_the_failed_score_names_the_proxy_and_its_line_and_the_others_are_scored(buggy):
    rows = score_architectures(SmallNets(), ARCHS, [buggy, "params"], batch_size=2)
    assert [r["scores"][buggy] is None for r in rows] == [False, False, True]
    assert all(r["scores"]["params"] is not None for r in rows)
    reason = rows[2]["errors"][buggy]
    assert reason.startswith("pq-buggy failed: KeyError: 3 (at ") and __file__ in reason
    assert rows[2]["failed"] == [buggy]  # failed, not undefined: a file continued scores it again once fixed


def test_a_computed_proxy_notes_the_failed_scores_once(buggy, caplog):
    space = SmallNets()
    score = computed_scorer(space, buggy, batch_size=2)
    with caplog.at_level(logging.WARNING):
        first = score([space.parse(a) for a in ARCHS])
        score([space.parse(a) for a in ARCHS])
    assert np.isnan(first).tolist() == [False, False, True]
    notes = [r.getMessage() for r in caplog.records]
    assert len(notes) == 1 and "its score failed on 1 of 3 architectures" in notes[0] and "KeyError: 3" in notes[0]


def test_a_warm_up_on_the_proxy_goes_on_and_says_so(buggy, tmp_path):
    register_search_space("pq-nets")(SmallNets)
    register_evaluator("pq-digit-sum")(DigitSum)
    notes: list[str] = []
    summary = search(SearchConfig(space="pq-nets", evaluator="pq-digit-sum", strategy="predictor-topk",
                                  predictor="gp", budget=6, run_dir=str(tmp_path / "run"),
                                  strategy_options={"num_init": 4, "warmup": [buggy], "warmup_pool": 12}),
                     on_note=notes.append)
    assert summary["status"] == "finished" and summary["evaluations"] == 6
    assert any("computing pq-buggy: its score failed on" in n for n in notes)


def test_a_function_that_cannot_take_net_inputs_targets_is_refused_as_it_registers():
    def two(net, inputs):
        return 1.0

    with pytest.raises(ConfigError, match=r"zero-cost proxy 'pq-two': .*two\(net, inputs\) cannot be called with "
                                          r"\(net, inputs, targets\); take those three"):
        register_proxy("pq-two")(two)
    assert "pq-two" not in PROXIES


def test_a_value_error_in_a_users_proxy_is_named_with_its_line():
    """A ValueError (or another numerical error) is the network's, an undefined score, but was named without the
    line of the user's function that raised it, where the proxy's other errors give one."""
    @register_proxy("pq-value", needs_data=False)
    def pq_value(net, inputs, targets):
        raise ValueError("no signal in this network")

    try:
        rows = score_architectures(SmallNets(), ARCHS[:1], ["pq-value"], batch_size=2)
    finally:
        del PROXIES._items["pq-value"]
    reason = rows[0]["errors"]["pq-value"]
    assert reason.startswith("pq-value failed: ValueError: no signal in this network (at ") and __file__ in reason
    assert "failed" not in rows[0]  # undefined for this network, not scored again
