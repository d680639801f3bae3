"""Every refusal of a user's file that is not a file names what it is, in the same words.

``--plugin``, ``data import`` and ``pretrained=`` said "is not a regular file (a pipe or a device)" where
``--config`` says "is a named pipe, not a file"; a link to nothing given as ``pretrained=`` was said not to exist.
None of them opens what it refuses: a named pipe no one writes to would wait forever.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from nasloop.engine import cli

from .messages import one_line


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "thing.py"
    os.mkfifo(path)
    return path


def _refusal(capsys, argv: list[str]) -> str:
    assert cli.main(argv) == 2
    return one_line(capsys.readouterr().err.strip())


def test_a_named_pipe_is_named_as_one_wherever_a_file_is_read(fifo, tmp_path, data_dir, capsys):
    assert one_line(_refusal(capsys, ["--plugin", str(fifo), "spaces"]),
                    f"plugin file {fifo} is a named pipe, not a file; give the path of a .py file")
    assert one_line(_refusal(capsys, ["data", "import", "--space", "nb201", str(fifo), "--out", str(tmp_path)]),
                    f"{fifo} is a named pipe, not a file; give the path of a nb201 data file")
    assert one_line(_refusal(capsys, ["predictors", "evaluate", "--predictor", "flan", "--predictor-opt",
                                      f"pretrained={fifo}", "--train-sizes", "8", "--seeds", "1", "--data-dir",
                                      str(data_dir)]),
                    f"pretrained file {fifo} is a named pipe, not a file; give the file")


def test_a_link_to_nothing_is_named_as_one(tmp_path, data_dir, capsys):
    link = tmp_path / "flan.pt"
    link.symlink_to(tmp_path / "gone.pt")
    assert one_line(_refusal(capsys, ["predictors", "evaluate", "--predictor", "flan", "--predictor-opt",
                                      f"pretrained={link}", "--train-sizes", "8", "--seeds", "1", "--data-dir",
                                      str(data_dir)]),
                    f"pretrained file {link} is a link to nothing or to itself")
    plugin = tmp_path / "mine.py"
    plugin.symlink_to(plugin)
    assert one_line(_refusal(capsys, ["--plugin", str(plugin), "spaces"]),
                    f"plugin file {plugin} is a link to nothing or to itself; give the path of a .py file")
