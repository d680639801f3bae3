"""A fidelity given twice with the train evaluator (``--epochs 1 --evaluator-opt epochs=3``) is refused before the
evaluator's own check, which loads CIFAR-10 and imports torch to choose its device: the one-line refusal took about
2 CPU s of imports where it needs none. Each command runs in a fresh interpreter, with the CIFAR-10 subset in its
data folder (so nothing else stops it first), and must say its line with torch unimported.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .cli_processes import process_env

HEAVY = ("torch", "botorch", "scipy.stats", "sklearn", "ray")

CODE = """
import json, sys
from nasloop.engine.cli import main
try:
    status = main(json.loads(sys.argv[1]))
finally:
    print(json.dumps([m for m in json.loads(sys.argv[2]) if m in sys.modules]))
"""

TWICE = ["--evaluator", "train", "--fidelity", "1", "--evaluator-opt", "epochs=3"]
SAID = "--fidelity (--epochs) 1 and --evaluator-opt epochs=3 both set the train evaluator's fidelity; give it once"


@pytest.mark.parametrize("args", [["search", *TWICE, "--budget", "2", "--run-dir", "r"],
                                  ["compare", "--methods", "random", *TWICE, "--out", "r"]], ids=["search", "compare"])
def test_a_fidelity_given_twice_is_refused_before_torch_loads(args: list[str], tmp_path: Path, data_dir: Path):
    env = process_env({"NASLOOP_DATA": str(data_dir), "XDG_CACHE_HOME": str(tmp_path / "cache"),
                       "PYTHONWARNINGS": None})
    proc = subprocess.run([sys.executable, "-c", CODE, json.dumps(args), json.dumps(HEAVY)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and SAID in lines[0] and lines[0].startswith(f"nasloop {args[0]}: error"), proc.stderr
    assert json.loads(proc.stdout.splitlines()[-1]) == [], f"nasloop {' '.join(args)} imported {proc.stdout}"
    assert not (tmp_path / "r").exists()
