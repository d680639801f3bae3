"""A PyTorch save file (a pretrained FLAN) given as benchmark data is named as what it is.

``torch.save`` writes a zip, so the import called it an archive to extract, and its extracted ``data.pkl`` was
then refused as a pickle to re-save with plain types; under a table's name a search called it an unreadable
nasloop table missing '__meta__', or a file to replace with no word of what it is.
"""
from __future__ import annotations

import shutil
import zipfile

import pytest

from nasloop.engine.cli import main

from .messages import one_line

pytestmark = pytest.mark.usefixtures("isolated_cache")

WHAT = "PyTorch save file"


@pytest.mark.parametrize("name", ["flan.pt", "nb201.npz"])
def test_importing_a_pretrained_file_names_it(tmp_path, pretrained, capsys, name):
    path = tmp_path / name
    shutil.copy(pretrained, path)
    assert main(["data", "import", "--space", "nb201", str(path), "--out", str(tmp_path / "out")]) == 2
    message = one_line(capsys.readouterr().err.strip(), path, WHAT, "--predictor-opt pretrained=FILE")
    assert "unzip" not in message


def test_its_extracted_pickle_is_named_as_part_of_one(tmp_path, pretrained, capsys):
    with zipfile.ZipFile(pretrained) as archive:
        member = next(name for name in archive.namelist() if name.endswith("/data.pkl"))
        archive.extract(member, tmp_path)
    path = tmp_path / member
    assert main(["data", "import", "--space", "nb201", str(path), "--out", str(tmp_path / "out")]) == 2
    message = one_line(capsys.readouterr().err.strip(), path, WHAT)
    assert "re-save" not in message


@pytest.mark.parametrize("table", ["nb201.npz", "nasbench201_all.csv.gz"])
def test_a_search_names_it_under_a_tables_name(tmp_path, pretrained, capsys, table):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(pretrained, data / table)
    assert main(["search", "--space", "nb201", "--budget", "3", "--data-dir", str(data),
                 "--run-dir", str(tmp_path / "run")]) == 2
    message = one_line(capsys.readouterr().err.strip(), data / table, WHAT)
    assert "__meta__" not in message
