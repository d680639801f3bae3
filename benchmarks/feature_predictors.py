"""Score-based and graph-feature encodings on NB201: Kendall tau against training-set size (issue 19).

Each variant is a predictor with options, measured by ``evaluate_predictors`` on NB201 CIFAR-10
(val-200 target; train on n cells of a seeded permutation of all 15,625, rank all the others):
FLAN alone and with the 13 NAS-Bench-Suite-Zero proxies plus GRAF-style graph features as
supplementary input, the forest on proxies, on graph features, and on both, the blend of
FLAN (with both) and the forest, and of those two and the forest on proxies (``blend-three``;
``blend-three-in16`` gives every member ImageNet16-120's 13 proxies too, ``forest-in16`` is its
forest alone, whose learning curve at 512-8,192 cells shows how many cells a tau takes); the forest and the
two-member blend again with GRAF's op-subset paths added to the graph features
(``graph-subsets``); ``meco`` ranks by the MeCo proxy alone (the ``zero-cost`` predictor). Printed
beside the outside anchors (a random forest on the 13 proxies, measured on the 9,445 cells without
dead ops), the issue's aims, and two yardsticks: how well a
second training of every cell (NB201's test-200 accuracy) ranks the target, and how well the other
trainings of the same network do.

How to run
----------
    .venv/bin/python benchmarks/feature_predictors.py                       # every variant, 5 seeds
    .venv/bin/python benchmarks/feature_predictors.py --only forest-proxies,forest-both --seeds 3
    .venv/bin/python benchmarks/feature_predictors.py --json out.json       # also the raw records
    .venv/bin/python benchmarks/feature_predictors.py --live-cells          # the anchor's 9,445 cells
    .venv/bin/python benchmarks/feature_predictors.py --only forest-in16 --sizes 512,1024,2048,4096,8192 --seeds 3

``--live-cells`` trains and ranks only the 9,445 cells whose ops all lie on an input-output path
(every other cell computes the same network as one of them), the cell set the anchor was
measured on; by default every cell is ranked, functional duplicates and their noise included.

Data: ``--data-dir``, else $NASLOOP_DATA, else ``<repo>/../shared/data``. MeCo is in no benchmark file: a
precomputed proxy file in ``--data-dir`` (``nasloop proxies --space nb201 --all --proxies meco --out
DIR/nb201-cifar10-proxies.csv``) joins its scores to every variant's ``proxies`` and serves ``meco``; without
it ``meco`` builds and scores each ranked cell's network (about 40 minutes per fit on 2 cores).
"""
from __future__ import annotations

import json
import sys
from collections import defaultdict
from typing import Any, Callable

import numpy as np
from scipy import stats
from script_args import ScriptParser, add_data_dir, check_search, output_file, run_main
from stats_util import format_mean

from nasloop.engine.assemble import build_context, build_space
from nasloop.engine.cli_types import int_list, positive_int
from nasloop.engine.config import SearchConfig
from nasloop.engine.registry import SEARCH_SPACES
from nasloop.engine.predictor_evaluation import evaluate_predictors
from nasloop.search_spaces.cell_space import live_cell
from nasloop.search_spaces.nb201.cell import SPEC

SIZES = (8, 40, 128, 512)
ANCHOR = {8: 0.58, 40: 0.71, 128: 0.76, 512: 0.80}  # random forest on the 13 proxies (issue 19)
AIM = {8: 0.60, 40: 0.75, 128: 0.84, 512: 0.89}
VARIANTS = {
    "flan": ("flan", {}),
    "flan-proxies-graph": ("flan", {"supplementary": ["proxies", "graph"]}),
    "forest-proxies": ("forest", {"features": ["proxies"]}),
    "forest-graph": ("forest", {"features": ["graph"]}),
    "forest-both": ("forest", {"features": ["proxies", "graph"]}),
    "forest-onehot": ("forest", {"features": ["onehot"]}),
    "forest-in16": ("forest", {"features": ["proxies", "proxies:ImageNet16-120", "graph"]}),
    "blend": ("blend", {"members": {"flan": {"supplementary": ["proxies", "graph"]}, "forest": {}}}),
    "blend-three": ("blend", {"members": {"flan": {"supplementary": ["proxies", "graph"]}, "forest": {},
                                          "forest#proxies": {"features": ["proxies"]}}}),
    "blend-three-in16": ("blend", {"members": {
        "flan": {"supplementary": ["proxies", "proxies:ImageNet16-120", "graph"]},
        "forest": {"features": ["proxies", "proxies:ImageNet16-120", "graph"]},
        "forest#proxies": {"features": ["proxies", "proxies:ImageNet16-120"]}}}),
    "meco": ("zero-cost", {"proxy": "meco"}),
    "forest-both-subsets": ("forest", {"features": ["proxies", "graph-subsets"]}),
    "blend-subsets": ("blend", {"members": {"flan": {"supplementary": ["proxies", "graph-subsets"]},
                                            "forest": {"features": ["proxies", "graph-subsets"]}}}),
}


