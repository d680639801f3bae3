"""A second Ctrl-C that lands while engine/held_imports.py puts Python's SIGINT handler back.

The held first Ctrl-C made the second one raise from the holding handler; landing as the block's ``finally`` put
Python's handler back (``signal.signal`` runs pending handlers before it sets one), it raised there, the handler was
never put back, and the holding one stayed for the process: every later ``interrupt_held`` saw a handler not
Python's and held nothing, so the next Ctrl-C inside a first import broke it for good. A profile hook presses the
second Ctrl-C just as that call starts, where a keypress can land.
"""
from __future__ import annotations

import _signal
import os
import signal
import sys

import pytest

from nasloop.engine.held_imports import interrupt_held


@pytest.fixture
def pythons_handler():
    """Python's own SIGINT handler, as in a script or notebook; the test's previous one back after."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.usefixtures("pythons_handler")
def test_a_second_ctrl_c_as_the_handler_is_put_back_leaves_pythons_handler():
    pressed = []

    def press_as_the_handler_is_put_back(frame, event, arg):
        # the call of _signal.signal in signal.py's wrapper, called from interrupt_held, once the holding handler is set
        if (event == "c_call" and arg is _signal.signal and frame.f_back.f_code.co_name == "interrupt_held"
                and signal.getsignal(signal.SIGINT) is not signal.default_int_handler and not pressed):
            pressed.append(True)
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        sys.setprofile(press_as_the_handler_is_put_back)
        try:
            with interrupt_held():
                os.kill(os.getpid(), signal.SIGINT)  # the first Ctrl-C, held
        finally:
            sys.setprofile(None)
    assert pressed == [True]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
