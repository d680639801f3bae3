"""The NDS tables find a network in every form that writes it, as the NB301 table does (test_nb301_numbering_d11).

A node's two inputs in either order, and the nodes numbered in any order that keeps each after the nodes it reads,
are one network (the space's functional hash says so: the output, every node or the loose ends, follows the
numbering). Each table found a row only under its file's numbering, and its import kept one network sampled twice,
written in two numberings, as two networks.
"""
from __future__ import annotations

import copy
import itertools
from pathlib import Path

import numpy as np
import pytest

from nasloop.engine import cli
from nasloop.engine.assemble import build_context
from nasloop.engine.data.table import Table
from nasloop.engine.registry import SEARCH_SPACES
from nasloop.search_spaces.cell_pairs import canonical_cell
from nasloop.search_spaces.nds.arch import NdsCell, from_genotype, output_nodes
from nasloop.search_spaces.nds.benchmark import BENCHMARK_CLASSES
from nasloop.search_spaces.nds.families import VARIANTS

from .nds_fixture import nds_records, write_nds_file


def _numberings(cell: NdsCell) -> list[NdsCell]:
    """Every other way of writing the cell: its nodes in each order that keeps a node after the nodes it reads
    (every reader renumbered), each node's two pairs in the other order."""
    nodes = len(cell) // 2
    reads = [{s - 2 for s, _ in cell[2 * n:2 * n + 2] if s >= 2} for n in range(nodes)]
    forms = []
    for order in itertools.permutations(range(nodes)):
        place = {old: new for new, old in enumerate(order)}
        if any(place[r] > place[n] for n in range(nodes) for r in reads[n]):
            continue
        renumbered = tuple((s if s < 2 else 2 + place[s - 2], op) for old in order
                           for s, op in reversed(cell[2 * old:2 * old + 2]))
        forms.append(renumbered)
    return [form for form in forms if form != cell]


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_every_nds_table_finds_a_held_network_in_each_of_its_forms(tmp_path: Path, name: str) -> None:
    variant = VARIANTS[name]
    sizes = {"widths": [16], "depths": [5]} if variant.fixed_width_depth else {"widths": [8, 16], "depths": [4, 5]}
    write_nds_file(tmp_path / variant.file_name, nds_records(name, 3, seed=11, **sizes))
    bench = BENCHMARK_CLASSES[name](tmp_path)
    space = SEARCH_SPACES.get(name)(table_only=False, **sizes)
    written, others = [], []
    for arch in bench.cells():
        for field in ("normal", "reduce"):
            for form in _numberings(getattr(arch, field)):
                other = arch._replace(**{field: form})
                assert space.hash(other) != space.hash(arch)
                assert space.functional_hash(other) == space.functional_hash(arch)  # written otherwise, one network
                written.append(arch)
                others.append(other)
    assert len(others) > 6  # most cells have nodes that may trade places, and each node's pairs swap
    assert all(bench.holds(others))
    assert [bench.query(o, variant.dataset).metrics for o in others] == [bench.query(a, variant.dataset).metrics
                                                                        for a in written]
    scores = bench.proxy_scores(others, "params", variant.dataset)
    assert not np.isnan(scores).any() and list(scores) == list(bench.proxy_scores(written, "params", variant.dataset))
    # another network (one op changed in each form) is no held one
    ops = len(variant.family.ops)
    changed = [o._replace(normal=((o.normal[0][0], (o.normal[0][1] + 1) % ops),) + o.normal[1:]) for o in others]
    assert not any(bench.holds(changed))


def test_one_network_sampled_twice_in_two_numberings_is_one_row_of_both_runs(tmp_path: Path, capsys) -> None:
    family = VARIANTS["nds-enas"].family
    records = nds_records("nds-enas", 3, seed=12)
    normal = tuple((source, family.ops.index(op)) for op, source in records[0]["net"]["genotype"]["normal"])
    twin = copy.deepcopy(records[0])
    other = next(form for form in _numberings(normal) if canonical_cell(form) != canonical_cell(normal))  # renumbered
    twin["net"]["genotype"]["normal"] = [[family.ops[op], source] for source, op in other]
    twin["net"]["genotype"]["normal_concat"] = output_nodes(other, family)
    twin["test_ep_top1"] = [error + 2.0 for error in twin["test_ep_top1"]]
    write_nds_file(tmp_path / "ENAS.json", records + [twin])
    assert cli.main(["data", "import", "--space", "nds", str(tmp_path / "ENAS.json"), "--out", str(tmp_path)]) == 0
    assert "4 trained networks, 3 distinct" in capsys.readouterr().out
    table = Table.load(tmp_path / "nds-enas.npz")
    bench = BENCHMARK_CLASSES["nds-enas"](tmp_path)
    net = twin["net"]
    row = bench.row(from_genotype(net["genotype"], net["width"], net["depth"], family))
    assert len(table.columns["arch"]) == 3 and table.columns["runs"][row] == 2
    assert table.columns["cifar10@10:test_accuracy"][row] == pytest.approx(100 - records[0]["test_ep_top1"][-1] - 1.0)


def test_a_held_one_edit_neighbour_in_another_numbering_is_a_neighbour(tmp_path: Path) -> None:
    """Bound to its table, a space's neighbours of a cell are the one-edit ones the table holds (local search climbs
    them); one held in another numbering of its nodes was not held, and the table's nearest cells stood in."""
    family = VARIANTS["nds-enas"].family
    records = nds_records("nds-enas", 3, seed=12)
    net = records[0]["net"]
    held = from_genotype(net["genotype"], net["width"], net["depth"], family)
    edited = held._replace(normal=((held.normal[0][0], (held.normal[0][1] + 1) % len(family.ops)),) + held.normal[1:])
    other = next(form for form in _numberings(edited.normal) if canonical_cell(form) != canonical_cell(edited.normal))
    twin = copy.deepcopy(records[0])
    twin["net"]["genotype"]["normal"] = [[family.ops[op], source] for source, op in other]
    twin["net"]["genotype"]["normal_concat"] = output_nodes(other, family)
    write_nds_file(tmp_path / "ENAS.json", records + [twin])
    space_class = SEARCH_SPACES.get("nds-enas")
    space = space_class(build_context(space_class, "cifar10", str(tmp_path), lookup=True))
    assert space.hash(edited) not in {space.hash(cell) for cell in space.enumerate()}  # held as written otherwise
    assert space.canonical(edited) in [space.canonical(near) for near in space.neighbours(held)]
