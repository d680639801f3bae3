"""A researcher's walk over the DARTS and NDS spaces: hostile NDS files, hashes of isomorphic cells."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from nasloop.engine import cli
from nasloop.engine.errors import ArchitectureError
from nasloop.engine.registry import SEARCH_SPACES

from .nds_fixture import nds_records, write_nds_file


def test_an_nds_file_with_an_integer_of_thousands_of_digits_is_named_as_unreadable(tmp_path, capsys):
    """Python refuses to convert an integer of over 4,300 digits; the reader called that an unexpected ValueError
    with a traceback file instead of an unreadable NDS file."""
    text = json.dumps(nds_records("nds-darts", 3, seed=5))
    (tmp_path / "DARTS.json").write_text(text.replace('"params": ', '"params": ' + "9" * 5000 + ', "x": ', 1))
    assert cli.main(["data", "import", "--space", "nds", str(tmp_path / "DARTS.json"), "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "DARTS.json is not readable NDS JSON (ValueError: Exceeds the limit" in error and "unexpected" not in error
    assert error.count("\n") == 1


def test_an_input_past_floats_range_is_named_not_an_overflow(tmp_path, capsys):
    """An input of 10**400 was shown as a float, which raised OverflowError, from a file and from parse."""
    records = nds_records("nds-darts", 3, seed=6)
    records[1]["net"]["genotype"]["normal"][0][1] = 10**400
    write_nds_file(tmp_path / "DARTS.json", records)
    assert cli.main(["data", "import", "--space", "nds", str(tmp_path / "DARTS.json"), "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "DARTS.json record 1: node 0 of the normal cell reads input about 10^400; it may read 0..1" in error
    space = SEARCH_SPACES.get("nds-darts")(widths=[8, 16], depths=[4, 5])
    with pytest.raises(ArchitectureError, match="reads input about 10\\^400"):
        space.parse(json.dumps(records[1]["net"]))


# a normal cell whose nodes 2 and 3 (neither reads the other) are written in the other order, nodes 4 and 5's
# inputs renumbered: the same network, its concatenation's channels permuted
V2_NORMAL = ((0, 3), (1, 3), (0, 3), (1, 3), (1, 3), (0, 2), (0, 2), (2, 5))
V2_REDUCE = ((0, 0), (1, 0), (2, 2), (1, 0), (0, 0), (2, 2), (2, 2), (1, 0))
SWAPPED_NORMAL = ((0, 3), (1, 4), (0, 0), (1, 5), (2, 2), (3, 1), (2, 3), (4, 6))
SWAPPED_NORMAL_RENUMBERED = ((0, 0), (1, 5), (0, 3), (1, 4), (3, 2), (2, 1), (3, 3), (4, 6))


def test_darts_cells_whose_nodes_are_numbered_in_another_order_are_one_function():
    """The functional hash sorted each node's two pairs only, so two numberings of one network were two functions
    (--dedup functional evaluated both); cells that differ are still told apart."""
    space = SEARCH_SPACES.get("darts")(table_only=False)
    one, other = (SWAPPED_NORMAL, V2_REDUCE), (SWAPPED_NORMAL_RENUMBERED, V2_REDUCE)
    assert space.hash(one) != space.hash(other)
    assert space.functional_hash(one) == space.functional_hash(other)
    assert space.functional_hash((V2_NORMAL, V2_REDUCE)) != space.functional_hash(one)
    # node 4 reading node 3 (not 2) is another network: 2 and 3 now differ in what reads them
    rewired = (SWAPPED_NORMAL_RENUMBERED[:4] + ((2, 2), (3, 1)) + SWAPPED_NORMAL_RENUMBERED[6:], V2_REDUCE)
    assert space.functional_hash(rewired) != space.functional_hash(one)


def test_nds_cells_whose_nodes_are_numbered_in_another_order_are_one_function():
    """As for DARTS, in a loose-end family too (the output, the nodes nothing reads, follows the numbering)."""
    space = SEARCH_SPACES.get("nds-enas")(widths=[16], depths=[8])
    normal = ((0, 1), (1, 2), (0, 3), (1, 4), (2, 0), (0, 1), (3, 2), (1, 1), (4, 0), (1, 3))
    # nodes 0 and 1 (states 2 and 3) exchanged, and their readers renumbered
    renumbered = ((0, 3), (1, 4), (0, 1), (1, 2), (3, 0), (0, 1), (2, 2), (1, 1), (4, 0), (1, 3))
    reduce = ((0, 0),) * 2 + ((1, 1),) * 8
    one = space.parse(space.format((normal, reduce, 16, 8)))
    other = space.parse(space.format((renumbered, reduce, 16, 8)))
    assert space.hash(one) != space.hash(other)
    assert space.functional_hash(one) == space.functional_hash(other)
    assert space.functional_hash(one._replace(width=24)) != space.functional_hash(one)


def test_naslibs_numpy_sampled_cells_parse_as_printed_under_numpy_2():
    """NASLib samples NB301 cells with numpy; under numpy 2 its compact form and genotype print their integers as
    np.int64(3), and both were refused as 'neither a DARTS genotype string nor NASLib's compact form'."""
    space = SEARCH_SPACES.get("darts")(table_only=False)
    arch = (V2_NORMAL, V2_REDUCE)
    compact = str(tuple(tuple((np.int64(s), np.int64(o)) for s, o in cell) for cell in arch))
    assert "np.int64(" in compact and space.parse(compact) == arch
    genotype = space.format(arch).replace("', 2)", "', np.int64(2))").replace("', 0)", "', numpy.int32(0))")
    assert "np.int64(2)" in genotype and space.parse(genotype) == arch
    with pytest.raises(ArchitectureError, match="neither a DARTS genotype string"):
        space.parse(compact.replace("np.int64(", "np.float64("))