def yardsticks(data_dir: str, keep: Callable[[Any], bool] | None) -> dict[str, float]:
    """How well other trainings rank the target (val-200 of a cifar10-valid training): yardsticks for a
    predictor's tau, not bounds (a predictor learns the val figure itself, seed-averaged noise and all).

    Two of them: the test-200 accuracy of a second, independent training of every cell (on
    train+valid, tested on the test set); and, for each cell whose network other cells compute too
    (same functional hash), the mean target of those others, each its own training of the same
    network: what knowing a network's accuracy, averaged over its other trainings, would give.
    """
    context = build_context(SEARCH_SPACES.get("nb201"), "cifar10", data_dir, lookup=True)
    space = build_space("nb201", context)
    benchmark = context.require_benchmark("feature_predictors", space)
    fidelity = benchmark.check("cifar10", None)
    cells = [c for c in benchmark.cells() if keep is None or keep(c)]
    pairs = np.array([[r.metrics["val_accuracy"], r.metrics["test_accuracy"]]
                      for r in (benchmark.query(c, "cifar10", fidelity) for c in cells)])
    target = pairs[:, 0]
    classes: dict[str, list[int]] = defaultdict(list)
    for i, cell in enumerate(cells):
        classes[space.functional_hash(cell)].append(i)
    shared = [members for members in classes.values() if len(members) > 1]
    rows = np.concatenate(shared)
    others = np.concatenate([(target[m].sum() - target[m]) / (len(m) - 1) for m in shared])
    return {"second training of the same cells (test-200)": float(stats.kendalltau(target, pairs[:, 1]).statistic),
            f"mean target of the other cells computing the same network ({len(rows):,} cells that have them)":
                float(stats.kendalltau(others, target[rows]).statistic)}


def variant_row(name: str, records: list[dict], sizes: list[int]) -> str:
    """One table row: tau as mean ± 95% t half-width per train size, and the mean fit seconds at the largest."""
    cells = []
    for n in sizes:
        cells.append(format_mean([r["kendall_tau"] for r in records if r["train_size"] == n], 3))
    fit = np.mean([r["fit_seconds"] for r in records if r["train_size"] == sizes[-1]])
    return f"| {name} | " + " | ".join(cells) + f" | {fit:.1f} |"


def main() -> None:
    parser = ScriptParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--only", help=f"comma-separated variants (default all: {', '.join(VARIANTS)})")
    parser.add_argument("--sizes", type=int_list, default=SIZES, help="train sizes (default 8,40,128,512)")
    parser.add_argument("--seeds", type=positive_int, default=5, help="seeds 0..N-1 (default 5)")
    parser.add_argument("--live-cells", action="store_true",
                        help="train and rank only the 9,445 cells without dead ops (the anchor's cell set)")
    parser.add_argument("--json", type=output_file, help="also write every record to this file")
    add_data_dir(parser)
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(VARIANTS)
    unknown = [n for n in names if n not in VARIANTS]
    if unknown:
        parser.error(f"--only: unknown variant '{unknown[0]}'; choose from {', '.join(VARIANTS)}")
    sizes = list(args.sizes)
    keep = (lambda cell: live_cell(SPEC, cell) == cell) if args.live_cells else None
    # the table, read now: a missing one was refused after the first variant's progress line
    check_search(SearchConfig(space="nb201", dataset="cifar10", data_dir=args.data_dir))
    records = {}
    for name in names:
        predictor, options = VARIANTS[name]
        print(f"{name}: {predictor} {options}", file=sys.stderr, flush=True)
        records[name] = evaluate_predictors([predictor], sizes, range(args.seeds), data_dir=args.data_dir,
                                            predictor_options={predictor: options}, keep_cell=keep)
    over = "every other cell without dead ops" if args.live_cells else "every other cell"
    print(f"NB201 CIFAR-10, Kendall tau over {over}, mean ± 95% t half-width over {args.seeds} seeds\n")
    print("| variant | " + " | ".join(str(n) for n in sizes) + " | fit s at largest |")
    print("|---|" + "---:|" * (len(sizes) + 1))
    for line in (("anchor: forest on 13 proxies", ANCHOR), ("aim (issue 19)", AIM)):
        print(f"| {line[0]} | " + " | ".join(f"{line[1][n]:.2f}" if n in line[1] else "" for n in sizes) + " | |")
    for label, tau in yardsticks(args.data_dir, keep).items():
        print(f"| {label} | " + " | ".join([f"{tau:.3f}"] * len(sizes)) + " | |")
    for name, recs in records.items():
        print(variant_row(name, recs, sizes))
    if args.json:
        args.json.write_text(json.dumps(records, indent=1))


if __name__ == "__main__":
    run_main(main)
