"""A folder of this process's own for the code torch-geometric generates, removed with it, or by a later process.

torch-geometric renders each MessagePassing class's propagate (and GAT's edge_updater) into a new file in the temp
folder, the first time a process builds one, imports it and keeps the file: three files a process that builds
FLAN, hundreds in /tmp after a test run. Removing them once built left those of a process killed while building
(SIGKILL: the OOM killer, ``kill -9``, a scheduler's hard limit) in the temp folder for good. Here they are written
into a scratch folder (:mod:`nasloop.engine.scratch_folders`), locked while the process builds and removed after:
a killed process's is removed by the next process that builds a FLAN network on this host. Imported, a generated
module needs its file no more; the class keeps the generated code, so a later build writes nothing and leaves the
temp folder alone: pointing it elsewhere is process-wide, and a temp file another thread made meanwhile (a user's,
in a notebook) would be removed with the scratch folder, so only a process's first build opens that window.
"""
from __future__ import annotations

import contextlib
import tempfile
import threading
from typing import Iterator

from torch_geometric.nn import MessagePassing

from ..engine.scratch_folders import scratch_folder

PREFIX = "nasloop-generated-"  # <temp>/nasloop-generated-<host>.<pid>-<random letters>
_BUILDING = threading.Lock()  # the temp folder is the process's: one build at a time points it at the scratch folder


@contextlib.contextmanager
def generated_code_folder(*classes: type[MessagePassing]) -> Iterator[None]:
    """Within the block, where torch-geometric has yet to generate the code of one of ``classes``, the temp folder is
    a scratch folder of this process's own (torch-geometric names no other place for its files), removed on leaving
    it; dead processes' scratch folders are removed first. Where all of it is generated, nothing changes."""
    if all(_generated(cls) for cls in classes):
        yield
        return
    with _BUILDING, scratch_folder(PREFIX) as folder:
        previous = tempfile.tempdir
        tempfile.tempdir = str(folder)
        try:
            yield
        finally:
            tempfile.tempdir = previous


def _generated(cls: type[MessagePassing]) -> bool:
    """Whether ``cls``'s propagate is the one torch-geometric generated (it generates edge_updater with it): the
    generated module is named after the class (torch_geometric.nn.conv.MessagePassing._set_jittable_templates)."""
    return cls.propagate.__module__.startswith(f"{cls.__module__}_{cls.__name__}")
