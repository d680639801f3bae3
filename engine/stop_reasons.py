"""Why a search stopped early, in words a user can act on."""
from __future__ import annotations

from ..search_spaces.base import SearchSpace


def streak_reason(streak: int, space: SearchSpace, known: int, functional: bool) -> str:
    """Why a run of ``streak`` repeats stopped a search that knows ``known`` architectures (or, under a
    ``functional`` dedup, networks): a finite space computes fewer functions than it has architectures
    (TNB101-micro: 871 of 4,096); else the strategy stopped exploring, unless the space is nearly all evaluated
    ("is the space exhausted?" was said of one NB201 cell in 15,625)."""
    said = f"the strategy proposed {streak} already-evaluated architectures in a row; stopping: "
    size = space.size
    if size is not None and functional:
        return f"{said}{known} distinct functions evaluated, and the {size} architectures of the space likely " \
            "compute no others (--dedup functional)"
    seen = "the space is unbounded" if size is None else f"{known:,} of its {size:,} architectures evaluated"
    return said + seen + ("" if size is not None and known >= 0.99 * size else "; the strategy stopped exploring")
