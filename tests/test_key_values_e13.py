"""Every command's KEY=VALUE flags (``--space-opt`` and friends) append their pairs, repeatable, through
:class:`~nasloop.engine.cli_types.KeyValues`, a public ``argparse.Action``: it subclassed argparse's private append
action, whose name and workings a Python release may change. A key given two values is refused
(tests/test_bad_options_f12.py); here, what the flags keep and that a parse leaves the flags' defaults as they were."""
from __future__ import annotations

import argparse

import pytest

from nasloop.engine.cli_parser import build_parser
from nasloop.engine.cli_types import KeyValues

FLAGS = [
    (["search"], ["--space-opt", "--strategy-opt", "--predictor-opt", "--evaluator-opt", "--executor-opt"]),
    (["proxies", "--sample", "1"], ["--space-opt"]),
    (["train", "--arch", "x"], ["--train-opt", "--space-opt"]),
    (["predictors", "evaluate"], ["--predictor-opt", "--space-opt"]),
    (["predictors", "pretrain", "--space", "nb201", "--out", "f.pt"], ["--predictor-opt"]),
    (["compare", "--methods", "random", "--out", "study"], ["--predictor-opt", "--space-opt", "--evaluator-opt"]),
]
CASES = [(command, flag) for command, flags in FLAGS for flag in flags]


@pytest.mark.parametrize("command, flag", CASES, ids=[f"{' '.join(c[:2])} {f}" for c, f in CASES])
def test_a_key_value_flag_keeps_every_pair_in_order_and_its_default_stays_empty(command, flag):
    parser = build_parser()
    dest = flag.removeprefix("--").replace("-", "_")
    given = vars(parser.parse_args([*command, flag, "a=1", flag, "b-c=[x, y]", flag, "a=1"]))
    assert given[dest] == [("a", 1), ("b_c", ["x", "y"]), ("a", 1)]  # one key given twice alike is kept
    assert vars(parser.parse_args(command))[dest] == []  # the earlier parse appended to no shared default


def test_key_values_is_built_on_argparses_public_action_alone():
    assert KeyValues.__bases__ == (argparse.Action,), KeyValues.__mro__
