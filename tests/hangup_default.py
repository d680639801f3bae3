"""SIGHUP at its default for the tests that send one.

A suite started under ``nohup`` (or by a runner that ignores SIGHUP) hands the ignored disposition to every process
it starts, and nasloop keeps ignoring a SIGHUP it was started ignoring, as ``nohup`` asks: such a test then checked
nohup's case, not a closed terminal's, and failed (a clean-clone CI run started with nohup: the search ran on, exit
0 where 130 was expected, and the study's SIGHUP test waited out its timeout).
"""
from __future__ import annotations

import contextlib
import signal
from typing import Iterator


def hangup_default() -> None:
    """As a subprocess's ``preexec_fn``: SIGHUP back at its default before the command starts."""
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


@contextlib.contextmanager
def hangup_default_here() -> Iterator[None]:
    """Within the block, SIGHUP is at its default in this process; as it was after."""
    previous = signal.signal(signal.SIGHUP, signal.SIG_DFL)
    try:
        yield
    finally:
        signal.signal(signal.SIGHUP, previous)
