"""The shape of a NAGO network, its exact parameter and FLOP counts, and the width that fits a budget.

:class:`Plan` is everything about a network but its width: the drawn graphs, the stage of each
top-level node and the channel ratios. :func:`cell_io` gives each top-level node's channels, and
both :func:`network_size` (here, without torch) and :func:`~.network.build_network` read it, so the
counts describe the network that is built (the tests check both against the real module).

Counts are per image. Parameters are every weight: convolutions without bias (a BatchNorm follows
each, or a sum feeding a ReLU-conv-BN), affine BatchNorm (2 per channel), one scalar per gated
input of a sum, a biased classifier. FLOPs follow the per-layer rules of nasloop's ``flops`` proxy
(:func:`nasloop.engine.evaluators.proxies.structural.flops`, torchstat's rules): a multiply-add per
conv weight per output position, 2 per element for BatchNorm, 1 for ReLU, C*(H+1)*(W+1) for the
global pool, in*out for the classifier; the pooling that downsamples a cell's inputs, the input
gates and the sums count nothing, as there.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from ...engine.errors import ArchitectureError
from .graphs import DAG, Graphs

KERNEL = 9
"""Weights per input-output channel pair of a bottom-level op's 3x3 convolution."""
STEM_KERNEL_IN = 3 * 9
"""Weights per output channel of the stem's first conv (RGB in, 3x3)."""
NodeSize = Callable[[int, int, int], tuple[int, int]]
"""Parameters and FLOPs of one node of a graph from its input channels, output channels and map area."""


@dataclass(frozen=True)
class Plan:
    """A network without its width: the graphs, each top-level node's stage and the channel ratios."""

    graphs: Graphs
    stages: tuple[int, ...]
    channel_ratios: tuple[float, float, float]

    def channels(self, stage: int, width: int) -> int:
        """A stage's channels at ``width``: ``width`` for the widest stage, the others in ratio (rounded, at least 1).

        The reference multiplies the ratios by an integer base width, so one step of 1:2:4 moves the
        widest stage 4 channels and the parameter count by tens of percent at small budgets; a step
        of the widest stage's own channels moves it about 2/width (8% at 1e5 parameters, 1-6% at 4e6).
        """
        return max(1, math.floor(width * self.channel_ratios[stage] / max(self.channel_ratios) + 0.5))


def stages_of(nodes: int, stage_ratios: tuple[float, float, float]) -> tuple[int, ...]:
    """The stage (0, 1, 2) of each top-level node, in index order, split by ``stage_ratios``.

    The reference's rule: walking the nodes in order, a node moves on one stage when its index has
    reached the current stage's share of the nodes (so 1:1:1 splits 3 nodes 0,1,2 and 4 nodes
    0,0,1,2). The reference feeds it the raw ratios (1.0 each), which leaves every node of a graph
    with more than 3 nodes in stage 0; the ratios are normalised here, as their name says. The
    comparison is done in products, so integer ratios split exactly.
    """
    total = sum(stage_ratios)
    bounds = [stage_ratios[0], stage_ratios[0] + stage_ratios[1]]
    stages, stage = [], 0
    for index in range(nodes):
        if stage < len(bounds) and index * total >= nodes * bounds[stage]:
            stage += 1
        stages.append(stage)
    return tuple(stages)


def make_plan(graphs: Graphs, stage_ratios: tuple[float, float, float],
              channel_ratios: tuple[float, float, float]) -> Plan:
    """The plan of one draw: its graphs, the stages ``stage_ratios`` gives its top nodes, the channel ratios."""
    return Plan(graphs, stages_of(graphs.top.size, stage_ratios), channel_ratios)


@dataclass(frozen=True)
class CellIO:
    """One top-level node's channels: what its merged input has, what it outputs, what each input brings."""

    c_in: int
    c_out: int
    incoming: tuple[int, ...]


def cell_io(plan: Plan, width: int) -> list[CellIO]:
    """Each top-level node's channels at ``width``, in index order.

    As in the reference: a cell outputs its stage's channels; an input cell reads the stem (stage
    0's channels); a cell with predecessors takes the channels of its last (highest-index)
    predecessor, and the other inputs are brought to them by a 1x1 conv before the sum.
    """
    top, out = plan.graphs.top, [plan.channels(s, width) for s in plan.stages]
    stem = plan.channels(0, width)
    return [CellIO(out[preds[-1]] if preds else stem, out[v], tuple(out[u] for u in preds))
            for v, preds in enumerate(top.preds)]


