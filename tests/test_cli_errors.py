"""Every user mistake is one line on stderr, from ``nasloop``'s ``main`` as the console script runs it.

Each bad input must exit non-zero with exactly one stderr line that names the problem, and
never a traceback; a search that fails validation must not leave a run directory behind.
Most run in this process (conftest's ``nasloop_in_process``); a fresh process runs the real entry point
where the process is the point: its arguments read from sys.argv, its exit, plugin loading (signals:
test_cli_interrupts; pipes: test_cli_output).
"""
from __future__ import annotations

import json
import sqlite3

import pytest

from .cli_processes import assert_one_line_error, nasloop

# Files written into the working folder before a case runs: name → content.
FILES = {
    "syntax.yaml": "strategy: [random\nbudget: 5\n",
    "unknown_key.yaml": "strategy: random\nbudgett: 5\n",
    "list.yaml": "- strategy\n- random\n",
    "mixed_keys.yaml": "1: one\nfoo: two\n",
    "options_not_mapping.yaml": "strategy: random\nstrategy_options: 3\n",
    "cfg.yaml": "strategy: random\nseed: 3\nbudget: 5\nmax-seconds: 1.0e+9\n",
    "workdir.yaml": "strategy: random\nworkdir: /etc\n",
    "tnb_archs.txt": "64-41414-3_33_333\n",
    "taken/runs": "not a folder\n",
    "dots_methods.yaml": "- {name: random, strategy: random}\n- {name: '..', strategy: random}\n",
    "bad_archs.txt": "|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|\n"
                     "|conv9x9~0|+|none~0|none~1|+|none~0|none~1|none~2|\n",
}

