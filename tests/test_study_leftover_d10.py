"""A new predictor study killed with SIGKILL before its first fit left its folder holding study.lock alone, which
``show`` called a missing run ('check the run directory') and which stayed in the user's tree. The next command given
the folder says in one line what it found and removes it; a folder a live study holds, or holding anything else, is
left as it is."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from nasloop.engine import cli
from nasloop.engine.run_lock import StudyLock
from nasloop.engine.study_leftover import cleared_leftover


def _killed_before_its_first_fit(folder: Path, data_dir: Path) -> str:
    """A new predictor study into ``folder`` killed with SIGKILL once it holds its lock; the killed command's pid."""
    env = {**os.environ, "PYTHONPATH": str(Path(cli.__file__).parents[2])}
    argv = [sys.executable, "-m", "nasloop.engine.cli", "compare", "--predictors", "mlp", "--train-sizes", "20",
            "--seeds", "1", "--out", str(folder), "--data-dir", str(data_dir), "--quiet"]
    with subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as study:
        deadline = time.monotonic() + 120
        while not (folder / "study.lock").is_file() or not (folder / "study.lock").read_text():
            assert study.poll() is None, study.stderr.read()
            assert time.monotonic() < deadline, "the study took no lock within 120 s"
            time.sleep(0.01)
        study.send_signal(signal.SIGKILL)
        study.wait()
    assert sorted(os.listdir(folder)) == ["study.lock"]  # killed before its first record, as a user met it
    return str(study.pid)


def test_show_of_the_folder_says_what_it_found_and_removes_it(tmp_path, data_dir, capsys):
    folder = tmp_path / "study"
    pid = _killed_before_its_first_fit(folder, data_dir)
    assert cli.main(["show", str(folder)]) == 2
    error = capsys.readouterr().err
    assert (f"{folder} held only study.lock, left by a new study whose command (process {pid}) was killed before "
            "its first record; removed it and its folder: it held no run or study") in error, error
    assert error.count("\n") == 1, error
    assert not folder.exists()


def test_compare_into_the_folder_says_what_it_found_and_runs_the_study_there(tmp_path, data_dir, capsys):
    folder = tmp_path / "study"
    pid = _killed_before_its_first_fit(folder, data_dir)
    assert cli.main(["compare", "--predictors", "random", "--train-sizes", "8", "--seeds", "1", "--out", str(folder),
                     "--data-dir", str(data_dir), "--quiet"]) == 0
    error = capsys.readouterr().err
    assert f"note: {folder} held only study.lock, left by a new study whose command (process {pid}) was" in error
    assert (folder / "predictor_study.json").is_file() and (folder / "predictor_records.jsonl").is_file()


def test_a_folder_a_live_study_holds_or_holding_more_is_left_as_it_is(tmp_path):
    folder = tmp_path / "study"
    folder.mkdir()
    with StudyLock(folder):  # a new study still before its first record
        assert cleared_leftover(folder) == ""
        assert (folder / "study.lock").is_file()
    (folder / "notes.txt").write_text("mine")
    assert cleared_leftover(folder) == ""
    assert sorted(os.listdir(folder)) == ["notes.txt", "study.lock"]
    assert cleared_leftover(tmp_path / "absent") == ""
