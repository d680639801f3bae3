"""Each saved architecture text parsed once while a guided strategy loads its state.

A resume reads every trial's architecture from the store, a guided strategy's state holds every result's text, and
its predictor's state the texts it was fitted on: the same cells, which a resume parsed three times (four with a
blend's members), 60,000 NB101 parses for a 20,000-trial run. Inside :func:`parsed_once` the run's record
(``stored_keys.stored_arch``), the strategy's and its predictor's loads (``Strategy._load``,
``Predictor._restore_data``) share what a text parsed to, as an uninterrupted run shares the cells it evaluated,
told and fitted on. Only the same text on the same space object is shared; outside the block every text is parsed.
"""
from __future__ import annotations

import contextlib
from contextvars import ContextVar
from typing import Any, Iterator

from ..search_spaces.base import SearchSpace
from .types import Arch

_HELD: ContextVar[tuple[SearchSpace, dict[str, Arch]] | None] = ContextVar("parsed_texts", default=None)


@contextlib.contextmanager
def parsed_once(space: SearchSpace) -> Iterator[None]:
    """Within the block, :func:`parsed` gives the architecture a text of ``space`` parsed to the first time; a block
    inside one on the same space shares its texts."""
    held = _HELD.get()
    token = _HELD.set(held if held is not None and held[0] is space else (space, {}))
    try:
        yield
    finally:
        _HELD.reset(token)


def parsed(space: SearchSpace, text: Any) -> Arch:
    """``space.parse(text)``, or what it gave for this text before inside :func:`parsed_once` on ``space``."""
    held = _HELD.get()
    if held is None or held[0] is not space or not isinstance(text, str):
        return space.parse(text)
    memo = held[1]
    if text not in memo:
        memo[text] = space.parse(text)
    return memo[text]
