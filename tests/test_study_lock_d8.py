"""A second ``nasloop compare`` of a study another process is running is refused before anything else is done.

Before: it built every method's plugins first (the table, the predictors) and was refused only then: half a minute
later on a busy machine (here: a data folder without the table was named instead of the running study).
"""
from __future__ import annotations

import os

from nasloop.engine.cli import main
from nasloop.engine.run_lock import StudyLock


def _compare(study, data) -> int:
    return main(["compare", "--methods", "random", "--seeds", "1", "--budget", "5", "--data-dir", str(data),
                 "--out", str(study), "--quiet"])


def test_a_study_being_run_is_refused_before_its_methods_are_built(tmp_path, data_dir, capsys):
    study, empty = tmp_path / "study", tmp_path / "empty"
    empty.mkdir()
    assert _compare(study, data_dir) == 0
    capsys.readouterr()
    with StudyLock(study):  # as the running compare holds it
        assert _compare(study, empty) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"nasloop compare: error: the study {study} is being run by process {os.getpid()}; wait for it to finish, or "
        "stop it first (the same command then continues the study)"]
