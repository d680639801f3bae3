"""SIGHUP (the terminal a command runs in was closed) stops it as Ctrl-C does.

Its default ended a search at once, mid-write and without a word: the run read 'stopped: no process is searching
it', as after ``kill -9``. Raised as an interrupt, the search records itself interrupted (the user closed its
terminal: "stopped by the user") and a resume goes on from there. A command started under ``nohup`` (SIGHUP
ignored) keeps ignoring it. Its output that went to the closed terminal goes to /dev/null from then on, as
``nohup`` would have sent it elsewhere: each write to a hung-up terminal fails (EIO), so the interrupted search's
last words failed in turn and it ended in a traceback no one saw, exit status 1 where an interrupt's is 130.
"""
from __future__ import annotations

import contextlib
import functools
import os
import signal
from typing import Iterator

from .signal_handlers import handlers_within


def _hangup_as_interrupt(terminals: tuple[int, ...], signum: int, frame: object) -> None:
    """Raise the interrupt, the standard output and error among ``terminals`` that no longer are one (hung up: a
    terminal that closed answers every call with EIO, isatty's too) sent to /dev/null first."""
    closed = [fd for fd in terminals if not os.isatty(fd)]
    if closed:
        null = os.open(os.devnull, os.O_WRONLY)
        for fd in closed:
            os.dup2(null, fd)
        os.close(null)
    raise KeyboardInterrupt


@contextlib.contextmanager
def hangup_interrupts() -> Iterator[None]:
    """Within the block, SIGHUP raises KeyboardInterrupt (in the main thread, where it is not ignored)."""
    if signal.getsignal(signal.SIGHUP) is signal.SIG_IGN:
        yield
        return
    terminals = tuple(fd for fd in (1, 2) if os.isatty(fd))  # a kill -HUP leaves them: their one line is read
    with handlers_within({signal.SIGHUP: functools.partial(_hangup_as_interrupt, terminals)}):
        yield