# id → (arguments after "nasloop", fragments the stderr line must contain)
CASES = {
    "unknown space": (["search", "--space", "nb999", "--budget", "5", "--run-dir", "r"],
                      ["unknown search space 'nb999'", "nb201"]),
    "unknown strategy": (["search", "--strategy", "anneal", "--budget", "5", "--run-dir", "r"],
                         ["unknown strategy 'anneal'", "evolution", "random"]),
    "unknown evaluator": (["search", "--evaluator", "oracle", "--budget", "5", "--run-dir", "r"],
                          ["unknown evaluator 'oracle'", "tabular"]),
    "budget not a number": (["search", "--budget", "lots", "--run-dir", "r"], ["--budget", "'lots'"]),
    "budget negative": (["search", "--budget", "-3", "--run-dir", "r"], ["argument --budget: must be >= 1, got -3"]),
    "a value for a switch": (["search", "--minimize", "-5", "--run-dir", "r"], ["--minimize takes no value, got '-5'"]),
    "budget zero": (["search", "--budget", "0", "--run-dir", "r"], ["budget", ">= 1", "0"]),
    "plugin after the command": (["search", "--plugin", "p.py", "--run-dir", "r"],
                                 ["--plugin goes before the command: nasloop --plugin p.py search ..."]),
    "yaml sets workdir": (["search", "--config", "workdir.yaml", "--run-dir", "r"],
                          ["workdir.yaml sets workdir, which nasloop records when a search starts"]),
    "budget negative says the same bound": (["search", "--budget=-1", "--run-dir", "r"], ["must be >= 1, got -1"]),
    "zero epochs named by their flag": (["search", "--evaluator", "train", "--epochs", "0", "--run-dir", "r"],
                                        ["argument --fidelity/--epochs: must be >= 1, got 0"]),
    "study budget zero": (["compare", "--methods", "random", "--budget", "0", "--out", "r"],
                          ["argument --budget: must be >= 1, got 0"]),
    "study of no seeds": (["compare", "--methods", "random", "--seeds", "0", "--out", "r"],
                          ["argument --seeds: must be >= 1, got 0"]),
    "a study's fidelity given twice": (["compare", "--methods", "random", "--evaluator", "train", "--fidelity", "1",
                                        "--evaluator-opt", "epochs=3", "--out", "r"],
                                       ["1 and --evaluator-opt epochs=3 both set the train evaluator's fidelity"]),
    "a flag the command does not take": (["train", "--arch", "x", "--evaluator-opt", "train_images=300"],
                                         ["nasloop train: error: unrecognized arguments: --evaluator-opt",
                                          "(see 'nasloop train --help')"]),
    "a subcommand's own error": (["predictors", "evaluate", "--space", "nb999"],
                                 ["nasloop predictors evaluate: error: unknown search space 'nb999'"]),
    "a flag the subcommand does not take": (["predictors", "evaluate", "--budget", "3"],
                                            ["nasloop predictors evaluate: error: unrecognized",
                                             "(see 'nasloop predictors evaluate --help')"]),
    "a plugin to describe that does not exist": (["strategies", "evolutoin"],
                                                 ["unknown strategy 'evolutoin' (did you mean 'evolution'?); "
                                                  "known: bananas", "needs --plugin FILE before the command"]),
    "a space named in capitals": (["search", "--space", "NB201", "--run-dir", "r"],  # names are matched exactly
                                  ["unknown search space 'NB201' (did you mean 'nb201'?); known: darts"]),
    "a study of nothing": (["compare", "--out", "r"], ["name the methods with --methods", "--predictors flan,gp"]),
    "a negative GPU share named by its flag": (["search", "--executor", "ray", "--gpus-per-trial", "-1", "--run-dir",
                                                "r"], ["--gpus-per-trial: must be a finite number >= 0, got -1"]),
    # an infinite time budget or trial timeout was read and then refused under its configuration key, or taken
    "an infinite time budget named by its flag": (["search", "--max-seconds", "inf", "--run-dir", "r"],
                                                  ["argument --max-seconds: must be a finite number > 0, got inf"]),
    "a study's time budget that is no number": (["compare", "--methods", "random", "--max-seconds", "nan", "--out",
                                                 "s"], ["argument --max-seconds: must be a finite number > 0"]),
    "an infinite trial timeout": (["search", "--executor", "ray", "--trial-timeout", "inf", "--run-dir", "r"],
                                  ["argument --trial-timeout: must be a finite number > 0, got inf"]),
    # 'drop --predictor', a flag a study does not have
    "a predictor for a strategy that uses none, in a method": (["compare", "--methods", "random:gp", "--out", "s"],
                                                               ["method 'random:gp': strategy 'random' uses no "
                                                                "predictor; write 'random' alone, or pair 'gp' with "
                                                                "a guided strategy (bananas:gp, predictor-topk:gp)"]),
    # 'must be a string or a list of strings or null, got True'
    "a bare option that takes a value": (["compare", "--methods", "bananas:gp+warmup", "--out", "s"],
                                         ["option 'warmup' takes a value, and a bare '+warmup' means true; write "
                                          "+warmup=VALUE (see 'nasloop strategies bananas')"]),
    # nine lines, one per run, then an empty report
    "a study whose runs folder is a file": (["compare", "--methods", "random", "--out", "taken"],
                                            ["taken/runs is a file, where the study keeps its runs"]),
    # its runs went to STUDY/seed-0, outside runs/
    "a method named '..'": (["compare", "--methods-file", "dots_methods.yaml", "--out", "s"],
                            ["dots_methods.yaml: method 2 is named '..', which has no letter or digit"]),
    "a train size twice": (["compare", "--predictors", "gp", "--train-sizes", "8,8", "--out", "r"],
                           ["8 is given twice in '8,8'; give each size once"]),
    "unknown strategy option": (["search", "--strategy-opt", "popsize=3", "--budget", "5", "--run-dir", "r"],
                                ["evolution", "no option 'popsize'", "population_size"]),
    "yaml syntax error": (["search", "--config", "syntax.yaml", "--run-dir", "r"],
                          ["syntax.yaml", "not valid YAML", "line 2"]),
    "yaml unknown key": (["search", "--config", "unknown_key.yaml", "--run-dir", "r"],
                         ["unknown key 'budgett'", "unknown_key.yaml", "budget"]),
    "yaml list": (["search", "--config", "list.yaml", "--run-dir", "r"], ["list.yaml", "mapping"]),
    "yaml non-string keys": (["search", "--config", "mixed_keys.yaml", "--run-dir", "r"],
                             ["unknown key", "mixed_keys.yaml"]),
    "yaml options not a mapping": (["search", "--config", "options_not_mapping.yaml", "--run-dir", "r"],
                                   ["strategy_options", "mapping", "3"]),
    "missing config": (["search", "--config", "nowhere.yaml", "--run-dir", "r"], ["nowhere.yaml", "No such file"]),
    "resume empty folder": (["search", "--resume", "empty"], ["no nasloop run", "empty", "--run-dir"]),
    "resume with config flags": (["search", "--resume", "empty", "--strategy", "random"], ["--resume", "--strategy"]),
    "bad nb201 dataset": (["search", "--dataset", "mnist", "--budget", "5", "--run-dir", "r"],
                          ["nb201 benchmark has no task 'mnist'", "cifar10", "cifar100", "ImageNet16-120"]),
    "fidelity the table lacks": (["search", "--fidelity", "7", "--budget", "5", "--run-dir", "r"],
                                 ["no 7-epoch results", "12, 200"]),
    "unknown command": (["serach"], ["unknown command 'serach' (did you mean 'search'?)"]),
    "predictor for a classic strategy": (["search", "--strategy", "random", "--predictor", "gp", "--budget", "5",
                                          "--run-dir", "r"], ["strategy 'random' uses no predictor", "bananas"]),
    "ray flag for the in-process executor": (["search", "--workers", "2", "--budget", "5", "--run-dir", "r"],
                                             ["--workers is an option of --executor ray, not of 'inprocess'; "
                                              "add --executor ray"]),
    "train option that has its own flag": (["train", "--arch",
                                            "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|",
                                            "--train-opt", "epochs=2"],
                                           ["--train-opt epochs is set by nasloop train's own flag; give --epochs"]),
    "a size given twice to train": (["train", "--arch", "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|",
                                     "--train-opt", "channels=8", "--space-opt", "channels=4"],
                                    ["channels is given by both --train-opt and --space-opt"]),
    # the kernel killed it at the memory limit, without a word, the run left stopped
    "networks no machine holds": (["search", "--evaluator", "proxy", "--space-opt", "channels=4096", "--space-opt",
                                   "cells=64", "--budget", "1", "--run-dir", "r"],
                                  ["'nb201' builds networks of 230.2 G parameters (a sampled one: |",
                                   "more than this machine's", "lower its size options (--space-opt)"]),
    "a size given twice to search": (["search", "--evaluator", "proxy", "--evaluator-opt", "channels=8", "--space-opt",
                                      "channels=4", "--budget", "2", "--run-dir", "r"],
                                     ["channels is given by both --evaluator-opt and --space-opt; give it once"]),
    "an abbreviated flag": (["search", "--bud", "5", "--run-dir", "r"], ["unrecognized arguments: --bud 5"]),
    "an unknown flag and no command": (["--bogus"], ["unrecognized arguments: --bogus, and no command: nasloop"]),
    "a device given twice": (["search", "--evaluator", "train", "--device", "cpu", "--evaluator-opt", "device=cuda",
                              "--budget", "2", "--run-dir", "r"],
                             ["device is given by both --device and --evaluator-opt; give it once"]),
    "workers given twice on resume": (["search", "--resume", "empty", "--workers", "2", "--executor-opt", "workers=3"],
                                      ["workers is given by both --workers and --executor-opt; give it once"]),
    "trial timeout for the in-process executor": (["search", "--trial-timeout", "5", "--budget", "5", "--run-dir", "r"],
                                                  ["--trial-timeout is an option of --executor ray", "timeout_s)"]),
    "resume changing the predictor": (["search", "--resume", "empty", "--predictor", "gp"],
                                      ["--resume", "--predictor"]),
    "bad train sizes": (["predictors", "evaluate", "--train-sizes", "8,x"], ["--train-sizes", "comma-separated"]),
    "option with an empty value": (["predictors", "evaluate", "--predictor-opt", "pretrained="],
                                   ["'pretrained=' gives pretrained no value", "pretrained=null"]),
    "a mapping that gives a key twice": (["predictors", "evaluate", "--predictor", "blend", "--predictor-opt",
                                          "members={forest#a: {}, forest#a: {trees: 10}}"],
                                         ["key 'forest#a' is given twice"]),
    "a method cut at a comma": (["compare", "--methods", "random,bananas:forest+features=[proxies,graph]", "--out",
                                 "s"], ["cut the method 'bananas:forest+features=[proxies'", "--methods-file"]),
    "predictors on a space without a table": (["predictors", "evaluate", "--space", "nago"],
                                              ["'nago' has none", "choose a --space that has one", "nb201"]),
    "proxies without architectures": (["proxies", "--proxies", "synflow"], ["--archs-file", "--sample", "required"]),
    "missing archs file": (["proxies", "--archs-file", "nowhere.txt"], ["nowhere.txt", "No such file"]),
    "bad architecture in archs file": (["proxies", "--archs-file", "bad_archs.txt"],
                                       ["bad_archs.txt line 2", "conv9x9"]),
    "train a bad architecture": (["train", "--arch", "|conv~0|"], ["nasloop train: error"]),
    # a string of another space was refused as merely malformed, DARTS naming Python's SyntaxError
    "another space's architecture": (["train", "--space", "darts", "--arch", "|nor_conv_3x3~0|+|none~0|none~1|+"
                                      "|none~0|none~1|none~2|"],
                                     ["is neither a DARTS genotype string", "compact form ([[(0, 3), (1, 3), ...], "
                                      "[...]]) (as written, it is an architecture of nb201)"]),
    "another space's architecture in a file": (["proxies", "--space", "nb201", "--archs-file", "tnb_archs.txt"],
                                               ["tnb_archs.txt line 1", "(as written, it is an architecture of "
                                                "tnb101-micro)"]),
    "unknown space option": (["search", "--space-opt", "width=8", "--budget", "5", "--run-dir", "r"],
                             ["search space 'nb201' has no option 'width'; it takes: channels, cells"]),
    "space option of the wrong type": (["search", "--space-opt", "channels=0", "--budget", "5", "--run-dir", "r"],
                                       ["search space 'nb201' option channels must be an integer >= 1 and <= 4096, "
                                        "got 0"]),
    "option that is not an integer": (["search", "--strategy-opt", "population_size=abc", "--budget", "5",
                                       "--run-dir", "r"], ["option population_size must be an integer >= 2", "'abc'"]),
    "option with a fraction": (["search", "--strategy-opt", "population_size=10.5", "--budget", "5",
                                "--run-dir", "r"], ["population_size must be an integer >= 2 and <=", "got 10.5"]),
    "evaluator option nobody takes": (["search", "--evaluator", "proxy", "--evaluator-opt", "width=8", "--budget", "5",
                                       "--run-dir", "r"], ["evaluator 'proxy' has no option 'width'", "proxies"]),
    "task of another benchmark": (["search", "--space", "tnb101-micro", "--dataset", "cifar10", "--run-dir", "r"],
                                  ["tnb101-micro benchmark has no task 'cifar10'", "class_scene", "room_layout"]),
    "missing plugin file": (["--plugin", "nowhere.py", "spaces"], ["plugin file nowhere.py does not exist"]),
    "unknown benchmark space for import": (["data", "import", "--space", "nb999", "x.csv"],
                                           ["unknown search space 'nb999'"]),
}


