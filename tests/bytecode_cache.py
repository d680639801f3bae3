"""The tests' compiled bytecode, kept in a folder of its own where the environment says to write none beside the
sources (``PYTHONDONTWRITEBYTECODE``, set on the machine CI runs on).

The commands the tests start each compiled every nasloop module they imported again (0.5 s of CPU a search): they
get ``PYTHONPYCACHEPREFIX``, a folder of the temporary directory, so nothing is written beside the sources. Each
pytest process did the same while it collected: it rewrote the asserts of all 500-odd test modules and compiled the
nasloop modules they import, 16-19 s of CPU a collection against 9.5 s with the folder (ad hoc, load 6-7), in each
of the two workers at every run. It keeps them in the same folder, until it has collected: afterwards it compiles
afresh, as before, what it imports, so a plugin file a test rewrites within the second at the same size (Python
checks a source's whole-second time and size against its bytecode) is never run as its old self."""
from __future__ import annotations

import os
import sys
import tempfile

_AS_STARTED = sys.dont_write_bytecode, sys.pycache_prefix


def keep_bytecode_while_collecting() -> None:
    """Point this process (until it has collected) and the commands the tests start at the bytecode folder, where
    the environment forbids bytecode beside the sources; elsewhere Python's own caching goes on as it is."""
    if os.environ.pop("PYTHONDONTWRITEBYTECODE", None):
        os.environ.setdefault("PYTHONPYCACHEPREFIX", os.path.join(tempfile.gettempdir(), "nasloop-tests-pyc"))
        sys.dont_write_bytecode, sys.pycache_prefix = False, os.environ["PYTHONPYCACHEPREFIX"]


def pytest_collection_finish() -> None:
    """Collected: this process compiles what it imports afresh again, as it started (see the module's docstring)."""
    sys.dont_write_bytecode, sys.pycache_prefix = _AS_STARTED
