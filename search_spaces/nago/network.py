"""The torch network of one NAGO draw: a three-level hierarchy of random graphs.

The reference (vega's ``layer.py``) builds, for 32 px images: a stem (conv3x3-BN-ReLU-conv3x3-BN)
at stage 0's channels; the top-level graph, whose nodes are cells; each cell a mid-level graph
whose nodes are bottom-level graphs; each bottom-level node a ReLU-conv3x3-BN op. Every graph
node sums its inputs (through a learnt sigmoid gate each, or a 1x1 conv where the channels
differ), input nodes read the graph's input, and the graph outputs the mean of its output nodes.
Nothing inside a cell strides: a cell in stage s works at the stem's resolution halved s times,
and average-pools any input that is larger (the reference's only downsampling). The top graph's
outputs are pooled to the smallest of their sizes, brought to the last stage's channels by a 1x1
conv and averaged. The head is ReLU, global average pooling and a linear classifier (the
reference's 1x1 conv to 1,280 channels and its dropout are left out: they would take most of a
small parameter budget and are a training choice, not the generator's).

Convolutions carry no bias (a BatchNorm follows each, or a sum feeding a ReLU-conv-BN); the
graph structure is fixed at build time, so ``forward`` has no data-dependent control flow.
:func:`~.sizing.network_size` counts this module's parameters and FLOPs exactly.
"""
from __future__ import annotations

import operator
from functools import reduce
from typing import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from ..blocks import ReLUConvBN
from .graphs import DAG
from .sizing import Plan, cell_io, final_stage


class Gate(nn.Module):
    """A learnt weight in (0, 1) on one input of a sum (the reference's bounded scalar multiply)."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.weight) * x


class Merge(nn.Module):
    """The sum of several inputs, each through its own adapter (a gate, a 1x1 conv or the identity)."""

    def __init__(self, adapters: Sequence[nn.Module]) -> None:
        super().__init__()
        self.adapters = nn.ModuleList(adapters)

    def forward(self, inputs: Sequence[torch.Tensor]) -> torch.Tensor:
        return reduce(operator.add, (adapter(x) for adapter, x in zip(self.adapters, inputs)))


def input_merge(incoming: Sequence[int], c_in: int) -> Merge:
    """How a node sums inputs of ``incoming`` channels into ``c_in``: one input passes as it is,
    several are gated (same channels) or 1x1-convolved (other channels) and summed."""
    if len(incoming) < 2:
        return Merge([nn.Identity()])
    return Merge([Gate() if c == c_in else nn.Conv2d(c, c_in, 1, bias=False) for c in incoming])


def _mean(tensors: list[torch.Tensor]) -> torch.Tensor:
    return reduce(operator.add, tensors) / len(tensors)


class GraphModule(nn.Module):
    """A DAG whose nodes are modules: input nodes read ``x``, the others the merged outputs of
    their predecessors; the output is the mean of the output nodes."""

    def __init__(self, dag: DAG, nodes: Sequence[nn.Module], c_out: int) -> None:
        super().__init__()
        self.preds, self.outputs = dag.preds, dag.outputs
        self.nodes = nn.ModuleList(nodes)
        self.merges = nn.ModuleList(input_merge([c_out] * len(preds), c_out) for preds in dag.preds)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outs: list[torch.Tensor] = []
        for preds, merge, node in zip(self.preds, self.merges, self.nodes):
            outs.append(node(merge([outs[u] for u in preds] if preds else [x])))
        return _mean([outs[v] for v in self.outputs])


def _bottom_graph(dag: DAG, c_in: int, c_out: int) -> GraphModule:
    return GraphModule(dag, [ReLUConvBN(c_out if preds else c_in, c_out, 3) for preds in dag.preds], c_out)


def _cell(plan: Plan, c_in: int, c_out: int) -> GraphModule:
    mid, bottom = plan.graphs.mid, plan.graphs.bottom
    return GraphModule(mid, [_bottom_graph(bottom, c_out if preds else c_in, c_out) for preds in mid.preds], c_out)


def _pool_to(x: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    return x if tuple(x.shape[-2:]) == size else F.adaptive_avg_pool2d(x, size)


class NAGONetwork(nn.Module):
    """Stem, the top-level graph of cells across three stages, and a pooled linear head."""

    def __init__(self, plan: Plan, width: int, num_classes: int) -> None:
        super().__init__()
        top = plan.graphs.top
        self.preds, self.outputs, self.stages = top.preds, top.outputs, plan.stages
        stem = plan.channels(0, width)
        self.stem = nn.Sequential(
            nn.Conv2d(3, stem, 3, padding=1, bias=False), nn.BatchNorm2d(stem), nn.ReLU(),
            nn.Conv2d(stem, stem, 3, padding=1, bias=False), nn.BatchNorm2d(stem))
        ios = cell_io(plan, width)
        self.merges = nn.ModuleList(input_merge(io.incoming, io.c_in) for io in ios)
        self.cells = nn.ModuleList(_cell(plan, io.c_in, io.c_out) for io in ios)
        self.final_stage = final_stage(plan)
        final = plan.channels(self.final_stage, width)
        self.output_merge = Merge([nn.Identity() if ios[v].c_out == final
                                   else nn.Conv2d(ios[v].c_out, final, 1, bias=False) for v in self.outputs])
        self.head = nn.Sequential(nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(final, num_classes))
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem(x)
        height, width = x.shape[-2:]
        sizes = [(max(1, height >> s), max(1, width >> s)) for s in range(3)]
        outs: list[torch.Tensor] = []
        for preds, stage, merge, cell in zip(self.preds, self.stages, self.merges, self.cells):
            inputs = [outs[u] for u in preds] if preds else [x]
            outs.append(cell(merge([_pool_to(t, sizes[stage]) for t in inputs])))
        size = sizes[self.final_stage]
        merged = self.output_merge([_pool_to(outs[v], size) for v in self.outputs]) / len(self.outputs)
        return self.head(merged)


def build_network(plan: Plan, width: int, num_classes: int = 10) -> NAGONetwork:
    """The network of ``plan`` at ``width`` (its widest stage's channels), initialised from torch's global RNG."""
    return NAGONetwork(plan, width, num_classes)
