"""A command started with its standard output closed (``nasloop show RUN >&-``) says so, where it printed nothing.

Python starts such a process with ``sys.stdout`` set to None, and ``print`` to None writes nothing without a word:
``show`` exited 0 having shown nothing, as if the run had nothing to say. In its place the command gets a stream
that drops what is written to it and remembers that it did; once the command has run, :func:`refuse_lost_output`
raises :class:`StdoutClosed`, which the CLI turns into one line on stderr and a non-zero exit, as it turns a reader
that left early (a broken pipe) into an exit status. A write never fails on its own: raised at the first print,
a search stopped there (a user's strategy printing in ``ask``: 'interrupted' after 0 evaluations, and the line said
the run was kept), and a plugin that printed as it loaded was said to have failed to load, 'fix the file'.
"""
from __future__ import annotations

import errno
import io
import sys


class StdoutClosed(OSError):
    """What the command wrote went to the standard output it was started without."""


class _Closed(io.TextIOBase):
    """``sys.stdout`` of a process started without one: what is written is dropped, and ``lost`` says whether any
    was."""

    lost = False

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.lost = self.lost or bool(text)
        return len(text)


def refuse_writes_to_a_closed_stdout() -> None:
    """Where the process was started with no standard output, what is written to it is remembered, not ignored."""
    if sys.stdout is None:
        sys.stdout = _Closed()


def refuse_lost_output() -> None:
    """Raise :class:`StdoutClosed` where the command wrote to the standard output it was started without."""
    if isinstance(sys.stdout, _Closed) and sys.stdout.lost:
        raise StdoutClosed(errno.EBADF, "standard output is closed (as '>&-' closes it)")
