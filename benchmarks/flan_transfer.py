"""FLAN transfer across spaces: Kendall tau on a target space from scratch vs starting from pretrained weights.

Each variant is FLAN with or without ``pretrained=FILE`` (files written by ``nasloop predictors
pretrain``), measured by ``evaluate_predictors`` on the target (train on n cells of a seeded
permutation, rank all the others; NB201: CIFAR-10 val-200). Printed: tau per training size
(mean ± 95 % t half-width over seeds) and the sample reduction, i.e. how many target cells each
pretrained variant needs to reach from-scratch tau at the reference sizes (linear interpolation
between the measured sizes; ">" when it never does within them). The figure (PNG and SVG,
``--figures``, default ``benchmarks/figures``) is ``flan_transfer_<target>``: tau against target
cells per start, with the 95 % t band over seeds. That name is the README's figure's, written only by the
README's own command for that target (its starts, seeds and sizes); other starts add their labels, other seeds or
sizes theirs (``flan_transfer_nb201_nb101-512-s2-n8_16``), so a quick try does not overwrite the published
figure.

How to run
----------
    nasloop predictors pretrain --space nb101 --train-size 512 --out flan-nb101-512.pt
    nasloop predictors pretrain --space tnb101-micro --train-size 1024 --out flan-tnb-1024.pt
    nasloop predictors pretrain --space nb101 --space tnb101-micro --train-size 1024 --joint \\
        --predictor-opt space_id=true --out flan-mix-1024.pt          # one model on both tables' cells
    .venv/bin/python benchmarks/flan_transfer.py --target nb201 --seeds 10 \\
        --pretrained nb101-512=flan-nb101-512.pt,tnb-1024=flan-tnb-1024.pt

Data: ``--data-dir``, else $NASLOOP_DATA, else ``<repo>/../shared/data``.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np
from script_args import REPO, ScriptParser, add_data_dir, output_folder, run_main, table_space
from stats_util import format_mean

from nasloop.engine.cli_types import int_list, positive_int
from nasloop.engine.plots import pyplot, save_figure, styles
from nasloop.engine.study_stats import mean_interval
from nasloop.engine.predictor_evaluation import evaluate_predictors
from nasloop.predictors.flan_transfer import load_pretrained


PUBLISHED = {
    "nb201": {"starts": ("nb101-512", "nb101-all", "tnb101micro-1024", "mix-1024"), "seeds": 10,
              "sizes": (8, 16, 32, 40, 128)},
    "nb101": {"starts": ("nb201-512",), "seeds": 10, "sizes": (8, 16, 32, 72, 128)},
}
"""Per target, the README's command: its pretrained starts' labels, seeds and training sizes."""


def taus(records: list[dict], sizes: list[int]) -> np.ndarray:
    return np.array([np.mean([r["kendall_tau"] for r in records if r["train_size"] == n]) for n in sizes])


def tau_figure(results: dict[str, list[dict]], sizes: list[int], target: str, seeds: int, folder: Path,
               name: str) -> list[Path]:
    """Kendall tau against target training cells, one line and 95 % band per start, saved as ``name``."""
    plt = pyplot()
    figure, axes = plt.subplots(figsize=(6.4, 4.2))
    looks = styles(list(results))
    for label, records in results.items():
        per_seed = np.array([[r["kendall_tau"] for r in records if r["train_size"] == n] for n in sizes]).T
        mean, low, high = mean_interval(per_seed)
        look = looks[label]
        axes.plot(sizes, mean, label=label, color=look["color"], linestyle=look["linestyle"], marker=look["marker"],
                  markersize=4)
        if np.isfinite(low).any():
            axes.fill_between(sizes, low, high, color=look["color"], alpha=0.12, linewidth=0)
    axes.set_xscale("log", base=2)
    axes.set_xticks(sizes, [str(n) for n in sizes])
    axes.set_xlabel(f"{target} training cells")
    axes.set_ylabel("Kendall tau (every other cell)")
    axes.set_title(f"FLAN on {target}: from scratch against pretrained starts, {seeds} seeds", fontsize=9)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    return save_figure(figure, folder, name)


def cells_to_reach(target: float, sizes: list[int], curve: np.ndarray) -> str:
    """The training size at which ``curve`` first reaches ``target`` (interpolated), or '>' the largest."""
    for i, (n, tau) in enumerate(zip(sizes, curve)):
        if tau >= target:
            if i == 0:
                return f"<= {n}"
            n0, t0 = sizes[i - 1], curve[i - 1]
            return f"{n0 + (target - t0) / (tau - t0) * (n - n0):.0f}"
    return f"> {sizes[-1]}"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The options, with ``--pretrained`` read into ``args.starts``, (label, file) pairs (the files are read later)."""
    parser = ScriptParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--target", type=table_space, default="nb201", help="target space (default nb201)")
    parser.add_argument("--sizes", type=int_list, default=[8, 16, 32, 40, 64, 128],
                        help="target training sizes (default 8,16,32,40,64,128)")
    parser.add_argument("--reference-sizes", type=int_list, default=[40, 128],
                        help="from-scratch sizes whose tau the reduction targets")
    parser.add_argument("--seeds", type=positive_int, default=10, help="seeds 0..N-1 (default 10)")
    parser.add_argument("--pretrained", required=True, help="comma-separated label=file pairs")
    parser.add_argument("--figures", type=output_folder, default=REPO / "benchmarks" / "figures", help="figure folder")
    add_data_dir(parser)
    args = parser.parse_args(argv)
    args.starts = []
    for pair in args.pretrained.split(","):
        label, _, path = pair.partition("=")
        if not label or not path:
            parser.error(f"--pretrained takes label=file pairs, got {pair!r}")
        args.starts.append((label, path))
    return args


