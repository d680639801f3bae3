"""The callbacks a script hands the Python API (``on_progress``, ``on_note``, ...), checked before any work.

A hook that is not a function, or takes other arguments than it is called with, failed as Python's TypeError at
its first call: after the first evaluation (hours of training on a real dataset), with the run left 'interrupted'
by "'int' object is not callable", or "<lambda>() takes 0 positional arguments but 3 were given", naming neither
the hook nor what it is given.
"""
from __future__ import annotations

import inspect
from typing import Any

from .errors import ConfigError, one_line

HOOK_ARGUMENTS = {"on_progress": ("done", "total", "best"), "on_note": ("text",), "on_run_dir": ("run_dir",),
                  "on_result": ("record",)}
"""What each hook is called with, positionally: its number of arguments and their names for the message."""


def check_hooks(function: str, **hooks: Any) -> None:
    """One ConfigError line naming the first of ``hooks`` (name: the callable or None) that ``function`` could
    not call with the arguments it gives that hook."""
    for name, hook in hooks.items():
        if hook is None:
            continue
        arguments = HOOK_ARGUMENTS[name]
        wanted = f"a function of ({', '.join(arguments)})"
        if not callable(hook):
            raise ConfigError(f"{function}: {name} must be {wanted}, got {one_line(repr(hook), 80)}")
        try:
            signature = inspect.signature(hook)
        except (TypeError, ValueError):  # a builtin that states no signature: called as it is
            continue
        try:
            signature.bind(*arguments)
        except TypeError:
            raise ConfigError(f"{function}: {name} is called with {len(arguments)} argument"
                              f"{'s' if len(arguments) > 1 else ''} ({', '.join(arguments)}), which "
                              f"{getattr(hook, '__name__', type(hook).__name__)}{signature} does not take; "
                              f"give {wanted}") from None
