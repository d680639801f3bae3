"""Every ``--help`` a user reads fits an 80-column terminal and names what each argument is."""
from __future__ import annotations

import argparse
import inspect

import pytest

from nasloop.engine.cli import main
from nasloop.engine.cli_parser import build_parser

from .messages import one_line


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """``parser`` and every (sub)command parser below it."""
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                found += _parsers(child)
    return found


def test_every_help_fits_an_80_column_terminal(monkeypatch):
    # The top-level usage line and its 'positional arguments' listed all 13 commands in braces, 104 and 119
    # characters wide: a terminal of 80 wrapped them mid-word.
    monkeypatch.setenv("COLUMNS", "80")
    for parser in _parsers(build_parser()):
        wide = [line for line in parser.format_help().splitlines() if len(line) > 80]
        assert wide == [], (parser.prog, wide)


def test_a_flag_before_no_command_is_still_named_with_the_missing_command(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--bogus"])
    assert exited.value.code == 2
    one_line(capsys.readouterr().err.strip(), "unrecognized arguments: --bogus", "and no command",
             "nasloop [--plugin FILE] COMMAND")


def test_every_argument_has_help_and_every_command_a_description():
    # 'show' and 'export' printed their run_dir bare, 'predictors show' its name, 'data import' its files as
    # "files [files ...]" (the README writes FILE), and 'nasloop train --help' began with no sentence at all.
    for parser in _parsers(build_parser()):
        silent = [a.dest for a in parser._actions if not a.help and not isinstance(a, argparse._SubParsersAction)]
        assert silent == [], parser.prog
    commands = {parser.prog: parser for parser in _parsers(build_parser())}
    assert commands["nasloop train"].description
    assert "nasloop predictors NAME" in commands["nasloop predictors"].description  # it named neither form
    assert "FILE [FILE ...]" in commands["nasloop data import"].format_usage()
    assert "--out DIR" in commands["nasloop data import"].format_usage()


def test_train_seed_help_says_what_it_seeds():
    # 'seed (default 0)' did not say it is the training's seed, not a search's nor a NAGO point's draw.
    train = next(parser for parser in _parsers(build_parser()) if parser.prog == "nasloop train")
    text = next(a.help for a in train._actions if "--seed" in a.option_strings)
    assert "weights" in text and "draw" in text


def _default(plugin: type, option: str) -> object:
    """The default of ``option`` in ``plugin``'s constructor, which its help must state."""
    return inspect.signature(plugin).parameters[option].default


def test_search_and_compare_help_state_the_defaults_of_the_device_and_ray_flags():
    # --device, --workers, --gpus-per-trial, --trial-timeout and --max-retries stated no default, where the train
    # evaluator runs on CUDA where present (auto) but the proxy evaluator on the CPU, and Ray retries twice.
    from nasloop.engine.registry import EVALUATORS, EXECUTORS

    train, proxy, ray = EVALUATORS.get("train"), EVALUATORS.get("proxy"), EXECUTORS.get("ray")
    commands = {parser.prog: parser for parser in _parsers(build_parser())}
    for command in ("nasloop search", "nasloop compare"):
        device = next(a.help for a in commands[command]._actions if "--device" in a.option_strings)
        assert f"{_default(train, 'device')} for train, {_default(proxy, 'device')} for proxy" in device
    helps = {a.option_strings[0]: a.help for a in commands["nasloop search"]._actions if a.option_strings}
    assert f"default {_default(ray, 'max_retries')}" in helps["--max-retries"]
    assert f"default {_default(ray, 'gpus_per_trial')}" in helps["--gpus-per-trial"]
    assert _default(ray, "timeout_s") is None and "default: none" in helps["--trial-timeout"]
    assert _default(ray, "workers") is None and "default: as many as" in helps["--workers"]


def test_report_help_names_where_a_runs_report_goes(tmp_path, data_dir, capsys):
    # 'default: inside PATH' read as PATH itself, where a study's report goes; a run's goes to PATH/report.
    report = next(parser for parser in _parsers(build_parser()) if parser.prog == "nasloop report")
    assert "PATH/report" in next(a.help for a in report._actions if "--out" in a.option_strings)
    run = tmp_path / "run"
    assert main(["search", "--strategy", "random", "--budget", "3", "--data-dir", str(data_dir),
                 "--run-dir", str(run), "--quiet"]) == 0
    assert main(["report", str(run)]) == 0
    assert (run / "report" / "report.md").is_file()


def test_compare_help_says_its_runs_go_jobs_at_a_time_and_describes_its_predictor_form():
    # It said the runs went "in parallel", where --jobs defaults to 1 (one run after another), and described only
    # the search study, not the study of --predictors.
    compare = next(parser for parser in _parsers(build_parser()) if parser.prog == "nasloop compare")
    assert compare.get_default("jobs") is None  # no value: one run at a time (the help of --jobs says so)
    assert "in parallel" not in compare.description
    assert "--jobs at a time" in compare.description and "--predictors" in compare.description


def test_search_and_compare_help_state_the_train_evaluators_default_epochs():
    # --fidelity/--epochs named the tables' default (the most epochs) but not the train evaluator's.
    from nasloop.engine.registry import EVALUATORS

    epochs = _default(EVALUATORS.get("train"), "epochs")
    commands = {parser.prog: parser for parser in _parsers(build_parser())}
    for command in ("nasloop search", "nasloop compare"):
        text = next(a.help for a in commands[command]._actions if "--fidelity" in a.option_strings)
        assert "--evaluator train" in text and f"default {epochs})" in text, text
