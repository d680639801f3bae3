"""An NDS import of several files replaces an earlier file's network by a later file's in any numbering of its nodes.

One file's import counts a network sampled twice, its records numbering its nodes differently, as one row
(test_nds_numbering_f11); the merge of several files grouped rows by written form alone, so a later file's run of an
earlier file's network, written in another numbering, was a second row of it ('4 distinct in all' for 3 networks)
that replaced nothing: the lookup found the earlier file's row first.
"""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from nasloop.engine import cli
from nasloop.engine.data.table import Table
from nasloop.search_spaces.cell_pairs import canonical_cell
from nasloop.search_spaces.nds.arch import from_genotype, output_nodes
from nasloop.search_spaces.nds.benchmark import BENCHMARK_CLASSES
from nasloop.search_spaces.nds.families import VARIANTS
from nasloop.search_spaces.nds.reader import import_nds

from .nds_fixture import nds_records, write_nds_file
from .test_nds_numbering_f11 import _numberings


def _files(tmp_path: Path) -> tuple[list[dict], dict, Path, Path]:
    """Two published ENAS.json files in two folders: three networks, then the first of them renumbered (its
    normal cell's nodes in another order) with a later run's errors, 2 points higher."""
    family = VARIANTS["nds-enas"].family
    records = nds_records("nds-enas", 3, seed=12)
    normal = tuple((source, family.ops.index(op)) for op, source in records[0]["net"]["genotype"]["normal"])
    twin = copy.deepcopy(records[0])
    other = next(form for form in _numberings(normal) if canonical_cell(form) != canonical_cell(normal))
    twin["net"]["genotype"]["normal"] = [[family.ops[op], source] for source, op in other]
    twin["net"]["genotype"]["normal_concat"] = output_nodes(other, family)
    twin["test_ep_top1"] = [error + 2.0 for error in twin["test_ep_top1"]]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    return (records, twin, write_nds_file(tmp_path / "a" / "ENAS.json", records),
            write_nds_file(tmp_path / "b" / "ENAS.json", [twin]))


def test_a_later_file_replaces_an_earlier_files_network_written_in_another_numbering(tmp_path: Path, capsys) -> None:
    records, twin, first, second = _files(tmp_path)
    out = tmp_path / "out"
    assert cli.main(["data", "import", "--space", "nds", str(first), str(second), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "wrote" in said and "3 architectures" in said and "3 distinct in all" in said
    table = Table.load(out / "nds-enas.npz")
    bench = BENCHMARK_CLASSES["nds-enas"](out)
    family = VARIANTS["nds-enas"].family
    net = twin["net"]
    row = bench.row(from_genotype(net["genotype"], net["width"], net["depth"], family))
    assert len(table.columns["arch"]) == 3 and table.columns["runs"].tolist() == [1, 1, 1]
    # the later file's run, not the earlier one's nor a mean of both
    assert table.columns["cifar10@10:test_accuracy"][row] == pytest.approx(100 - twin["test_ep_top1"][-1])
    early = records[0]["net"]
    assert bench.row(from_genotype(early["genotype"], early["width"], early["depth"], family)) == row


def test_merging_read_tables_groups_by_network_too(tmp_path: Path) -> None:
    """The merge an import into a folder holding a table asks of the tables it read already."""
    _, _, first, second = _files(tmp_path)
    variant = VARIANTS["nds-enas"]
    merged = BENCHMARK_CLASSES["nds-enas"].merge_tables([import_nds(first, variant), import_nds(second, variant)])
    assert merged is not None and len(merged) == 3
