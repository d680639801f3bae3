"""Every benchmark reader checks a file's numbers alike (engine/data/numbers.py): an integer too large for a float
ended imports and searches in 'unexpected OverflowError', text was read as the number it spells, and a training
time of 4e305 s was imported, to end ``show`` in a TypeError (engine/value_texts.py)."""
from __future__ import annotations

import gzip
import json
import math
import pickle
from pathlib import Path

import numpy as np
import pytest

from nasloop.engine.value_texts import cost_text

from .nds_fixture import nds_records, write_nds_file

HUGE = 10 ** 400
TOO_LARGE = "is 100000000000... (401 characters), too large for a number (floats end near 1.8e308)"
NB201_CELL = "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"


def _refusal(run, args: list[str]) -> str:
    done = run(args)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    return lines[0]


def _nb201_pickle(path: Path, curve: list, times: list) -> Path:
    path.write_bytes(pickle.dumps({NB201_CELL: {"cifar10-valid": {"eval_acc1es": curve, "train_times": times}}}))
    return path


@pytest.mark.parametrize("curve, times, said", [
    ([50.0, HUGE], [1.0, 1.0], f"eval_acc1es {TOO_LARGE}; not a NASLib NB201 pickle"),
    (["50", "60"], [1.0, 1.0], "eval_acc1es is '50', not a number; not a NASLib NB201 pickle"),
    ([50.0, 60.0], [4e305, 4e305], "column 'cifar10@1:train_seconds' row 13931 holds 4e+305, infinite or outside "
                                   "[0, 1e+09]")])
def test_a_naslib_nb201_pickle_with_no_number_or_no_physical_time_is_refused(tmp_path, nasloop_in_process, curve,
                                                                              times, said):
    path = _nb201_pickle(tmp_path / "nb201_cifar10_full_training.pickle", curve, times)
    line = _refusal(nasloop_in_process, ["data", "import", "--space", "nb201", str(path), "--out", str(tmp_path)])
    assert said in line, line
    assert not (tmp_path / "nb201.npz").exists()


NB101_RECORD = {"hash": "a" * 32, "matrix": [[0, 1, 0], [0, 0, 1], [0, 0, 0]],
                "ops": ["input", "conv3x3-bn-relu", "output"], "params": 1000, "val_acc_108": HUGE}


def test_an_nb101_json_with_a_huge_integer_is_refused_on_import_and_on_search(tmp_path, nasloop_in_process):
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "nasbench101_30k.json.gz"
    path.write_bytes(gzip.compress(json.dumps([NB101_RECORD]).encode()))
    said = f"{path}: record 0 val_acc_108 {TOO_LARGE}; the file is corrupt or not the NB101 JSON: fetch it again"
    assert _refusal(nasloop_in_process, ["data", "import", "--space", "nb101", str(path), "--out",
                                         str(tmp_path / "out")]) == f"nasloop data import: error: {said}"
    assert _refusal(nasloop_in_process, ["search", "--space", "nb101", "--budget", "2", "--data-dir", str(folder),
                                         "--run-dir", str(tmp_path / "run")]) == f"nasloop search: error: {said}"


def test_the_transnas_and_suite_zero_jsons_with_a_huge_integer_are_refused(tmp_path, data_dir, nasloop_in_process):
    tnb = json.loads(gzip.decompress((data_dir / "transnas101_val.json.gz").read_bytes()))
    arch = next(iter(tnb["micro"]["class_scene"]))
    tnb["micro"]["class_scene"][arch]["val"] = HUGE
    zc = json.loads(gzip.decompress((data_dir / "zc_proxies_partial.json.gz").read_bytes()))
    key = next(iter(zc["nasbench301"]["cifar10"]))
    zc["nasbench301"]["cifar10"][key]["val_accuracy"] = HUGE
    for space, name, record in (("tnb101-micro", "transnas101_val.json.gz", tnb),
                                ("darts", "zc_proxies_partial.json.gz", zc)):
        (tmp_path / space).mkdir()
        (tmp_path / space / name).write_bytes(gzip.compress(json.dumps(record).encode(), compresslevel=1))
        line = _refusal(nasloop_in_process, ["search", "--space", space, "--budget", "2", "--data-dir",
                                             str(tmp_path / space), "--run-dir", str(tmp_path / f"run-{space}")])
        assert f"{TOO_LARGE};" in line and str(tmp_path / space / name) in line, line


def test_an_nds_record_with_a_huge_integer_says_so(tmp_path, nasloop_in_process):
    records = nds_records("nds-darts", 2, seed=4)
    records[0]["params"] = HUGE
    path = write_nds_file(tmp_path / "DARTS.json", records)
    line = _refusal(nasloop_in_process, ["data", "import", "--space", "nds-darts", str(path), "--out",
                                         str(tmp_path / "out")])
    assert f"record 0: params {TOO_LARGE}; the record is damaged" in line, line


def test_a_cost_past_what_a_float_counts_is_written_not_a_crash():
    assert cost_text(None, 0) == "more seconds than can be counted"
    assert cost_text(math.inf, 3, 1e300) == ("more seconds than can be counted of 1e+300 s (--max-seconds) (3 of them "
                                             "estimated: the table lacks their measured training time)")
    assert cost_text(1234.4, 0, 3600.0) == "1234 s of 3600 s (--max-seconds)"


def test_a_naslib_nb101_pickle_with_a_huge_parameter_count_says_so(tmp_path, nasloop_in_process):
    """int() of it overflowed as it was stored: 'unexpected OverflowError'."""
    final = {"training_time": 1600.0, "train_accuracy": 1.0, "validation_accuracy": 0.9, "test_accuracy": 0.89}
    runs = [{**{f"halfway_{k}": v for k, v in final.items()}, **{f"final_{k}": v for k, v in final.items()}}] * 3
    path = tmp_path / "nasbench_only108.pkl"
    path.write_bytes(pickle.dumps({"a" * 32: ({"module_adjacency": np.array(NB101_RECORD["matrix"], dtype=np.int64),
                                               "module_operations": NB101_RECORD["ops"],
                                               "trainable_parameters": HUGE}, {108: runs})}))
    line = _refusal(nasloop_in_process, ["data", "import", "--space", "nb101", str(path), "--out",
                                         str(tmp_path / "out")])
    assert "the record of cell 'aaaa" in line and f"trainable_parameters {TOO_LARGE};" in line, line
