"""A PyTorch save file (a pretrained FLAN) where a nasloop table is read is named as what it is, with where it goes
and where the table comes from: it was called "not a readable nasloop table" to "re-create with 'nasloop data
import'", as if it were a damaged table."""
from __future__ import annotations

import shutil

import pytest

from nasloop.engine.cli import main
from nasloop.engine.data.table import Table
from nasloop.engine.errors import DataError

pytestmark = pytest.mark.usefixtures("isolated_cache")


def _said(path) -> str:
    return (f"{path} is a PyTorch save file, not benchmark data: a FLAN predictor written by 'nasloop predictors "
            "pretrain' is one, which a search takes as --predictor-opt pretrained=FILE; the table in its place comes "
            "from 'nasloop data import'")


def test_loading_a_pretrained_file_as_a_table_names_it(tmp_path, pretrained):
    path = tmp_path / "nb201.npz"
    shutil.copy(pretrained, path)
    with pytest.raises(DataError) as refused:
        Table.load(path)
    assert str(refused.value) == _said(path)


def test_a_search_reading_it_as_its_table_names_it(tmp_path, pretrained, capsys):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(pretrained, data / "nb201.npz")
    assert main(["search", "--space", "nb201", "--budget", "3", "--data-dir", str(data), "--run-dir",
                 str(tmp_path / "run"), "--quiet"]) == 2
    assert capsys.readouterr().err == f"nasloop search: error: {_said(data / 'nb201.npz')}\n"
    assert not (tmp_path / "run").exists()
