"""A second ``nasloop compare --predictors`` of a predictor study another process is running is refused before its
setup, as a search study's second ``compare`` is (test_study_lock_d8).

Before: it loaded the plugins the study recorded (whatever a plugin file does as it is imported: a user's predictor
importing torch), resolved the space and its dataset and imported scipy's statistics, and only then met the lock.
Each command loads plugins as a process of its own would (the conftest's ``fresh_nasloop``).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from nasloop.engine.run_lock import StudyLock

from .test_study_plugins_h3 import TABLED

STUDY = ("compare", "--space", "h8-digits", "--predictors", "gp", "--train-sizes", "8", "--out", "pstudy", "--quiet")


def _project(tmp_path: Path) -> Path:
    """A project whose ``plug.py`` registers a space with a table and leaves ``plug.imported`` as it is imported."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(Path(__file__).parent / "digit_space.py", project / "digit_space.py")
    source = TABLED.replace("h3-", "h8-") + "\nfrom pathlib import Path\n\nPath(__file__).with_suffix('.imported')" \
                                            ".write_text('imported')\n"
    (project / "plug.py").write_text(source)
    return project


def test_a_predictor_study_being_run_is_refused_before_its_plugins_are_loaded(fresh_nasloop, tmp_path):
    project = _project(tmp_path)
    begun = fresh_nasloop(["--plugin", "plug.py", *STUDY, "--seeds", "1"], cwd=project)
    assert begun.returncode == 0, begun.stderr
    marker = project / "plug.imported"
    marker.unlink()
    with StudyLock(project / "pstudy"):  # as the running compare holds it
        refused = fresh_nasloop([*STUDY, "--seeds", "2"], cwd=project)
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        f"nasloop compare: error: the study pstudy is being run by process {os.getpid()}; wait for it to finish, or "
        "stop it first (the same command then continues the study)"]
    assert not marker.exists()  # its recorded plugin was not imported
    more = fresh_nasloop([*STUDY, "--seeds", "2"], cwd=project)  # once it is free, the same command continues it
    assert more.returncode == 0, more.stderr
    assert marker.exists()
