"""A study.json (a search study's record, maybe copied from elsewhere) holding values nasloop never writes is one
line naming the file, what is wrong and the fix: a list for the whole file, a method labelled 5 or pretrained files
as a list ended in 'unexpected AttributeError'; seeds 1.5 and true were read as seed 1; a version in quotes was
said to be a newer nasloop's."""
from __future__ import annotations

import json
import shutil

import pytest

from nasloop.engine.cli import main

from .messages import one_line


@pytest.fixture(scope="module")
def made(tmp_path_factory, data_dir):
    study = tmp_path_factory.mktemp("made") / "study"
    assert main(["compare", "--space", "nb201", "--methods", "random", "--budget", "2", "--seeds", "1",
                 "--data-dir", str(data_dir), "--out", str(study), "--quiet"]) == 0
    return study


DAMAGES = {
    "whole file a list": (lambda record: [record], "it holds a list, not a study's mapping"),
    "method label a number": (lambda record: {**record, "methods": [{**record["methods"][0], "label": 5}]},
                              "does not name its label, strategy and predictor as text"),
    "pretrained files a list": (lambda record: {**record, "pretrained_files": [1]},
                                "its pretrained files are [1], not a mapping"),
    "seed 1.5": (lambda record: {**record, "seeds": [1.5]}, "its seeds include 1.5"),
    "seed true": (lambda record: {**record, "seeds": [True]}, "its seeds include True"),
    "seed -1": (lambda record: {**record, "seeds": [-1]}, "its seeds include -1"),
    "version in quotes": (lambda record: {**record, "version": "1"}, "its version is '1', not a whole number"),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_study_file_value_nasloop_never_writes_is_one_line(made, tmp_path, capsys, damage):
    study = shutil.copytree(made, tmp_path / "study")
    path = study / "study.json"
    change, said = DAMAGES[damage]
    path.write_text(json.dumps(change(json.loads(path.read_text()))))
    capsys.readouterr()
    assert main(["report", str(study)]) == 2
    one_line(capsys.readouterr().err.strip(), f"{path} is not a readable study file", said, "set the folder aside")
