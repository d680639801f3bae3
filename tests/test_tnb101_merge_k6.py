"""TransNAS-Bench-101's imports merge by value, as NB201's, NB101's and NDS's do.

Importing the shipped JSON and the benchmark's own ``.pth`` together kept the last file's table whole, and the
``.pth`` holds no proxies: Zen, synflow and epe_nas were gone. The fixture writes both layouts for a few
architectures from the shipped JSON's own values (the JSON's class_scene value moved, so which file a value came
from shows).
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import torch

from nasloop.engine import cli
from nasloop.search_spaces.tnb101.benchmark import TNB101MicroBenchmark

VALID = {"class_scene": "valid_top1", "class_object": "valid_top1", "jigsaw": "valid_top1",
         "room_layout": "valid_neg_loss", "segmentsemantic": "valid_acc", "normal": "valid_ssim",
         "autoencoder": "valid_ssim"}


def _files(folder: Path, data_dir: Path) -> tuple[Path, Path, dict]:
    """A JSON of three micro architectures (class_scene's value 1 point lower) and the API's file of them."""
    with gzip.open(data_dir / "transnas101_val.json.gz", "rt") as fh:
        micro = json.load(fh)["micro"]
    archs = sorted(micro["class_scene"])[-3:]  # cells with an input-output path: every proxy defined
    shipped = {task: {arch: micro[task][arch] for arch in archs} for task in VALID}
    written = {task: {arch: dict(record, val=record["val"] - 1.0 if task == "class_scene" else record["val"])
                      for arch, record in records.items()} for task, records in shipped.items()}
    json_path = folder / "few.json"
    json_path.write_text(json.dumps({"micro": written}))
    data = {arch: {task: {"metrics": {metric: [shipped[task][arch]["val"]]}, "total_epochs": 1}
                   for task, metric in VALID.items()} for arch in archs}
    api_path = folder / "transnas-bench_v10141024.pth"
    torch.save({"metrics_dict": {t: [m] for t, m in VALID.items()}, "task_list": list(VALID),
                "data": {"micro": data}}, api_path)
    return json_path, api_path, shipped


def test_the_api_file_after_the_json_keeps_the_jsons_proxies(tmp_path, data_dir, isolated_cache):
    """class_object: no Suite-Zero file serves its proxies, so they are the table's own."""
    json_path, api_path, shipped = _files(tmp_path, data_dir)
    out = tmp_path / "out"
    assert cli.main(["data", "import", "--space", "tnb101-micro", str(json_path), str(api_path), "--out",
                     str(out)]) == 0
    bench = TNB101MicroBenchmark(out)
    archs = [bench._parse(a) for a in shipped["class_scene"]]
    for proxy in ("zen", "synflow", "epe_nas"):
        expected = [shipped["class_object"][a][proxy] for a in shipped["class_object"]]
        assert np.allclose(bench.proxy_scores(archs, proxy, "class_object"), expected), proxy
    for arch, record in zip(archs, shipped["class_scene"].values()):  # the later file's value, not the JSON's
        assert bench.query(arch, "class_scene").metrics["val_accuracy"] == record["val"]