def final_stage(plan: Plan) -> int:
    """The stage of the top graph's last node, an output in the deepest stage: the network's output resolution."""
    return plan.stages[-1]


def side(image_size: int, stage: int) -> int:
    """A stage's feature-map side: the input's, halved per stage (the stem keeps the input size)."""
    return max(1, image_size >> stage)


def merge_size(incoming: tuple[int, ...], c_in: int, hw: int) -> tuple[int, int]:
    """Parameters and FLOPs of summing ``incoming`` into ``c_in`` channels (see :func:`~.network.input_merge`)."""
    if len(incoming) < 2:
        return 0, 0
    params = flops = 0
    for c in incoming:
        if c == c_in:
            params += 1  # a sigmoid gate
        else:
            params += c * c_in  # a 1x1 conv
            flops += c * c_in * hw
    return params, flops


def graph_size(dag: DAG, c_in: int, c_out: int, hw: int, node: NodeSize) -> tuple[int, int]:
    """Parameters and FLOPs of a DAG whose input nodes read ``c_in`` channels and every node outputs ``c_out``."""
    params = flops = 0
    for preds in dag.preds:
        node_params, node_flops = node(c_out if preds else c_in, c_out, hw)
        gate_params, _ = merge_size(tuple(c_out for _ in preds), c_out, hw)
        params += node_params + gate_params
        flops += node_flops
    return params, flops


def op_size(c_in: int, c_out: int, hw: int) -> tuple[int, int]:
    """ReLU, 3x3 conv, BatchNorm."""
    return KERNEL * c_in * c_out + 2 * c_out, hw * (c_in + KERNEL * c_in * c_out + 2 * c_out)


def network_size(plan: Plan, width: int, num_classes: int, image_size: int = 32) -> tuple[int, int]:
    """Exact parameters and per-image FLOPs of :func:`~.network.build_network` (plan, width, num_classes)."""
    graphs = plan.graphs
    stem = plan.channels(0, width)
    hw = image_size * image_size
    params = STEM_KERNEL_IN * stem + KERNEL * stem * stem + 4 * stem
    flops = hw * (STEM_KERNEL_IN * stem + 2 * stem + stem + KERNEL * stem * stem + 2 * stem)

    def bottom(c_in: int, c_out: int, hw: int) -> tuple[int, int]:
        return graph_size(graphs.bottom, c_in, c_out, hw, op_size)

    for io, stage in zip(cell_io(plan, width), plan.stages):
        hw = side(image_size, stage) ** 2
        merge_params, merge_flops = merge_size(io.incoming, io.c_in, hw)
        cell_params, cell_flops = graph_size(graphs.mid, io.c_in, io.c_out, hw, bottom)
        params += merge_params + cell_params
        flops += merge_flops + cell_flops

    final = plan.channels(final_stage(plan), width)
    out_side = side(image_size, final_stage(plan))
    for v in graphs.top.outputs:
        c = plan.channels(plan.stages[v], width)
        if c != final:  # output adapters: 1x1 convs at the output resolution
            params += c * final
            flops += c * final * out_side * out_side
    params += final * num_classes + num_classes
    flops += final * out_side * out_side + final * (out_side + 1) ** 2 + final * num_classes
    return params, flops


def fit_width(plan: Plan, param_limit: float, num_classes: int, describe: str) -> int:
    """The largest width (see :meth:`Plan.channels`) whose network has at most ``param_limit`` parameters.

    Parameters grow with the width (quadratically), so a doubling then a bisection find it in a
    few dozen exact counts. ``describe`` names the generator in the error raised when even width 1
    is over the limit: an ArchitectureError, this draw's own failure (its trial fails, the search goes
    on), since the space's minimum limit is that of one draw of its largest generator, and other draws
    of the largest generators need up to 2 % more (13,420 against 13,218 at 10 classes).
    """
    smallest = network_size(plan, 1, num_classes)[0]
    if smallest > param_limit:
        raise ArchitectureError(f"the smallest network of NAGO generator {describe} (width 1) has "
                                f"{smallest:,} parameters, over param_limit={param_limit:g}; raise the space "
                                f"option param_limit to at least {smallest}")
    low, high = 1, 2
    while network_size(plan, high, num_classes)[0] <= param_limit:
        low, high = high, high * 2
    while high - low > 1:
        mid = (low + high) // 2
        if network_size(plan, mid, num_classes)[0] <= param_limit:
            low = mid
        else:
            high = mid
    return low
