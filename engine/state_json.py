"""A strategy's state as JSON, the form the run store keeps it in, checked on the way in.

The store writes a strategy's ``state_dict`` (its predictor's included) as JSON and a resumed run
reads it back. What JSON cannot hold, or would give back as something else (a tuple as a list, an
int key as a string), is refused in one line naming where it lies and the fix, never saved to
resume from other state than was saved. A guided strategy uses the same round trip to keep its
predictor's state between refits (:func:`snapshot`), which is why this is its own module and not
part of the store's writes: a strategy imports nothing of the store.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Any, Iterator

from .errors import ConfigError
from .registry import STRATEGIES, refusal_for

STRATEGY_STATE = "the strategy's state_dict (its predictor's included)"
"""Whose state a refusal names by default: the whole state the store keeps."""


class UnstorableState(ConfigError):
    """A state the store cannot keep as it is: ``whose`` state_dict, and ``what`` is wrong with it."""

    def __init__(self, whose: str, what: str) -> None:
        super().__init__(f"{whose} {what}")
        self.whose, self.what = whose, what


@contextmanager
def users_state_named(strategy: object) -> Iterator[None]:
    """A user's strategy whose whole state turns unstorable as its run goes on (a tuple kept once it has seen
    something), refused as that strategy's output (a :class:`~.errors.PluginFault` naming it): it was nobody's
    ConfigError, and the run, whose evaluations stand and resume once the strategy is fixed, was stored failed,
    its line saying neither which strategy nor how to continue."""
    try:
        yield
    except UnstorableState as exc:
        refusal = refusal_for(strategy)
        if refusal is ConfigError or exc.whose != STRATEGY_STATE:  # nasloop's own, or a predictor's named already
            raise
        raise refusal(f"strategy {STRATEGIES.label(strategy)}: its state_dict (its predictor's included) "
                      f"{exc.what}") from exc


def state_json(state: Any, whose: str = STRATEGY_STATE) -> str:
    """A strategy's state as the store keeps it; one line naming what JSON cannot hold (a user's strategy keeping
    a numpy array), not json's TypeError from inside the store, or what it would give back changed (a tuple, an
    int dict key): a resumed strategy would go on, unseen, from other state than it saved. ``whose`` names the
    state_dict that ``state`` is, so that the place named (``state['w']``) is found in it: a predictor's alone
    was named as the strategy's, where it lies under another key."""
    if not isinstance(state, dict):  # saved, a list or None was read back as a damaged store, 'restore a backup'
        raise UnstorableState(whose, f"returned a {type(state).__name__}, not a dict; return a dict "
                              "(super().state_dict() with your own keys added), which load_state_dict is given back "
                              "on resume")

    def unstorable(value: Any) -> Any:  # named where it lies, as a tuple is: 'a numpy.ndarray' alone was not
        raise UnstorableState(whose, f"holds {_changed_by_json(state, '') or _foreign(value, '')}")

    try:
        text = json.dumps(state, default=unstorable)
    except TypeError:  # a key JSON cannot hold at all (a tuple): json names neither it nor where it lies
        _refuse_changed(state, whose)
        raise
    if json.loads(text) != state:  # both in C: a fraction of the encoding's cost, once per commit
        _refuse_changed(state, whose)
    return text


def snapshot(state: Any, whose: str = STRATEGY_STATE) -> Any:
    """``state`` as the store gives it back, in new containers: a user's ``state_dict`` (a predictor's, which a guided
    strategy keeps from one refit to the next) may return its live lists, which later calls would change."""
    return json.loads(state_json(state, whose))


def _refuse_changed(state: Any, whose: str) -> None:
    changed = _changed_by_json(state, "")
    if changed is not None:
        raise UnstorableState(whose, f"holds {changed}")


_KEY_FIX = "; return string keys (or a list of [key, value] pairs) and rebuild the dict in load_state_dict"


def _changed_by_json(value: Any, where: str) -> str | None:
    """The first value JSON would give back as something else (or cannot hold as a key), where it lies in the
    state and the fix; None when the only differences are NaNs (equal to nothing, themselves included)."""
    if isinstance(value, tuple):
        return (f"a tuple at state{where}, which the run store keeps as JSON and would give back as a list on "
                "resume; return a list and rebuild the tuple in load_state_dict")
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, (int, float)) or key is None:  # bool included
                return (f"the {type(key).__name__} key {key!r:.40} in state{where}, which the run store keeps as "
                        f"JSON and would give back as the string '{json.dumps(key)}' on resume{_KEY_FIX}")
            if not isinstance(key, str):
                return f"the {type(key).__name__} key {key!r:.40} in state{where}, which JSON cannot hold{_KEY_FIX}"
            found = _changed_by_json(item, f"{where}[{key!r:.40}]")
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _changed_by_json(item, f"{where}[{index}]")
            if found is not None:
                return found
    elif not isinstance(value, (str, int, float)) and value is not None:  # bool is an int; numpy's float64 a float
        return _foreign(value, where)
    return None


def _foreign(value: Any, where: str) -> str:
    """What a value JSON cannot hold is (a numpy array, a set), where it lies and the fix."""
    at = f" at state{where}" if where else ""
    return (f"a {type(value).__module__}.{type(value).__name__}{at}, which the run store keeps as JSON; return plain "
            "lists, numbers, strings and dicts (e.g. array.tolist()) and rebuild the object in load_state_dict")
