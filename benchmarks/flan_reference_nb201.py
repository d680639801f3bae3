"""Our FLAN beside the FLAN authors' own model, on identical NAS-Bench-201 splits and labels.

Issue 3 anchors our FLAN to the authors' implementation (github.com/abdelfattah-lab/flan_nas,
structural encoding, NB201 recipe) by its published-style figures. Those figures depend on the
labels as much as on the model: the authors' loader reads the NB201 API's seed-averaged
``cifar10-valid`` accuracy, while the table here looks like one run per cell. This script removes that
difference by running their model on exactly what ``nasloop predictors evaluate`` uses: the same
table column, the same ``default_rng(seed).permutation`` split, the same test cells and the same
scipy tau-b.

The authors' network is not copied: ``GIN_Model`` is imported from the checkout given with
``--reference-repo`` (``correlation_trainer/new_models.py``). What surrounds it is written here from
their description and their NB201 command (``new_main.py --gnn_type ensemble --representation
adj_gin --batch_size 8``; 150 epochs, AdamW lr 1e-3 and weight decay 1e-5, cosine to 1e-6,
pairwise hinge with margin 0.1 on at most 4·batch pairs of unequal cells per batch, two time
steps), and registered as the ``flan-reference`` predictor, a plugin like any user's. Their
encoding, an 8-node graph whose nodes are the cell's edges, with ``none`` edges cut, ``skip``
edges bypassed and dead nodes pruned, is the NB201 space's ``dataflow`` encoding.

They report the mean tau of the last four epochs; a predictor ranks with its final weights, so the
figures here are the final epoch's (less than 0.001 apart on the runs checked).

How to run
----------
    git clone https://github.com/abdelfattah-lab/flan_nas ~/flan_nas
    .venv/bin/python benchmarks/flan_reference_nb201.py --reference-repo ~/flan_nas --sizes 78,128 --seeds 5 --jobs 2

Data: ``--data-dir``, else $NASLOOP_DATA, else ``<repo>/../shared/data``. Progress goes to stderr,
the table to stdout. The reference takes about 160 s per fit at 78 cells on one CPU thread.
"""
from __future__ import annotations

import functools
import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from nasloop.engine.cli_types import int_list, positive_int
from nasloop.engine.errors import ConfigError, NasloopError
from nasloop.engine.registry import register_predictor
from nasloop.predictors.base import Predictor, single_thread
from nasloop.engine.predictor_evaluation import evaluate_predictors
from nasloop.search_spaces.base import SearchSpace
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.search_spaces.nb201.cell import OPS

sys.path.insert(0, str(Path(__file__).resolve().parent))
from predictors import REFERENCES  # noqa: E402  (sibling benchmark scripts)
from script_args import ScriptParser, add_data_dir, output_file, results_of, run_main  # noqa: E402

MODEL_FILE = Path("correlation_trainer") / "new_models.py"
# Their op indices: output, input, then their OPS list (avg_pool_3x3, nor_conv_1x1, nor_conv_3x3, none, skip_connect).
THEIR_OP_INDEX = {"output": 0, "input": 1, "avg_pool_3x3": 2, "nor_conv_1x1": 3, "nor_conv_3x3": 4,
                  "none": 5, "skip_connect": 6}
SPACE = NB201Space()


def reference_adjacency(cell: Sequence[int]) -> np.ndarray:
    """The authors' 8x8 adjacency of an NB201 cell: our ``dataflow`` encoding, which equals theirs on all 15,625
    cells."""
    graph = SPACE.encode(tuple(cell), "dataflow")
    adj = np.zeros((graph.num_nodes, graph.num_nodes), dtype=np.int64)
    adj[graph.edges[0], graph.edges[1]] = 1
    return adj


def reference_ops(cell: Sequence[int]) -> list[int]:
    """Node op indices in the authors' vocabulary: input, the six edges' ops, output."""
    return [THEIR_OP_INDEX["input"], *(THEIR_OP_INDEX[OPS[op]] for op in cell), THEIR_OP_INDEX["output"]]


