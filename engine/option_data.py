"""A run's plugin options must be data its store can keep: what JSON cannot hold is refused as the configuration is
made, naming the option and the fix.

A run records its configuration as JSON, to resume with the same options. A Python object given as an option (a
function as FLAN's ``supplementary``, a zero-cost ``scorer``, a lock, a numpy array) stopped a search in json's
TypeError once its run folder existed ("Object of type function is not JSON serializable"), naming neither the
option nor what to give instead; a key JSON gives back as text (the integer 1 as '1') would have resumed with
another option than the run began with.
"""
from __future__ import annotations

import types
from typing import Any

from .errors import ConfigError

OPTION_FIELDS = {"space_options": "--space-opt", "strategy_options": "--strategy-opt",
                 "predictor_options": "--predictor-opt", "evaluator_options": "--evaluator-opt",
                 "executor_options": "--executor-opt"}
"""The configuration's option fields and the flags that set them, which a refusal names."""

_FIX = ("it records its options as JSON, to resume with them; give data (text, numbers, true/false, null, lists, "
        "mappings with text keys), e.g. a name the plugin takes, or subclass the plugin in a plugin file of yours "
        "(--plugin FILE) and build the object there")


def refuse_unstorable_options(config: Any) -> None:
    """Refuse, in one line, the first option of ``config`` (a :class:`.config.SearchConfig`) that is no JSON data."""
    for field, flag in OPTION_FIELDS.items():
        options = getattr(config, field)
        if not isinstance(options, dict):  # its type is refused by the field's own check
            continue
        for key, value in options.items():
            found = _unstorable(value, f"{flag} {key}")
            if found is not None:
                raise ConfigError(f"{found}: {_FIX}")


def _unstorable(value: Any, where: str) -> str | None:
    """What in ``value`` (the option named ``where``) JSON cannot hold or gives back changed, or None."""
    if value is None or isinstance(value, (str, int, float)):  # bool is an int; numpy's scalars are made plain
        return None
    if isinstance(value, (list, tuple)):
        return next((found for index, item in enumerate(value)
                     if (found := _unstorable(item, f"{where}[{index}]")) is not None), None)
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return f"{where} has the {type(key).__name__} key {key!r:.40}, which a run would give back as text"
            found = _unstorable(item, f"{where}[{key!r:.40}]")
            if found is not None:
                return found
        return None
    functions = (types.FunctionType, types.MethodType, types.BuiltinFunctionType)
    kind = (f"a function ({value.__qualname__})" if isinstance(value, functions) else f"the class {value.__qualname__}"
            if isinstance(value, type) else f"a {type(value).__module__}.{type(value).__qualname__}")
    return f"{where} is {kind}, which a run cannot store"
