"""Two data-import places said as they are: a gzip file holding nothing is empty, and an --out inside a folder that
cannot be searched names that folder's permission.

A gzip file that decompresses to nothing was 'not a nb201 data file' on import and 'not a format of the nb201
benchmark' in a search, where a 0-byte file is said to be empty. An --out whose parent folder cannot be searched
was let through the folder check, and the whole import parsed, to end in the save's 'cannot write the table ...
(Permission denied)'. Root passes every permission check, so that command runs under setpriv without the
capabilities that let it (as tests/test_unreadable_data_f6.py does).
"""
from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from nasloop.engine import cli

from .test_unreadable_data_f6 import _as_a_user


def test_a_gzip_file_of_nothing_is_said_to_be_empty(tmp_path, capsys, isolated_cache):
    empty = tmp_path / "nasbench201_all.csv.gz"
    empty.write_bytes(gzip.compress(b""))
    said = f"{empty} is empty: gzip that decompresses to nothing (a download or copy cut short?); get the file again"
    for command, args in (("data import", ["data", "import", "--space", "nb201", str(empty), "--out",
                                           str(tmp_path / "out")]),
                          ("search", ["search", "--space", "nb201", "--budget", "2", "--data-dir", str(tmp_path),
                                      "--run-dir", str(tmp_path / "run")])):
        assert cli.main(args) == 2
        assert capsys.readouterr().err.strip() == f"nasloop {command}: error: {said}"


@pytest.fixture
def closed(tmp_path: Path) -> Path:
    """A folder no one may search (read and write, but no x)."""
    folder = tmp_path / "closed"
    folder.mkdir()
    folder.chmod(0o600)
    yield folder
    folder.chmod(0o755)


def test_an_out_in_a_folder_that_cannot_be_searched_names_it(tmp_path, closed, nb201_csv_path):
    outs = [closed / "data", closed]
    lines = _as_a_user([["data", "import", "--space", "nb201", str(nb201_csv_path), "--out", str(out)]
                        for out in outs], tmp_path)
    assert lines == [line for out in outs for line in (
        f"nasloop data import: error: --out {out} cannot be written: your user may not search or write in the folder "
        f"{closed} (permission denied); give it search and write permission (chmod u+wx {closed}, where it is "
        "yours), or give another --out", "status 2")], lines
