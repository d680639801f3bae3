"""Reads of a whole table that built or parsed the same things again: NB201's values of every cell built the
15,625 cells and their codes at each call (a study reads one per objective at each command), and the TransNAS JSON
parsed each architecture key once per task (seven times) to find its row."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from nasloop.search_spaces.nb201 import NB201Benchmark
from nasloop.search_spaces.nb201 import benchmark as nb201_benchmark
from nasloop.search_spaces.tnb101 import benchmark as tnb101_benchmark
from nasloop.search_spaces.tnb101.codes import format_macro, format_micro, parse_macro, parse_micro


def test_nb201_table_values_read_the_rows_without_building_a_cell(data_dir, monkeypatch):
    bench = NB201Benchmark(data_dir)
    cells = bench.cells()
    codes = []
    real_code, real_codes = nb201_benchmark.cell_code, nb201_benchmark.cell_codes  # one cell's, many cells' at once
    monkeypatch.setattr(nb201_benchmark, "cell_code", lambda cell: (codes.append(cell), real_code(cell))[1])
    monkeypatch.setattr(nb201_benchmark, "cell_codes", lambda cells: (codes.extend(cells), real_codes(cells))[1])
    for task, metric, fidelity in (("cifar10", None, None), ("cifar100", "test_accuracy", 12),
                                   ("ImageNet16-120", "flops_m", None), ("cifar10", "edgegpu_latency", None)):
        values = bench.table_values(task, metric, fidelity)
        assert not codes  # 15,625 codes a call
        expected = bench.metric_values(cells, task, metric, fidelity)  # the same values, cell by cell
        assert len(codes) == len(cells) == len(values)
        assert np.array_equal(values, expected, equal_nan=True) and np.isfinite(values).sum() > 15_000
        codes.clear()


def test_the_transnas_json_parses_each_architecture_key_once(data_dir):
    path = Path(data_dir) / tnb101_benchmark.JSON_FILE
    records = tnb101_benchmark._json(str(path), tnb101_benchmark.file_version(path))
    for part, parse, format in (("micro", parse_micro, format_micro), ("macro", parse_macro, format_macro)):
        parsed = []
        table = tnb101_benchmark.import_json(path, part, lambda key: (parsed.append(key), parse(key))[1], format)
        keys = {key for task in records[part].values() for key in task}
        assert sorted(parsed) == sorted(keys)  # each once, not once per task (7 times)
        assert table.columns["arch"].tolist() == sorted(format(parse(key)) for key in keys)
        value = records[part]["jigsaw"][parsed[0]]["val"]
        assert table.columns["jigsaw:val_accuracy"][table.columns["arch"].tolist().index(format(parse(parsed[0])))] \
            == value
