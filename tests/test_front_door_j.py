"""A new user's walk of the README's front door: what the documented commands did that they should not.

Each test names what a user saw before the fix."""
from __future__ import annotations

import ast
import configparser
import importlib.util
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from nasloop.engine.cli_parser import build_parser
from nasloop.engine.run_checks import random_start_note

from .real_ctrl_c import sigint_as_a_terminal_gives_it

REPO_ROOT = Path(__file__).resolve().parents[1]

# Starts nasloop as argv[1] says, the console script setup.cfg declares (module:function) or 'python -m MODULE'; a real
# SIGINT lands while the CLI's modules are still being imported (the first import of nasloop.engine.assemble, which
# nasloop.engine.cli imports at its top).
_CTRL_C_WHILE_IMPORTING = """
import runpy, signal, sys

class CtrlC:
    def find_spec(self, name, path=None, target=None):
        if name == "nasloop.engine.assemble":
            sys.meta_path.remove(self)
            signal.raise_signal(signal.SIGINT)
        return None

sys.meta_path.insert(0, CtrlC())
how, start = sys.argv[1], sys.argv[2]
sys.argv = ["nasloop", "spaces"]
if how == "-m":
    runpy.run_module(start, run_name="__main__", alter_sys=True)
module, function = start.split(":")
sys.exit(getattr(__import__(module, fromlist=[function]), function)())
"""


def _console_script() -> str:
    """The ``module:function`` the installed ``nasloop`` command runs."""
    config = configparser.ConfigParser()
    config.read(REPO_ROOT / "setup.cfg")
    lines = config["options.entry_points"]["console_scripts"].strip().splitlines()
    return next(line.split("=", 1)[1].strip() for line in lines if line.split("=", 1)[0].strip() == "nasloop")


@pytest.mark.parametrize("how", ["console script", "-m"])
def test_a_ctrl_c_while_the_command_starts_is_one_line_not_a_traceback(how):
    """Before: Ctrl-C in the first half second of any ``nasloop`` command (longer on a busy machine) printed a
    20-line traceback ending in numpy's or nasloop's imports, and the process died by the signal."""
    start = _console_script() if how == "console script" else "nasloop.engine.cli"
    done = subprocess.run([sys.executable, "-c", _CTRL_C_WHILE_IMPORTING, how, start], capture_output=True,
                          text=True, timeout=120, preexec_fn=sigint_as_a_terminal_gives_it)
    assert done.stderr.strip().splitlines() == [
        "nasloop: interrupted while starting; nothing was done: run the command again"], done.stderr
    assert done.returncode == 130


def _docstring_commands(path: Path) -> list[list[str]]:
    """The ``nasloop ...`` commands a file's docstring shows, continuation lines joined, as argument lists."""
    text = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    joined = text.replace("\\\n", " ")
    return [shlex.split(line)[1:] for line in joined.splitlines() if line.strip().startswith("nasloop ")]


def test_the_custom_space_examples_search_as_they_say_not_at_random():
    """Before: the docstring's first command, ``--strategy evolution --budget 50``, ended in 'evolution draws its first
    50 evaluations at random (population_size), so this 50-evaluation run was random search': the example of
    evolution on your own space never ran a tournament."""
    commands = _docstring_commands(REPO_ROOT / "examples" / "custom_space.py")
    assert len(commands) == 3, commands
    for command in commands:
        args = build_parser().parse_args(command)
        assert args.strategy is not None and args.budget is not None, command
        assert random_start_note(args.strategy, dict(args.strategy_opt), args.budget) is None, command


def test_the_cifar10_example_runs_what_it_says_with_advice_it_can_follow():
    """Before: its default run, 4 cells with evolution, ended in 'this 4-evaluation run was random search; raise
    --budget above 50 or lower population_size', a flag the script does not have, under a docstring saying the cells
    were drawn by regularized evolution. Now the default draws at random, and its GPU command, which names
    evolution, searches past evolution's random start."""
    spec = importlib.util.spec_from_file_location("cifar10_nas_j", REPO_ROOT / "examples" / "cifar10_nas.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.__doc__.replace("\\\n", " ")
    shown = [shlex.split(line)[2:] for line in text.splitlines() if line.strip().startswith("python examples/")]
    assert len(shown) == 2, shown
    for argv in shown:
        args = module.build_parser().parse_args(argv)
        assert random_start_note(args.strategy, {}, args.budget) is None, argv
    assert shown[1][:2] == ["--strategy", "evolution"]


def test_a_metric_given_to_the_other_kind_of_study_names_that_study_s_own_flag(tmp_path, data_dir, capsys):
    """Before: 'compare --methods ... --metric test_accuracy' advised giving a predictor's options in the method, and
    'compare --predictors ... --objective test_accuracy' listed --train-sizes, --seeds and --predictor-opt: neither
    named the flag that does what the user asked there (--objective in a search study, --metric in a predictor
    study)."""
    from nasloop.engine.cli import main

    base = ["compare", "--seeds", "1", "--out", str(tmp_path / "study"), "--data-dir", str(data_dir), "--quiet"]
    assert main(base + ["--methods", "random", "--metric", "test_accuracy"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nasloop compare: error: --metric belongs to a predictor study (--predictors); ")
    assert "--objective METRIC" in err and "forest+trees" not in err, err
    for flag in (["--objective", "test_accuracy"], ["--minimize"]):
        assert main(base + ["--predictors", "gp"] + flag) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"nasloop compare: error: {flag[0]} belongs to a search study (--methods); "), err
        assert "--metric METRIC (METRIC:min where lower is better)" in err, err
    assert not (tmp_path / "study").exists()


def test_search_and_predictors_evaluate_point_to_each_other_s_name_for_the_metric(capsys):
    """Before: 'nasloop search --metric test_accuracy' and 'nasloop predictors evaluate --objective test_accuracy'
    were refused as unrecognized arguments with no hint, though each command has that option under the other name."""
    from nasloop.engine.cli import main

    for command, given, meant in ((["search"], "--metric", "--objective"),
                                  (["predictors", "evaluate", "--predictor", "gp"], "--objective", "--metric")):
        with pytest.raises(SystemExit) as stop:
            main([*command, given, "test_accuracy"])
        assert stop.value.code == 2
        assert f"unrecognized arguments: {given} test_accuracy (did you mean {meant}?)" in capsys.readouterr().err
