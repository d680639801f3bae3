"""The FLAN authors' own transfer run, NB101 (512 cells) -> NB201, beside ours on identical splits.

Issue 19 asks for the reference's transfer figure (their Table 1 command: ``universal_main.py
--space nb101 --transfer_space nb201 --representation adj_gin --joint_repr --gnn_type ensemble
--sample_size 512 --transfer_sample_sizes 8 40 78 --batch_size 8``) run beside ours. Their script
needs their pre-built embedding files; this one feeds their network (``GIN_Model``, imported from
``--reference-repo``, as in ``flan_reference_nb201.py``) with the inputs those files would hold,
following their code path:

* **Source.** The same 512 NB101 cells as ``nasloop predictors pretrain --space nb101 --train-size
  512`` (seed 0, 108-epoch validation accuracy). Their NB101 graph pads a cell to 7 nodes: the
  output's column moves to the last node, and the free nodes become unconnected conv3x3 nodes.
  Pretraining is their recipe: 150 epochs, batch 8, AdamW 1e-3, pairwise hinge.
* **Op indices.** With ``adj_gin`` their loader asks for the "bin_space" operation matrix: each
  space's one-hot ops right-aligned in a row of ``max_oplen`` columns, followed by 4 bits of space
  id, then ``argmax``. So an NB101 op gets index ``max_oplen - 5 + column`` (input, conv1x1,
  conv3x3, maxpool, output) and an NB201 op ``max_oplen - 7 + column`` (output, input, avg-pool,
  conv1x1, conv3x3, none, skip): both convolutions share their rows, NB101's max-pool shares
  NB201's "none" row. ``max_oplen`` is the widest op matrix of all their spaces (an NDS family),
  which their data files fix; ``--op-width`` (default 16) stands for it. From 16 on its value
  changes which random rows are used, not what is shared.
* **Transfer.** Their ``modify_emb_pretransfer`` step (on by default) copies the embedding rows of
  the source's ``ss_mapper_oprange`` (0-4) over the target's (5-11), then fine-tunes every weight
  for 30 epochs (batch 8, AdamW at their default ``transfer_lr`` 1e-3, cosine to 1e-6).

Ours: FLAN from scratch and FLAN fine-tuned from ``--ours`` (a ``nasloop predictors pretrain
--space nb101 --train-size 512`` file). All four rank every other NB201 cell (CIFAR-10 val) after
training on the same ``default_rng(seed).permutation`` cells, with scipy's tau-b; the reference
from scratch is their NB201 recipe (``flan_reference_nb201.py``).

How to run
----------
    nasloop predictors pretrain --space nb101 --train-size 512 --out flan-nb101-512.pt
    .venv/bin/python benchmarks/flan_reference_transfer.py --reference-repo ~/flan_nas \\
        --ours flan-nb101-512.pt --seeds 5 --jobs 2

The reference's pretrained weights are kept in ``--state`` (default
``flan-reference-nb101-512.pt``) and reused when present (about 20 minutes to pretrain on one core).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from nasloop.engine.assemble import build_context
from nasloop.engine.cli_types import int_list, positive_int
from nasloop.engine.errors import ConfigError, NasloopError
from nasloop.engine.registry import register_predictor
from nasloop.predictors.base import single_thread
from nasloop.engine.predictor_evaluation import evaluate_predictors
from nasloop.engine.pretraining import training_cells
from nasloop.search_spaces.nb101.space import NB101Space
from nasloop.search_spaces.nb201.cell import OPS as NB201_OPS

sys.path.insert(0, str(Path(__file__).resolve().parent))
from flan_reference_nb201 import (THEIR_OP_INDEX, FlanReferencePredictor, load_reference_model,  # noqa: E402
                                  pairwise_fit)
from script_args import ScriptParser, add_data_dir, results_of, run_main  # noqa: E402
from stats_util import format_mean  # noqa: E402

NB101_COLUMN = {"input": 0, "conv1x1-bn-relu": 1, "conv3x3-bn-relu": 2, "maxpool3x3": 3, "output": 4}
NB101_WIDTH, NB201_WIDTH = 5, 7  # their op matrices' widths, also their ss_mapper_oprange sizes
NODES = 7


def nb101_reference_graph(cell, op_width: int) -> tuple[np.ndarray, list[int]]:
    """Their padded 7-node NB101 graph (``pad_size_6``) and its op indices in the bin-space layout."""
    matrix = np.asarray(cell.matrix, dtype=np.int64)
    labels = cell.labels()
    n = len(matrix)
    adj = np.zeros((NODES, NODES), dtype=np.int64)
    adj[:n, :n - 1] = matrix[:, :n - 1]
    adj[:n, NODES - 1] = matrix[:, n - 1]
    names = [labels[i] if i < n - 1 else ("conv3x3-bn-relu" if i < NODES - 1 else "output") for i in range(NODES)]
    return adj, [op_width - NB101_WIDTH + NB101_COLUMN[name] for name in names]


def nb201_reference_ops(cell: Sequence[int], op_width: int) -> list[int]:
    """NB201 node op indices in the bin-space layout: input, the six edges' ops, output."""
    columns = [THEIR_OP_INDEX["input"], *(THEIR_OP_INDEX[NB201_OPS[op]] for op in cell), THEIR_OP_INDEX["output"]]
    return [op_width - NB201_WIDTH + c for c in columns]


