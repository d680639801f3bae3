"""A zip archive given to ``nasloop data import`` is named as one, with the step that reads it: extract it.

The NDS data is downloaded as ``nds_data.zip`` (the README says so); given as it is, the import said only which
formats the spaces read, leaving the user to guess that the JSON files they want are inside it.
"""
from __future__ import annotations

import zipfile

import numpy as np
import pytest

from nasloop.engine.cli import main

from .messages import one_line

pytestmark = pytest.mark.usefixtures("isolated_cache")


@pytest.mark.parametrize("space", ["nds", "nds-darts", "nb201"])
def test_a_zip_archive_is_named_with_its_extraction(tmp_path, nb201_csv_path, capsys, space):
    archive = tmp_path / "nds_data.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(nb201_csv_path, f"nds_data/{nb201_csv_path.name}")
    assert main(["data", "import", "--space", space, str(archive), "--out", str(tmp_path / "out")]) == 2
    one_line(capsys.readouterr().err.strip(), archive, "is a zip archive", f"'unzip {archive}'")
    assert not (tmp_path / "out").exists()


def test_an_npz_that_is_no_table_is_not_called_an_archive_to_extract(tmp_path, capsys):
    path = tmp_path / "nb201.npz"
    np.savez(path, values=np.arange(3))
    assert main(["data", "import", "--space", "nb201", str(path), "--out", str(tmp_path / "out")]) == 2
    message = one_line(capsys.readouterr().err.strip(), path, "not a nb201 data file")
    assert "zip archive" not in message
