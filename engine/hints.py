"""The type hints of a plugin's constructor, resolved one parameter at a time.

``typing.get_type_hints`` resolves every hint of a function or raises: one naming what the plugin's file imports only
for type checkers (under ``if TYPE_CHECKING:``) or misspelt made it raise, and nasloop then checked none of that
plugin's options, so ``batch: Annotated[int, Range(1, 8)]`` took 1000 unseen and ``'three'`` failed mid-run in
Python's words. Resolved one by one, only the parameter whose hint does not resolve goes unchecked.
"""
from __future__ import annotations

import functools
import sys
import types
import typing
from typing import Any, Callable


@functools.lru_cache(maxsize=None)
def resolved_hints(function: Callable[..., Any]) -> dict[str, Any]:
    """The hints of ``function`` (a constructor; or a dataclass, whose fields are checked alike) that resolve."""
    try:
        return typing.get_type_hints(function, include_extras=True)
    except Exception:  # noqa: BLE001 - one hint that does not resolve: the others are resolved on their own below
        if not isinstance(function, (type, types.FunctionType)):  # a callable object: no hints to read one by one
            return {}
    names = vars(sys.modules[function.__module__]) if isinstance(function, type) else function.__globals__
    hints: dict[str, Any] = {}
    for name, hint in function.__annotations__.items():
        try:
            one = types.SimpleNamespace(__annotations__={name: hint})  # what get_type_hints reads of a function
            hints.update(typing.get_type_hints(one, names, include_extras=True))
        except Exception:  # noqa: BLE001 - that parameter alone takes any value
            continue
    return hints
