"""The callbacks a script hands the Python API (``on_progress``, ``on_note``, ...), checked before any work.

A hook that is not a function, or takes other arguments than it is called with, failed as Python's TypeError at
its first call: after the first evaluation (hours of training on a real dataset), with the run left 'interrupted'
by "'int' object is not callable", or "<lambda>() takes 0 positional arguments but 3 were given", naming neither
the hook nor what it is given.
"""
from __future__ import annotations

import contextlib
import inspect
import logging
from contextvars import ContextVar
from typing import Any, Callable, Iterator

from .errors import ConfigError, one_line

HOOK_ARGUMENTS = {"on_progress": ("done", "total", "best"), "on_note": ("text",), "on_run_dir": ("run_dir",),
                  "on_result": ("record",)}
"""What each hook is called with, positionally: its number of arguments and their names for the message."""
_COMMANDS_NOTE: ContextVar[Callable[[str], None] | None] = ContextVar("commands_note", default=None)
"""Where a note no run's ``on_note`` hears goes instead (:func:`notes_reaching`)."""


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


def say_note(on_note: Callable[[str], None] | None, text: str, log: logging.Logger, noted: set[str] | None = None,
             key: str | None = None) -> None:
    """Say ``text`` to a run's ``on_note``, where its other notes go (the command's 'note:' line, a script's
    callback), else the command's (:func:`notes_reaching`), else, where there is none (a plugin built without a run
    in a script), as a warning to ``log``: so a note is heard by whoever can hear it, and never lost. With ``noted``
    (a run's, see ``RunContext.noted``), said once a run under ``key`` (the text itself by default): what each step
    or each member of the run would say again."""
    if noted is not None:
        if (key or text) in noted:
            return
        noted.add(key or text)
    on_note = _COMMANDS_NOTE.get() if on_note is None else on_note
    if on_note is None:
        log.warning(f"note: {text}")
    else:
        on_note(text)


class HeldNotes:
    """A run's ``on_note`` as its checks call it: what they note is said at :meth:`release`, each text once (plugins
    built again say their notes again), and never if a check refuses first (the holder is dropped); after it, what
    the plugins note as the run goes (they keep the function) is said at once. A refusal comes first and alone: the
    compile note said while the plugins were built stood above the refusal of a Ray setting or of the run folder,
    which then read as a run that had started."""

    def __init__(self, on_note: Callable[[str], None] | None) -> None:
        self._on_note = on_note
        self._held: list[str] | None = []

    @property
    def hook(self) -> Callable[[str], None] | None:
        """What to hand the plugins and checks as their ``on_note``: None where the caller gave none (a scorer
        then logs its notes)."""
        return None if self._on_note is None else self._say

    def __call__(self, text: str) -> None:
        """Hold ``text`` (or say it, once released); nothing where the caller gave no ``on_note``."""
        if self._on_note is not None:
            self._say(text)

    def _say(self, text: str) -> None:
        if self._held is None:
            self._on_note(text)
        else:
            self._held.append(text)

    def instead(self, text: str) -> None:
        """Hold ``text`` in place of what was held: a resume with nothing to do says only that, not what the checks
        said of a run going on (a strategy that saves no state, a seconds budget over lookups)."""
        if self._held is not None:
            self._held = []
        self(text)

    def release(self) -> None:
        """Say what was held; the caller does so inside its executor's ``closed_on_error``, so that a note hook
        that raises (a closed pipe, Ctrl-C as it prints) still closes the executor."""
        held, self._held = self._held or [], None
        for text in dict.fromkeys(held):
            self._on_note(text)


@contextlib.contextmanager
def notes_reaching(on_note: Callable[[str], None]) -> Iterator[None]:
    """Within the block (a command, in its thread), a note that reaches no run's ``on_note`` goes to ``on_note``: a
    data table's cache entry read deep inside a benchmark's import was Python's bare 'note: ...' line on stderr,
    without the 'nasloop search: note:' of the command's other notes."""
    token = _COMMANDS_NOTE.set(on_note)
    try:
        yield
    finally:
        _COMMANDS_NOTE.reset(token)
