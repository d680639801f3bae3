"""``network_layers`` lists a stack's later cells once (they read the stack's own channels alike): still every
cell's layers as ``cell_layers`` gives them, for every network size, and a size the channels cannot split still
refused."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.search_spaces.nb101.cost import Layer, canonical_cell, cell_layers, network_layers
from nasloop.search_spaces.nb101.graph import make_cell, sample_cell


def _cell_by_cell(cell, stem: int, stacks: int, per_stack: int, size: int) -> list[Layer]:
    """The network's layers with each cell's listed on its own, in the order ``network_layers`` documents."""
    cell, side, channels = canonical_cell(cell), size, stem
    layers = [Layer("conv", 3, 3, stem, side)]
    for stack in range(stacks):
        c_in = channels
        if stack > 0:
            side = -(-side // 2)
            layers.append(Layer("maxpool", 2, c_in, c_in, side))
            channels *= 2
        for _ in range(per_stack):
            layers += cell_layers(cell, c_in, channels, side)
            c_in = channels
    return layers + [Layer("avgpool", side, channels, channels, 1), Layer("linear", 1, channels, 10, 1)]


@pytest.mark.parametrize("stem,stacks,per_stack,size", [(128, 3, 3, 32), (16, 2, 1, 33), (24, 4, 2, 7), (5, 1, 2, 3)])
def test_every_cells_layers_for_every_size(stem, stacks, per_stack, size):
    rng = np.random.default_rng(17)
    cells = [sample_cell(rng) for _ in range(200)]
    for cell in cells:
        assert list(network_layers(cell, 10, stem, stacks, per_stack, size)) == _cell_by_cell(
            cell, stem, stacks, per_stack, size)


def test_channels_the_output_cannot_split_are_still_refused():
    fan_in_three = make_cell([[0, 1, 1, 1, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]],
                             ["conv3x3-bn-relu"] * 3)
    with pytest.raises(ValueError, match="cannot be split among 3 nodes"):
        list(network_layers(fan_in_three, 10, 2, 1, 2))
