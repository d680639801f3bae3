"""Commands that list plugins or refuse bad input load no library they do not call.

Every built-in's module is imported to list it (its docstring and options are read from the class), and those
modules imported torch, botorch or scipy.stats as they loaded: ``nasloop strategies`` took 2.6 CPU s (torch and
botorch through BANANAS' acquisition functions and bo's model), ``nasloop predictors`` 4.6 s (FLAN's torch and PyG),
``nasloop evaluators`` 1.5 s (the proxy and train evaluators' devices, batches and trainer), and a one-line refusal
that built a strategy, a predictor or one of those evaluators paid the same before its line. Each command here runs
in a fresh interpreter, as a user's does, and must leave those libraries unimported; what it prints is checked too,
so that a command failing early for another reason cannot pass.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .cli_processes import process_env

HEAVY = ("torch", "botorch", "gpytorch", "torch_geometric", "scipy.stats", "sklearn", "ray")

CODE = """
import json, sys
from nasloop.engine.cli import main
try:
    status = main(json.loads(sys.argv[1]))
finally:
    print(json.dumps([m for m in json.loads(sys.argv[2]) if m in sys.modules]))
"""

ARCHS = ("|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|\n"
         "|conv9x9~0|+|none~0|none~1|+|none~0|none~1|none~2|\n")

# id → (arguments after "nasloop", a fragment of what it prints: stdout for a listing, the error line for a refusal)
COMMANDS = {
    "help": (["--help"], "COMMAND"),
    "spaces": (["spaces"], "nb201"),
    "strategies": (["strategies"], "bananas"),
    "predictors": (["predictors"], "flan"),
    "evaluators": (["evaluators"], "train"),
    "executors": (["executors"], "inprocess"),
    "one strategy described": (["strategies", "bananas"], "acquisition"),
    "one predictor described": (["predictors", "show", "flan"], "ensemble"),
    "one evaluator described": (["evaluators", "proxy"], "proxies"),
    "predictor for a classic strategy": (["search", "--strategy", "random", "--predictor", "gp", "--budget", "5",
                                          "--run-dir", "r"], "strategy 'random' uses no predictor"),
    "a bare option that takes a value": (["compare", "--methods", "bananas:gp+warmup", "--out", "s"],
                                         "option 'warmup' takes a value"),
    "unknown space for predictors evaluate": (["predictors", "evaluate", "--space", "nb999"],
                                              "unknown search space 'nb999'"),
    "evaluator option nobody takes": (["search", "--evaluator", "proxy", "--evaluator-opt", "width=8", "--budget",
                                       "5", "--run-dir", "r"], "evaluator 'proxy' has no option 'width'"),
    "a device given twice": (["search", "--evaluator", "train", "--device", "cpu", "--evaluator-opt", "device=cuda",
                              "--budget", "2", "--run-dir", "r"], "device is given by both"),
    "train a bad architecture": (["train", "--arch", "|conv~0|"], "nasloop train: error"),
    "bad architecture in archs file": (["proxies", "--archs-file", "archs.txt"], "archs.txt line 2"),
    "training without CIFAR-10": (["search", "--evaluator", "train", "--data-dir", "empty", "--budget", "2",
                                   "--run-dir", "r"], "CIFAR-10 not found"),
}


@pytest.mark.parametrize("case", list(COMMANDS))
def test_a_listing_or_a_refusal_imports_no_heavy_library(case: str, tmp_path: Path) -> None:
    args, said = COMMANDS[case]
    (tmp_path / "archs.txt").write_text(ARCHS)
    (tmp_path / "empty").mkdir()
    # no data folder but 'empty': each refusal comes before any benchmark file is read, and no CIFAR-10 is found
    env = process_env({"NASLOOP_DATA": None, "XDG_CACHE_HOME": str(tmp_path / "cache")})
    proc = subprocess.run([sys.executable, "-c", CODE, json.dumps(args), json.dumps(HEAVY)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    *printed, loaded = proc.stdout.splitlines()
    assert said in "\n".join(printed) + proc.stderr, (proc.stdout[-2000:], proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert json.loads(loaded) == [], f"nasloop {' '.join(args)} imported {loaded}"
    assert not (tmp_path / "r").exists()
