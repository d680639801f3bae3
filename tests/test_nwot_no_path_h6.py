"""nwot is undefined on a network whose output does not depend on its input, as jacov and epe_nas are: it counted
the ReLUs of a branch that never reaches the output and scored such an NB201 cell 148.2 where the stored table and
every other proxy have no score."""
from __future__ import annotations

import copy
import math

import pytest
import torch
from torch import nn

from nasloop.engine.evaluators.proxies import get_proxy, score_architectures, score_network
from nasloop.search_spaces.nb201 import NB201Space

DEAD_END_CELL = "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|"  # its conv feeds only 'none' edges

pytestmark = pytest.mark.usefixtures("one_torch_thread")


class Branches(nn.Module):
    """Two ReLU branches reading the image; the second reaches the output only when ``joined``, else the output is
    the head on zeros (as an NB201 node with no live input is), so it does not depend on the image."""

    def __init__(self, joined: bool) -> None:
        super().__init__()
        self.joined = joined
        self.first = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU())
        self.second = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU())
        self.head = nn.Linear(4, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        second = self.second(x).mean((2, 3))
        if not self.joined:
            return self.head(torch.zeros_like(second))
        return self.head(self.first(x).mean((2, 3)) + second)


def images() -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    return torch.randn(6, 3, 5, 5, generator=generator), torch.zeros(6, dtype=torch.int64)


def test_nwot_is_undefined_as_jacov_where_the_output_does_not_depend_on_the_input():
    torch.manual_seed(0)
    inputs, targets = images()
    scores = score_network(lambda: Branches(joined=False), [get_proxy("nwot"), get_proxy("jacov")], inputs, targets)
    assert scores.scores == {} and not scores.failed
    assert scores.errors["nwot"] == scores.errors["jacov"].replace("jacov", "nwot")
    assert "no input-output path" in scores.errors["nwot"]


def test_nwot_of_a_network_whose_output_reads_every_relu_is_the_log_determinant_of_their_codes():
    torch.manual_seed(0)
    inputs, targets = images()
    net = Branches(joined=True)
    with torch.no_grad():
        codes = torch.cat([(branch[0](inputs) > 0).reshape(len(inputs), -1).double()
                           for branch in (net.first, net.second)], dim=1)
    kernel = codes @ codes.T + (1 - codes) @ (1 - codes).T
    expected = float(torch.linalg.slogdet(kernel)[1])
    assert get_proxy("nwot").fn(copy.deepcopy(net), inputs, targets) == pytest.approx(expected, rel=1e-12)
    assert math.isfinite(expected)


def test_nwot_of_an_nb201_cell_without_an_input_output_path_is_undefined_as_jacov_is(data_dir):
    """The stored table has no nwot for this cell either (it reads its live form, the cell of 'none' ops)."""
    record = score_architectures(NB201Space(), [DEAD_END_CELL], ("nwot", "jacov"), data_dir=data_dir, batch_size=8)[0]
    assert record["scores"] == {"nwot": None, "jacov": None}
    assert "no input-output path" in record["errors"]["nwot"]