def new_model(repo: str, vertices: int):
    return load_reference_model(repo)(device="cpu", gtype="ensemble", back_dense=False, dual_gcn=False,
                                      num_time_steps=2, vertices=vertices, none_op_ind=130, input_zcp=False)


def pretrain_reference(repo: str, data_dir: str, size: int, epochs: int, op_width: int, seed: int,
                       state: Path) -> float:
    """Fit their network on ``size`` NB101 cells (the draw ``predictors pretrain`` makes) and save its weights."""
    import torch

    context = build_context(NB101Space, "cifar10", data_dir, lookup=True)
    cells, y = training_cells(NB101Space(context), context, size, seed)
    graphs = [nb101_reference_graph(cell, op_width) for cell in cells]
    adjs = torch.as_tensor(np.stack([g[0] for g in graphs]))
    ops = torch.as_tensor([g[1] for g in graphs], dtype=torch.float32)
    started = time.perf_counter()
    torch.manual_seed(seed)
    model = new_model(repo, NODES)
    with single_thread():
        pairwise_fit(model, adjs, ops, y, epochs=epochs, batch_size=8, lr=1e-3, rng=np.random.default_rng(seed))
    torch.save(model.state_dict(), state)
    return time.perf_counter() - started


@register_predictor("flan-reference-transfer")
class FlanReferenceTransfer(FlanReferencePredictor):
    """Their network fine-tuned on NB201 from weights pretrained on NB101, as their universal_main does."""

    def __init__(self, space, seed: int = 0, reference_repo: str = "", state: str = "", epochs: int = 30,
                 lr: float = 1e-3, op_width: int = 16, modify_embedding: bool = True) -> None:
        super().__init__(space, seed, reference_repo=reference_repo, epochs=epochs)
        if not Path(state).is_file():
            raise ConfigError(f"no pretrained reference weights at '{state}'; "
                              "run this script without --state to make them")
        self.state, self.lr, self.op_width, self.modify_embedding = state, lr, op_width, modify_embedding

    def _ops(self, cell: Sequence[int]) -> list[int]:
        return nb201_reference_ops(cell, self.op_width)

    def _fit(self, archs: list, y: np.ndarray) -> None:
        import torch

        torch.manual_seed(self.seed)
        self.model = new_model(self.reference_repo, NODES)
        self.model.load_state_dict(torch.load(self.state, weights_only=True))
        if self.modify_embedding:  # their rows: NB101 is space 0 (rows 0-4), NB201 space 1 (rows 5-11)
            weight = self.model.op_emb.weight.data
            weight[NB101_WIDTH:NB101_WIDTH + NB201_WIDTH] = weight[:NB101_WIDTH].repeat(2, 1)[:NB201_WIDTH].clone()
        self.model.vertices = 8
        with single_thread():
            pairwise_fit(self.model, *self._inputs(archs), y, epochs=self.epochs, batch_size=self.batch_size,
                         lr=self.lr, rng=np.random.default_rng(self.seed))


