"""Corrupt and wrong benchmark files: each refused in one line that names the file and the problem.

The files are built under tmp_path from the real NB201 CSV (read, never written).
"""
from __future__ import annotations

import csv
import io
import os
import pickle
from pathlib import Path

import numpy as np
import pytest

from nasloop.engine.data.table import Table
from nasloop.engine.errors import DataError, NasloopError
from nasloop.search_spaces.nb201 import NB201Benchmark
from nasloop.search_spaces.nb201.benchmark import TABLE_FILE

from .messages import one_line

pytestmark = pytest.mark.usefixtures("isolated_cache")


def _corrupt_files(folder: Path, csv_text: str, raw_gz: bytes) -> dict[str, tuple[Path, str]]:
    """name → (file, a fragment its error must contain)."""
    lines = csv_text.splitlines(keepends=True)
    header = lines[0].rstrip("\r\n").split(",")
    files: dict[str, tuple[Path, str]] = {}

    def add(name: str, content: bytes | str, fragment: str) -> None:
        path = folder / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        files[name] = (path, fragment)

    add("truncated.csv.gz", raw_gz[: len(raw_gz) // 2], "corrupt")
    # Drop one column entirely (header and every value), as a hand-edited export might.
    drop = header.index("cifar10_test_200")
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([f for i, f in enumerate(row) if i != drop]
                                                   for row in csv.reader(lines[:20]))
    add("missing_column.csv", buf.getvalue(), "missing columns cifar10_test_200")
    bad = lines[1].replace("~0|+|", "~7|+|", 1)
    assert bad != lines[1]
    add("bad_arch.csv", lines[0] + bad + "".join(lines[2:20]), "line 2")
    add("too_few_rows.csv", "".join(lines[:100]), "99 of 15625")
    add("random.npz", np.random.default_rng(1).bytes(4096), "not a readable nasloop table")
    npy = io.BytesIO()
    np.save(npy, np.arange(5))
    add("npy_in_disguise.npz", npy.getvalue(), "not a readable nasloop table")
    add("not_a_dict.pickle", pickle.dumps([("|none~0|", 1.0)]), "expected a dict")
    add("garbage.pickle", b"\x00\x01garbage", "not a format of the nb201 benchmark")
    add("truncated.pickle", pickle.dumps({"|none~0|": 1})[:-5], "truncated or corrupt")
    arch = lines[1].split(",")[1]
    add("bad_key.pickle", pickle.dumps({"|conv~0|+|": {}}), "not an NB201 cell")
    add("record_not_dict.pickle", pickle.dumps({arch: {"cifar10-valid": [90.0] * 200}}), "cifar10-valid")
    add("curve_not_numbers.pickle", pickle.dumps({arch: {"cifar10-valid": {"eval_acc1es": ["n/a"] * 200}}}),
        "cifar10-valid")
    add("cost_info_not_dict.pickle", pickle.dumps({arch: {"cifar10-valid": {"eval_acc1es": [90.0] * 200,
                                                                            "cost_info": [1.0]}}}), "cifar10-valid")
    add("table.json", "{}", "not a format of the nb201 benchmark")
    add("repeated_cell.csv", "".join(lines[:20]) + lines[5], "line 21 repeats the cell of line 6")
    return files


CORRUPT = ["repeated_cell.csv", "truncated.csv.gz", "missing_column.csv", "bad_arch.csv", "too_few_rows.csv",
           "random.npz",
           "npy_in_disguise.npz", "not_a_dict.pickle", "garbage.pickle", "truncated.pickle", "bad_key.pickle",
           "record_not_dict.pickle", "curve_not_numbers.pickle", "cost_info_not_dict.pickle", "table.json"]


@pytest.fixture(scope="module")
def corrupt_files(tmp_path_factory, csv_text, nb201_csv_path):
    return _corrupt_files(tmp_path_factory.mktemp("corrupt"), csv_text, nb201_csv_path.read_bytes())


@pytest.mark.parametrize("name", CORRUPT)
def test_corrupt_or_wrong_files_give_one_line_data_errors(corrupt_files, name):
    path, fragment = corrupt_files[name]
    with pytest.raises(DataError) as err:
        NB201Benchmark.import_files([path])
    message = one_line(str(err.value), path.name, fragment)
    assert "allow_pickle" not in message  # never advise loading an unknown file unsafely


def test_bad_table_in_the_data_folder_fails_the_benchmark_in_one_line(tmp_path, corrupt_files):
    (tmp_path / TABLE_FILE).write_bytes(corrupt_files["random.npz"][0].read_bytes())
    with pytest.raises(NasloopError) as err:
        NB201Benchmark(tmp_path).check("cifar10")
    one_line(str(err.value), tmp_path / TABLE_FILE, "nasloop data import")


def test_table_from_another_format_version_is_refused(tmp_path, csv_table):
    path = tmp_path / "old.npz"
    cols = {"cells": csv_table.columns["cells"]}
    with open(path, "wb") as fh:
        np.savez_compressed(fh, __meta__=np.array('{"format_version": 0}'), **cols)
    with pytest.raises(DataError) as err:
        Table.load(path)
    one_line(str(err.value), path, "format 0", "nasloop data import")
    with open(path, "wb") as fh:
        np.savez_compressed(fh, **cols)  # a plain npz without nasloop's metadata
    with pytest.raises(DataError) as err:
        Table.load(path)
    one_line(str(err.value), path, "not a readable nasloop table")
    assert os.path.getsize(path) > 0


def test_a_table_whose_cells_column_was_edited_is_refused(tmp_path, csv_table):
    """NB201 rows are read by cell code: a cells column out of order (or holding op 9) would answer every lookup
    with another cell's numbers, or fail deep inside a predictor."""
    columns = dict(csv_table.columns)
    columns["cells"] = columns["cells"].copy()
    columns["cells"][[0, 1]] = columns["cells"][[1, 0]]
    Table(columns, dict(csv_table.meta)).save(tmp_path / TABLE_FILE)
    with pytest.raises(DataError) as err:
        NB201Benchmark(tmp_path).check("cifar10")
    one_line(str(err.value), "cells column is not NB201's 15,625 cells in order", "import")


def test_a_file_of_no_architectures_is_refused_and_a_good_table_stays(tmp_path, data_dir, capsys):
    import gzip

    from nasloop.engine import cli

    assert cli.main(["data", "import", "--space", "tnb101-micro", str(data_dir / "transnas101_val.json.gz"),
                     "--out", str(tmp_path)]) == 0
    good = (tmp_path / "tnb101-micro.npz").read_bytes()
    empty = tmp_path / "empty.json.gz"
    empty.write_bytes(gzip.compress(b'{"micro": {"class_scene": {}}}'))
    deep = tmp_path / "deep.json.gz"
    deep.write_bytes(gzip.compress(b'{"micro": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"))
    capsys.readouterr()
    for bad, fragment in ((empty, "holds no architectures of this benchmark; nothing was written"),
                          (deep, "cannot read")):
        assert cli.main(["data", "import", "--space", "tnb101-micro", str(bad), "--out", str(tmp_path)]) == 2
        one_line(capsys.readouterr().err.rstrip("\n"), bad.name, fragment)
    assert (tmp_path / "tnb101-micro.npz").read_bytes() == good
    assert not list(tmp_path.glob(".*.partial"))
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "tnb101-micro.npz").stat().st_mode & 0o777 == 0o666 & ~umask  # readable in a shared folder


def test_a_file_decompressing_past_any_benchmark_is_refused_before_it_fills_memory(tmp_path):
    import gzip

    from nasloop.engine.data.sniff import content_text

    bomb = tmp_path / "bomb.json.gz"
    bomb.write_bytes(gzip.compress(b" " * 5000))  # 5 kB of blanks behind a 40-byte file: the shape of a bomb
    assert content_text(bomb) == " " * 5000
    with pytest.raises(DataError) as err:
        content_text(bomb, limit=4096)
    one_line(str(err.value), "bomb.json.gz decompresses to over 4096 bytes", "get the benchmark's file again")
