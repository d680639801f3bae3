"""Ctrl-C pressed twice on ``compare --jobs N``: the second lands while the workers record the first.

Before: it broke the pool's wait for its workers, so the command returned while they were still recording their
runs, and Python's exit then printed tracebacks (multiprocessing joining the workers, a worker spawned as the
parent died failing on the pool's semaphore). Now it is dropped, as a search drops one while it records the first:
the pool returns only once each worker has recorded its run."""
from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import pytest

from nasloop.engine.study_pool import run_in_pool

from .real_ctrl_c import python_ctrl_c


def _wait_for(path: Path, seconds: float = 300.0) -> None:
    """Until ``path`` exists; a test whose worker died without it fails rather than hangs the suite."""
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path.name} did not appear in {seconds:g} s")
        time.sleep(0.01)


def _records_slowly(folder: str) -> tuple[str, str]:
    """A worker's run: it starts, and once interrupted 'records' until the test releases it. It says it started
    inside the block that catches the interrupt: the test's Ctrl-C, sent once the file exists, could land before
    the block (a CI run hung on the test's thread waiting for 'stopping' from a worker it had already ended)."""
    root = Path(folder)
    try:
        (root / "started").touch()
        _wait_for(root / "never", seconds=float("inf"))
    except KeyboardInterrupt:
        (root / "stopping").touch()
        _wait_for(root / "release")
        (root / "recorded").touch()
        raise
    return folder, "finished"


def test_a_second_ctrl_c_while_the_workers_record_the_first_is_dropped(tmp_path):
    main, returned = threading.get_ident(), threading.Event()

    def user() -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # each Ctrl-C goes to the main thread
        _wait_for(tmp_path / "started")
        signal.pthread_kill(main, signal.SIGINT)
        _wait_for(tmp_path / "stopping")
        signal.pthread_kill(main, signal.SIGINT)  # the second, while the worker records the first
        returned.wait(1.0)  # the old pool returned here, leaving the worker recording
        (tmp_path / "release").touch()

    pressing = threading.Thread(target=user)
    with python_ctrl_c():
        pressing.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                list(run_in_pool(_records_slowly, [str(tmp_path)], 1))
            recorded = (tmp_path / "recorded").exists()
        finally:
            returned.set()
            pressing.join()
    assert recorded, "the pool returned before its worker recorded its run"
