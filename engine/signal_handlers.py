"""Signal handlers set for a block and put back after it: the shape every command's own handling of a signal takes
(SIGTERM as an interrupt, SIGXFSZ noted, SIGHUP as an interrupt, interrupts held while one is recorded).

Python sets a handler only from the main thread, so elsewhere (a notebook's worker thread calling ``search``) the
block runs with the handlers as they were. A previous handler of None was set outside Python and cannot be put back:
the default one is.
"""
from __future__ import annotations

import contextlib
import signal
import threading
from typing import Callable, Iterator, Mapping, Union

Handler = Union[Callable[[int, object], None], int, signal.Handlers]


@contextlib.contextmanager
def handlers_within(handlers: Mapping[int, Handler]) -> Iterator[None]:
    """Within the block, each signal of ``handlers`` has its handler (in the main thread; elsewhere nothing
    changes); the previous ones are back after it, however the block ends (or fails to begin)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[int, Handler | None] = {}
    try:  # each one set is put back even where a later one cannot be set, or a signal's handler raises meanwhile
        for sig, handler in handlers.items():
            previous[sig] = signal.signal(sig, handler)
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
