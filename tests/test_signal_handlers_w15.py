"""engine/signal_handlers.py's handlers_within puts back every handler it set, however the block ends, and also where
it cannot begin: the handlers were set in one expression before the ``try``, so one that could not be set (or a
signal whose handler raised KeyboardInterrupt between two of them: a SIGTERM as interrupts_held set SIGINT's) left
those already set in place for good (Ctrl-C dropped for the rest of the process)."""
from __future__ import annotations

import signal

import pytest

from nasloop.engine.signal_handlers import handlers_within


def test_a_handler_that_cannot_be_set_leaves_none_of_the_others_set():
    def ours(signum: int, frame: object) -> None:
        """A handler of the test's own."""

    before = signal.getsignal(signal.SIGUSR1)
    with pytest.raises(OSError):
        with handlers_within({signal.SIGUSR1: ours, signal.SIGKILL: ours}):  # SIGKILL's cannot be set
            pass
    assert signal.getsignal(signal.SIGUSR1) is before  # was ``ours``, for good
