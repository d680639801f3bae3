"""A predictor study recorded before predictor studies recorded plugins says to give them, and one whose plugins are
no list is named unreadable; that it records its plugins, signed, and loads them continued without ``--plugin``, as a
search study does, is tested with the search study's in test_study_plugins_h3. Each command runs in a process of its
own, as the user's do: one process keeps a plugin it loaded, so the second would find it loaded."""
from __future__ import annotations

import json

import pytest

from nasloop.engine.errors import DataError
from nasloop.engine.predictor_study import read_grid

from .test_study_plugins_h3 import PREDICTOR_STUDY as STUDY, _nasloop, _project


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
