"""A new search refused because its --run-dir is taken says to choose another: two new searches of different
configurations started at once into one folder, the loser was told to "stop it and continue with 'nasloop search
--resume two'", which continued the other configuration's run (a folder already holding a run: test_cli_errors)."""
from __future__ import annotations

import os

import pytest

from nasloop.engine.run_lock import RunLock

pytestmark = pytest.mark.usefixtures("isolated_cache")


def test_a_new_search_into_a_folder_being_searched_is_told_to_choose_another(tmp_path, data_dir, nasloop_in_process):
    run = tmp_path / "two"
    run.mkdir()
    with RunLock(run):  # this test process is the first search
        busy = nasloop_in_process(["search", "--strategy", "random", "--budget", "2", "--quiet", "--data-dir",
                                   str(data_dir), "--run-dir", str(run)])
    assert busy.returncode == 2 and busy.stderr.strip() == (
        f"nasloop search: error: {run} is being searched by process {os.getpid()}; give this new search another "
        "--run-dir")
    assert os.listdir(run) == ["nasloop.lock"]
