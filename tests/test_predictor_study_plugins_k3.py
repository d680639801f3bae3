"""A predictor study records its plugins, signed, as a search study does, and continued without ``--plugin`` loads
them: it said 'unknown search space', told to give the plugin again. Another user's study, or one recorded before
predictor studies recorded plugins, still says to give them. Each command runs in a process of its own, as the
user's do: one process keeps a plugin it loaded, so the second would find it loaded."""
from __future__ import annotations

import json

import pytest

from nasloop.engine.errors import DataError
from nasloop.engine.predictor_study import read_grid

from .test_study_plugins_h3 import _nasloop, _project

STUDY = ("compare", "--space", "h3-digits", "--predictors", "gp", "--train-sizes", "8", "--out", "pstudy", "--quiet")


def test_a_predictor_study_continued_without_its_plugin_loads_the_plugins_it_recorded(fresh_nasloop, tmp_path):
    project = _project(tmp_path)
    begun = _nasloop(fresh_nasloop, project, "--plugin", "plug.py", *STUDY, "--seeds", "1")
    assert begun.returncode == 0, begun.stderr
    more = _nasloop(fresh_nasloop, project, *STUDY, "--seeds", "2")
    assert more.returncode == 0, more.stderr
    grid = json.loads((project / "pstudy" / "predictor_study.json").read_text())
    assert grid["plugins"] == [str(project / "plug.py")] and grid["plugins_signature"]  # for the next continuation
    assert [r["seeds"] for r in grid["requests"]] == [[0], [0, 1]]
    records = (project / "pstudy" / "predictor_records.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["seed"] for line in records) == [0, 1]


def test_another_users_predictor_study_continued_without_its_plugin_says_to_give_it(fresh_nasloop, tmp_path):
    project = _project(tmp_path)
    assert _nasloop(fresh_nasloop, project, "--plugin", "plug.py", *STUDY, "--seeds", "1").returncode == 0
    other = tmp_path / "other-user"
    refused = _nasloop(fresh_nasloop, project, *STUDY, "--seeds", "2", config_home=other)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
    assert f"names the plugins {project / 'plug.py'}" in refused.stderr and "--plugin FILE" in refused.stderr
    given = _nasloop(fresh_nasloop, project, "--plugin", "plug.py", *STUDY, "--seeds", "2", config_home=other)
    assert given.returncode == 0, given.stderr
    again = _nasloop(fresh_nasloop, project, *STUDY, "--seeds", "3", config_home=other)  # signed anew, as theirs
    assert again.returncode == 0, again.stderr


def test_a_predictor_study_recorded_before_its_plugins_were_says_to_give_them(fresh_nasloop, tmp_path):
    """Not refused as a study of CIFAR-10, the dataset its unknown space was read as."""
    project = _project(tmp_path)
    assert _nasloop(fresh_nasloop, project, "--plugin", "plug.py", *STUDY, "--seeds", "1").returncode == 0
    path = project / "pstudy" / "predictor_study.json"
    grid = json.loads(path.read_text())
    path.write_text(json.dumps({k: v for k, v in grid.items() if k not in ("plugins", "workdir", "plugins_signature")}))
    refused = _nasloop(fresh_nasloop, project, *STUDY, "--seeds", "2")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
    assert ("unknown search space 'h3-digits': pstudy holds a predictor study, which does not record its plugins; "
            "give the plugin that registers the space again: nasloop --plugin FILE compare") in refused.stderr
    assert "cifar10" not in refused.stderr


def test_a_predictor_study_whose_plugins_are_no_list_is_named_unreadable(tmp_path):
    """A hand-edited 'plugins': 'plug.py' was read letter by letter: refused as the study file's damage, which
    --force-new sets aside."""
    (tmp_path / "predictor_study.json").write_text(json.dumps({"space": "nb201", "dataset": "cifar10",
                                                                "plugins": "plug.py"}))
    with pytest.raises(DataError, match=r"predictor_study.json is not a readable predictor study file \(ValueError: "
                                        r"its plugins are 'plug.py', not a list of plugin files or modules\)"):
        read_grid(tmp_path)
