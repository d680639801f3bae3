"""A named pipe in place of a study's own file (a folder unpacked from an archive can hold one) is a damaged file.

``nasloop report`` and a continuing ``compare`` read ``study.json``, ``predictor_study.json`` and the predictor
records back from the folder; opened to be read, a named pipe waits for a writer, so they hung without a word.
"""
from __future__ import annotations

import os

import pytest

from nasloop.engine.cli import main
from nasloop.engine.errors import DataError
from nasloop.engine.predictor_study import RECORDS_FILE, read_records

from .messages import one_line
from .test_user_file_pipes_o import _writer_comes_and_goes


@pytest.mark.parametrize("name, kind", [("study.json", "study file"),
                                        ("predictor_study.json", "predictor study file")])
def test_report_refuses_a_named_pipe_for_a_study_file(tmp_path, capsys, name, kind):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    with _writer_comes_and_goes(fifo):
        assert main(["report", str(tmp_path)]) == 2
    err = one_line(capsys.readouterr().err.strip())
    assert f"{fifo} is not a readable {kind} (ValueError: it is a named pipe, not a file)" in err


def test_predictor_records_that_are_a_named_pipe_are_refused(tmp_path):
    fifo = tmp_path / RECORDS_FILE
    os.mkfifo(fifo)
    grid = {"space": "nb201", "dataset": "cifar10", "metric": "val_accuracy", "fidelity": None}
    with _writer_comes_and_goes(fifo), pytest.raises(DataError) as caught:
        read_records(tmp_path, grid)
    assert str(caught.value) == (f"{fifo} is a named pipe, not a file; set the folder aside and run the command "
                                 "again")