@pytest.mark.parametrize("space_name,options,side,classes", [
    ("nds-darts-in", {"widths": [8], "depths": [5]}, 72, 1000),  # the stem's 9 pixels reach a reduction
    ("nds-nasnet-in", {"widths": [8], "depths": [5]}, 100, 1000),  # 13
    ("darts", {"channels": 4, "layers": 5}, 30, 10),  # 15
])
def test_a_network_whose_side_turns_odd_before_a_reduction_runs(space_name, options, side, classes):
    """The factorized reduction's offset conv read one row fewer on an odd side, so a run training NDS ImageNet
    networks at --evaluator-opt resolution=72 or 100 failed every trial; pycls, which NDS trained with, pads."""
    space = SEARCH_SPACES.get(space_name)(table_only=False, **options)
    net = space.to_module(space.sample(np.random.default_rng(0))).eval()
    with torch.no_grad():
        assert net(torch.randn(1, 3, side, side)).shape == (1, classes)


@pytest.mark.parametrize("op,advice", [
    ("none", "; the record is damaged: replace the file"),  # DARTS' own zero op, which no NDS family has
    ("sep_conv_3x", "; the record is damaged: replace the file"),  # a typo
    ("sep_conv_7x7", "; the records are not darts cells: if the file is another family's"),  # PNAS', NASNet's...
])
def test_an_op_of_no_family_is_damage_and_another_familys_op_names_the_family(tmp_path, capsys, op, advice):
    """An op no family has was read as a sign of another family, and the advice was to rename the file after it."""
    records = nds_records("nds-darts", 4, seed=8)
    records[2]["net"]["genotype"]["reduce"][3][0] = op
    write_nds_file(tmp_path / "DARTS.json", records)
    assert cli.main(["data", "import", "--space", "nds", str(tmp_path / "DARTS.json"), "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert f"DARTS.json record 2: reduce entry ['{op}', " in error and advice in error and error.count("\n") == 1
