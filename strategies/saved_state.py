"""Checks for the plain values a strategy reads back from its saved state.

A store edited by hand or by a tool can hold a value of the right JSON type that the strategy would
only trip over later (a string score compared mid-run, a negative count that draws more at random).
Each check raises ValueError, which resuming names as a damaged strategy state, before the run goes on.
"""
from __future__ import annotations

import math
from typing import Any


def saved_count(value: Any, name: str) -> int:
    """A non-negative whole number, as a count of asks or rounds."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} is {value!r:.60}, not a count")
    return value


def saved_score(value: Any, name: str, *, missing_allowed: bool = False) -> float | None:
    """One objective score; ``None`` (or NaN) only where the strategy stores failures that way."""
    if missing_allowed and (value is None or (isinstance(value, float) and math.isnan(value))):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise ValueError(f"{name} is {value!r:.60}, not a score")
    return float(value)


def saved_scores(value: Any, width: int, name: str) -> list[float]:
    """One score per objective, as a multi-objective strategy keeps them."""
    if not isinstance(value, list) or len(value) != width:
        raise ValueError(f"{name} is {value!r:.60}, not a list of {width} scores")
    return [saved_score(v, name) for v in value]