@functools.lru_cache(maxsize=None)  # one import per checkout, however many predictors are built
def load_reference_model(repo: str | os.PathLike) -> type:
    """``GIN_Model`` from a checkout of the authors' repository, or one line saying what is missing."""
    path = Path(repo).expanduser() / MODEL_FILE
    if not path.is_file():
        raise ConfigError(f"no {MODEL_FILE} under {repo}; pass --reference-repo a checkout of "
                          "https://github.com/abdelfattah-lab/flan_nas")
    spec = importlib.util.spec_from_file_location("flan_reference_models", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.GIN_Model


def pairwise_fit(model, adjs, ops, y: np.ndarray, epochs: int, batch_size: int, lr: float, margin: float = 0.1,
                 max_pair_ratio: int = 4, rng: np.random.Generator | None = None) -> None:
    """The authors' training loop (their ``pwl_train``): AdamW (weight decay 1e-5), cosine to 1e-6 over
    ``epochs``, shuffled batches, hinge loss with ``margin`` on at most ``max_pair_ratio`` x batch
    pairs of cells with unequal targets per batch. Leaves the model in eval mode."""
    import torch

    rng = rng or np.random.default_rng(0)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-5)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs, eta_min=1e-6)
    model.train()
    for _ in range(epochs):
        for batch in np.array_split(rng.permutation(len(y)), range(batch_size, len(y), batch_size)):
            if len(batch) < 2:
                continue
            first, second = np.triu_indices(len(batch), 1)
            unequal = y[batch[first]] != y[batch[second]]
            first, second = first[unequal], second[unequal]
            if len(first) > max_pair_ratio * len(batch):
                keep = rng.choice(len(first), max_pair_ratio * len(batch), replace=False)
                first, second = first[keep], second[keep]
            if not len(first):
                continue
            i, j = batch[first], batch[second]
            sign = torch.as_tensor(np.sign(y[i] - y[j]), dtype=torch.float32)
            gap = reference_score(model, adjs[i], ops[i]) - reference_score(model, adjs[j], ops[j])
            loss = torch.clamp(margin - sign * gap, min=0).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        schedule.step()
    model.eval()


def reference_score(model, adjs, ops):
    """The authors' model's score of a batch of single-cell graphs."""
    import torch

    return model(x_ops_1=ops, x_adj_1=adjs, x_ops_2=None, x_adj_2=None, zcp=None,
                 norm_w_d=torch.zeros(len(ops), 2)).reshape(-1)


