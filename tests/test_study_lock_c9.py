"""Two ``nasloop compare`` of one study folder: the second is refused in one line before any work of its own.

Before: two new predictor studies started together on one folder met only at the first one's first record (the folder
and its lock were made with it), so the second fitted too, for as long as a fit takes, and only then was refused; and
a second ``compare`` of a search study being run imported the plugins the study recorded (whatever they import)
before it met the lock. A refused new predictor study still leaves nothing behind.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from nasloop.engine.errors import ConfigError
from nasloop.engine.run_lock import StudyLock

from .test_study_plugins_h3 import TABLED

WAITING = """

import os as _os
import time as _time

from nasloop.engine.registry import register_predictor
from nasloop.predictors.base import Predictor


@register_predictor("c9-waits")
class Waits(Predictor):
    \"\"\"Notes each fit's process in 'fits' and waits for the file 'go' (at most 20 s) before fitting a mean.\"\"\"

    def _fit(self, archs, y):
        with open(Path(__file__).with_name("fits"), "a") as fits:
            fits.write(f"{_os.getpid()}\\n")
        deadline = _time.monotonic() + 20
        while not Path(__file__).with_name("go").exists() and _time.monotonic() < deadline:
            _time.sleep(0.05)
        self.mean = float(np.mean(y))

    def predict(self, archs):
        return np.full(len(archs), self.mean), np.ones(len(archs))
"""
PREDICTOR_STUDY = ("compare", "--space", "c9-digits", "--predictors", "c9-waits", "--train-sizes", "8", "--seeds",
                   "1", "--out", "pstudy", "--quiet")


def _project(tmp_path: Path, extra: str = "") -> Path:
    """A folder whose ``plug.py`` registers a space with a table (and ``extra``) and leaves ``plug.imported`` as it
    is imported."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(Path(__file__).parent / "digit_space.py", project / "digit_space.py")
    marker = "\nfrom pathlib import Path\n\nPath(__file__).with_suffix('.imported').write_text('imported')\n"
    (project / "plug.py").write_text(TABLED.replace("h3-", "c9-") + marker + extra)
    return project


def _held(folder: Path) -> bool:
    try:
        StudyLock(folder).refuse_if_held()
    except ConfigError:
        return True
    return False


def test_a_new_predictor_study_being_run_is_refused_before_its_first_fit(fresh_nasloop, tmp_path):
    project = _project(tmp_path, WAITING)
    study = project / "pstudy"
    first = subprocess.Popen([sys.executable, "-m", "nasloop.engine.cli", "--plugin", "plug.py", *PREDICTOR_STUDY],
                             cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not _held(study) and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _held(study), "the first study never locked its folder before its first record"
        assert sorted(p.name for p in study.iterdir()) == ["study.lock"]  # no record yet: it waits in its fit
        second = fresh_nasloop(["--plugin", "plug.py", *PREDICTOR_STUDY], cwd=project)
        (project / "go").write_text("")
        _, errors = first.communicate(timeout=120)
    finally:
        first.kill()
        first.wait()
    assert second.returncode == 2
    assert second.stderr.splitlines() == [
        f"nasloop compare: error: the study pstudy is being run by process {first.pid}; wait for it to finish, or "
        "stop it first (the same command then continues the study)"]
    assert str(os.getpid()) not in (project / "fits").read_text().split()  # the second fitted nothing
    assert first.returncode == 0, errors
    assert (study / "predictor_records.jsonl").read_text().count("\n") == 1


def test_a_new_predictor_study_refused_in_its_setup_leaves_no_folder_nor_lock(fresh_nasloop, tmp_path):
    """It is locked as it starts, in a folder it makes, and takes both away when it comes to no record."""
    empty = tmp_path / "empty"
    empty.mkdir()
    request = ["compare", "--predictors", "gp", "--train-sizes", "8", "--seeds", "1", "--data-dir", str(empty),
               "--quiet", "--out"]
    refused = fresh_nasloop([*request, str(tmp_path / "new" / "deep" / "pstudy")], env={"XDG_CACHE_HOME": str(empty)})
    assert refused.returncode == 2 and "not found" in refused.stderr
    assert sorted(tmp_path.iterdir()) == [empty]
    given = tmp_path / "given"  # a folder the user made stays, as it was
    given.mkdir()
    assert fresh_nasloop([*request, str(given)], env={"XDG_CACHE_HOME": str(empty)}).returncode == 2
    assert given.is_dir() and list(given.iterdir()) == []


def test_a_search_study_being_run_is_refused_before_its_plugins_are_loaded(fresh_nasloop, tmp_path):
    project = _project(tmp_path)
    request = ["compare", "--space", "c9-digits", "--methods", "random", "--budget", "5", "--out", "study", "--quiet"]
    begun = fresh_nasloop(["--plugin", "plug.py", *request, "--seeds", "1"], cwd=project)
    assert begun.returncode == 0, begun.stderr
    marker = project / "plug.imported"
    marker.unlink()
    with StudyLock(project / "study"):  # as the running compare holds it
        refused = fresh_nasloop([*request, "--seeds", "2"], cwd=project)
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        f"nasloop compare: error: the study study is being run by process {os.getpid()}; wait for it to finish, or "
        "stop it first (the same command then continues the study)"]
    assert not marker.exists()  # its recorded plugin was not imported
    more = fresh_nasloop([*request, "--seeds", "2"], cwd=project)  # once it is free, the same command continues it
    assert more.returncode == 0, more.stderr
    assert marker.exists()
