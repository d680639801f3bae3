"""NAS-Bench-Suite-Zero's NB301 file as NASLib publishes it imports, and a missing table names the command.

NASLib publishes ``zc_nasbench301.json`` as ``{task: {str(compact tuple): {proxy: {"score": s, "time": t}, ...,
"val_accuracy": v, "id": n}}}``. The import read only the merged ``zc_proxies_partial.json.gz``: the published
file was 'not a nb301 data file', and wrapped under ``nasbench301`` each proxy was '{'score': ..}, not a number'.
The fixture is written in the published layout from a few cells of the shared merged file.
"""
from __future__ import annotations

import ast
import gzip
import json
from pathlib import Path

import pytest

from nasloop.engine import cli
from nasloop.engine.data.table import Table
from nasloop.engine.errors import MissingDataError
from nasloop.search_spaces.darts.benchmark import NB301Benchmark
from nasloop.search_spaces.darts.genotype import parse_arch

CELLS = 3
SECONDS = 0.25
"""A proxy's ``time`` entry: the published file records the seconds each score took, which nasloop does not read."""


@pytest.fixture(scope="module")
def merged(data_dir: Path) -> dict:
    """The NB301 records of the shared merged file, a few per task."""
    with gzip.open(data_dir / "zc_proxies_partial.json.gz", "rt") as fh:
        space = json.load(fh)["nasbench301"]
    return {task: dict(list(records.items())[:CELLS]) for task, records in space.items()}


def published(merged: dict) -> dict:
    """The records in NASLib's published layout: keys as Python prints the compact tuple, proxies with their time."""
    out: dict = {}
    for task, records in merged.items():
        out[task] = {}
        for number, (key, record) in enumerate(records.items()):
            compact = tuple(tuple(tuple(pair) for pair in cell) for cell in ast.literal_eval(key))
            entry = {name: value if name == "val_accuracy" else {"score": value, "time": SECONDS}
                     for name, value in record.items()}
            out[task][str(compact)] = {"id": number, **entry}
    return out


def check_table(folder: Path, merged: dict) -> None:
    """The imported table holds every record's accuracy and proxies, read from the merged file's own numbers."""
    bench = NB301Benchmark(folder)
    for task, records in merged.items():
        for key, record in records.items():
            arch = parse_arch(key)
            assert bench.query(arch, task).metrics["val_accuracy"] == record["val_accuracy"]
            for proxy in ("synflow", "nwot", "params"):
                assert bench.proxy_scores([arch], proxy, task)[0] == pytest.approx(record[proxy])


def test_naslibs_published_per_space_file_imports(tmp_path, merged, capsys):
    path = tmp_path / "zc_nasbench301.json"
    path.write_text(json.dumps(published(merged)))
    assert path.read_text().startswith('{"cifar10": {"(((')  # the published file's own start
    out = tmp_path / "data"
    assert cli.main(["data", "import", "--space", "darts", str(path), "--out", str(out)]) == 0
    assert "NASLib's zc_nasbench301.json" in capsys.readouterr().out
    check_table(out, merged)
    assert Table.load(out / "nb301.npz").meta["source"] == "zc_nasbench301.json"


def test_the_merged_layout_with_published_records_imports(tmp_path, merged):
    path = tmp_path / "zc_nb301_merged.json.gz"
    with gzip.open(path, "wt") as fh:
        json.dump({"nasbench301": published(merged)}, fh)
    out = tmp_path / "data"
    assert cli.main(["data", "import", "--space", "darts", str(path), "--out", str(out)]) == 0
    check_table(out, merged)


def test_a_proxy_entry_without_a_score_is_refused_in_one_line(tmp_path, merged, capsys):
    records = published(merged)
    first = next(iter(records["cifar10"].values()))
    first["synflow"] = {"time": SECONDS}
    path = tmp_path / "zc_nasbench301.json"
    path.write_text(json.dumps(records))
    assert cli.main(["data", "import", "--space", "darts", str(path), "--out", str(tmp_path / "data")]) == 2
    error = capsys.readouterr().err
    assert "cifar10 synflow of Genotype" in error and "is {'time': 0.25}, not a number" in error
    assert error.count("\n") == 1


def test_nb201s_per_space_file_is_no_nb301_file(tmp_path):
    """NB201's published file starts with a task too; its keys are flat op tuples."""
    path = tmp_path / "zc_nasbench201.json"
    path.write_text(json.dumps({"cifar10": {"(0, 2, 3, 2, 3, 1)": {"synflow": {"score": 1.0, "time": SECONDS},
                                                                     "val_accuracy": 86.06}}}))
    assert NB301Benchmark.recognise_source(path) is None


def test_a_missing_nb301_table_gives_the_import_command(tmp_path, isolated_cache):
    with pytest.raises(MissingDataError) as caught:
        NB301Benchmark(tmp_path).table
    said = str(caught.value)
    assert "nb301.npz not found" in said and "github.com/automl/NASLib" in said
    assert "'nasloop data import --space darts zc_nasbench301.json'" in said and "\n" not in said
