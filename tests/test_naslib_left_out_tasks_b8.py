"""The import of NASLib's NB201 proxy JSON names every task of the file it left out (zc_published._left_out): the
list was cut at 120 characters, so a file holding the suite's tasks and more showed some and hid the rest."""
from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

from nasloop.engine import cli
from tests.naslib_nb201_files import published

PROXY_FILE = "nb201_zc_proxies.csv.gz"


def _import(tmp_path: Path, data_dir: Path, tasks: dict, capsys) -> list[str]:
    rows = list(csv.DictReader(gzip.decompress((data_dir / PROXY_FILE).read_bytes()).decode().splitlines()))
    whole = published(rows)
    path = tmp_path / "zc_nasbench201.json"
    path.write_text(json.dumps({**whole, **tasks}))
    out = tmp_path / "out"
    out.mkdir()
    (out / "nasbench201_all.csv.gz").symlink_to(data_dir / "nasbench201_all.csv.gz")
    assert cli.main(["data", "import", "--space", "nb201", str(path), "--out", str(out)]) == 0
    return capsys.readouterr().out.strip().splitlines()


def test_every_left_out_task_is_named_one_a_line(tmp_path, data_dir, capsys):
    extra = {f"a user's task number {i:02d}\nof the file": {} for i in range(12)}
    said = _import(tmp_path, data_dir, extra, capsys)
    assert said[1].endswith(f"; left out the file's 13 tasks below: {PROXY_FILE} has no columns for them)"), said
    assert said[2:] == ["  left out: cifar100", *(f"  left out: a user's task number {i:02d} of the file"
                                                  for i in range(12))], said