def _records(job: tuple[str, list[int], int, str, dict]) -> list[dict]:
    import torch

    torch.set_num_threads(1)
    name, sizes, seed, data_dir, options = job
    records = evaluate_predictors([name], sizes, [seed], data_dir=data_dir, predictor_options={name: options})
    for r in records:
        print(f"{name} n={r['train_size']} seed={seed}: tau {r['kendall_tau']:.3f} fit {r['fit_seconds']:.1f}s",
              file=sys.stderr, flush=True)
    return records


def main(argv: list[str] | None = None) -> int:
    parser = ScriptParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference-repo", required=True, help="a checkout of github.com/abdelfattah-lab/flan_nas")
    parser.add_argument("--ours", help="our FLAN pretrained on 512 NB101 cells (nasloop predictors pretrain)")
    parser.add_argument("--state", type=Path, default=Path("flan-reference-nb101-512.pt"),
                        help="the reference's pretrained weights: made here unless the file exists")
    parser.add_argument("--sizes", type=int_list, default=[8, 40, 78],
                        help="NB201 training sizes (theirs: 8,40,78)")
    parser.add_argument("--seeds", type=positive_int, default=5)
    parser.add_argument("--source-size", type=positive_int, default=512)
    parser.add_argument("--pretrain-epochs", type=positive_int, default=150)
    parser.add_argument("--op-width", type=positive_int, default=16, help="their max_oplen (see the module docstring)")
    parser.add_argument("--no-scratch", action="store_true", help="skip the reference trained from scratch")
    parser.add_argument("--jobs", type=positive_int, default=1)
    add_data_dir(parser)
    args = parser.parse_args(argv)
    data_dir = args.data_dir
    reference = {"reference_repo": args.reference_repo}
    try:
        load_reference_model(args.reference_repo)
        if not args.state.is_file():
            seconds = pretrain_reference(args.reference_repo, data_dir, args.source_size, args.pretrain_epochs,
                                         args.op_width, 0, args.state)
            print(f"reference pretrained on {args.source_size} NB101 cells in {seconds:.0f} s -> {args.state}",
                  file=sys.stderr, flush=True)
        variants = {"ours, from scratch": ("flan", {}),
                    "reference, NB101-pretrained": ("flan-reference-transfer",
                                                    {**reference, "state": str(args.state), "op_width": args.op_width})}
        if args.ours:
            variants["ours, NB101-pretrained"] = ("flan", {"pretrained": args.ours})
        if not args.no_scratch:
            variants["reference, from scratch"] = ("flan-reference", reference)
        jobs = [(label, (name, args.sizes, seed, data_dir, options)) for label, (name, options) in variants.items()
                for seed in range(args.seeds)]
        with results_of(_records, [job for _, job in jobs], args.jobs) as fits:  # stopped with the script
            results = list(fits)
    except NasloopError as exc:
        print(f"flan_reference_transfer.py: error: {exc}", file=sys.stderr)
        return 2
    by_label: dict[str, list[dict]] = {}
    for (label, _), records in zip(jobs, results):
        by_label.setdefault(label, []).extend(records)
    print(f"#### NB201 CIFAR-10 val, Kendall tau over every other cell, mean ± 95 % t half-width over {args.seeds} "
          f"seeds; reference op width {args.op_width}\n")
    print("| start | " + " | ".join(str(n) for n in args.sizes) + " | fit s at " + str(args.sizes[-1]) + " |")
    print("|---|" + "---:|" * (len(args.sizes) + 1))
    for label, records in by_label.items():
        cells = []
        for n in args.sizes:
            cells.append(format_mean([r["kendall_tau"] for r in records if r["train_size"] == n], 3))
        fit = np.mean([r["fit_seconds"] for r in records if r["train_size"] == args.sizes[-1]])
        print(f"| {label} | " + " | ".join(cells) + f" | {fit:.1f} |")
    return 0


if __name__ == "__main__":  # SIGTERM stops it as Ctrl-C does: it killed the script and left its fits running
    run_main(main)
