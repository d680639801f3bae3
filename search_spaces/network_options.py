"""Checks of what every ``to_module`` is given, shared by the spaces that build networks."""
from __future__ import annotations

import numbers

from ..engine.errors import ConfigError


def checked_classes(num_classes: object) -> int:
    """``num_classes`` as an int >= 1, or one line: 0 would build a network with no outputs, unseen, and -1, 1.5 or
    '10' fail deep inside torch ("Trying to create tensor with negative dimension")."""
    if isinstance(num_classes, bool) or not isinstance(num_classes, numbers.Integral) or num_classes < 1:
        raise ConfigError(f"num_classes must be a positive integer (10 for CIFAR-10), got {num_classes!r}")
    return int(num_classes)
