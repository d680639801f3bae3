"""A shipped gzip file damaged near its start is named as damaged, in one line, wherever nasloop reads it.

Damage (a bad disk block, a partial copy) a few KB into the NB201 CSV made a search call it 'not a format of the
nb201 benchmark', as if it were some other file, and damage in the HW-NAS-Bench or Suite-Zero proxy file reached
the user as an unexpected error with a traceback file.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nasloop.engine.cli import main

from .messages import one_line

pytestmark = pytest.mark.usefixtures("isolated_cache")

TABLES = {"nb201": "nasbench201_all.csv.gz", "nb101": "nasbench101_30k.json.gz"}
OPTIONAL = ["nb201_hw_metrics.csv.gz", "nb201_zc_proxies.csv.gz"]


def _damaged_copy(source: Path, folder: Path) -> Path:
    """``source`` copied into ``folder`` with 100 bytes overwritten 3 KB in: inside the first compressed block."""
    data = bytearray(source.read_bytes())
    data[3000:3100] = b"x" * 100
    folder.mkdir(exist_ok=True)
    path = folder / source.name
    path.write_bytes(bytes(data))
    return path


def _error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """The one stderr line of a command that must be refused with exit status 2."""
    assert main(argv) == 2
    return one_line(capsys.readouterr().err.strip())


@pytest.mark.parametrize("space", sorted(TABLES))
def test_a_table_damaged_near_its_start_is_called_unreadable_not_another_format(tmp_path, data_dir, capsys, space):
    path = _damaged_copy(data_dir / TABLES[space], tmp_path / "data")
    message = _error(capsys, ["search", "--space", space, "--budget", "3", "--quiet", "--data-dir", str(path.parent),
                              "--run-dir", str(tmp_path / "run")])
    one_line(message, path, "cannot read", "invalid distance")
    assert "not a format" not in message


@pytest.mark.parametrize("space", sorted(TABLES))
def test_the_import_of_a_table_damaged_near_its_start_names_the_damage(tmp_path, data_dir, capsys, space):
    path = _damaged_copy(data_dir / TABLES[space], tmp_path / "in")
    message = _error(capsys, ["data", "import", "--space", space, str(path), "--out", str(tmp_path / "out")])
    one_line(message, path, "cannot read")
    assert not (tmp_path / "out" / f"{space}.npz").exists()


@pytest.mark.parametrize("name", OPTIONAL)
def test_an_optional_nb201_file_damaged_near_its_start_is_one_line_naming_it(tmp_path, data_dir, capsys, name):
    folder = tmp_path / "data"
    _damaged_copy(data_dir / name, folder)
    shutil.copy(data_dir / TABLES["nb201"], folder)
    argv = ["search", "--space", "nb201", "--budget", "3", "--quiet", "--data-dir", str(folder),
            "--run-dir", str(tmp_path / "run")]
    if name == "nb201_zc_proxies.csv.gz":  # read where a predictor's features are the stored proxies
        argv += ["--strategy", "predictor-topk", "--predictor", "forest"]
    message = _error(capsys, argv)
    one_line(message, folder / name, "cannot read", f"get {name} again")
    assert "traceback" not in message
