"""nasloop's own table, or a file a benchmark reads as it is, under another benchmark's name is named with the file
name it is read under.

``nb201.npz`` (``nasloop data import --space nb201``) copied into a data folder as ``nasbench101_30k.json.gz`` was
refused as 'nasloop's table of the nb201 benchmark, not of nb101' ('a nasloop nb201 table, data of the nb201
benchmark' where a reader judged it) with no word of ``nb201.npz``, the name nb201 reads it under, as public files
are named with theirs. And a file one benchmark reads as it is was named 'read nowhere' where an earlier benchmark
(by name) knew it only as a public file it does not read: the benchmark reading it now wins.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.data.importing import not_this_benchmark
from nasloop.engine.errors import DataError
from nasloop.engine.registry import BENCHMARKS, register_benchmark
from nasloop.search_spaces.nb101.benchmark import NB101Benchmark
from nasloop.search_spaces.nb201.benchmark import TAGATES_COLUMNS
from nasloop.search_spaces.suite_zero_csv import csv_header

from .messages import one_line
from .test_plugin_names_b import Formula

pytestmark = pytest.mark.usefixtures("isolated_cache")

SPLIT = "nb201_tagates_split.csv.gz"


@pytest.fixture(scope="module")
def nb201_table(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """nasloop's NB201 table, imported from the shipped CSV."""
    out = tmp_path_factory.mktemp("table")
    assert main(["data", "import", "--space", "nb201", str(data_dir / "nasbench201_all.csv.gz"), "--out",
                 str(out)]) == 0
    return out / "nb201.npz"


@pytest.mark.parametrize("name", ["nasbench101_30k.json.gz", "nb101.npz"])
def test_nb201s_table_under_nb101s_name_is_named_with_the_name_nb201_reads(tmp_path, nb201_table, capsys, name):
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(nb201_table, folder / name)
    assert main(["search", "--space", "nb101", "--budget", "3", "--quiet", "--data-dir", str(folder),
                 "--run-dir", str(tmp_path / "run")]) == 2
    one_line(capsys.readouterr().err.strip(), folder / name, "table of the nb201 benchmark", "not of nb101",
             "nasloop reads it as nb201.npz for the nb201 benchmark")
    assert not (tmp_path / "run").exists()


def test_a_reader_naming_nb201s_table_says_the_name_it_is_read_under(tmp_path, nb201_table):
    path = tmp_path / "nasbench101_30k.json.gz"
    shutil.copy(nb201_table, path)
    one_line(str(not_this_benchmark(path, "nb101", NB101Benchmark.formats)), path,
             "a nasloop nb201 table, data of the nb201 benchmark, which nasloop reads as nb201.npz: give it that name")


class TagatesReader(Formula):
    """A user's benchmark reading TA-GATES's NB201 split (which nb201 does not read) as it is from a data folder."""

    read_directly = (SPLIT,)

    @classmethod
    def recognise_read_directly(cls, path: Path) -> tuple[str, str] | None:
        return (SPLIT, "TA-GATES's split of NB201 cells") if TAGATES_COLUMNS <= set(csv_header(path)) else None


@pytest.fixture()
def tagates_reader():
    """TagatesReader as 'tagates', after nb201 by name: nb201 knows the split as a file nasloop does not read."""
    register_benchmark("tagates")(TagatesReader)
    assert BENCHMARKS.names().index("nb201") < BENCHMARKS.names().index("tagates")
    yield
    del BENCHMARKS._items["tagates"]


@pytest.mark.usefixtures("tagates_reader")
def test_a_file_a_later_benchmark_reads_as_it_is_is_named_with_that_benchmark(tmp_path, data_dir):
    shutil.copy(data_dir / SPLIT, tmp_path / "nasbench101_30k.json.gz")
    with pytest.raises(DataError) as refused:
        NB101Benchmark(tmp_path).check("cifar10")
    message = one_line(str(refused.value), "TA-GATES's split of NB201 cells",
                       f"which nasloop reads as {SPLIT} for the tagates benchmark: give it that name")
    assert "does not read" not in message
