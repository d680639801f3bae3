"""A FLAN search killed outright while torch-geometric wrote its generated code leaves none of it for good.

torch-geometric renders its convolutions' code into files in the temp folder on a process's first FLAN network.
nasloop removed them once built, which a process killed by SIGKILL (the OOM killer, ``kill -9``, a scheduler's
hard limit) never did: its files stayed in /tmp for good. They are now written in a locked scratch folder of the
process's own, which the next run that builds FLAN on the host removes.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

# The search, killed the moment torch-geometric has written the last of its generated files (GAT's edge_updater)
# and Python compiles it: the point where a kill leaves the most behind.
KILLED_WHILE_GENERATING = """
import os, runpy, signal, sys

def kill_once_generated(event, args):
    if event == "compile" and "_edge_updater_" in str(args[1]):
        os.kill(os.getpid(), signal.SIGKILL)

sys.addaudithook(kill_once_generated)
sys.argv = ["nasloop", *sys.argv[1:]]
runpy.run_module("nasloop.engine.cli", run_name="__main__")
"""
FLAN = ["--strategy", "predictor-topk", "--predictor", "flan", "--predictor-opt", "ensemble=1",
        "--predictor-opt", "steps=5", "--predictor-opt", "hidden=8", "--predictor-opt", "op_dim=8",
        "--strategy-opt", "enumerate_limit=0", "--strategy-opt", "pool_size=200", "--budget", "12", "--seed", "0"]
"""A FLAN search as small as it goes: it builds FLAN's networks at its first fit all the same, and ranks a pool of
200 where the whole space's 15,625 graphs (built and batched for the ranking) took 1.8 of the resume's 7 CPU s."""


def _generated(folder: Path) -> list[str]:
    """What torch-geometric generated, and nasloop's scratch folders for it, anywhere below ``folder``."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if "_propagate" in p.name or "_edge_updater" in p.name or p.name.startswith("nasloop-generated-"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the scratch folder's lock is Linux's flock")
def test_a_flan_search_killed_while_generating_code_leaves_nothing_after_the_next_run(tmp_path, data_dir):
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    run = tmp_path / "run"
    argv = ["search", *FLAN, "--data-dir", str(data_dir), "--run-dir", str(run)]
    killed = subprocess.run([sys.executable, "-c", KILLED_WHILE_GENERATING, *argv], env=env, capture_output=True,
                            text=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert _generated(temp), "the kill came before torch-geometric wrote anything"
    done = subprocess.run([sys.executable, "-m", "nasloop.engine.cli", "search", "--resume", str(run)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _generated(temp) == []
