"""A lock file removed by its holder while held (a new study's, which leaves nothing behind when it fails): a writer
that had opened it and waited then locked a file no path named, while a third could create and lock a new one, two
studies in one folder. Where a directory's lock comes first that cannot happen; a file system that locks no
directory keeps the file's lock alone, which the holder here stands for (it holds the file's lock, not the folder's).
The waiting writer now locks the file the path names."""
from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

from nasloop.engine.run_lock import StudyLock


def _opened_by_others(path: Path, own: int) -> bool:
    """Whether a descriptor of this process other than ``own`` has ``path`` open."""
    inode = path.stat().st_ino
    for fd in (int(name) for name in os.listdir("/proc/self/fd")):
        try:
            if fd != own and os.fstat(fd).st_ino == inode:
                return True
        except OSError:  # the listing's own descriptor, closed since
            continue
    return False


def test_a_writer_waiting_on_a_removed_lock_file_locks_the_one_now_there(tmp_path: Path) -> None:
    lock_file = tmp_path / StudyLock.file_name
    first = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(first, fcntl.LOCK_EX)
    entered: list[StudyLock] = []
    second = threading.Thread(target=lambda: entered.append(StudyLock(tmp_path).__enter__()))
    second.start()
    while second.is_alive() and not _opened_by_others(lock_file, first):
        pass  # the second writer has the file open, and retries its lock
    lock_file.unlink()  # the first removes it as it finishes, then lets it go
    lock_file.write_bytes(b"")  # a third's new lock file
    os.close(first)
    second.join(10)
    assert entered, "the second writer was refused"
    named = os.open(lock_file, os.O_RDONLY)
    try:  # the file the path names is the second's, so a third is refused
        try:
            fcntl.flock(named, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held = False
        except BlockingIOError:
            held = True
        assert held, "the second writer holds a lock file no path names"
    finally:
        os.close(named)
        entered[0].__exit__()
