"""Networks are asked of the network-space interface."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.errors import UnsupportedError
from nasloop.engine.evaluators.replicates import to_module

from .digit_space import DigitSpace


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