# One refusal of argparse's and one of nasloop's through the real entry point's exit, one whose message names the
# words the process read from sys.argv, --plugin loading (a module it imports stays for the rest of a process), and
# one whose message says that no plugin was loaded (a worker's earlier tests load plugin files, and
# examples/custom_space.py stays loaded). The others' lists of spaces start and end as in a new process: no test
# module registers a plugin as it is imported, and the plugins a test registers leave with it (conftest's fixtures).
IN_A_PROCESS = {"unknown command", "unknown space", "an unknown flag and no command", "missing plugin file",
                "a plugin to describe that does not exist"}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_one_line_without_traceback(case, tmp_path, env, settings, nasloop_in_process):
    args, fragments = CASES[case]
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "empty").mkdir()
    ran = nasloop(args, tmp_path, env) if case in IN_A_PROCESS else nasloop_in_process(args, tmp_path, settings)
    line = assert_one_line_error(ran, fragments)
    assert line.startswith("nasloop")
    assert not (tmp_path / "r").exists(), "a search that failed validation left a run directory"
    assert not (tmp_path / "empty" / "nasloop.sqlite").exists(), "--resume created a store"


def test_config_with_flag_override_runs_then_the_run_dir_is_refused_for_a_second_search(tmp_path, settings,
                                                                                        nasloop_in_process):
    (tmp_path / "cfg.yaml").write_text(FILES["cfg.yaml"])
    proc = nasloop_in_process(["search", "--config", "cfg.yaml", "--budget", "20", "--run-dir", "r", "--json"],
                              tmp_path, settings)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    summary = json.loads(proc.stdout)
    assert summary["evaluations"] == 20 and summary["budget"]["queries"] == 20  # the flag beat budget: 5
    assert summary["budget"]["seconds"] == 1e9  # YAML keys may be written with hyphens
    assert summary["strategy"] == "random" and summary["seed"] == 3
    assert summary["status"] == "finished" and summary["run_dir"] == "r"
    assert summary["best"]["metrics"]["val_accuracy"] > 0

    db = tmp_path / "r" / "nasloop.sqlite"
    with sqlite3.connect(db) as conn:
        before = conn.execute("SELECT COUNT(*) FROM trials").fetchone()[0]
    proc = nasloop_in_process(["search", "--config", "cfg.yaml", "--budget", "20", "--run-dir", "r"], tmp_path)
    assert_one_line_error(proc, ["r already holds a run; give this new search another --run-dir (or continue that run, "
                                 "if it is the one you meant, with 'nasloop search --resume r')"])
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM trials").fetchone()[0] == before


def test_a_plugin_that_registers_nothing_by_the_name_is_named(tmp_path, settings, fresh_nasloop):
    # --plugin loading, as a process of its own loads the file (fresh_nasloop). The hint said to give --plugin FILE
    # before the command, which the user had done; now the file is refused
    (tmp_path / "chain.py").write_text("CHAIN = 1  # forgot @register_search_space\n")  # as it loads
    line = assert_one_line_error(fresh_nasloop(["--plugin", "chain.py", "search", "--space", "my-chain", "--budget",
                                                "2", "--run-dir", "r"], tmp_path, settings),
                                 ["plugin chain.py registers nothing: no register decorator ran"])
    assert "my-chain" not in line and line.endswith("or import it from this one") and "--plugin" not in line.split(
        "plugin chain.py")[1]
