"""A ``compare`` loads the plugins a study recorded only where it continues that study, and never a recorded file
that a file of the same name given now replaces: a fixed copy of the plugin, given while the old file was still
there, loaded both ('registered twice'); a study whose plugin file is gone, or another user's, refused every
compare into its folder, ``--force-new`` (which sets it aside) included. Each command runs in a process of its
own, as the user's do: one process keeps a plugin it loaded."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from .test_study_plugins_h3 import COMPARE, _nasloop, _project


def _fixed_copy(project: Path) -> Path:
    """``fixed/plug.py``: the project's plugin copied (with the module it imports) under the same file name."""
    fixed = project / "fixed"
    fixed.mkdir()
    for name in ("plug.py", "digit_space.py"):
        shutil.copy(project / name, fixed / name)
    return fixed / "plug.py"


def test_a_fixed_copy_of_the_plugin_continues_the_study_in_place_of_the_recorded_file(fresh_nasloop, tmp_path):
    project = _project(tmp_path)
    begun = _nasloop(fresh_nasloop, project, "--plugin", "plug.py", *COMPARE, "--seeds", "1")
    assert begun.returncode == 0, begun.stderr
    copy = _fixed_copy(project)
    more = _nasloop(fresh_nasloop, project, "--plugin", "fixed/plug.py", *COMPARE, "--seeds", "2")
    assert more.returncode == 0, more.stderr
    assert "registered twice" not in more.stderr
    assert json.loads((project / "study" / "study.json").read_text())["plugins"] == [str(copy.resolve())]
    assert len(list((project / "study" / "runs").glob("*/seed-1/nasloop.sqlite"))) == 2


def test_a_fixed_copy_of_the_plugin_resumes_a_run_in_place_of_the_recorded_file(fresh_nasloop, tmp_path):
    project = _project(tmp_path)
    run = ("search", "--space", "h3-digits", "--strategy", "h3-random", "--run-dir", "run", "--quiet")
    assert _nasloop(fresh_nasloop, project, "--plugin", "plug.py", *run, "--budget", "4").returncode == 0
    _fixed_copy(project)
    resumed = _nasloop(fresh_nasloop, project, "--plugin", "fixed/plug.py", "search", "--resume", "run", "--budget",
                       "6", "--quiet")
    assert resumed.returncode == 0, resumed.stderr


def _nb201(data_dir: Path) -> tuple[str, ...]:
    """A compare of another grid into the same folder, on a built-in space: it needs no plugin."""
    return ("compare", "--space", "nb201", "--data-dir", str(data_dir), "--methods", "random", "--budget", "4",
            "--seeds", "1", "--out", "study", "--quiet")


def test_a_study_whose_plugin_file_is_gone_is_refused_for_its_grid_and_set_aside(fresh_nasloop, tmp_path, data_dir):
    project = _project(tmp_path)
    assert _nasloop(fresh_nasloop, project, "--plugin", "plug.py", *COMPARE, "--seeds", "1").returncode == 0
    (project / "plug.py").unlink()
    refused = _nasloop(fresh_nasloop, project, *_nb201(data_dir))
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
    assert "holds a study with space = 'h3-digits'" in refused.stderr and "--force-new" in refused.stderr
    assert "no longer exists" not in refused.stderr
    aside = _nasloop(fresh_nasloop, project, *_nb201(data_dir), "--force-new")
    assert aside.returncode == 0, aside.stderr
    assert "is set aside as" in aside.stderr and "no longer exists" not in aside.stderr
    assert json.loads((project / "study" / "study.json").read_text())["plugins"] == []


def test_another_users_study_of_a_plugin_is_set_aside_without_its_plugin(fresh_nasloop, tmp_path, data_dir):
    project = _project(tmp_path)
    assert _nasloop(fresh_nasloop, project, "--plugin", "plug.py", *COMPARE, "--seeds", "1").returncode == 0
    aside = _nasloop(fresh_nasloop, project, *_nb201(data_dir), "--force-new", config_home=tmp_path / "other-user")
    assert aside.returncode == 0, aside.stderr
    assert "is set aside as" in aside.stderr


def test_a_continued_study_whose_plugin_file_is_gone_still_says_to_give_it(fresh_nasloop, tmp_path):
    project = _project(tmp_path)
    assert _nasloop(fresh_nasloop, project, "--plugin", "plug.py", *COMPARE, "--seeds", "1").returncode == 0
    (project / "plug.py").unlink()
    refused = _nasloop(fresh_nasloop, project, *COMPARE, "--seeds", "2", "--force-new")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
    assert "plug.py, which no longer exists" in refused.stderr and "to continue the study" in refused.stderr