def figure_name(args: argparse.Namespace) -> str:
    """``flan_transfer_<target>`` for the README's command for that target (:data:`PUBLISHED`); other starts add
    their labels and other seeds or sizes theirs, so that a smaller try does not overwrite the published figure."""
    name = f"flan_transfer_{args.target}"
    published = PUBLISHED.get(args.target)
    if published is None:  # no figure of this target is published
        return name
    labels = [label for label, _ in args.starts]
    if labels != list(published["starts"]):
        name += "_" + "_".join(re.sub(r"[^\w.-]+", "-", label) for label in labels)
    if (args.seeds, list(args.sizes)) != (published["seeds"], list(published["sizes"])):
        name += f"-s{args.seeds}-n{'_'.join(map(str, args.sizes))}"
    return name


def main() -> None:
    args = parse_args()
    sizes = list(args.sizes)
    variants = {"from scratch": {}}
    for label, path in args.starts:
        # a file pretrained with FLAN's space_id feature is fine-tuned with it (its width must match)
        with_ids = bool(load_pretrained(path)["space_ids"])
        variants[f"pretrained {label}"] = {"pretrained": path, **({"space_id": True} if with_ids else {})}
    results = {}
    for label, options in variants.items():
        print(f"{label} ...", file=sys.stderr, flush=True)
        results[label] = evaluate_predictors(["flan"], sizes, range(args.seeds), space=args.target,
                                             data_dir=args.data_dir, predictor_options={"flan": options})
    print(f"FLAN on {args.target}, Kendall tau over every other cell, mean ± 95% t half-width, {args.seeds} seeds\n")
    print("| start | " + " | ".join(map(str, sizes)) + " |")
    print("|---|" + "---:|" * len(sizes))
    for label, records in results.items():
        cells = []
        for n in sizes:
            cells.append(format_mean([r["kendall_tau"] for r in records if r["train_size"] == n], 3))
        print(f"| {label} | " + " | ".join(cells) + " |")
    print("\nfigure: " + ", ".join(map(str, tau_figure(results, sizes, args.target, args.seeds, args.figures,
                                                       figure_name(args)))))
    scratch = taus(results["from scratch"], sizes)
    print("\nTarget cells needed to match from-scratch tau:")
    for reference in args.reference_sizes:
        if reference not in sizes:
            continue
        goal = scratch[sizes.index(reference)]
        for label, records in results.items():
            if label != "from scratch":
                print(f"- {label}: {cells_to_reach(goal, sizes, taus(records, sizes))} cells for scratch's "
                      f"{goal:.3f} at {reference}")


if __name__ == "__main__":
    run_main(main)
