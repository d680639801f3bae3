"""DARTS and NDS read a genotype's entries into (input, op index) pairs, and check its concats, with one
genotype_pairs and one check_concat given each space's ops and output rule: each wrote the loop and the check out,
and DARTS said 'is not (op, input) with an op of: ... and an integer input' for either mistake, where NDS named which
one it was."""
from __future__ import annotations

import re

import numpy as np
import pytest

from nasloop.engine.errors import ArchitectureError
from nasloop.search_spaces.darts.genotype import EXAMPLE, format_arch, parse_arch
from nasloop.search_spaces.genotype_text import check_concat, genotype_pairs
from nasloop.search_spaces.nds.arch import OtherFamilyError, from_genotype
from nasloop.search_spaces.nds.families import FAMILIES

DARTS_OPS = "max_pool_3x3, avg_pool_3x3, skip_connect, sep_conv_3x3, sep_conv_5x5, dil_conv_3x3, dil_conv_5x5"


def test_entries_become_input_op_pairs_and_a_bad_one_is_named_with_which_part_is_wrong():
    assert genotype_pairs([("b", 1), ["a", np.int64(0)]], "normal", ("a", "b"), "the ab space") == [(1, 1), (0, 0)]
    with pytest.raises(ArchitectureError, match=re.escape("record 3: reduce entry ('a', True) is not an (op, input) "
                                                          "pair with an integer input")):
        genotype_pairs([("a", True)], "reduce", ("a", "b"), "the ab space", "record 3: ")
    with pytest.raises(OtherFamilyError, match=re.escape("normal entry ('c', 0) names no op of the ab space (a, b)")):
        genotype_pairs([("c", 0)], "normal", ("a", "b"), "the ab space", op_error=lambda op: OtherFamilyError)


def test_a_concat_is_checked_against_the_nodes_the_cell_outputs():
    check_concat(None, "normal", [2, 3], "an ab", "all its nodes")  # not given: nothing to check
    check_concat([3, 2], "normal", [2, 3], "an ab", "all its nodes")
    with pytest.raises(ArchitectureError, match=re.escape("normal_concat must be a list of node numbers, got 2")):
        check_concat(2, "normal", [2, 3], "an ab", "all its nodes")
    with pytest.raises(OtherFamilyError, match=re.escape("reduce_concat is [2], but an ab cell outputs [2, 3]: it "
                                                         "concatenates all its nodes")):
        check_concat([2], "reduce", [2, 3], "an ab", "all its nodes", error=OtherFamilyError)


def test_darts_and_nds_name_an_unknown_op_and_a_wrong_concat_in_the_same_words():
    text = format_arch(EXAMPLE).replace("dil_conv_3x3", "conv_9x9", 1)
    with pytest.raises(ArchitectureError, match=re.escape(f"normal entry ('conv_9x9', 2) names no op of the DARTS "
                                                          f"space ({DARTS_OPS})")):
        parse_arch(text)
    genotype = {name: [[op, source] for op, source in pairs] for name, pairs in (
        ("normal", [("conv_9x9", 0)] * 8), ("reduce", [("skip_connect", 0)] * 8))}
    with pytest.raises(ArchitectureError, match=re.escape(f"normal entry ['conv_9x9', 0] names no op of the darts "
                                                          f"family ({DARTS_OPS})")):
        from_genotype(genotype, 16, 8, FAMILIES["darts"])
    with pytest.raises(ArchitectureError, match=re.escape("normal_concat is [2, 3], but a DARTS cell outputs "
                                                          "[2, 3, 4, 5]: it concatenates all four nodes")):
        parse_arch(format_arch(EXAMPLE).replace("normal_concat=[2, 3, 4, 5]", "normal_concat=[2, 3]"))


def test_a_loose_end_familys_concat_names_its_rule():
    enas = {name: [["skip_connect", 0], ["skip_connect", 1]] * 5 for name in ("normal", "reduce")}
    enas["normal_concat"] = [2, 3, 4, 5, 6]  # the nodes no pair reads are 2..6 here: that one is right
    from_genotype(enas, 16, 8, FAMILIES["enas"])
    enas["normal_concat"] = [2, 3]
    with pytest.raises(OtherFamilyError, match=re.escape("normal_concat is [2, 3], but an NDS enas cell outputs "
                                                         "[2, 3, 4, 5, 6]: it concatenates the nodes no pair reads")):
        from_genotype(enas, 16, 8, FAMILIES["enas"])
