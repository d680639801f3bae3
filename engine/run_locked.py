"""A resume's lock on its run, and on the run its store links to.

:class:`.run_lock.RunLock` locks the folder it is given. A ``nasloop.sqlite`` that is a symlink to another run's
store was locked in the link's folder alone: a resume through the link and a resume of the run itself both wrote
the one store at once (the second failed on a KeyError, after its first evaluations). The folder the link reaches
is locked too, so the second is refused, naming the one that searches it. A link to a file in the run's own
folder (``nasloop.sqlite -> kept.sqlite``) has no other folder to lock: locked twice, the resume refused itself,
naming its own pid as the process searching the run.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator

from .run_lock import RunLock
from .store import DB_NAME


@contextlib.contextmanager
def run_locked(run_dir: str | Path) -> Iterator[None]:
    """:class:`RunLock` on ``run_dir``, and on the folder of the store its ``nasloop.sqlite`` links to."""
    store = Path(run_dir) / DB_NAME
    linked = Path(os.path.realpath(store)).parent
    elsewhere = store.is_symlink() and linked != Path(os.path.realpath(run_dir))
    with RunLock(run_dir), (RunLock(linked) if elsewhere else contextlib.nullcontext()):
        yield
