"""A table holding one network in two rows (two numberings of its nodes, two trainings) answers with their mean.

Before: the row index kept the first row of a network and the second training went unused, silently: NASLib's
published NB301 file with one cell written twice imported as '2 architectures', and every form of the cell answered
the first record's accuracy. A repeated training is averaged, as NAS-Bench-201 reports a cell trained several times
and as one NDS file's import groups a network sampled twice (the mean over all its trainings, by ``runs``).
"""
from __future__ import annotations

import ast
import copy
import gzip
import json

import numpy as np
import pytest

from nasloop.engine import cli
from nasloop.engine.data.table import Table
from nasloop.search_spaces.cell_pairs import canonical_cell
from nasloop.search_spaces.darts.benchmark import NB301Benchmark
from nasloop.search_spaces.darts.genotype import functional_arch
from nasloop.search_spaces.nds.arch import from_genotype, output_nodes
from nasloop.search_spaces.nds.benchmark import BENCHMARK_CLASSES
from nasloop.search_spaces.nds.families import VARIANTS

from .nds_fixture import nds_records, write_nds_file
from .test_nb301_numbering_d11 import _renumbered
from .test_nds_numbering_f11 import _numberings


def test_an_nb301_file_with_one_cell_in_two_numberings_imports_their_mean(tmp_path, data_dir, capsys):
    with gzip.open(data_dir / "zc_proxies_partial.json.gz", "rt") as fh:
        records = json.load(fh)["nasbench301"]["cifar10"]
    key, record = next((k, r) for k, r in records.items() if _renumbered(ast.literal_eval(k)[0]) is not None)
    cell = tuple(tuple(tuple(pair) for pair in part) for part in ast.literal_eval(key))
    twin = (_renumbered(cell[0]), cell[1])
    assert twin != cell and functional_arch(twin) == functional_arch(cell)
    first, second = dict(record), {**record, "val_accuracy": record["val_accuracy"] - 3.0, "nwot": record["nwot"] + 8}
    published = {"cifar10": {str(arch): {name: value if name == "val_accuracy" else {"score": value, "time": 0.5}
                                         for name, value in entry.items()}
                             for arch, entry in ((cell, first), (twin, second))}}
    source = tmp_path / "zc_nasbench301.json"
    source.write_text(json.dumps(published))
    assert cli.main(["data", "import", "--space", "darts", str(source), "--out", str(tmp_path / "out")]) == 0
    assert "1 network held in 2 rows" in capsys.readouterr().out
    bench = NB301Benchmark(tmp_path / "out")
    assert len(bench.table) == 1
    mean = (first["val_accuracy"] + second["val_accuracy"]) / 2
    for arch in (cell, twin):
        assert bench.query(arch, "cifar10").metrics["val_accuracy"] == pytest.approx(mean)
        assert bench.proxy_scores([arch], "nwot", "cifar10")[0] == pytest.approx((first["nwot"] + second["nwot"]) / 2)


def test_an_nds_table_holding_a_network_twice_reads_the_mean_of_all_its_trainings(tmp_path, capsys):
    """Two tables of one NDS space put together row by row (a table not made by one import): the network's row of
    two trainings and its row of a third, in another numbering, read as the one import of the three records does."""
    family = VARIANTS["nds-enas"].family
    records = nds_records("nds-enas", 3, seed=12)
    again = copy.deepcopy(records[0])
    again["test_ep_top1"] = [error + 1.0 for error in again["test_ep_top1"]]
    normal = tuple((source, family.ops.index(op)) for op, source in records[0]["net"]["genotype"]["normal"])
    other = next(form for form in _numberings(normal) if canonical_cell(form) != canonical_cell(normal))
    twin = copy.deepcopy(records[0])
    twin["net"]["genotype"]["normal"] = [[family.ops[op], source] for source, op in other]
    twin["net"]["genotype"]["normal_concat"] = output_nodes(other, family)
    twin["test_ep_top1"] = [error + 4.0 for error in twin["test_ep_top1"]]
    tables = []
    for name, held in (("a", records + [again]), ("b", [twin]), ("whole", records + [again, twin])):
        (tmp_path / name).mkdir()
        write_nds_file(tmp_path / name / "ENAS.json", held)
        assert cli.main(["data", "import", "--space", "nds", str(tmp_path / name / "ENAS.json"),
                         "--out", str(tmp_path / name)]) == 0
        tables.append(Table.load(tmp_path / name / "nds-enas.npz"))
    joined = {name: np.concatenate([tables[0].columns[name], tables[1].columns[name]]) for name in tables[0].columns}
    Table(joined, tables[0].meta).save(tmp_path / "joined" / "nds-enas.npz")
    bench, whole = BENCHMARK_CLASSES["nds-enas"](tmp_path / "joined"), BENCHMARK_CLASSES["nds-enas"](tmp_path / "whole")
    assert len(bench.table) == len(whole.table) == 3
    net = twin["net"]
    for arch in (from_genotype(net["genotype"], net["width"], net["depth"], family), bench.cells()[0]):
        assert bench.query(arch, "cifar10").metrics == pytest.approx(whole.query(arch, "cifar10").metrics)
    assert bench.table.columns["runs"].tolist() == whole.table.columns["runs"].tolist()
