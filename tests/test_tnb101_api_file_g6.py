"""TransNAS-Bench-101's own published file imports, and a missing table says where to get it.

The only source nasloop read was the shipped ``transnas101_val.json.gz`` (built from NASLib's experiment files),
and the missing-table line said 'see the README's Data section', which called it 'shipped in shared/data'. The
benchmark's own ``transnas-bench_v10141024.pth`` (a torch save of its API's database: ``{"metrics_dict",
"info_names", "task_list", "data": {"micro"|"macro": {arch: {task: {"metrics": {metric: [per epoch]}, "model_info",
"total_epochs"}}}}}``) now imports: each task's value is its validation metric after the last epoch. The fixture
writes that layout for a few architectures from the shipped JSON's own values.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import torch

from nasloop.engine import cli
from nasloop.engine.errors import MissingDataError
from nasloop.search_spaces.tnb101.benchmark import TASKS, TNB101MacroBenchmark, TNB101MicroBenchmark

API_FILE = "transnas-bench_v10141024.pth"  # the name the benchmark publishes it under
VALID = {"class_scene": "valid_top1", "class_object": "valid_top1", "jigsaw": "valid_top1",
         "room_layout": "valid_neg_loss", "segmentsemantic": "valid_acc", "normal": "valid_ssim",
         "autoencoder": "valid_ssim"}
ARCHS = 3


@pytest.fixture(scope="module")
def shipped(data_dir: Path) -> dict:
    """A few architectures of each part, every task's value, from the shipped JSON."""
    with gzip.open(data_dir / "transnas101_val.json.gz", "rt") as fh:
        data = json.load(fh)
    out: dict = {}
    for part, tasks in data.items():
        archs = sorted(tasks["class_scene"])[:ARCHS]
        out[part] = {arch: {task: tasks[task][arch]["val"] for task in VALID} for arch in archs}
    return out


def database(shipped: dict) -> dict:
    """The API's layout: two epochs per task, the first better than the last (the file's value is the last)."""
    data = {part: {arch: {task: {"metrics": {VALID[task]: [value + 1.0, value], "time_elapsed": [10.0, 20.0]},
                                 "model_info": {"model_params": 1.0}, "total_epochs": 2}
                          for task, value in values.items()}
                   for arch, values in archs.items()}
            for part, archs in shipped.items()}
    return {"metrics_dict": {task: [metric, "time_elapsed"] for task, metric in VALID.items()},
            "info_names": ["model_params"], "task_list": list(VALID), "data": data}


@pytest.mark.parametrize("legacy", [False, True], ids=["zip", "legacy"])
def test_the_benchmarks_own_file_imports_both_parts(tmp_path, shipped, capsys, legacy):
    path = tmp_path / API_FILE
    torch.save(database(shipped), path, _use_new_zipfile_serialization=not legacy)
    out = tmp_path / "data"
    for space, bench in (("tnb101-micro", TNB101MicroBenchmark), ("tnb101-macro", TNB101MacroBenchmark)):
        assert cli.main(["data", "import", "--space", space, str(path), "--out", str(out)]) == 0
        assert f"TransNAS-Bench-101's own file (its API's {API_FILE})" in capsys.readouterr().out
        table = bench(out)
        part = space.split("-")[1]
        for arch, values in shipped[part].items():
            for task in TASKS:
                result = table.query(table._parse(arch), task.name)
                assert result.metrics[task.metric] == values[task.name]


def test_the_file_given_for_another_space_is_named(tmp_path, shipped, capsys):
    path = tmp_path / API_FILE
    torch.save(database(shipped), path)
    assert cli.main(["data", "import", "--space", "nb201", str(path), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "TransNAS-Bench-101's own file" in err and "--space tnb101-macro or --space tnb101-micro" in err


def test_a_missing_table_says_where_to_get_the_file(tmp_path, isolated_cache):
    with pytest.raises(MissingDataError) as caught:
        TNB101MicroBenchmark(tmp_path).table
    said = str(caught.value)
    assert "github.com/yawen-d/TransNASBench" in said and "\n" not in said
    assert f"'nasloop data import --space tnb101-micro {API_FILE}'" in said
