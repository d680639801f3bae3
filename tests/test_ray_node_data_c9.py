"""The workers of a joined Ray cluster look for data in their node's own ``$NASLOOP_DATA`` first, and in the one of
the command that sent them the work after it (where a cluster ``ray start`` began without one finds its table:
test_ray_cluster_d8).

Before: the command's ``$NASLOOP_DATA`` replaced every node's own through Ray's runtime_env, so on a cluster of
several machines a node whose data lies on its own disk, said in its own ``ray start``'s environment, looked in a
folder of the driver's machine alone. One machine stands for two here: the cluster's environment names one folder,
the command's another, each holding a marker the evaluator reports.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from nasloop.engine.store import RunStore

from .test_ray_cluster_lost_c9 import RAY_ENV, own_cluster

MARKER_PLUGIN = """
from digit_space import DigitSpace, DigitSum
from nasloop.engine.data.paths import search_dirs
from nasloop.engine.registry import register_evaluator, register_search_space
from nasloop.engine.types import Result


@register_search_space("c9d-digits")
class Digits(DigitSpace):
    name = "c9d-digits"


@register_evaluator("c9d-marker")
class Marker(DigitSum):
    \"\"\"Scores each architecture with the number in the first data folder holding 'c9-marker'.\"\"\"

    def evaluate(self, arch, fidelity=None):
        found = next(folder for folder in search_dirs() if (folder / "c9-marker").is_file())
        return Result(metrics={"score": float((found / "c9-marker").read_text())}, cost=1.0)
"""


def test_a_nodes_own_data_folder_is_not_replaced_by_the_commands(tmp_path):
    project, node_data, command_data = tmp_path / "project", tmp_path / "node-data", tmp_path / "command-data"
    for folder, marker in ((project, None), (node_data, "1"), (command_data, "2")):
        folder.mkdir()
        if marker is not None:
            (folder / "c9-marker").write_text(marker)
    shutil.copy(Path(__file__).parent / "digit_space.py", project / "digit_space.py")
    (project / "marker.py").write_text(MARKER_PLUGIN)
    env = {name: value for name, value in os.environ.items() if name != "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"}
    env.update(RAY_ENV, NASLOOP_DATA=str(command_data))
    with own_cluster(NASLOOP_DATA=str(node_data), XDG_CACHE_HOME=str(tmp_path / "cache")) as (port, _):
        cmd = [sys.executable, "-m", "nasloop.engine.cli", "--plugin", "marker.py", "search", "--space", "c9d-digits",
               "--evaluator", "c9d-marker", "--strategy", "random", "--budget", "3", "--executor", "ray",
               "--ray-address", f"127.0.0.1:{port}", "--run-dir", "run", "--quiet"]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env, cwd=project)
    assert proc.returncode == 0, proc.stderr
    with RunStore.in_run_dir(project / "run", readonly=True) as store:
        assert [trial.result.metrics["score"] for trial in store.trials()] == [1.0] * 3  # the node's own folder
