"""Public files nasloop does not read, or reads under another name, copied under a table's name: named for what
they are and where they belong.

TA-GATES's NB201 train/test split (shipped beside the data as ``nb201_tagates_split.csv.gz``) saved as
``nasbench201_all.csv.gz`` was refused as 'not a format of the nb201 benchmark' with no word of what it was (under
the TransNAS or NDS name: 'corrupt or truncated'); NB301's Suite-Zero JSON under NB101's name was named as NB301's
data but not with the name NB301 reads it under. The fixtures are small files in the public formats (the shared
data's headers), written under ``tmp_path``.
"""
from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.errors import DataError
from nasloop.search_spaces.nb101.benchmark import NB101Benchmark

from .messages import one_line

pytestmark = pytest.mark.usefixtures("isolated_cache")

TABLE_NAMES = {"nb201": "nasbench201_all.csv.gz", "nb101": "nasbench101_30k.json.gz",
               "tnb101-micro": "transnas101_val.json.gz", "darts": "zc_proxies_partial.json.gz",
               "nds-darts": "DARTS.json.gz"}
BENCHMARK = {"darts": "nb301"}  # the space's benchmark, where it has another name
ARCH = "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"
WHAT = "it is TA-GATES's train/test split of NB201 cells, which nasloop does not read"


def _tagates_split(path: Path) -> None:
    """``nb201_tagates_split.csv.gz``: index, arch_str, split (train/test), tagates_acc (a fraction)."""
    with gzip.open(path, "wt") as fh:
        fh.write(f"index,arch_str,split,tagates_acc\n0,{ARCH},train,0.8586333333333335\n")


@pytest.mark.parametrize("space", sorted(TABLE_NAMES))
def test_the_tagates_split_under_a_tables_name_is_named_for_what_it_is(tmp_path, capsys, space):
    folder = tmp_path / "data"
    folder.mkdir()
    _tagates_split(folder / TABLE_NAMES[space])
    assert main(["search", "--space", space, "--budget", "3", "--quiet", "--data-dir", str(folder),
                 "--run-dir", str(tmp_path / "run")]) == 2
    message = one_line(capsys.readouterr().err.strip(), folder / TABLE_NAMES[space], WHAT,
                       f"put the {BENCHMARK.get(space, space)} table here instead")
    assert "corrupt" not in message and "fetch it again" not in message
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize(("space", "format_named"), [("nb201", "nasbench201_all.csv.gz"),
                                                     ("nds", "the NDS result JSON")])
def test_the_tagates_split_given_to_import_is_said_to_be_read_nowhere(tmp_path, capsys, space, format_named):
    """Renamed (recognised by its columns), it is named, not 'not a nb201 data file' with no word of what it is."""
    _tagates_split(tmp_path / "download.csv.gz")
    assert main(["data", "import", "--space", space, str(tmp_path / "download.csv.gz"),
                 "--out", str(tmp_path / "out")]) == 2
    one_line(capsys.readouterr().err.strip(), tmp_path / "download.csv.gz", "TA-GATES's train/test split of NB201",
             "neither imports nor reads", format_named)
    assert not (tmp_path / "out").exists()


def test_the_suite_zero_json_under_nb101s_name_is_named_with_the_name_nb301_reads(tmp_path):
    """The refusal named NB301's data but not the file name it belongs under, as the proxy files' refusals do."""
    record = {"synflow": 1.0, "val_accuracy": 86.06, "arch_str": ARCH}
    with gzip.open(tmp_path / "nasbench101_30k.json.gz", "wt") as fh:
        json.dump({"nasbench201": {"cifar10": {"(4,3,0,3,0,0)": record}}}, fh)
    with pytest.raises(DataError) as err:
        NB101Benchmark(tmp_path).check("cifar10")
    one_line(str(err.value), tmp_path / "nasbench101_30k.json.gz", "NAS-Bench-Suite-Zero's proxy JSON",
             "data of the nb301 benchmark", "which nasloop reads as zc_proxies_partial.json.gz", "give it that name",
             "replace it with one of those")


def test_the_transnas_json_under_nb101s_name_is_named_with_the_name_it_is_read_under(tmp_path, data_dir):
    """Every public table read as it is names its own file name, not the Suite-Zero JSON alone."""
    shutil.copy(data_dir / "transnas101_val.json.gz", tmp_path / "nasbench101_30k.json.gz")
    with pytest.raises(DataError) as err:
        NB101Benchmark(tmp_path).check("cifar10")
    one_line(str(err.value), "TransNAS-Bench-101 JSON", "which nasloop reads as transnas101_val.json.gz")
