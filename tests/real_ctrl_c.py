"""Real Ctrl-Cs (SIGINT) in tests, as a terminal sends them.

pytest (or a plugin) may have its own SIGINT handler installed; a test that sends ``signal.raise_signal(SIGINT)``
needs Python's, which raises KeyboardInterrupt where the program is, and must put the other back whatever happens.
"""
from __future__ import annotations

import signal
import sys
from contextlib import contextmanager
from types import CodeType, FrameType
from typing import Any, Callable, Iterator


@contextmanager
def python_ctrl_c(trace: Callable[..., Any] | None = None) -> Iterator[None]:
    """Within the block SIGINT raises KeyboardInterrupt; ``trace`` (a :func:`sys.settrace` function that sends one
    at a chosen call) is set for it. Both are undone after, so a trace left by a test that failed before its signal
    cannot outlive the test."""
    before = sys.gettrace()
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    if trace is not None:
        sys.settrace(trace)
    try:
        yield
    finally:
        sys.settrace(before)
        signal.signal(signal.SIGINT, previous)


class CtrlCAtCall:
    """A :func:`sys.settrace` function for :func:`python_ctrl_c` that sends one real SIGINT as the ``nth`` call of
    ``code`` begins (after ``first()``, where the test arms something for the signal), then stops tracing;
    ``calls`` counts the calls seen, so a test can check the signal was sent where it meant."""

    def __init__(self, code: CodeType, nth: int = 1, first: Callable[[], None] | None = None) -> None:
        self.code, self.nth, self.first, self.calls = code, nth, first, 0

    def __call__(self, frame: FrameType, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code is self.code:
            self.calls += 1
            if self.calls == self.nth:
                sys.settrace(None)
                if self.first is not None:
                    self.first()
                signal.raise_signal(signal.SIGINT)


def sigint_as_a_terminal_gives_it() -> None:
    """A child process's ``preexec_fn``: SIGINT and SIGTERM at their defaults and unblocked, whatever the test
    process had. A suite started as a shell's background job (``... &``) passes SIGINT on ignored, and Python then
    keeps it ignored, so a child never hears a Ctrl-C; a child inherits the test process's blocked signals too."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
