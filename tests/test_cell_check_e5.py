"""The DARTS space and the NDS families check a cell and write its genotype with one shared piece each
(:func:`nasloop.search_spaces.cell_pairs.check_cell`, :func:`nasloop.search_spaces.genotype_text.genotype_string`),
given their differences: DARTS's rule that a node's two inputs differ and how its messages number nodes. Each space
had its own copy, and their words had drifted apart (NDS listed ops without their numbers, DARTS wrote a huge input
out in all its digits)."""
from __future__ import annotations

import re

import pytest

from nasloop.engine.errors import ArchitectureError
from nasloop.engine.registry import SEARCH_SPACES
from nasloop.search_spaces.cell_pairs import check_cell
from nasloop.search_spaces.darts.genotype import EXAMPLE, OPS, output_nodes
from nasloop.search_spaces.darts.space import DartsSpace
from nasloop.search_spaces.genotype_text import genotype_string, read_genotype
from nasloop.search_spaces.nds.arch import NdsArch

DARTS = DartsSpace()
NDS_DARTS = SEARCH_SPACES.get("nds-darts")(widths=[8], depths=[5])


def _refusal(space, normal: tuple) -> str:
    arch = (normal, EXAMPLE[1]) if space is DARTS else NdsArch(normal, EXAMPLE[1], 8, 5)
    with pytest.raises(ArchitectureError) as error:
        space.validate(arch)
    return str(error.value)


@pytest.mark.parametrize("normal,message", [
    (((0, 9),) + EXAMPLE[0][1:], "the normal cell's pair 0 has op 9; ops are 0..6 (0=max_pool_3x3, 1=avg_pool_3x3, "),
    (EXAMPLE[0][:1] + ((10**400, 0),) + EXAMPLE[0][2:],
     "of the normal cell reads input about 10^400; it may read 0..1"),
    (EXAMPLE[0][:3], "the normal cell of {} architecture must list 8 (input, op) pairs, two per node; got "),
    (((True, 0),) + EXAMPLE[0][1:], "the normal cell's pair 0 must be (input, op index), got (True, 0)"),
])
def test_both_spaces_refuse_a_bad_cell_in_the_same_words(normal, message):
    for space, name in ((DARTS, "a DARTS"), (NDS_DARTS, "an NDS darts")):
        assert message.format(name) in _refusal(space, normal)


def test_only_darts_refuses_a_node_reading_one_input_twice_and_each_numbers_its_nodes_its_own_way():
    twice = ((0, 3), (0, 3)) + EXAMPLE[0][2:]
    assert "node 2 of the normal cell reads input 0 twice; a DARTS node has two different inputs" in _refusal(
        DARTS, twice)
    assert NDS_DARTS.validate(NdsArch(twice, EXAMPLE[1], 8, 5)).normal == twice
    far = EXAMPLE[0][:7] + ((5, 5),)
    assert "node 5 of the normal cell reads input 5; it may read 0..4" in _refusal(DARTS, far)  # as inputs, from 2
    assert "node 3 of the normal cell reads input 5; it may read 0..4" in _refusal(NDS_DARTS, far)  # from 0


def test_the_shared_check_gives_python_ints_and_the_shared_genotype_reads_back():
    cell = check_cell([[0, 3], [1, 3]], "normal", ("a", "b", "c", "d"), 1, "a test", distinct_inputs=True,
                      first_node=2)
    assert cell == ((0, 3), (1, 3)) and all(type(v) is int for pair in cell for v in pair)
    text = genotype_string(EXAMPLE, OPS, output_nodes)
    assert text == DARTS.format(EXAMPLE)
    assert NDS_DARTS.format(NdsArch(*EXAMPLE, 8, 5)) == f"{text} width=8 depth=5"
    fields = read_genotype(text)
    assert [tuple((source, OPS.index(op)) for op, source in fields[name]) for name in ("normal", "reduce")] == \
        list(EXAMPLE)
    assert fields["normal_concat"] == fields["reduce_concat"] == [2, 3, 4, 5]
    with pytest.raises(ArchitectureError, match=re.escape("the normal cell of a test architecture must list 2")):
        check_cell([], "normal", ("a",), 1, "a test", distinct_inputs=False, first_node=0)
