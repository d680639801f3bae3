"""A new study's folder left behind by a ``compare`` killed before its first record, found and cleared.

A new predictor study locks its folder (``study.lock``, holding the command's pid) before its first fit, and removes
both again if it ends with no record (``run_lock.new_study_lock``). A SIGKILL runs no cleanup: the folder stayed
with the lock file alone, which ``show`` and ``report`` called a missing run ('no nasloop run at DIR (missing
nasloop.sqlite); check the run directory'), and which stayed in the user's tree. The next command given that folder
(``compare``, ``show``, ``report``, ``export``, ``--resume``) now says in one line what it found and removes it.
Only a folder holding nothing but that file, which no live process holds, is touched: a study being run holds its
lock, and a folder holding anything else is left as it is. The folder itself is removed only where the study made
it (its lock file says so: ``run_lock.MADE_FOLDER``): one the user made before the ``compare --out`` into it was
killed was removed with the lock, and is kept now (``run_lock.FOUND_FOLDER``), as is one whose lock file says nothing
of it (an older nasloop's), whose message no longer says the folder was there before the study.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

from .run_lock import FOUND_FOLDER, MADE_FOLDER, StudyLock, is_being_searched


def cleared_leftover(folder: Path) -> str:
    """Remove the lock file of ``folder`` where it holds nothing but a study's lock file that no live process holds,
    and the folder where that study made it; what was found and removed, in words for one line, or '' where the
    folder is anything else."""
    lock = folder / StudyLock.file_name
    try:
        if os.listdir(folder) != [StudyLock.file_name] or not lock.is_file() or lock.is_symlink():
            return ""
        holder, *words = lock.read_text(encoding="ascii", errors="replace").split() or [""]
    except OSError:  # no such folder, or one this user may not read: nothing to say
        return ""
    if is_being_searched(folder, StudyLock.file_name):  # a new study still before its first record
        return ""
    with contextlib.suppress(FileNotFoundError):
        lock.unlink()
    removed = "it, and kept the folder: its lock file does not say whether the study made it"  # an older nasloop's
    if words == [FOUND_FOLDER]:
        removed = "it, and kept the folder, which was there before the study"
    elif words == [MADE_FOLDER]:
        try:
            folder.rmdir()
            removed = "it and its folder"
        except OSError:  # something written in it meanwhile: kept
            removed = "the lock file"
    by = f"process {holder}" if holder.isdigit() else "a process"
    return (f"{folder} held only {StudyLock.file_name}, left by a new study whose command ({by}) was killed "
            f"before its first record; removed {removed}")
