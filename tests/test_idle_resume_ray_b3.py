"""A resume with nothing to do starts no executor: a finished Ray run's idle resume started Ray for no trial.

The resume built every plugin, the executor too, before it knew it had nothing to do, so ``--resume`` of a finished
Ray run started a local Ray (some 6 s, and its session folder) only to say 'nothing to do' and shut it down.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.errors import ConfigError
from nasloop.engine.search import resume

from .test_idle_resume_x import _files


@pytest.fixture
def ray_sessions(monkeypatch):
    """The folder each Ray this process starts makes its session folder in (``RAY_TMPDIR``: a short path, as Ray's
    sockets live there); no Ray session of this process is running (the executor would join it, not start one)."""
    os.environ.update(RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0", RAY_USAGE_STATS_ENABLED="0", RAY_AUTH_MODE="disabled")
    import ray

    assert not ray.is_initialized(), "a Ray session of another test is still up in this process"
    root = Path(tempfile.mkdtemp(prefix="rb3", dir=os.environ["RAY_TMPDIR"]))  # a short path: conftest keeps Ray's
    monkeypatch.setenv("RAY_TMPDIR", str(root))
    yield lambda: sorted(p.name for p in (root / "ray").glob("session_2*"))
    shutil.rmtree(root, ignore_errors=True)


def test_an_idle_resume_of_a_finished_ray_run_does_not_start_ray(ray_sessions, tmp_path, data_dir, capsys):
    """A predictor-guided run with no random start: the number of its start once stood in for whether to start the
    executor (a new run went in-process, unsaid; an idle resume started Ray)."""
    run = tmp_path / "run"
    assert main(["search", "--strategy", "bananas", "--strategy-opt", "num_init=0", "--budget", "2", "--seed", "0",
                 "--executor", "ray", "--workers", "1", "--data-dir", str(data_dir), "--run-dir", str(run),
                 "--quiet"]) == 0
    started = ray_sessions()
    assert len(started) == 1  # the search's own Ray, shut down as it ended
    capsys.readouterr()
    before = _files(tmp_path)
    assert main(["search", "--resume", str(run), "--quiet"]) == 0
    assert ray_sessions() == started
    assert capsys.readouterr().err.startswith(f"nasloop search: note: nothing to do: {run} had already finished")
    after = _files(tmp_path)
    assert not [name for name in before if after[name] != before[name]]
    with pytest.raises(ConfigError) as err:  # its options are still checked, as when Ray started
        resume(run, executor_options={"worker": 2})
    assert "executor 'ray'" in str(err.value) and "worker" in str(err.value) and "\n" not in str(err.value)
    assert ray_sessions() == started
    import ray

    assert resume(run, budget=3)["evaluations"] == 3  # a run going on starts its executor once, and closes it
    assert len(ray_sessions()) == 2 and not ray.is_initialized()
