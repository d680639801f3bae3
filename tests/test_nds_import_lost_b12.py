"""Importing one NDS file over a table of another counts the networks it would lose by network, not written form.

Before: with no merge asked, ``data import --space nds`` of a file holding one network of the table there, written
in another numbering of its nodes, said the table was 'lacking 3' of its 3 architectures where 2 are lost (the
merge groups rows by the network since test_nds_merge_g11; this check compared the written forms), and could name
the network the import does hold as one lost.
"""
from __future__ import annotations

from pathlib import Path

from nasloop.engine import cli
from nasloop.search_spaces.nds.arch import from_genotype
from nasloop.search_spaces.nds.benchmark import BENCHMARK_CLASSES
from nasloop.search_spaces.nds.families import VARIANTS

from .messages import one_line
from .test_nds_merge_g11 import _files


def test_a_network_held_in_another_numbering_is_not_counted_lost(tmp_path: Path, capsys) -> None:
    records, twin, first, second = _files(tmp_path)
    out = tmp_path / "out"
    assert cli.main(["data", "import", "--space", "nds", str(first), "--out", str(out)]) == 0
    bench = BENCHMARK_CLASSES["nds-enas"](out)
    net = records[0]["net"]
    kept = bench.row(from_genotype(net["genotype"], net["width"], net["depth"], VARIANTS["nds-enas"].family))
    lost = [str(arch) for row, arch in enumerate(bench.table.columns["arch"].tolist()) if row != kept]
    capsys.readouterr()
    assert cli.main(["data", "import", "--space", "nds", str(second), "--out", str(out)]) == 2
    error = one_line(capsys.readouterr().err.strip(), "holds 3 architectures and the import (ENAS.json) 1, "
                                                      "lacking 2 of them", "--replace")
    assert any(f"such as {arch!r}" in error for arch in lost)  # a network the import lacks, not the one it holds
    assert cli.main(["data", "import", "--space", "nds", str(second), "--out", str(out), "--replace"]) == 0
