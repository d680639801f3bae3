"""A second file imported for NB101 or NDS leaves what it lacks (NaN: no value) as the earlier file had it, by the
rule NB201's import already merged by (``engine.data.table.covered_groups`` and ``held_rows``): NB101's merge
replaced a cell's whole row, so a later file's NaN wrote over an earlier file's accuracy or Zen score, and NDS's
a network's params where the later file's record has none."""
from __future__ import annotations

import json
import math

from nasloop.engine.data.table import Table, column_name
from nasloop.engine.registry import BENCHMARKS

from .nds_fixture import nds_records, write_nds_file

CELL = {"matrix": [[0, 1, 0], [0, 0, 1], [0, 0, 0]], "ops": ["input", "conv3x3-bn-relu", "output"], "params": 1000}


def _record(key: str, **values: float | None) -> dict:
    """A record of the NB101 30k JSON (every field it holds; a field it lacks for a cell is null)."""
    return {"hash": key * 32, **CELL, "val_acc_4": 50.0, "val_acc_12": 70.0, "val_acc_36": 85.0, "val_acc_108": 90.0,
            "train_time_108": 1500.0, "zen": 100.0, **values}


def test_a_later_nb101_file_leaves_what_it_lacks_as_the_earlier_one_had_it(tmp_path, nasloop_in_process):
    earlier, later = tmp_path / "a.json", tmp_path / "b.json"
    earlier.write_text(json.dumps([_record("a"), _record("b")]))
    later.write_text(json.dumps([_record("a", val_acc_36=None, val_acc_108=91.0, train_time_108=1600.0, zen=None)]))
    done = nasloop_in_process(["data", "import", "--space", "nb101", str(earlier), str(later), "--out",
                               str(tmp_path / "out")])
    assert done.returncode == 0, done.stderr
    columns = Table.load(tmp_path / "out" / "nb101.npz").columns
    row = columns["hash"].tolist().index("a" * 32)

    def value(fidelity: int, metric: str) -> float:
        return float(columns[column_name("cifar10", fidelity, metric)][row])

    assert value(36, "val_accuracy") == 85.0 and float(columns["cifar10:proxy:zen"][row]) == 100.0  # the earlier's
    assert value(108, "val_accuracy") == 91.0 and value(108, "train_seconds") == 1600.0  # the later's, with its cost
    assert value(4, "val_accuracy") == 50.0 and len(columns["hash"]) == 2


def test_a_later_nds_file_keeps_an_earlier_networks_params_and_replaces_its_run_whole(tmp_path, nasloop_in_process):
    first, second = nds_records("nds-darts", 2, seed=4), nds_records("nds-darts", 2, seed=5)
    second[0] = {k: v for k, v in json.loads(json.dumps(first[0])).items() if k not in ("params", "flops")}
    second[0]["test_ep_top1"] = [e - 3.0 for e in first[0]["test_ep_top1"]][:4]  # its run stopped after 4 epochs
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    files = [write_nds_file(tmp_path / folder / "DARTS.json", records) for folder, records in (("a", first),
                                                                                                ("b", second))]
    done = nasloop_in_process(["data", "import", "--space", "nds-darts", *map(str, files), "--out",
                               str(tmp_path / "out")])
    assert done.returncode == 0, done.stderr
    table = Table.load(tmp_path / "out" / BENCHMARKS.get("nds-darts").table_file)
    both = next(row for row, runs in enumerate(table.columns["runs"].tolist()) if runs == 1 and math.isnan(
        float(table.columns[column_name("cifar10", 10, "test_accuracy")][row])))  # the network of the later, short run
    assert float(table.columns["params"][both]) == first[0]["params"]  # the later file has none: the earlier's stays
    assert float(table.columns["flops"][both]) == first[0]["flops"]
    assert float(table.columns[column_name("cifar10", 4, "test_accuracy")][both]) == 100 - second[0]["test_ep_top1"][3]
