"""A package of a test's own on ``sys.path`` that interrupts its own import, for the held-import tests.

Its ``__init__`` sends its process a SIGINT halfway through, as a Ctrl-C arriving while a plugin imports torch; the
block sets Python's own SIGINT handler, as in a script or notebook, and afterwards puts the test runner's back and
forgets every module of the package.
"""
from __future__ import annotations

import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

SELF_INTERRUPT = "import os\nimport signal\n\nos.kill(os.getpid(), signal.SIGINT)\n"


@contextmanager
def package_on_path(folder: Path, package: str) -> Iterator[None]:
    """``folder`` (holding ``package``) first on ``sys.path`` within the block, with Python's SIGINT handler."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.path.insert(0, str(folder))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.split(".")[0] == package]:
            del sys.modules[name]
