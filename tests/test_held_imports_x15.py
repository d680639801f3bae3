"""A Ctrl-C in a notebook while a search imports torch or botorch on first use, then another search in the process.

e15 held a Ctrl-C during the imports made when a plugin's module is loaded and botorch's for the GP and bo; a
multi-objective search imports torch and botorch at its first Pareto front instead (engine/objectives.py), mid-run,
with no plugin of that library chosen, the MLP ensemble and EmProx import torch at their first fit, a user's plugin
file imports what it imports as the search loads it, and the Ray executor imports ray (the same break: "partially
initialized module 'ray' has no attribute '_private'"). Interrupted there, torch's import left its operators
registered once and its package gone: every later search of the process failed in torch's RuntimeError ("Only a
single TORCH_LIBRARY can be used to register the namespace prims") or AttributeError ("partially initialized module
'torch' has no attribute 'jit'"). A process of its own (this one imported torch long ago) presses Ctrl-C while torch
imports its ``fx`` package (ray its ``_private.worker``), as a user's keypress lands seconds into the first trial.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .benchmark_scripts import parsed_tables_only
from .cli_processes import process_env
from .real_ctrl_c import sigint_as_a_terminal_gives_it

SCRIPT = """
import json, os, signal, sys

class CtrlC:
    '''Sends this process a SIGINT as torch (or ray) starts importing a package of its own: a Ctrl-C mid-import.'''
    pressed = False
    def find_spec(self, name, path=None, target=None):
        if name in ("torch.fx", "ray._private.worker") and not CtrlC.pressed:
            CtrlC.pressed = True
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, CtrlC())
from nasloop import SearchConfig, search

os.chdir(sys.argv[2])  # where a plugin file is


def config(folder):  # 12: a guided search's 8 random cells and one fitted round, where torch loads
    return SearchConfig(space="nb201", budget=12, data_dir=sys.argv[1], run_dir=os.path.join(sys.argv[2], folder),
                        **json.loads(sys.argv[3]))

assert "torch" not in sys.modules and "ray" not in sys.modules
try:
    search(config("first"))
except KeyboardInterrupt:
    print("interrupted", CtrlC.pressed)
print("again", search(config("second"))["status"])
"""

PLUGIN = "x15_torch_plugin.py"
PLUGIN_TEXT = '''import torch

from nasloop.engine.registry import register_strategy
from nasloop.strategies.random_search import RandomSearch


@register_strategy("x15-torch-random")
class TorchRandom(RandomSearch):
    """Random search from a plugin file that imports torch, as a user's own network code does."""
'''


@pytest.mark.parametrize("settings", [
    {"objectives": ["test_accuracy:max", "params_m:min"]},
    {"strategy": "predictor-topk", "predictor": "mlp", "predictor_options": {"members": 2, "epochs": 5}},
    {"strategy": "predictor-topk", "predictor": "emprox",
     "predictor_options": {"pretrain_samples": 64, "pretrain_epochs": 2, "finetune_steps": 2}},
    {"plugins": [PLUGIN], "strategy": "x15-torch-random"},
    {"executor": "ray", "executor_options": {"workers": 1}},
], ids=["pareto-front", "mlp", "emprox", "plugin-file", "ray"])
def test_an_interrupt_while_a_search_first_imports_torch_leaves_the_next_search_working(data_dir: Path,
                                                                                          tmp_path: Path, settings):
    (tmp_path / PLUGIN).write_text(PLUGIN_TEXT)
    (tmp_path / "cache").mkdir()
    # a cache of its own but for the tests' parsed tables: NB201's table and proxy file, parsed again in each case,
    # were half its CPU (neither parse imports torch, ray or botorch: the Ctrl-C lands where it did)
    env = process_env({"XDG_CACHE_HOME": str(parsed_tables_only(tmp_path / "cache")), "PYTHONWARNINGS": None})
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(data_dir), str(tmp_path), json.dumps(settings)],
                          env=env, capture_output=True, text=True, timeout=300,
                          preexec_fn=sigint_as_a_terminal_gives_it)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.splitlines() == ["interrupted True", "again finished"], proc.stdout
