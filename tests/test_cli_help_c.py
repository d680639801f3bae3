"""The --help of each subcommand says what the command does: no stale defaults."""
from __future__ import annotations

import argparse

from nasloop.engine.cli_parser import build_parser


def _subcommands(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
    """The subcommands of ``parser`` (its one subparsers action)."""
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def _option_help(command: str, flag: str) -> str:
    """The help text of FLAG of `nasloop COMMAND`."""
    subparsers = _subcommands(build_parser())
    action = next(a for a in subparsers.choices[command]._actions if flag in a.option_strings)
    return str(action.help)


def test_search_objective_help_names_the_evaluators_default_not_val_accuracy():
    # The default objective is the evaluator's: a TransNAS room_layout run maximises val_neg_l2_loss, NDS test
    # accuracy, the proxy evaluator its first proxy; the help had said "default val_accuracy" for every run.
    text = _option_help("search", "--objective")
    assert "default val_accuracy" not in text
    assert "evaluator" in text


def test_proxies_help_names_its_default_proxy():
    # `nasloop proxies --all --out FILE` without --proxies scores synflow alone; the help did not say so.
    assert "default synflow" in _option_help("proxies", "--proxies")


def test_top_level_help_of_predictors_names_pretrain():
    # The top-level listing said "list predictors, or evaluate them", hiding `predictors pretrain` and `show`.
    subparsers = _subcommands(build_parser())
    text = next(c.help for c in subparsers._choices_actions if c.dest == "predictors")
    assert "pretrain" in text


def test_every_compare_option_has_help_and_predictor_opt_names_its_per_predictor_form():
    # compare's --space, --fidelity, --minimize, --data-dir, --space-opt and --evaluator-opt printed no help at all,
    # and neither compare's nor `predictors evaluate`'s --predictor-opt named the NAME.KEY=VALUE form both read.
    subparsers = _subcommands(build_parser())
    silent = [a.option_strings[0] for a in subparsers.choices["compare"]._actions if a.option_strings and not a.help]
    assert silent == []
    assert "NAME.KEY=VALUE" in _option_help("compare", "--predictor-opt")
    evaluate = _subcommands(subparsers.choices["predictors"]).choices["evaluate"]
    action = next(a for a in evaluate._actions if "--predictor-opt" in a.option_strings)
    assert "NAME.KEY=VALUE" in str(action.help)
