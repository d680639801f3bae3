"""TNB101-micro's functional identity follows the benchmark's network: a skip out of the cell input is no identity.

The micro cell is also the block of the skeleton's modules that halve the resolution or double the channels, where a
skip out of the cell input is a FactorizedReduce with weights of its own (as the benchmark builds it). The cell
identity NB201 uses (skip as a wire everywhere) called ``1_00_030`` (a conv3x3 after that skip) and ``0_00_300`` (the
conv3x3 alone) one network, so ``--dedup functional`` evaluated only one of two networks whose parameters the
benchmark's own proxy file counts apart.
"""
from __future__ import annotations

import csv
import gzip

from nasloop.search_spaces.nb201.space import NB201Space
from nasloop.search_spaces.tnb101.space import TNB101MicroSpace

AFTER_SKIP, ALONE, SKIP_TO_NODE_2 = "1_00_030", "0_00_300", "0_10_003"
INNER_SKIP, DIRECT = "3_01_002", "3_00_020"  # conv1x1 after conv3x3, through a skip from node 1 to node 2 or not


def _parameters(space: TNB101MicroSpace, code: str) -> int:
    return sum(p.numel() for p in space.to_module(space.parse(code)).parameters())


def test_a_conv_after_a_skip_out_of_the_input_is_another_network_than_the_conv_alone():
    space = TNB101MicroSpace(base_channels=8)  # small networks: the counts differ at any width
    after_skip, alone = space.parse(AFTER_SKIP), space.parse(ALONE)
    assert _parameters(space, AFTER_SKIP) > _parameters(space, ALONE)
    assert space.functional_hash(after_skip) != space.functional_hash(alone)
    assert space.canonical(after_skip) != space.canonical(alone)
    # the same skip into node 2, the conv after it: the same network
    assert space.functional_hash(after_skip) == space.functional_hash(space.parse(SKIP_TO_NODE_2))
    assert _parameters(space, AFTER_SKIP) == _parameters(space, SKIP_TO_NODE_2)
    # a skip from one inner node to another is a wire: the conv after it reads what it would read directly
    assert space.functional_hash(space.parse(INNER_SKIP)) == space.functional_hash(space.parse(DIRECT))
    assert _parameters(space, INNER_SKIP) == _parameters(space, DIRECT)
    assert len({space.functional_hash(cell) for cell in space.enumerate()}) == 1229


def test_the_benchmarks_proxy_file_counts_the_two_networks_apart(data_dir):
    with gzip.open(data_dir / "tnb101_micro_zc_proxies_class_scene.csv.gz", "rt") as handle:
        params = {row["tnb_arch_str"].rsplit("-", 1)[1]: float(row["params"]) for row in csv.DictReader(handle)}
    assert params[AFTER_SKIP] > params[ALONE] and params[AFTER_SKIP] == params[SKIP_TO_NODE_2]


def test_nb201_whose_cells_keep_their_shape_still_wires_that_skip():
    space = NB201Space()
    after_skip = space.parse("|skip_connect~0|+|none~0|none~1|+|none~0|nor_conv_3x3~1|none~2|")
    alone = space.parse("|none~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|")
    assert space.functional_hash(after_skip) == space.functional_hash(alone)
    assert len({space.functional_hash(cell) for cell in space.enumerate()}) == 4930


def test_the_dataflow_graph_keeps_that_skip_as_a_node_and_nb201_wires_it():
    """FLAN's dataflow view wired every skip, so the two networks above were one graph: input -> conv3x3 -> output."""
    space = TNB101MicroSpace()
    after_skip = space.encode(space.parse(AFTER_SKIP), "dataflow")
    assert sorted(map(tuple, after_skip.edges.T.tolist())) == [(0, 1), (1, 5), (5, 7)]  # input, skip, conv, output
    assert space.encode(space.parse(ALONE), "dataflow").edges.shape[1] == 2
    into_node_2 = space.encode(space.parse(SKIP_TO_NODE_2), "dataflow")  # input -> skip (0, 2) -> conv (2, 3)
    assert sorted(map(tuple, into_node_2.edges.T.tolist())) == [(0, 2), (2, 6), (6, 7)]
    inner = space.encode(space.parse(INNER_SKIP), "dataflow")  # conv (0, 1) -> conv (2, 3), the skip (1, 2) wired
    assert sorted(map(tuple, inner.edges.T.tolist())) == [(0, 1), (1, 6), (6, 7)]
    nb201 = NB201Space()
    wired = nb201.encode(nb201.parse("|skip_connect~0|+|none~0|none~1|+|none~0|nor_conv_3x3~1|none~2|"), "dataflow")
    assert sorted(map(tuple, wired.edges.T.tolist())) == [(0, 5), (5, 7)]
