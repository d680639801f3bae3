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

pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").is_file(), reason="reads the raylet's environment")

_SET_BY_NASLOOP = ("RAY_AUTH_MODE", "RAY_process_group_cleanup_enabled", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER")
_CALLERS_OWN = ("RAY_USAGE_STATS_ENABLED", "0")  # set by the caller before the search: stays, as it was

_SCRIPT = """
import json, os, sys
import psutil
from nasloop import SearchConfig, search

names, data_dir, run_root = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
seen = {"during": [], "raylet": [], "after": []}

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
    summary = search(SearchConfig(space="nb201", dataset="cifar10", strategy="random", budget=2, seed=seed,
                                  executor="ray", executor_options={"workers": 1}, data_dir=data_dir,
                                  run_dir=f"{run_root}/run{seed}"), on_progress=watch)
    assert summary["best"] is not None
    seen["after"].append({name: os.environ.get(name) for name in names})
print(json.dumps(seen))
"""


def test_two_ray_searches_in_one_process_each_leave_the_environment_as_the_caller_had_it(tmp_path, data_dir):
    names = [*_SET_BY_NASLOOP, _CALLERS_OWN[0]]
    env = {name: value for name, value in os.environ.items() if name not in names}
    env[_CALLERS_OWN[0]] = _CALLERS_OWN[1]
    proc = subprocess.run([sys.executable, "-c", _SCRIPT, json.dumps(names), str(data_dir), str(tmp_path)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout.splitlines()[-1])
    while_up = {"RAY_AUTH_MODE": "disabled", "RAY_process_group_cleanup_enabled": "0",
                "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", _CALLERS_OWN[0]: _CALLERS_OWN[1]}
    assert seen["during"] == [while_up, while_up]  # the second search's Ray gets the switches as the first's did
    assert seen["raylet"] == [while_up, while_up]  # and its raylet, which reads them as it starts
    given_back = {**dict.fromkeys(_SET_BY_NASLOOP), _CALLERS_OWN[0]: _CALLERS_OWN[1]}
    assert seen["after"] == [given_back, given_back]  # before: the three still set after each search
