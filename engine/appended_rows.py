"""The mark a ``state_dict`` puts on a list that only grows, so the run store saves it as appended rows.

Its own module, free of the store: strategies and predictors import it, and a strategy imports nothing of the store
(``state_json``). The store's side is :mod:`.state_rows`, whose docstring says why.
"""
from __future__ import annotations

import json
from typing import Any


class AppendedRows(list):  # type: ignore[type-arg]
    """A list of a ``state_dict`` whose rows, once in it, never change: later states only add rows after them.
    It is a plain list to everyone else (JSON, a test, ``load_state_dict``); the store saves only its new rows."""


def lifted(state: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """``state`` without its :class:`AppendedRows` (in it, or in the dicts and lists inside it: a blend's members'
    states are a list), and those by their path (JSON of the keys and list indices leading to each; one in a list
    leaves None in its place). The containers on the way are new; nothing in ``state`` is changed."""
    rows: dict[str, list[Any]] = {}

    def walk(value: Any, path: list[str | int]) -> Any:
        if isinstance(value, dict):
            out: dict[Any, Any] = {}
            for key, item in value.items():
                if isinstance(item, AppendedRows) and isinstance(key, str):
                    rows[json.dumps(path + [key])] = item
                else:
                    out[key] = walk(item, path + [key]) if isinstance(key, str) else item
            return out
        if isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, AppendedRows):
                    rows[json.dumps(path + [index])] = item
            return [None if isinstance(item, AppendedRows) else walk(item, path + [index])
                    if isinstance(item, (dict, list)) else item for index, item in enumerate(value)]
        return value

    return walk(state, []), rows


def put_back(state: dict[str, Any], rows: dict[str, list[Any]], appended: bool = True) -> dict[str, Any]:
    """``state`` (as :func:`lifted` left it) with ``rows`` where they were taken from, as :class:`AppendedRows`
    (``appended``) or plain lists; changed in place and returned. A path through no dict or list is damage:
    ValueError."""
    for name, values in rows.items():
        try:
            keys = json.loads(name)
        except (TypeError, ValueError):
            keys = None
        if not isinstance(keys, list) or not keys or not all(isinstance(part, str) or type(part) is int
                                                            for part in keys):
            raise ValueError(f"the saved rows {name!r:.60} are named by no path of keys")
        at: Any = state
        for part in keys[:-1]:
            at = _inside(at, part)
        if _inside(at, keys[-1], placed=True) is _NOWHERE:
            raise ValueError(f"the saved rows {name} lie in no dict or list of the state")
        at[keys[-1]] = AppendedRows(values) if appended else list(values)
    return state


_NOWHERE = object()


def _inside(container: Any, part: str | int, placed: bool = False) -> Any:
    """What ``container`` holds at ``part`` (a dict's key, a list's index), or :data:`_NOWHERE`; ``placed``: whether
    a value may be placed there (any key of a dict), rather than read."""
    if isinstance(container, dict) and isinstance(part, str):
        return container.get(part, None if placed else _NOWHERE)
    if isinstance(container, list) and type(part) is int and 0 <= part < len(container):
        return container[part]
    return _NOWHERE
