"""nasloop's table of one benchmark under another's file name is refused in one line naming both benchmarks.

Copied or renamed into a data folder as another benchmark's table (``nb201.npz`` saved as ``nb101.npz``), it was
read as that benchmark's: NB101, NB301 and NDS ended in an unexpected KeyError with a traceback file, and
TNB101-macro, given micro's table, ran the whole search as failed evaluations ('no class_scene result').
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nasloop.engine.cli import main

from .messages import one_line

pytestmark = pytest.mark.usefixtures("isolated_cache")

SOURCES = {"nb201": ("nb201", "nasbench201_all.csv.gz"), "tnb101-micro": ("tnb101-micro", "transnas101_val.json.gz")}
CASES = [("nb201", "nb101", "nb101"), ("nb201", "darts", "nb301"), ("tnb101-micro", "tnb101-macro", "tnb101-macro"),
         ("nb201", "nds-darts", "nds-darts")]


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> dict[str, Path]:
    """nasloop's own tables of NB201 and TNB101-micro, imported from the shipped files."""
    out = tmp_path_factory.mktemp("tables")
    for space, source in SOURCES.values():
        assert main(["data", "import", "--space", space, str(data_dir / source), "--out", str(out)]) == 0
    return {name: out / f"{name}.npz" for name in SOURCES}


def _search(space: str, folder: Path, run: Path) -> int:
    return main(["search", "--space", space, "--budget", "3", "--quiet", "--data-dir", str(folder),
                 "--run-dir", str(run)])


@pytest.mark.parametrize(("table", "space", "benchmark"), CASES)
def test_another_benchmarks_table_under_this_ones_name_is_refused(tmp_path, tables, capsys, table, space, benchmark):
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(tables[table], folder / f"{benchmark}.npz")
    assert _search(space, folder, tmp_path / "run") == 2
    one_line(capsys.readouterr().err.strip(), folder / f"{benchmark}.npz", f"table of the {table} benchmark",
             f"not of {benchmark}", "nasloop data import")
    assert not (tmp_path / "run").exists()


def test_a_benchmarks_own_table_is_read(tmp_path, tables, capsys):
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(tables["tnb101-micro"], folder)
    assert _search("tnb101-micro", folder, tmp_path / "run") == 0
    assert "error" not in capsys.readouterr().err
