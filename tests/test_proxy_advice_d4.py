"""Advice in a refusal names only what the command in use takes.

CIFAR-10's absence advised "pass download=true: --evaluator-opt in a search, --train-opt in nasloop train" to
'nasloop proxies' (no such option) and to a proxy search (whose evaluator refuses download); only the train
evaluator downloads, and only its refusal says so. 'nasloop proxies --dataset imagenet' was told to use
--predictor-opt proxy=params (with --out: --evaluator tabular or train), flags of a search.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from nasloop.engine.cli_parser import build_parser

CELL = "|nor_conv_3x3~0|+|avg_pool_3x3~0|none~1|+|avg_pool_3x3~0|nor_conv_1x1~1|nor_conv_1x1~2|"


@pytest.mark.usefixtures("isolated_cache")  # CIFAR-10 is found only where a test puts it
@pytest.mark.parametrize("args, downloads", [
    (["proxies", "--space", "nb201", "--sample", "1", "--proxies", "snip"], False),
    (["search", "--space", "nb201", "--evaluator", "proxy", "--proxies", "snip", "--budget", "1"], False),
    (["train", "--arch", CELL], True)])
def test_cifar10s_absence_offers_download_only_where_the_evaluator_takes_it(args: list[str], downloads: bool,
                                                                            tmp_path: Path, nasloop_in_process):
    empty = tmp_path / "empty"
    empty.mkdir()
    done = nasloop_in_process([*args, "--data-dir", str(empty)], cwd=tmp_path)
    assert done.returncode == 2 and "CIFAR-10 not found" in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert ("download=true" in done.stderr) is downloads, done.stderr


@pytest.mark.parametrize("more", [[], ["--out", "{tmp}/scores.csv"]])
def test_proxies_on_a_dataset_without_a_class_count_advise_only_the_commands_own_flags(more: list[str],
                                                                                        tmp_path: Path,
                                                                                        nasloop_in_process):
    args = ["proxies", "--space", "nb201", "--sample", "1", "--proxies", "snip", "--dataset", "imagenet",
            "--data-dir", str(tmp_path), *[arg.format(tmp=tmp_path) for arg in more]]
    done = nasloop_in_process(args, cwd=tmp_path)
    assert done.returncode == 2 and "no 'imagenet' image folder" in done.stderr and done.stderr.count("\n") == 1, \
        done.stderr
    commands = next(a for a in build_parser()._subparsers._group_actions if a.choices).choices  # type: ignore
    own = {flag for action in commands["proxies"]._actions for flag in action.option_strings}
    named = set(re.findall(r"--[a-z][a-z-]*", done.stderr))
    assert named and named <= own, (named - own, done.stderr)
