"""Networks are asked of the network-space interface, and an evaluator's checks are called as its methods."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.errors import ConfigError, UnsupportedError
from nasloop.engine.space_networks import to_module
from nasloop.engine.run_checks import check_evaluator

from .digit_space import DigitSpace, DigitSum


class NetlessDigits(DigitSpace):
    """A user's space that builds no networks (no NetworkSpace, no to_module)."""

    name = "c4-netless-digits"


def test_a_space_that_builds_no_networks_is_refused_as_such_not_as_one_architecture_s_error():
    """It was an ArchitectureError quoting Python's AttributeError ('has no attribute to_module'), which fails that
    architecture alone where every one would fail alike."""
    space = NetlessDigits()
    with pytest.raises(UnsupportedError) as refused:
        to_module(space, space.sample(np.random.default_rng(0)), num_classes=10)
    message = str(refused.value)
    assert "\n" not in message and message.endswith(
        "search space 'c4-netless-digits' cannot build networks; implement NetworkSpace.to_module for it")


class StaticCheck(DigitSum):
    """A user's evaluator whose check_new is a static method, which refuses every option."""

    @staticmethod
    def check_new(fidelity=None):
        raise ValueError("learning rate 3 is too high")


@pytest.mark.parametrize("new_run", [True, False])
def test_an_evaluator_s_check_is_called_as_its_method_and_named_by_the_contract(new_run):
    evaluator = StaticCheck(NetlessDigits())
    if not new_run:
        check_evaluator(evaluator, None, new_run=False)  # check is DigitSum's own, which accepts
        return
    with pytest.raises(ConfigError) as refused:
        check_evaluator(evaluator, None, new_run=True)
    assert str(refused.value).startswith("evaluator 'StaticCheck': its check_new() failed before the run: ValueError: "
                                         "learning rate 3 is too high (at ")
