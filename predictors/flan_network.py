"""FLAN's network: op embeddings, a dense-graph-flow and a graph-attention branch, and an MLP head.

See :mod:`nasloop.predictors.flan` for the method and why it is built this way. Message passing
is torch-geometric's (``MessagePassing``, ``GATConv``); nothing here hand-writes scatter.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
from torch import nn
from torch_geometric.data import Batch
from torch_geometric.nn import GATConv, MessagePassing, global_mean_pool

from .generated_code import generated_code_folder

HEAD_DROPOUT = 0.1  # the head sees a few dozen graphs per fit; dropout there lifted tau at 78 cells by ~0.01


class GatedFlowConv(MessagePassing):
    """One dense-graph-flow step: ``sigmoid(W_g e_i) * sum_j W_m h_j`` over the predecessors j of i."""

    def __init__(self, hidden: int, op_dim: int) -> None:
        super().__init__(aggr="add")
        self.transform = nn.Linear(hidden, hidden, bias=False)
        self.gate = nn.Linear(op_dim, hidden)

    def context(self, ops: torch.Tensor) -> torch.Tensor:
        """The gates, computed once per flow: they depend on the ops only, not on the flowing states."""
        return torch.sigmoid(self.gate(ops))

    def forward(self, h: torch.Tensor, gates: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        # The gate depends on the receiving node only, so it scales the sum of the messages.
        return gates * self.propagate(edge_index, h=self.transform(h))

    def message(self, h_j: torch.Tensor) -> torch.Tensor:
        return h_j


class AttentionConv(nn.Module):
    """``GATConv`` over the predecessors, behind the same call as :class:`GatedFlowConv`."""

    def __init__(self, hidden: int, op_dim: int) -> None:
        super().__init__()
        self.conv = GATConv(hidden, hidden, add_self_loops=False)

    def context(self, ops: torch.Tensor) -> None:
        return None

    def forward(self, h: torch.Tensor, context: None, edge_index: torch.Tensor) -> torch.Tensor:
        return self.conv(h, edge_index)


class FlowBranch(nn.Module):
    """Forward flow, backward flow, op-embedding refinement; repeated over time steps.

    A flow applies one shared step, ``h = seed + relu(conv(h))``, until information from the
    sources has reached every node (``depth`` steps, the graph's longest path): with tied weights
    this is the DAG's topological propagation, the same computation for every architecture however
    deep. Each graph of a batch takes its own number of steps (``steps``: per node, its graph's),
    its nodes held after that: the attention flow does not settle at the longest path (GAT's
    attention on an edge reads the receiving node's own state, so a node with several predecessors
    keeps moving, less at each step), so steps past a graph's own would make its score depend on
    the deepest graph batched with it. The ReLU makes each hop a nonlinear transformation, as a
    layer of the network is (without it, tau at 78 NB201 cells was 0.73 instead of 0.75). The
    gated branch starts the flow at the sources only (the input for the forward flow, the output for the
    backward one), so what a node holds is exactly what its ops let through from there; the
    attention branch also feeds every node its own op.
    """

    def __init__(self, conv: type[nn.Module], op_dim: int, hidden: int, time_steps: int, sources_only: bool) -> None:
        super().__init__()
        self.time_steps, self.sources_only = time_steps, sources_only
        self.start = nn.ModuleList(nn.Linear(op_dim, hidden) for _ in range(2))
        self.flows = nn.ModuleList(conv(hidden, op_dim) for _ in range(2))
        self.refine = nn.Linear(hidden, op_dim)

    def _flow(self, direction: int, ops: torch.Tensor, edge_index: torch.Tensor,
              steps: torch.Tensor) -> torch.Tensor:
        seed = self.start[direction](ops)
        if self.sources_only:
            has_input = torch.zeros(len(ops), dtype=torch.bool, device=ops.device)
            has_input[edge_index[1]] = True
            seed = seed.masked_fill(has_input[:, None], 0.0)
        conv = self.flows[direction]
        context, h = conv.context(ops), seed
        every = int(steps.min())  # steps every graph of the batch takes: no node to hold yet
        for step in range(int(steps.max())):
            moved = seed + torch.relu(conv(h, context, edge_index))
            h = moved if step < every else torch.where((step < steps)[:, None], moved, h)
        return h

    def forward(self, ops: torch.Tensor, edge_index: torch.Tensor, steps: torch.Tensor) -> torch.Tensor:
        reverse = edge_index.flip(0)
        for _ in range(self.time_steps - 1):  # each step sees op embeddings informed by the backward flow
            ops = ops + torch.tanh(self.refine(self._flow(1, ops, reverse, steps)))
        return self._flow(0, ops, edge_index, steps)  # only the last forward flow reaches the readout


class FlanNet(nn.Module):
    """Op embeddings → DGF and GAT branches → readouts (+ supplementary features) → MLP → score."""

    def __init__(self, vocab_size: int, features: int, op_dim: int, hidden: int, time_steps: int) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, op_dim)
        with generated_code_folder(GatedFlowConv, GATConv):  # their code, generated on a process's first build
            self.branches = nn.ModuleList([FlowBranch(GatedFlowConv, op_dim, hidden, time_steps, sources_only=True),
                                           FlowBranch(AttentionConv, op_dim, hidden, time_steps, sources_only=False)])
        self.head = nn.Sequential(nn.Linear(4 * hidden + features, 2 * hidden), nn.ReLU(), nn.Dropout(HEAD_DROPOUT),
                                  nn.Linear(2 * hidden, hidden), nn.ReLU(), nn.Dropout(HEAD_DROPOUT),
                                  nn.Linear(hidden, 1))

    def forward(self, graphs: Batch, features: torch.Tensor) -> torch.Tensor:
        """Scores of the batch's graphs, each flowing its own longest path: a graph's score is the same
        whichever graphs share its batch."""
        ops = self.embedding(graphs.x)
        steps = graphs.depth[graphs.batch]  # each node's graph's longest path
        outputs = graphs.ptr[1:] - 1  # a graph encoding's last node is its output
        readouts = []
        for branch in self.branches:
            h = branch(ops, graphs.edge_index, steps)
            readouts += [h[outputs], global_mean_pool(h, graphs.batch, graphs.num_graphs)]
        return self.head(torch.cat([*readouts, features], dim=1)).squeeze(1)


@torch.inference_mode()
def chunked_scores(member: FlanNet, chunks: Sequence[Batch], features: torch.Tensor) -> np.ndarray:
    """One member's scores of the chunks' graphs in order (``features``: their rows, in the same order)."""
    bounds = np.cumsum([0] + [chunk.num_graphs for chunk in chunks]).tolist()
    return torch.cat([member(chunk, features[start:end])
                      for chunk, start, end in zip(chunks, bounds, bounds[1:])]).double().numpy()


def longest_path(num_nodes: int, edges: np.ndarray) -> int:
    """Edges in the DAG's longest path, wherever it starts and ends, not only input→output (a dead branch 1→2→3→4
    beside the arc 0→5 gives 3, not 1): the steps FLAN's flows take until every source has reached every node.

    Nodes are numbered in topological order (the space checks each edge's source comes before its target); the
    edges may come in any order. Written here, not networkx's ``dag_longest_path_length``: FLAN takes it for every
    graph it encodes (the whole space when it ranks it), and building a networkx graph for each made NB201's
    15,625 graphs take 1.4 s against 0.08 s."""
    level = [0] * num_nodes
    for src, dst in sorted(edges.T.tolist()):  # by source: each node's level is final before its edges leave it
        level[dst] = max(level[dst], level[src] + 1)
    return max(level)


def hinge_loss(scores: torch.Tensor, better: torch.Tensor, margin: float) -> torch.Tensor:
    """Mean pairwise hinge over all ordered pairs (i better than j): ``relu(margin - (s_i - s_j))``."""
    gaps = scores[:, None] - scores[None, :]
    return torch.relu(margin - gaps)[better].mean()


def better_pairs(target: torch.Tensor, origin: torch.Tensor | None) -> torch.Tensor:
    """``[i, j]`` true where cell i's target beats cell j's (and, given ``origin``, both come from one space)."""
    better = target[:, None] > target[None, :]
    return better if origin is None else better & (origin[:, None] == origin[None, :])


SCORE_NOISE = 1e-5
"""A member's scores, float32, differ by rounding alone up to about this share of their size (one architecture
scored several times in a batch: 1e-8 apart); a hinge-trained member sets the cells it orders its margin apart."""


def target_map(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Slope and intercept of the increasing affine map of a member's scores of the training cells onto their
    targets' mean and spread (it keeps the member's ranking).

    Scores spread no more than float32 rounding (:data:`SCORE_NOISE` of their size) tell the training cells apart by
    nothing but that rounding: one cell given three times with three targets, which the batch scored 1e-8 apart, was
    mapped with a slope of 4e8 and predicted 3e7 for accuracies near 80. They get no slope, as scores all equal do."""
    spread = float(scores.std())
    real = spread > SCORE_NOISE * float(np.abs(scores).max(initial=0.0))
    slope = float(y.std()) / spread if real else 0.0
    return slope, float(y.mean()) - slope * float(scores.mean())
