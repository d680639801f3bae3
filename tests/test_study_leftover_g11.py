"""A study's leftover lock file of a pid alone (an older nasloop's, which wrote no word of its folder) keeps the
folder, and its message said the folder 'was there before the study', which that lock file does not say: the study
may have made it. The message now says what is known; a new study's lock says which it was (test_study_leftover_c11,
test_study_leftover_d10)."""
from __future__ import annotations

import os

from nasloop.engine import cli
from nasloop.engine.run_lock import StudyLock


def test_show_of_an_older_nasloops_leftover_does_not_say_the_folder_was_there_before(tmp_path, capsys):
    folder = tmp_path / "X"
    folder.mkdir()
    (folder / "study.lock").write_text("4242\n")  # as `echo 4242 > X/study.lock`
    assert cli.main(["show", str(folder)]) == 2
    error = capsys.readouterr().err
    assert (f"{folder} held only study.lock, left by a new study whose command (process 4242) was killed before its "
            "first record; removed it, and kept the folder: its lock file does not say whether the study made it"
            ) in error, error
    assert "was there before" not in error and error.count("\n") == 1, error
    assert folder.is_dir() and os.listdir(folder) == []


def test_a_new_studys_lock_says_whether_it_made_its_folder(tmp_path):
    """Both words, so that a pid alone is an older nasloop's (or a lock of no new study's) and said to be unknown."""
    for made, word in ((True, "made-its-folder"), (False, "found-its-folder"), (None, "")):
        with StudyLock(tmp_path, made=made) as lock:
            assert lock.path.read_text().split()[1:] == ([word] if word else [])
