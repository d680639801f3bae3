"""A new predictor study killed before its first record leaves its folder holding study.lock alone, which the next
command given the folder clears: it removed the folder too, where the user had made it before the ``compare --out``
into it. Only a folder the study made is removed now; the user's own is kept, emptied of the lock file."""
from __future__ import annotations

import os

from nasloop.engine import cli
from nasloop.engine.study_leftover import cleared_leftover

from .test_study_leftover_d10 import _killed_before_its_first_fit


def test_show_keeps_the_folder_the_user_made_before_the_study(tmp_path, data_dir, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    pid = _killed_before_its_first_fit(folder, data_dir)
    assert cli.main(["show", str(folder)]) == 2
    error = capsys.readouterr().err
    assert (f"{folder} held only study.lock, left by a new study whose command (process {pid}) was killed before "
            "its first record; removed it, and kept the folder, which was there before the study") in error, error
    assert error.count("\n") == 1, error
    assert folder.is_dir() and os.listdir(folder) == []


def test_a_lock_file_that_does_not_say_the_study_made_the_folder_keeps_it(tmp_path):
    folder = tmp_path / "older"
    folder.mkdir()
    (folder / "study.lock").write_text("4242")  # as an older nasloop wrote it (a new study writes a word after it)
    assert "process 4242" in cleared_leftover(folder)
    assert folder.is_dir() and os.listdir(folder) == []
