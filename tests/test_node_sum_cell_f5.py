"""NB201's cell and TransNAS-Bench-101's micro cell (NB201's cell shape with TNB101's ops) run one forward pass,
:class:`NodeSumCell`'s: each space wrote the same node sums out."""
from __future__ import annotations

import torch
from torch import nn

from nasloop.search_spaces.blocks import NodeSumCell
from nasloop.search_spaces.nb201.network import NB201Cell
from nasloop.search_spaces.tnb101.network import MicroCell


def test_both_spaces_cells_are_node_sum_cells_with_its_forward_pass():
    assert issubclass(NB201Cell, NodeSumCell) and issubclass(MicroCell, NodeSumCell)
    assert NB201Cell.forward is NodeSumCell.forward and MicroCell.forward is NodeSumCell.forward


def test_a_node_sums_its_live_inputs_and_a_node_without_one_is_zeros_in_the_inputs_layout():
    built = []

    def make_op(source: int, scale: float) -> nn.Module:
        built.append((source, scale))
        return Scale(scale)

    cell = NodeSumCell([(0, 1, 2.0), (0, 2, 3.0), (1, 2, 5.0)], make_op, 3)
    x = torch.arange(8.0).reshape(1, 2, 2, 2)
    assert built == [(0, 2.0), (0, 3.0), (1, 5.0)] and cell.sources == ((0,), (0, 1))
    assert torch.equal(cell(x), 3 * x + 5 * (2 * x))
    dead = NodeSumCell([(0, 1, 2.0)], make_op, 3)(x.to(memory_format=torch.channels_last))
    assert torch.equal(dead, torch.zeros_like(x)) and dead.is_contiguous(memory_format=torch.channels_last)


class Scale(nn.Module):
    """An edge op multiplying by a constant, so that a sum's terms can be told apart."""

    def __init__(self, scale: float) -> None:
        super().__init__()
        self.scale = scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.scale * x
