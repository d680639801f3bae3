"""A command started with its standard output closed (``nasloop show RUN >&-``) says so, where it printed nothing.

Python starts such a process with ``sys.stdout`` set to None, and ``print`` to None writes nothing without a word:
``show`` exited 0 having shown nothing, as if the run had nothing to say. In its place the command gets a stream
whose first write raises :class:`StdoutClosed`, which the CLI turns into one line on stderr and a non-zero exit, as
it turns a reader that left early (a broken pipe) into an exit status. Only a write fails: a search runs to its end
and is kept, and says so where its summary could not be printed.
"""
from __future__ import annotations

import errno
import io
import sys


class StdoutClosed(OSError):
    """A write to the standard output the command was started without."""


class _Closed(io.TextIOBase):
    """``sys.stdout`` of a process started without one: any write raises :class:`StdoutClosed`."""

    def write(self, text: str) -> int:
        raise StdoutClosed(errno.EBADF, "standard output is closed (as '>&-' closes it)")


def refuse_writes_to_a_closed_stdout() -> None:
    """Where the process was started with no standard output, a write to it raises rather than vanishes."""
    if sys.stdout is None:
        sys.stdout = _Closed()
