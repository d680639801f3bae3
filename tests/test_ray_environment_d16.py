"""A Python ``search()`` on Ray gives the caller's environment back once Ray is down.

nasloop sets Ray's switches in ``os.environ`` before a local Ray starts (no auth token, worker processes in the
raylet's group, loopback, no usage stats), since Ray and the processes it starts read them from there. They stayed
set for the rest of a script or notebook after the search. Ray reads them as it starts, so a second search in the
same process must get them again: the test runs two, in a fresh process, and looks at the raylet's environment too.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .real_ctrl_c import sigint_as_a_terminal_gives_it

pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").is_file(), reason="reads the raylet's environment")

_SET_BY_NASLOOP = ("RAY_AUTH_MODE", "RAY_process_group_cleanup_enabled", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER")
_CALLERS_OWN = ("RAY_USAGE_STATS_ENABLED", "0")  # set by the caller before the search: stays, as it was

_SCRIPT = """
import json, os, signal, sys
import psutil

class CtrlC:
    '''Sends this process a SIGINT as ray starts importing a package of its own: a Ctrl-C mid-import.'''
    pressed = False
    def find_spec(self, name, path=None, target=None):
        if name == "ray._private.worker" and not CtrlC.pressed:
            CtrlC.pressed = True
            os.kill(os.getpid(), signal.SIGINT)
        return None

names, data_dir, run_root, interrupted = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4] == "1"
if interrupted:
    sys.meta_path.insert(0, CtrlC())
from nasloop import SearchConfig, search

seen = {"during": [], "raylet": [], "after": [], "interrupted": []}

def raylet_environment():
    for child in psutil.Process().children(recursive=True):
        if "raylet" in " ".join(child.cmdline()):
            return {name: child.environ().get(name) for name in names}
    return None

def watch(done, total, best):
    if done == 1:
        seen["during"].append({name: os.environ.get(name) for name in names})
        seen["raylet"].append(raylet_environment())

for seed in (0, 1):
    try:
        summary = search(SearchConfig(space="nb201", dataset="cifar10", strategy="random", budget=2, seed=seed,
                                      executor="ray", executor_options={"workers": 1}, data_dir=data_dir,
                                      run_dir=f"{run_root}/run{seed}"), on_progress=watch)
    except KeyboardInterrupt:
        seen["interrupted"].append(seed)
    else:
        assert summary["best"] is not None
    seen["after"].append({name: os.environ.get(name) for name in names})
print(json.dumps(seen))
"""

_WHILE_UP = {"RAY_AUTH_MODE": "disabled", "RAY_process_group_cleanup_enabled": "0",
             "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", _CALLERS_OWN[0]: _CALLERS_OWN[1]}
_GIVEN_BACK = {**dict.fromkeys(_SET_BY_NASLOOP), _CALLERS_OWN[0]: _CALLERS_OWN[1]}


def _two_searches(tmp_path: Path, data_dir: Path, interrupted: bool) -> dict[str, list]:
    """What the script saw, run in a fresh process whose environment lacks Ray's switches but for the caller's own;
    ``interrupted``: with a Ctrl-C as the first search imports ray."""
    names = [*_SET_BY_NASLOOP, _CALLERS_OWN[0]]
    env = {name: value for name, value in os.environ.items() if name not in names}
    env[_CALLERS_OWN[0]] = _CALLERS_OWN[1]
    proc = subprocess.run([sys.executable, "-c", _SCRIPT, json.dumps(names), str(data_dir), str(tmp_path),
                           str(int(interrupted))], env=env, capture_output=True, text=True, timeout=300,
                          preexec_fn=sigint_as_a_terminal_gives_it)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_two_ray_searches_in_one_process_each_leave_the_environment_as_the_caller_had_it(tmp_path, data_dir):
    seen = _two_searches(tmp_path, data_dir, interrupted=False)
    assert seen["during"] == [_WHILE_UP, _WHILE_UP]  # the second search's Ray gets the switches as the first's did
    assert seen["raylet"] == [_WHILE_UP, _WHILE_UP]  # and its raylet, which reads them as it starts
    assert seen["after"] == [_GIVEN_BACK, _GIVEN_BACK]  # before: the three still set after each search


def test_a_search_interrupted_as_it_imports_ray_gives_the_environment_back_and_the_next_gets_it(tmp_path, data_dir):
    seen = _two_searches(tmp_path, data_dir, interrupted=True)
    assert seen["interrupted"] == [0]
    assert seen["after"] == [_GIVEN_BACK, _GIVEN_BACK]
    assert seen["during"] == seen["raylet"] == [_WHILE_UP]  # ray was imported on loopback: its next Ray is too
