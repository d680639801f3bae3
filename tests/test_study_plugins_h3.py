"""A study continued without ``--plugin`` loads the plugins it recorded, as ``search --resume`` loads a run's (its
report did, its 'compare' said 'unknown search space'); a predictor study's are in test_predictor_study_plugins_k3.
Each command loads plugins as a process of its own would (the conftest's ``fresh_nasloop``), as the user's
do: one process keeps a plugin it loaded, so the second would find it loaded."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

from .conftest import NasloopRun

TABLED = textwrap.dedent("""
    import numpy as np

    from digit_space import DigitSpace
    from nasloop.engine.data.table import Table
    from nasloop.engine.errors import DataError
    from nasloop.engine.registry import register_benchmark, register_search_space, register_strategy
    from nasloop.engine.types import Result
    from nasloop.search_spaces.base import EnumerableSpace
    from nasloop.search_spaces.benchmark import Benchmark, Task
    from nasloop.strategies.random_search import RandomSearch


    def score(arch):
        return float(50 + sum((i + 1) * d for i, d in enumerate(arch)))


    @register_search_space("h3-digits")
    class Digits(DigitSpace, EnumerableSpace):
        name = "h3-digits"
        benchmark = "h3-table"

        @property
        def size(self):
            return 4 ** 5

        def enumerate(self):
            for i in range(4 ** 5):
                yield tuple((i // 4 ** j) % 4 for j in range(5))


    @register_benchmark("h3-table")
    class DigitTable(Benchmark):
        tasks = (Task("synth", "val_accuracy"),)

        @property
        def table(self):
            scores = np.array([score(a) for a in Digits().enumerate()])
            return Table({"synth@10:val_accuracy": scores, "synth@10:test_accuracy": scores - 1},
                         meta={"source": "synthetic"})

        def fidelities(self, task):
            return [10]

        def query(self, arch, task, fidelity=None):
            return Result(metrics={"val_accuracy": score(arch), "test_accuracy": score(arch) - 1}, cost=1.0)

        def cells(self):
            return list(Digits().enumerate())

        @classmethod
        def recognise_source(cls, path):
            return None  # its table is computed, from no file

        @classmethod
        def import_files(cls, paths):
            raise DataError("h3-table computes its table; it imports no file")


    @register_strategy("h3-random")
    class Mine(RandomSearch):
        pass
""")


def _project(tmp_path: Path) -> Path:
    """A project folder holding the relative plugin ``plug.py`` (a space with a table of its own, and a strategy)."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(Path(__file__).parent / "digit_space.py", project / "digit_space.py")
    (project / "plug.py").write_text(TABLED)
    return project


def _nasloop(run: NasloopRun, project: Path, *argv: str, config_home: Path | None = None
             ) -> subprocess.CompletedProcess:
    """``nasloop ARGV`` run in ``project`` as a process of its own would run it (``run``: the conftest's
    ``fresh_nasloop``; ``config_home``: another user's secret, for this command alone)."""
    if config_home is None:
        return run(argv, cwd=project)
    own = os.environ.get("XDG_CONFIG_HOME")  # the suite's (see the conftest), read as the command runs
    try:
        return run(argv, cwd=project, env={"XDG_CONFIG_HOME": str(config_home)})
    finally:
        if own is None:
            os.environ.pop("XDG_CONFIG_HOME", None)
        else:
            os.environ["XDG_CONFIG_HOME"] = own


COMPARE = ("compare", "--space", "h3-digits", "--methods", "random,h3-random", "--budget", "4", "--out", "study",
           "--quiet")


def test_a_study_continued_without_its_plugin_loads_the_plugins_it_recorded(fresh_nasloop, tmp_path):
    project = _project(tmp_path)
    begun = _nasloop(fresh_nasloop, project, "--plugin", "plug.py", *COMPARE, "--seeds", "1")
    assert begun.returncode == 0, begun.stderr
    more = _nasloop(fresh_nasloop, project, *COMPARE, "--seeds", "2")
    assert more.returncode == 0, more.stderr
    record = json.loads((project / "study" / "study.json").read_text())
    assert record["plugins"] == ["plug.py"] and record["seeds"] == [0, 1]  # kept for the next continuation
    assert len(list((project / "study" / "runs").glob("*/seed-1/nasloop.sqlite"))) == 2


def test_another_users_study_continued_without_its_plugin_says_to_give_it(fresh_nasloop, tmp_path):
    project = _project(tmp_path)
    assert _nasloop(fresh_nasloop, project, "--plugin", "plug.py", *COMPARE, "--seeds", "1").returncode == 0
    refused = _nasloop(fresh_nasloop, project, *COMPARE, "--seeds", "2", config_home=tmp_path / "other-user")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
    assert "names the plugins plug.py" in refused.stderr and "--plugin FILE" in refused.stderr, refused.stderr
    given = _nasloop(fresh_nasloop, project, "--plugin", "plug.py", *COMPARE, "--seeds", "2",
                     config_home=tmp_path / "other-user")
    assert given.returncode == 0, given.stderr
