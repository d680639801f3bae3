"""A Ctrl-C reaching a ``compare --jobs N`` worker while it is still starting stops it as one arriving later does.

Before: the worker, still importing, printed a KeyboardInterrupt traceback and died; the broken pool's thread then
failed on the futures the study had cancelled (InvalidStateError): three tracebacks for one Ctrl-C."""
from __future__ import annotations

import multiprocessing
import os
import signal
from pathlib import Path
from typing import Iterator

import pytest

from nasloop.engine.study_pool import run_in_pool


def _touch(path: str) -> tuple[str, str]:
    """The run a worker was handed: it leaves a file, so the test sees whether it started."""
    Path(path).touch()
    return path, "finished"


def _interrupting_workers(marker: Path) -> Iterator[str]:
    """The job, then a Ctrl-C to the worker its submission started, which is still importing at that point."""
    yield str(marker)
    for child in multiprocessing.active_children():
        os.kill(child.pid, signal.SIGINT)


def test_a_worker_interrupted_as_it_starts_runs_nothing_and_prints_no_traceback(tmp_path, capfd):
    marker = tmp_path / "ran"
    with pytest.raises(KeyboardInterrupt):
        list(run_in_pool(_touch, _interrupting_workers(marker), 1))
    assert not marker.exists()
    assert "Traceback" not in capfd.readouterr().err
