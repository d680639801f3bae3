"""``compare`` takes search's ``--proxies`` (and ``--device``) as search does, from the one definition of those
flags: ``compare --evaluator proxy --proxies synflow`` was argparse's bare "unrecognized arguments", and the form that
worked, ``--evaluator-opt 'proxies=[synflow]'``, was written nowhere. Every other flag search documents as an option's
shortcut is refused by compare naming what works."""
from __future__ import annotations

import json

import pytest

from nasloop.engine.cli_parser import build_parser
from nasloop.engine.shorthand_flags import SHORTHAND_FLAGS

STUDY = ["compare", "--space", "nb201", "--methods", "random", "--seeds", "1", "--budget", "2", "--quiet"]
VALUES = {"proxies": "params", "device": "cpu", "workers": "2", "gpus_per_trial": "1", "ray_address": "auto",
          "trial_timeout": "5", "max_retries": "1"}


def subparser(name: str):
    """The parser of one ``nasloop`` command, as build_parser builds it."""
    commands = next(action for action in build_parser()._actions if action.dest == "command")
    return commands.choices[name]


def test_compare_and_search_share_one_definition_of_the_evaluator_flags():
    search, compare = subparser("search"), subparser("compare")
    for flag in ("--proxies", "--device"):
        theirs, ours = search._option_string_actions[flag], compare._option_string_actions[flag]
        assert (ours.type, ours.help, ours.dest) == (theirs.type, theirs.help, theirs.dest)


@pytest.mark.parametrize("flag", list(SHORTHAND_FLAGS))
def test_every_shorthand_flag_of_search_is_taken_by_compare_or_refused_naming_what_works(capsys, flag):
    words = ["compare", "--methods", "random", "--out", "study", f"--{flag.replace('_', '-')}", VALUES[flag]]
    try:
        build_parser().parse_args(words)
    except SystemExit as stop:
        assert stop.code == 2
        error = capsys.readouterr().err.strip()
        assert "\n" not in error and ("(did you mean --jobs?)" in error or "give it to nasloop search" in error)
    else:
        assert flag in ("proxies", "device", "ray_address")


def test_a_study_of_proxies_named_by_the_flag_is_the_study_of_the_option(nasloop_in_process, data_dir, tmp_path):
    out = tmp_path / "study"
    flags = [*STUDY, "--out", str(out), "--data-dir", str(data_dir), "--evaluator", "proxy"]
    done = nasloop_in_process([*flags, "--proxies", "params"])
    assert done.returncode == 0, done.stderr
    assert json.loads((out / "study.json").read_text())["grid"]["evaluator_options"] == {"proxies": ["params"]}
    again = nasloop_in_process([*flags, "--evaluator-opt", "proxies=[params]"])  # the same study, nothing to run
    assert again.returncode == 0 and "another grid" not in again.stderr, again.stderr


@pytest.mark.parametrize("extra,refusal", [
    (["--proxies", "params"], "--proxies is an option of --evaluator proxy, not of 'tabular'; add --evaluator proxy"),
    (["--evaluator", "proxy", "--proxies", "params", "--evaluator-opt", "proxies=[synflow]"],
     "proxies is given by both --proxies and --evaluator-opt; give it once"),
    (["--device", "cpu"], "--device is an option of --evaluator proxy or train, not of 'tabular'")])
def test_a_shorthand_flag_compare_cannot_use_is_refused_as_search_refuses_it(nasloop_in_process, tmp_path, extra,
                                                                              refusal):
    done = nasloop_in_process([*STUDY, "--out", str(tmp_path / "study"), *extra])
    assert done.returncode == 2 and refusal in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "study").exists()


def test_a_predictor_study_refuses_the_evaluator_flags(nasloop_in_process, tmp_path):
    done = nasloop_in_process(["compare", "--predictors", "random", "--proxies", "params", "--out",
                               str(tmp_path / "study")])
    assert done.returncode == 2 and "--proxies belongs to a search study (--methods)" in done.stderr


def test_compare_names_its_fidelity_for_searchs_epochs(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["compare", "--methods", "random", "--out", "study", "--epochs", "12"])
    assert "unrecognized arguments: --epochs 12 (did you mean --fidelity?)" in capsys.readouterr().err
