"""Scripts, not only the command line, are refused a pipe as the file they write: the command line's parser
refused a FIFO, but export_trials and pretrain, called from Python, replaced it with a regular file."""
from __future__ import annotations

import os
import stat

import pytest

from nasloop import SearchConfig, search
from nasloop.engine.errors import NasloopError
from nasloop.engine.export import export_trials
from nasloop.engine.pretraining import pretrain
from nasloop.engine.store import RunStore


def _fifo(tmp_path, name):
    path = tmp_path / name
    os.mkfifo(path)
    return path


def test_export_trials_refuses_a_fifo_and_leaves_it(tmp_path, data_dir):
    run = tmp_path / "run"
    search(SearchConfig(space="nb201", budget=2, run_dir=str(run), data_dir=str(data_dir)))
    fifo = _fifo(tmp_path, "out.csv")
    with RunStore(run / "nasloop.sqlite") as store, pytest.raises(NasloopError, match="pipe, device or socket"):
        export_trials(store, fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_pretrain_refuses_a_fifo_before_fitting(tmp_path, data_dir):
    fifo = _fifo(tmp_path, "flan.pt")
    with pytest.raises(NasloopError, match="pipe, device or socket"):
        pretrain(["nb201"], fifo, train_size=8, data_dir=str(data_dir))
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
