"""A study continued without ``--plugin`` loads the plugins it recorded, as ``search --resume`` loads a run's (its
report did, its 'compare' said 'unknown search space'); a predictor study too (it said 'unknown search space', told to
give the plugin again), each kind recorded its own way. Another user's study still says to give them, and once given
continues without them (a search study's first runs, still signed by the first user, refused it); a predictor
study's other cases are in test_predictor_study_plugins_k3.
Each command loads plugins as a process of its own would (the conftest's ``fresh_nasloop``), as the user's
do: one process keeps a plugin it loaded, so the second would find it loaded."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Callable

import pytest

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


PREDICTOR_STUDY = ("compare", "--space", "h3-digits", "--predictors", "gp", "--train-sizes", "8", "--out", "pstudy",
                   "--quiet")


def _search_study_recorded(project: Path) -> None:
    record = json.loads((project / "study" / "study.json").read_text())
    assert record["plugins"] == ["plug.py"] and record["seeds"] == [0, 1]  # kept for the next continuation
    assert len(list((project / "study" / "runs").glob("*/seed-1/nasloop.sqlite"))) == 2


def _predictor_study_recorded(project: Path) -> None:
    grid = json.loads((project / "pstudy" / "predictor_study.json").read_text())
    assert grid["plugins"] == [str(project / "plug.py")] and grid["plugins_signature"]  # for the next continuation
    assert [r["seeds"] for r in grid["requests"]] == [[0], [0, 1]]
    records = (project / "pstudy" / "predictor_records.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["seed"] for line in records) == [0, 1]


# each kind of study: its command, the check of what it recorded, and the plugin file its refusal names
KINDS: dict[str, tuple[tuple[str, ...], Callable[[Path], None], Callable[[Path], str]]] = {
    "search": (COMPARE, _search_study_recorded, lambda project: "plug.py"),
    "predictor": (PREDICTOR_STUDY, _predictor_study_recorded, lambda project: str(project / "plug.py")),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_study_continued_without_its_plugin_loads_the_plugins_it_recorded(fresh_nasloop, tmp_path, kind):
    study, recorded, _ = KINDS[kind]
    project = _project(tmp_path)
    begun = _nasloop(fresh_nasloop, project, "--plugin", "plug.py", *study, "--seeds", "1")
    assert begun.returncode == 0, begun.stderr
    more = _nasloop(fresh_nasloop, project, *study, "--seeds", "2")
    assert more.returncode == 0, more.stderr
    recorded(project)


@pytest.mark.parametrize("kind", list(KINDS))
def test_another_users_study_continued_without_its_plugin_says_to_give_it(fresh_nasloop, tmp_path, kind):
    study, _, named = KINDS[kind]
    project = _project(tmp_path)
    assert _nasloop(fresh_nasloop, project, "--plugin", "plug.py", *study, "--seeds", "1").returncode == 0
    other = tmp_path / "other-user"
    refused = _nasloop(fresh_nasloop, project, *study, "--seeds", "2", config_home=other)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
    assert f"names the plugins {named(project)}" in refused.stderr and "--plugin FILE" in refused.stderr, refused.stderr
    given = _nasloop(fresh_nasloop, project, "--plugin", "plug.py", *study, "--seeds", "2", config_home=other)
    assert given.returncode == 0, given.stderr
    again = _nasloop(fresh_nasloop, project, *study, "--seeds", "3", config_home=other)  # their runs, signed as theirs
    assert again.returncode == 0, again.stderr
