"""NASLib's NB201 proxy JSON is recognised by any of its tasks, not only when cifar10 comes first.

NASLib's ``zc_nasbench201.json`` with the suite's extra tasks can list them first (``{"svhn": {...}, "cifar10":
...}``); nasloop recognised the file by its start alone, a cifar10, cifar100 or ImageNet16-120 key, and called such a
file 'not a nb201 data file'. It now imports the tasks its proxy file holds and names, in its one line, those it left
out.
"""
from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest

from nasloop.engine import cli
from nasloop.search_spaces.nb201.zc_published import recognise
from tests.naslib_nb201_files import published

PROXY_FILE = "nb201_zc_proxies.csv.gz"


@pytest.fixture(scope="module")
def shared_text(data_dir: Path) -> str:
    return gzip.decompress((data_dir / PROXY_FILE).read_bytes()).decode()


def test_a_file_whose_first_task_is_svhn_imports_its_known_tasks(tmp_path, shared_text, data_dir, capsys):
    whole = published(list(csv.DictReader(shared_text.splitlines())))
    path = tmp_path / "zc_nasbench201.json"
    path.write_text(json.dumps({"svhn": whole["cifar100"], "ninapro": {}, **whole}))
    out = tmp_path / "out"
    out.mkdir()
    (out / "nasbench201_all.csv.gz").symlink_to(data_dir / "nasbench201_all.csv.gz")
    assert cli.main(["data", "import", "--space", "nb201", str(path), "--out", str(out)]) == 0
    said = capsys.readouterr().out.strip().splitlines()
    assert said[0] == f"{path}: NAS-Bench-Suite-Zero's NB201 proxy JSON (NASLib's zc_nasbench201.json)"
    assert said[1].endswith("with the official NB201 index; left out the file's tasks svhn, ninapro, cifar100: "
                            f"{PROXY_FILE} has no columns for them)")
    assert gzip.decompress((out / PROXY_FILE).read_bytes()).decode() == shared_text


@pytest.mark.parametrize("task", ["cifar10", "ImageNet16-120", "svhn", "scifar100", "ninapro"])
def test_any_nb201_task_first_is_recognised(tmp_path, task):
    path = tmp_path / "zc_nasbench201.json"
    path.write_text(json.dumps({task: {"(4, 0, 3, 1, 4, 3)": {"snip": {"score": 1.0, "time": 0.1}}}}))
    assert recognise(path)


@pytest.mark.parametrize("head", [{"class_scene": {"(1, 0, 0, 2, 1, 0)": {}}},  # TransNAS-micro's tasks
                                  {"svhn": {"(((0, 1), (1, 2)), ((0, 1), (1, 2)))": {}}}])  # NB301's nested keys
def test_another_spaces_file_is_not(tmp_path, head):
    path = tmp_path / "zc.json"
    path.write_text(json.dumps(head))
    assert not recognise(path)
