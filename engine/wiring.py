"""Wiring checked like options: the space, context and seed a script passes a plugin by hand.

The search builds plugins with the right wiring; a script building one itself passed ``ForestPredictor("nb201")``,
the space's class for an instance, or a dataset name for the context, and it failed deep inside as an
AttributeError ('str' object has no attribute 'graph_encodings'), naming neither the argument nor the fix. The
constructor's own type hints say what each takes, as they do for options.
"""
from __future__ import annotations

from typing import Any, Mapping

from .errors import ConfigError, one_line
from .options import _describe, _fits, _init_hints, _wiring


def check_wiring(owner: str, factory: type, arguments: Mapping[str, Any]) -> None:
    """One ConfigError line for the first wiring argument that does not fit its type hint (hints that cannot be
    resolved or checked are not, as for options)."""
    hints = _init_hints(factory)
    for name in (n for n in _wiring(factory) if n in arguments and n in hints):
        value, hint = arguments[name], hints[name]
        try:
            fits = _fits(value, hint)
        except TypeError:  # a hint isinstance cannot check (a Protocol)
            fits = True
        if not fits:
            fix = f"; pass an instance, {value.__name__}(...)" if isinstance(value, type) else ""
            raise ConfigError(f"{owner}: {name} must be {_describe(hint)}, got {one_line(repr(value), 80)}{fix}")
