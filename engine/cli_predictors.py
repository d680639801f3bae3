"""``nasloop predictors``' arguments: the list, ``show``, ``evaluate`` and ``pretrain``, apart from the other
commands' (``cli_parser``) as ``compare`` and ``report``'s are (``cli_study``)."""
from __future__ import annotations

import argparse

from .cli_types import (fidelity_arg, int_at_least, key_value, name_list, out_file_arg, path_text, seed_count,
                        seed_int, train_sizes)


def add_commands(sub: argparse._SubParsersAction) -> None:
    """The ``predictors`` command and its subcommands; a first word that is none of them is a predictor to show."""
    pred = sub.add_parser("predictors", help="list predictors, or show, evaluate or pretrain them "
                                                "('nasloop predictors evaluate')",
                          description="List the predictors; 'nasloop predictors NAME' (or 'show NAME') describes one.")
    pred.set_defaults(name=None, fits_done=None)  # fits_done: see how_to_continue
    pred_sub = pred.add_subparsers(dest="predictors_command")  # the parser class is pred's own
    pred.shows_other_words = pred_sub.choices  # 'predictors NAME' is 'predictors show NAME'
    pred_sub.add_parser("show", help="one predictor's description and options").add_argument("name", help="a predictor")
    ev = pred_sub.add_parser("evaluate", help="rank a benchmark's cells after training on n of them",
                             description="Train each predictor on n random cells and rank all the others: Kendall "
                                         "tau, Spearman, top-1%/5% precision, fit and predict seconds. Seed s "
                                         "trains on the first n of numpy.random.default_rng(s).permutation over "
                                         "cells in official benchmark order.")
    ev.add_argument("--space", default="nb201", help="benchmark space (default nb201)")
    ev.add_argument("--dataset", help="benchmark task (default: the space benchmark's first, e.g. cifar10)")
    ev.add_argument("--predictor", "--predictors", dest="predictors", type=name_list, default=["flan"],
                    help="comma-separated predictor names (default flan)")
    ev.add_argument("--train-sizes", type=train_sizes, default=[8, 40, 78, 128, 512],
                    help="comma-separated training-set sizes (default 8,40,78,128,512)")
    ev.add_argument("--seeds", type=seed_count, default=5, help="seeds 0..N-1 (default 5)")
    ev.add_argument("--fidelity", type=fidelity_arg, help="epochs of the target accuracy (default: the most)")
    ev.add_argument("--predictor-opt", metavar="KEY=VALUE", type=key_value, action="append", default=[],
                    help="an option of every evaluated predictor, or NAME.KEY=VALUE of predictor NAME only "
                         "(repeatable)")
    ev.add_argument("--space-opt", metavar="KEY=VALUE", type=key_value, action="append", default=[],
                    help="an option of the search space (repeatable)")
    ev.add_argument("--metric", help="the table metric to rank by, METRIC:min where lower is better (a latency); "
                    "default: the task's own")
    ev.add_argument("--data-dir", type=path_text, help="folder holding benchmark data")
    ev.add_argument("--json", action="store_true", help="print a JSON list, one object per (predictor, size, seed)")

    pre = pred_sub.add_parser("pretrain", help="fit FLAN on benchmark cells and save it for transfer",
                              description="Fit FLAN on each --space's benchmark cells in turn (each later space "
                                          "fine-tunes what the earlier ones taught), or on their mix with --joint, "
                                          "and save its weights and vocabulary; --predictor-opt pretrained=FILE "
                                          "starts a FLAN from them.")
    pre.add_argument("--predictor", default="flan",
                     help="the predictor to pretrain, one whose class is a predictors.base.Pretrainable (default flan)")
    pre.add_argument("--space", dest="spaces", action="append", required=True,
                     help="benchmark space to learn from (repeatable, in order)")
    pre.add_argument("--joint", action="store_true",
                     help="fit once on the mix of every --space (pairs ranked within a space) instead of in turn")
    pre.add_argument("--dataset", help="task of every space (default: each benchmark's first, e.g. cifar10)")
    pre.add_argument("--train-size", type=int_at_least(2),  # a ranking needs two cells
                     help="cells per space, a seeded draw (default: all)")
    pre.add_argument("--seed", type=seed_int, default=0, help="seed of the draw and the model (default 0)")
    pre.add_argument("--predictor-opt", metavar="KEY=VALUE", type=key_value, action="append", default=[],
                     help="a FLAN option (e.g. ensemble=2); the same shape options must be given when fine-tuning")
    pre.add_argument("--data-dir", type=path_text, help="folder holding benchmark data")
    pre.add_argument("--out", type=out_file_arg, required=True, help="the pretrained file to write, e.g. flan-nb101.pt")
    pre.add_argument("--overwrite", action="store_true", help="replace --out if it exists (refused otherwise)")
