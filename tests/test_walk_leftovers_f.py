"""Leftovers of earlier walks (helper F): a user's to_module raising an ordinary error fails that architecture alone
in every path that builds networks; a proxy file continued or read with another space names the file's space."""
from __future__ import annotations

import logging

import numpy as np
import pytest

from nasloop.engine.assemble import build_context
from nasloop.engine.config import construct
from nasloop.engine.errors import ConfigError, DataError
from nasloop.engine.evaluators.proxies import computed_scorer, score_architectures
from nasloop.engine.proxy_precompute import precompute
from nasloop.engine.registry import EXECUTORS
from nasloop.search_spaces.base import NetworkSpace

from .digit_space import DigitSpace


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


class LetteredNets(BrokenNets):
    """Another space whose architectures are written 'x0-1-2-3-0': a file of BrokenNets' rows is none of its."""

    name = "wf-lettered"

    def parse(self, text):
        return super().parse(text[1:] if text.startswith("x") else "?")

    def format(self, arch):
        return "x" + super().format(arch)


def _precompute(space, out, folder):
    with construct("executor", "inprocess", EXECUTORS.get("inprocess")) as executor:
        return precompute(space, [space.parse(space.format((0, 1, 2, 3, 0)))], ["params"], out,
                          build_context(type(space), "cifar10", str(folder)), executor, batch_size=2)


def test_a_proxy_file_continued_or_read_with_another_space_names_the_space_it_holds(tmp_path):
    """Its rows were refused one by one as no architecture of the other space: 'damaged or belongs to another
    space', though its settings line names the space."""
    out = tmp_path / "wf-lettered-cifar10-proxies.csv"  # as if renamed: found in a data folder for wf-lettered
    _precompute(BrokenNets(), out, tmp_path)
    with pytest.raises(ConfigError, match="holds the proxies of search space 'wf-broken' .*, not of 'wf-lettered'; "
                                          "give --space wf-broken to continue it, or another --out"):
        _precompute(LetteredNets(), out, tmp_path)
    with pytest.raises(DataError, match="holds the proxies of search space 'wf-broken' .* not of 'wf-lettered'"):
        build_context(LetteredNets, "cifar10", str(tmp_path)).stored_proxies(LetteredNets())


def test_a_space_registered_under_a_name_other_than_its_own_is_refused_at_registration():
    """Registered 'wf-odd' with name 'wf-other', runs recorded one name and messages advised '--space wf-other'."""
    from nasloop.engine.errors import RegistryError
    from nasloop.engine.registry import SEARCH_SPACES, register_search_space
    from nasloop.search_spaces.nb201 import NB201Space

    odd = type("Odd", (DigitSpace,), {"name": "wf-other"})
    with pytest.raises(RegistryError, match="search space 'wf-odd': class Odd sets name = 'wf-other', .*; set name = "
                                            "'wf-odd', or register it as 'wf-other'"):
        register_search_space("wf-odd")(odd)
    assert "wf-odd" not in SEARCH_SPACES
    register_search_space("wf-other")(odd)
    register_search_space("wf-odd")(odd)  # an alias of a class registered under its own name
    register_search_space("wf-same")(type("Same", (DigitSpace,), {"name": "wf-same"}))
    register_search_space("wf-convs")(type("Convs", (NB201Space,), {"name": "nb201"}))  # keeps NB201's proxy files
    register_search_space("wf-inherits")(type("Inherits", (NB201Space,), {}))
