"""Writing a trial's checkpoint, where a write that fails is the machine's failure, not the architecture's.

A checkpoint folder that cannot be written (``checkpoints`` a file, a folder without write permission, a read-only
file system) or a disk that fills up fails every trial alike. Raised as the OSError it is, each trial was stored
as a failed evaluation of its architecture ("NotADirectoryError: ...") after training its first epoch, the search
went on to fail the next ones the same way, and the run ended "failed: all N evaluations failed" with the
architectures it had proposed lost to a resume. It now stops the search in one line (a nasloop error: see
:func:`..evaluators.base.crashed`), the trial left to run again once the folder can be written.
"""
from __future__ import annotations

import errno
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..errors import DataError
from ..replaced_files import replaced_by_this_process
from ..held_imports import imported

if TYPE_CHECKING:  # imported where a network is first made: a module that names this one loads no torch
    from torch import nn

CHECKPOINT = "last.pt"
CHECKPOINTS = "checkpoints"
"""The folder of a run's folder that holds its trials' checkpoints, one folder a trial."""
OLDER_PARTIALS = re.escape(f".{CHECKPOINT}.") + r"\d+\.tmp"
"""The partial checkpoints nasloop wrote before their names held a host, removed as dead ones are."""
FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
"""What a write fails with where no room is left: the disk, the user's quota, the largest file allowed."""


class UnwritableCheckpoint(DataError):
    """A trial's checkpoint could not be written: every trial would fail alike, so the search stops."""


def write_checkpoint(path: Path, state: dict[str, Any]) -> None:
    """Write ``state`` to ``path`` whole or not at all (a partial file of this process's own, renamed into place).

    torch.save given the file's name writes it in C++, whose failed write (a full disk) raised RuntimeError
    ("[enforce fail at inline_container.cc] unexpected pos ..."), which said nothing of the disk and failed the trial
    as its architecture's; written through Python's file (:class:`TorchFile`), the OSError that names the cause is
    raised. Streamed, not serialised into memory first, which held a second copy of the weights and momentum in RAM
    (112 MB more for a 100 MB state)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Its own partial file keeps two writers of one trial (a timed-out attempt not yet killed, beside its
        # retry) off each other's: neither renames nor removes the other's half-written one. Those that writers
        # killed by ray.kill in mid-save left (no handler of theirs ran) are removed.
        with replaced_by_this_process(path, "tmp", OLDER_PARTIALS) as partial:
            with partial.open("wb") as handle:
                TorchFile(handle).save(state)
    except OSError as exc:
        raise UnwritableCheckpoint(unwritable(path, exc)) from None


class TorchFile:
    """A file torch.save writes to, keeping the first OSError its writes raised: torch swallows some (a write cut
    short inside a record) and then fails as RuntimeError on the offset it expected."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.error: OSError | None = None

    def write(self, data: bytes) -> int:
        try:
            return self.handle.write(data)
        except OSError as exc:
            self.error = self.error or exc
            raise

    def flush(self) -> None:
        self.handle.flush()

    def save(self, state: dict[str, Any]) -> None:
        """torch.save ``state`` here; the OSError a write raised, whatever torch made of it."""
        torch = imported("torch")
        try:
            torch.save(state, self)
        except Exception:
            if self.error is None:
                raise
            raise self.error from None


def unwritable(path: Path, exc: OSError) -> str:
    """One line for a checkpoint ``path`` that could not be written, naming the cause and the folder to mend: the
    nearest of its folders that exists (a ``checkpoints`` that is a file, a folder without write permission)."""
    if exc.errno in FULL:
        return f"cannot write checkpoint {path}: {exc.strerror or exc}; free space on the disk of {path.parent}"
    folder = path.parent
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return f"cannot write checkpoint {path}: {exc.strerror or exc}; make {folder} a folder you can write"


def check_checkpoint_folder(run_dir: str | os.PathLike | None) -> None:
    """Refuse, before the first trial, a run folder whose ``checkpoints`` cannot be written (a file, a folder without
    write permission, a read-only file system), in the words a failed write uses: it was found only once the first
    trial had trained its first epoch. A run folder not made yet is the search's to make (and prove writable); a
    full disk shows only in a write."""
    if not run_dir or not Path(run_dir).is_dir():
        return
    root = Path(run_dir) / CHECKPOINTS
    folder = root if root.exists() else root.parent
    if not folder.is_dir():
        problem = errno.ENOTDIR
    elif os.statvfs(folder).f_flag & os.ST_RDONLY:
        problem = errno.EROFS
    elif not os.access(folder, os.W_OK | os.X_OK):
        problem = errno.EACCES
    else:
        return
    raise UnwritableCheckpoint(f"cannot write checkpoints in {root}: {os.strerror(problem)}; make {folder} a folder "
                               "you can write")


def refuse_other_networks(path: Path, model: nn.Module, weights: Any) -> None:
    """One line naming what differs when a checkpoint holds another network's weights (the same architecture
    trained at another size, NB201's ``channels=8`` against ``channels=16``): torch's size mismatch was reported as
    a checkpoint "unreadable (RuntimeError: Error(s) in loading state_dict for Sequential:)"."""
    torch = imported("torch")
    if not isinstance(weights, dict) or not all(isinstance(w, torch.Tensor) for w in weights.values()):
        return  # not weights at all: unreadable, as the caller says
    own = model.state_dict()
    differs = next((key for key in own if key in weights and weights[key].shape != own[key].shape), None)
    if differs is None and own.keys() == weights.keys():
        return
    if differs is not None:
        what = (f"its {differs} is {'x'.join(map(str, weights[differs].shape))}, this network's "
                f"{'x'.join(map(str, own[differs].shape))}")
    else:
        what = f"it has {len(weights)} weight tensors, this network {len(own)}"
    count = sum(w.numel() for w in weights.values() if w.is_floating_point())
    mine = sum(w.numel() for w in own.values() if w.is_floating_point())
    raise DataError(f"checkpoint {path} holds another network ({count:,} stored values, this one {mine:,}; {what}): "
                    "it was trained at another size or for another architecture (other space options, e.g. NB201's "
                    "channels or cells); give the options it was trained with, or delete it or use another run "
                    "directory")
