"""The bounds of a numeric option (:class:`Range`), and where they are read for a stored run
(:func:`stored_options`): a bound on what a machine holds is a new run's, since a stored run's options ran and
cannot be given anew. A new method of a continued study is a new run on the study's stored grid: its evaluator's and
space's options are stored ones, its strategy's and predictor's its own (:data:`METHOD_KINDS`)."""
from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass
from typing import Callable, Collection, Iterator

_READING: contextvars.ContextVar[str] = contextvars.ContextVar("reading_options", default="new")
"""Whose options are read: a new run's (``new``), a stored run's (``stored``), or any value's own meaning with no
upper bound at all (``unbounded``: :func:`past_upper_bound_only`)."""
_NEW_KINDS: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("new_kinds", default=frozenset())
"""The kinds of plugin whose options are a new run's even where options are read as stored (:func:`options_of`)."""
METHOD_KINDS = ("strategy", "predictor")
"""The kinds of plugin a study's method names the options of; the rest (evaluator, space) are the study's grid."""


@contextlib.contextmanager
def stored_options(stored: bool = True, new: Collection[str] = ()) -> Iterator[None]:
    """Options read inside are a stored run's (``stored``): a bound on what a machine holds
    (:attr:`Range.high_for_new_runs`) is not applied to them, so a run an older nasloop began resumes. Those of a
    plugin of a kind in ``new`` are a new run's all the same: a new method of a study begun past a bound runs with
    the evaluator options the study stored, and with options of its own that nothing ran with yet."""
    token, kinds = _READING.set("stored" if stored else "new"), _NEW_KINDS.set(frozenset(new))
    try:
        yield
    finally:
        _NEW_KINDS.reset(kinds)
        _READING.reset(token)


@contextlib.contextmanager
def options_of(kind: str | None) -> Iterator[None]:
    """Options checked inside are a ``kind`` plugin's (None: of no one kind): read as a new run's where
    :func:`stored_options` named that kind ``new``, otherwise as they were read."""
    if kind is None or _READING.get() != "stored" or kind not in _NEW_KINDS.get():
        yield
        return
    token = _READING.set("new")
    try:
        yield
    finally:
        _READING.reset(token)


def reading_stored() -> bool:
    """Whether options are read as a stored run's (inside :func:`stored_options`)."""
    return _READING.get() == "stored"


def past_upper_bound_only(fits: Callable[[], bool]) -> bool:
    """Whether ``fits`` (a check of one value that failed) passes once no upper bound applies: a stored value that
    only exceeds a bound added since an older nasloop stored it, which is said as such rather than as a typo."""
    token = _READING.set("unbounded")
    try:
        return fits()
    finally:
        _READING.reset(token)


@dataclass(frozen=True)
class Range:
    """Bounds for a numeric option: ``Annotated[int, Range(1)]`` is an integer of at least 1."""

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    high_for_new_runs: bool = False
    """Whether ``high`` bounds what a machine holds rather than what the option means (a strategy's pool or sample
    count): a stored run's options, read inside :func:`stored_options`, may exceed it, since an older nasloop
    accepted the value, the run ran with it, and its options cannot be given anew."""

    def holds(self, value: float) -> bool:
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return False
        reading = _READING.get()
        if self.high is None or reading == "unbounded" or self.high_for_new_runs and reading == "stored":
            return True
        return value < self.high if self.high_open else value <= self.high

    def describe(self) -> str:
        parts = []
        if self.low is not None:
            parts.append(f"{'>' if self.low_open else '>='} {_bound(self.low)}")
        if self.high is not None:
            parts.append(f"{'<' if self.high_open else '<='} {_bound(self.high)}")
        return " and ".join(parts)


def _bound(value: float) -> str:
    return str(value) if isinstance(value, int) else f"{value:g}"
