"""A Ctrl-C that arrives while nasloop imports a library is raised once the import is done, not inside it.

nasloop imports its heavy libraries on first use (torch_geometric with FLAN's module, botorch at a GP's first fit:
seconds each). A KeyboardInterrupt raised inside such an import, a notebook's interrupt early in a search, leaves the
submodules imported so far in ``sys.modules`` without their package: every later search of the process then failed
in ``AttributeError: partially initialized module 'torch_geometric' has no attribute 'typing'``, and a resume in the
same process was impossible until a restart (dropping those submodules does not mend it: torch's own, imported on
the way, register their operators once per process). Held, the interrupt costs the seconds the import has left; a
second Ctrl-C is raised at once, as the user insists.

Package code (engine, strategies, predictors, search spaces) imports a heavy library where it uses it through
:func:`imported` alone, never a plain ``import`` inside a function; the benchmarks' scripts keep plain local imports,
since a script is the process's own program, stopped whole by a Ctrl-C, and no library code a later search reuses.
"""
from __future__ import annotations

import importlib
import signal
import sys
import threading
from contextlib import contextmanager
from types import FrameType, ModuleType
from typing import Iterator


@contextmanager
def interrupt_held() -> Iterator[None]:
    """Hold a SIGINT during the block and raise it as KeyboardInterrupt after it, also where the block raised (its
    error then the interrupt's ``__context__``). Only where Python's own handler is set, on the main thread: a
    handler of the caller's (a command's own) is left to do what it does."""
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield
        return
    held: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        if held:  # Python's handler back first: raised as the block's end put it back, the holding one stayed for good
            signal.signal(signal.SIGINT, signal.default_int_handler)
            raise KeyboardInterrupt
        held.append(signum)

    signal.signal(signal.SIGINT, hold)
    try:
        yield
    except BaseException as exc:  # a held Ctrl-C still stops the caller where the import then failed: the user
        if held and not isinstance(exc, KeyboardInterrupt):  # asked to stop, and the failure (a library missing)
            raise KeyboardInterrupt  # stays the interrupt's context; raised alone, the Ctrl-C was dropped
        raise
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if held:
        raise KeyboardInterrupt


def imported(name: str) -> ModuleType:
    """The module ``name``, imported on its first use with a Ctrl-C held (waiting, as ``import`` does, for another
    thread's import of it to end), else a look-up in ``sys.modules``: code that needs torch or scipy.stats imports
    it where it uses it, so that a listing or a refusal of bad input, which loads the module defining that code,
    does not wait seconds for libraries it never calls."""
    module = sys.modules.get(name)
    # one another thread is importing is in sys.modules half-initialised: the import waits for it, as a plain one does
    if module is None or getattr(getattr(module, "__spec__", None), "_initializing", False):
        with interrupt_held():
            module = importlib.import_module(name)
    return module
