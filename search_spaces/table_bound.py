"""Mutation that stays inside a benchmark table covering a sliver of its space (NB101, NB301, NDS)."""
from __future__ import annotations

from typing import Callable

from ..engine.types import Arch


def mutate_within(propose: Callable[[], Arch], held: Callable[[Arch], bool], fallback: Callable[[], Arch],
                  tries: int) -> Arch:
    """The first of ``tries`` proposed edits the table holds; ``fallback()`` when none lands in it
    (most edits leave a table that holds a few percent of the space, or far less)."""
    for _ in range(tries):
        child = propose()
        if held(child):
            return child
    return fallback()
