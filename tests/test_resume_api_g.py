"""The Python API's resume() takes what ``nasloop search --resume`` takes.

Before: ``resume(run, budget=3, tensorboard='tb')`` with the run's own TensorBoard folder was refused as "a field of
the run's configuration", while ``--resume DIR --tensorboard SAMEDIR`` was accepted."""
from __future__ import annotations

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError
from nasloop.engine.search import resume, search


def test_resume_takes_the_tensorboard_folder_the_run_logs_to(tmp_path, data_dir, monkeypatch):
    monkeypatch.chdir(tmp_path)
    search(SearchConfig(strategy="random", budget=2, data_dir=str(data_dir), run_dir="run", tensorboard="tb"))
    assert resume("run", budget=3, tensorboard="./tb")["evaluations"] == 3
    assert resume("run", budget=4, tensorboard=tmp_path / "tb")["evaluations"] == 4
    with pytest.raises(ConfigError) as info:
        resume("run", budget=5, tensorboard="other")
    assert str(info.value) == (f"tensorboard='other': run logs to {tmp_path / 'tb'}, where it began, and a resumed run "
                               "keeps that folder (another would hold none of its earlier steps); drop tensorboard or "
                               f"give {tmp_path / 'tb'}")


def test_resume_refuses_a_tensorboard_folder_for_a_run_started_without_one(tmp_path, data_dir, monkeypatch):
    monkeypatch.chdir(tmp_path)
    search(SearchConfig(strategy="random", budget=2, data_dir=str(data_dir), run_dir="run"))
    with pytest.raises(ConfigError, match=r"^tensorboard='tb': run was started without tensorboard, and a resumed "
                                          "run keeps its configuration; drop tensorboard, or start a new run"):
        resume("run", budget=3, tensorboard="tb")
    assert resume("run", budget=3)["evaluations"] == 3  # refused before anything changed
