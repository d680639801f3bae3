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
    """``state`` without its :class:`AppendedRows` (in it or in dicts inside it), and those by their path (JSON of
    the keys leading to each). The dicts on the way are new; nothing in ``state`` is changed."""
    rows: dict[str, list[Any]] = {}

    def walk(value: dict[str, Any], path: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, item in value.items():
            if isinstance(item, AppendedRows) and isinstance(key, str):
                rows[json.dumps(path + [key])] = item
            elif isinstance(item, dict) and isinstance(key, str):
                out[key] = walk(item, path + [key])
            else:
                out[key] = item
        return out

    return walk(state, []), rows


def put_back(state: dict[str, Any], rows: dict[str, list[Any]], appended: bool = True) -> dict[str, Any]:
    """``state`` (as :func:`lifted` left it) with ``rows`` where they were taken from, as :class:`AppendedRows`
    (``appended``) or plain lists; changed in place and returned. A path through no dict is damage: ValueError."""
    for name, values in rows.items():
        try:
            *path, key = keys = json.loads(name)
        except (TypeError, ValueError):
            keys = None
        if not isinstance(keys, list) or not all(isinstance(part, str) for part in keys):
            raise ValueError(f"the saved rows {name!r:.60} are named by no path of keys")
        at = state
        for part in path:
            at = at.get(part) if isinstance(at, dict) else None
        if not isinstance(at, dict):
            raise ValueError(f"the saved rows {name} lie in no dict of the state")
        at[key] = AppendedRows(values) if appended else list(values)
    return state
