"""The callbacks a script hands the Python API (``on_progress``, ``on_note``, ...), checked before any work.

A hook that is not a function, or takes other arguments than it is called with, failed as Python's TypeError at
its first call: after the first evaluation (hours of training on a real dataset), with the run left 'interrupted'
by "'int' object is not callable", or "<lambda>() takes 0 positional arguments but 3 were given", naming neither
the hook nor what it is given.
"""
from __future__ import annotations

import contextlib
import inspect
from typing import Any, Callable, Iterator

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


@contextlib.contextmanager
def held_notes(on_note: Callable[[str], None] | None) -> Iterator[Callable[[str], None] | None]:
    """``on_note`` as the block's checks should call it: what they note is said when the block ends, and never if
    it raises; after it, what the plugins note as the run goes (they keep the function) is said at once. A refusal
    comes first and alone: the compile note said while the plugins were built stood above the refusal of a Ray
    setting or of the run folder, which then read as a run that had started."""
    if on_note is None:
        yield None
        return
    held: list[str] | None = []

    def hear(text: str) -> None:
        if held is None:
            on_note(text)
        else:
            held.append(text)

    yield hear
    said, held = held, None
    for text in said:
        on_note(text)
