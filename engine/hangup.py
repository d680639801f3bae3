"""SIGHUP (the terminal a command runs in was closed) stops it as Ctrl-C does.

Its default ended a search at once, mid-write and without a word: the run read 'stopped: no process is searching
it', as after ``kill -9``. Raised as an interrupt, the search records itself interrupted (the user closed its
terminal: "stopped by the user") and a resume goes on from there. A command started under ``nohup`` (SIGHUP
ignored) keeps ignoring it.
"""
from __future__ import annotations

import contextlib
import signal
import threading
from typing import Iterator


def _hangup_as_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def hangup_interrupts() -> Iterator[None]:
    """Within the block, SIGHUP raises KeyboardInterrupt (in the main thread, where it is not ignored)."""
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGHUP) is signal.SIG_IGN:
        yield
        return
    previous = signal.signal(signal.SIGHUP, _hangup_as_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGHUP, signal.SIG_DFL if previous is None else previous)