@register_predictor("flan-reference")
class FlanReferencePredictor(Predictor):
    """The authors' FLAN network trained with their NB201 recipe, behind our ``Predictor`` interface."""

    def __init__(self, space: SearchSpace, seed: int = 0, reference_repo: str = "", epochs: int = 150,
                 batch_size: int = 8, margin: float = 0.1, max_pair_ratio: int = 4) -> None:
        super().__init__(space, seed)
        if space.name != "nb201":
            raise ConfigError("flan-reference encodes NB201 cells only; evaluate it with --space nb201")
        self.reference_repo = reference_repo
        self.model_class = load_reference_model(reference_repo)
        self.epochs, self.batch_size, self.margin, self.max_pair_ratio = epochs, batch_size, margin, max_pair_ratio
        self.model = None

    def _ops(self, cell: Sequence[int]) -> list[int]:
        """A cell's node op indices as the authors' model reads them."""
        return reference_ops(cell)

    def _inputs(self, archs: Sequence[Any]):
        import torch

        adjs = torch.as_tensor(np.stack([reference_adjacency(a) for a in archs]))
        ops = torch.as_tensor([self._ops(a) for a in archs], dtype=torch.float32)
        return adjs, ops

    def _fit(self, archs: list, y: np.ndarray) -> None:
        import torch

        torch.manual_seed(self.seed)
        self.model = self.model_class(device="cpu", gtype="ensemble", back_dense=False, dual_gcn=False,
                                      num_time_steps=2, vertices=8, none_op_ind=130, input_zcp=False)
        with single_thread():
            pairwise_fit(self.model, *self._inputs(archs), y, epochs=self.epochs, batch_size=self.batch_size,
                         lr=1e-3, margin=self.margin, max_pair_ratio=self.max_pair_ratio,
                         rng=np.random.default_rng(self.seed))

    def predict(self, archs: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
        import torch

        if self.model is None:
            raise ConfigError("flan-reference: fit before predict")
        scores = []
        with torch.no_grad():
            for start in range(0, len(archs), 1024):
                scores.append(reference_score(self.model, *self._inputs(archs[start:start + 1024])).numpy())
        mean = np.concatenate(scores).astype(np.float64)
        return mean, np.zeros_like(mean)


def _reference_records(job: tuple[list[int], int, str, str, str, dict]) -> list[dict]:
    import torch

    torch.set_num_threads(1)  # ranking too: parallel jobs would fight over the cores
    sizes, seed, dataset, data_dir, metric, options = job
    progress = lambda r: print(f"flan-reference n={r['train_size']} seed={r['seed']}: "  # noqa: E731
                               f"tau {r['kendall_tau']:.3f} fit {r['fit_seconds']:.1f}s "
                               f"predict {r['predict_seconds']:.1f}s", file=sys.stderr, flush=True)
    return evaluate_predictors(["flan-reference"], sizes, [seed], dataset=dataset, data_dir=data_dir, metric=metric,
                               predictor_options={"flan-reference": options}, on_result=progress)


def table(records: list[dict], sizes: list[int]) -> str:
    anchors, anchor_fit, _ = REFERENCES["nb201"]["FLAN reference (150 epochs, batch 8)"]
    lines = ["| cells | ours tau | reference tau, this run | paired difference | reference tau, issue anchor "
             "| ours fit s | reference fit s | ours predict s | reference predict s |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for n in sizes:
        by = {name: {r["seed"]: r for r in records if r["predictor"] == name and r["train_size"] == n}
              for name in ("flan", "flan-reference")}
        common = sorted(set(by["flan"]) & set(by["flan-reference"]))
        if not common:
            continue
        ours = np.array([by["flan"][s]["kendall_tau"] for s in common])
        theirs = np.array([by["flan-reference"][s]["kendall_tau"] for s in common])
        diff = ours - theirs
        mean = lambda name, key: np.mean([by[name][s][key] for s in common])  # noqa: E731
        lines.append(f"| {n} | {ours.mean():.3f} ± {ours.std():.3f} | {theirs.mean():.3f} ± {theirs.std():.3f} "
                     f"| {diff.mean():+.3f} ± {diff.std():.3f} | {anchors.get(n, float('nan')):.2f} "
                     f"| {mean('flan', 'fit_seconds'):.1f} | {mean('flan-reference', 'fit_seconds'):.1f} "
                     f"| {mean('flan', 'predict_seconds'):.2f} | {mean('flan-reference', 'predict_seconds'):.2f} |")
    lines.append(f"\nSeeds per row: the seeds both ran. Issue anchors' fit seconds: {anchor_fit}.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = ScriptParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference-repo", required=True, help="a checkout of github.com/abdelfattah-lab/flan_nas")
    parser.add_argument("--sizes", type=int_list, default=[8, 40, 78, 128],
                        help="train sizes (default 8,40,78,128)")
    parser.add_argument("--seeds", type=positive_int, default=5, help="seeds 0..N-1 (default 5)")
    parser.add_argument("--epochs", type=positive_int, default=150, help="the reference's epochs (default 150, theirs)")
    parser.add_argument("--jobs", type=positive_int, default=1,
                        help="reference fits in parallel processes, one thread each")
    parser.add_argument("--dataset", default="cifar10")
    parser.add_argument("--metric", default="val_accuracy", choices=("val_accuracy", "test_accuracy"))
    add_data_dir(parser)
    parser.add_argument("--json", type=output_file, help="also write the raw records to this file")
    args = parser.parse_args(argv)
    data_dir = args.data_dir
    options = {"reference_repo": args.reference_repo, "epochs": args.epochs}
    try:
        load_reference_model(args.reference_repo)  # a bad checkout fails here, before the first fit
        seeds = list(range(args.seeds))
        progress = lambda r: print(f"flan n={r['train_size']} seed={r['seed']}: "  # noqa: E731
                                   f"tau {r['kendall_tau']:.3f} fit {r['fit_seconds']:.1f}s "
                                   f"predict {r['predict_seconds']:.2f}s", file=sys.stderr, flush=True)
        records = evaluate_predictors(["flan"], args.sizes, seeds, dataset=args.dataset, data_dir=data_dir,
                                      metric=args.metric, on_result=progress)
        jobs = [(args.sizes, s, args.dataset, data_dir, args.metric, options) for s in seeds]
        with results_of(_reference_records, jobs, args.jobs) as parts:  # stopped with the script (SIGTERM too)
            for part in parts:
                records += part
    except NasloopError as exc:
        print(f"flan_reference_nb201.py: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        Path(args.json).write_text(json.dumps(records, indent=1))
    print(f"#### {args.dataset}, 200-epoch {args.metric.replace('_', ' ')}; seeds 0-{args.seeds - 1}; "
          f"reference {args.epochs} epochs, batch 8; times on this machine\n")
    print(table(records, args.sizes))
    return 0


if __name__ == "__main__":  # SIGTERM stops it as Ctrl-C does: it killed the script and left its fits running
    run_main(main)
