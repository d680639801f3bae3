"""A search killed with SIGKILL at random moments resumes to exactly the uninterrupted result."""
from __future__ import annotations

import collections
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.search import search, summarize

from .live_store import count_trials

COLUMNS = "id, step, arch, key, fidelity, state, duplicate_of, status, score, metrics, cost, reason, told"


def trials(run_dir: Path) -> list[tuple]:
    with sqlite3.connect(run_dir / "nasloop.sqlite") as db:
        return db.execute(f"SELECT {COLUMNS} FROM trials ORDER BY id").fetchall()


def kill_at(cmd: list[str], db_path: Path, threshold: int, rng: random.Random, env: dict) -> bool:
    """Run ``cmd`` and SIGKILL it once ``threshold`` trials are stored; True if it was killed."""
    log = db_path.parent.parent / "stderr.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        return _watch(proc, db_path, threshold, rng, log)


def _watch(proc: subprocess.Popen, db_path: Path, threshold: int, rng: random.Random, log: Path) -> bool:
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if count_trials(db_path) >= threshold:
            time.sleep(rng.uniform(0, 0.004))  # land anywhere between transactions, or inside one
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.0005)
    proc.wait()
    assert proc.returncode == 0, log.read_text()
    return False


@pytest.mark.parametrize("strategy,seed", [("evolution", 11), ("local", 12), ("random", 13)])
def test_sigkill_and_resume_match_an_uninterrupted_run(tmp_path, data_dir, strategy, seed):
    # Table lookups are committed in groups up to 50 ms old (about 300 lookups at full speed), so
    # the run must span several groups for kills to land mid-run, inside a group or between two.
    budget = 3000
    reference = tmp_path / "reference"
    search(SearchConfig(strategy=strategy, budget=budget, seed=seed, data_dir=str(data_dir), run_dir=str(reference)))
    expected = trials(reference)
    assert len({row[3] for row in expected if row[5] != "duplicate"}) == budget  # distinct evaluations

    run = tmp_path / "killed"
    env = dict(os.environ, NASLOOP_DATA=str(data_dir))
    base = [sys.executable, "-m", "nasloop.engine.cli", "search", "--quiet"]
    rng = random.Random(seed)
    thresholds = sorted(rng.sample(range(1, int(len(expected) * 0.9)), 4))
    kills = 0
    cmd = base + ["--strategy", strategy, "--budget", str(budget), "--seed", str(seed), "--run-dir", str(run)]
    for threshold in thresholds:
        killed = kill_at(cmd, run / "nasloop.sqlite", threshold, rng, env)
        cmd = base + ["--resume", str(run)]
        partial = trials(run)
        kills += killed and len(partial) < len(expected)  # killed mid-run, not while it was closing
        if killed and len(partial) < len(expected):  # stored as running, but no process holds it any more
            shown = summarize(run)
            assert shown["status"] == "stopped" and f"--resume {run}" in shown["stop_reason"]
        assert partial == expected[:len(partial)] or _prefix_with_pending(partial, expected)
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    assert kills >= 2, "the search finished before it could be killed; the test did not test resumption"
    assert trials(run) == expected
    # Repeats answered from the store are counted once each, however often the run was killed mid-streak.
    assert summarize(run)["duplicates_answered"] == summarize(reference)["duplicates_answered"]


def _prefix_with_pending(partial: list[tuple], expected: list[tuple]) -> bool:
    """A killed run may hold its last trials still pending/untold: equal to the reference apart from that."""
    for got, want in zip(partial, expected):
        if got == want:
            continue
        same_identity = got[:5] == want[:5]
        unfinished = got[7] is None or got[12] == 0
        if not (same_identity and unfinished):
            return False
    return len(partial) <= len(expected)


def test_a_budget_below_what_a_run_has_done_is_refused(tmp_path, data_dir, capsys):
    from nasloop.engine.cli import main

    run = tmp_path / "run"
    search(SearchConfig(strategy="random", budget=12, seed=0, data_dir=str(data_dir), run_dir=str(run)))
    assert main(["search", "--resume", str(run), "--budget", "10"]) == 2
    assert f"--budget 10 is below the 12 evaluations {run} has done; give a larger budget" in capsys.readouterr().err
    assert summarize(run)["budget"]["queries"] == 12 and summarize(run)["status"] == "finished"


def test_a_run_whose_data_folder_moved_is_resumed_with_where_it_is_now(tmp_path, data_dir, capsys, monkeypatch):
    """The moved folder's advice (pass --data-dir) was refused on --resume, so such a run could not go on."""
    from nasloop.engine.cli import main

    data = tmp_path / "data"
    data.mkdir()
    for name in ("nasbench201_all.csv.gz", "nb201_zc_proxies.csv.gz"):
        (data / name).symlink_to(data_dir / name)
    run = tmp_path / "run"
    search(SearchConfig(strategy="random", budget=4, seed=0, data_dir=str(data), run_dir=str(run)))
    data.rename(tmp_path / "moved")
    assert main(["search", "--resume", str(run), "--budget", "6"]) == 2
    assert f"data directory '{data}' does not exist; pass an existing folder to --data-dir" in capsys.readouterr().err
    monkeypatch.chdir(tmp_path)  # a relative folder is read from where the command is given, and kept whole
    assert main(["search", "--resume", str(run), "--budget", "6", "--data-dir", "moved", "--quiet"]) == 0
    assert summarize(run)["evaluations"] == 6
    monkeypatch.chdir(data_dir)
    assert main(["search", "--resume", str(run), "--budget", "7", "--quiet"]) == 0
    assert summarize(run)["evaluations"] == 7


def test_a_budget_above_the_spaces_size_is_refused_before_and_on_resume(tmp_path, data_dir, capsys):
    """A budget the space cannot hold would have the strategy propose known cells until a duplicate streak
    stops it (five minutes for evolution on TNB101-micro's 4,096 cells)."""
    from nasloop.engine.cli import main

    run = tmp_path / "run"
    assert main(["search", "--budget", "15626", "--data-dir", str(data_dir), "--run-dir", str(run)]) == 2
    assert "--budget 15626 exceeds the 15625 architectures of nb201; give --budget 15625 or less" in \
        capsys.readouterr().err
    assert not run.exists()
    search(SearchConfig(strategy="random", budget=12, seed=0, data_dir=str(data_dir), run_dir=str(run)))
    assert main(["search", "--resume", str(run), "--budget", "20000"]) == 2
    assert "--budget 20000 exceeds the 15625 architectures of nb201" in capsys.readouterr().err
    assert summarize(run)["budget"]["queries"] == 12

def test_a_resumed_run_reads_its_projects_files_wherever_it_now_lies(tmp_path):
    """Relative paths of a run are read from the folder it started in, or from the copy of that project the run
    now lies in; a symlink or a run folder moved on its own keeps the original project."""
    from nasloop.engine.run_folders import started_in

    project = tmp_path / "project"
    (project / "runs" / "m").mkdir(parents=True)
    stored = SearchConfig(workdir=str(project), run_dir="runs/m")
    assert started_in(stored, project / "runs" / "m") == str(project)
    (tmp_path / "link").symlink_to(project)  # the same run reached through a symlink
    assert started_in(stored, tmp_path / "link" / "runs" / "m") == str(project)
    (tmp_path / "copy" / "runs" / "m").mkdir(parents=True)  # the project copied: its own files
    assert started_in(stored, tmp_path / "copy" / "runs" / "m") == str(tmp_path / "copy")
    (tmp_path / "archive" / "2024" / "m").mkdir(parents=True)  # the run folder moved on its own
    assert started_in(stored, tmp_path / "archive" / "2024" / "m") == str(project)
    (project / "runs" / "m").rmdir()  # the run moved alone, to a path ending as it began...
    (tmp_path / "store" / "runs" / "m").mkdir(parents=True)
    assert started_in(stored, tmp_path / "store" / "runs" / "m") == str(project)  # ...its project still there
    project.rename(tmp_path / "project-moved")  # the whole project moved: the copy's folder is the project
    assert started_in(stored, tmp_path / "store" / "runs" / "m") == str(tmp_path / "store")
    outside = SearchConfig(workdir=str(project), run_dir=str(tmp_path / "scratch" / "s"))
    assert started_in(outside, tmp_path / "elsewhere" / "s") == str(project)
    assert started_in(SearchConfig(run_dir="runs/m"), project / "runs" / "m") is None  # runs of older versions


def test_a_time_budget_alone_is_not_capped_at_a_hundred_evaluations(tmp_path, data_dir):
    """--max-seconds alone stopped at the default 100 evaluations, though the README calls it a budget alone."""
    from nasloop.engine.cli import main

    run = tmp_path / "run"
    assert main(["search", "--strategy", "random", "--max-seconds", "300000", "--data-dir", str(data_dir),
                 "--run-dir", str(run), "--quiet"]) == 0
    shown = summarize(run)
    assert shown["budget"]["queries"] is None and shown["evaluations"] > 100
    assert shown["stop_reason"].startswith("budget of 300000 s spent")
    (tmp_path / "timed.yaml").write_text("strategy: random\nmax-seconds: 300000\n")  # either spelling, CLI or API
    assert SearchConfig.from_yaml(tmp_path / "timed.yaml").budget is None
    assert SearchConfig.from_mapping({"max_seconds": 10, "budget": 5}).budget == 5
    # built in Python, as on the command line: a time budget alone is no count; neither given, 100
    assert SearchConfig(max_seconds=10).budget is None
    assert SearchConfig().budget == SearchConfig(budget=None).budget == 100


def test_search_given_a_mapping_instead_of_a_configuration_says_how_to_build_one(tmp_path):
    """search({"space": "nb201"}) failed with "'dict' object has no attribute 'plugins'"."""
    from nasloop.engine.errors import ConfigError

    with pytest.raises(ConfigError) as error:
        search({"space": "nb201", "run_dir": str(tmp_path / "run")})
    assert str(error.value) == ("search takes a SearchConfig, not a dict; build one with SearchConfig(space=...) or "
                                "SearchConfig.from_mapping(mapping)")
    assert not (tmp_path / "run").exists()


def test_numpy_numbers_in_a_configuration_are_stored_and_bad_resume_budgets_named(tmp_path, data_dir):
    """A seed sweep over np.arange passed SearchConfig's checks, then stopped in json's TypeError before the first
    evaluation; resume(budget="8") failed in Python's words on a comparison; a pathlib.Path folder was refused."""
    import numpy as np

    from nasloop.engine.errors import ConfigError
    from nasloop.engine.search import resume

    for seed in np.arange(2):
        config = SearchConfig(budget=np.int64(5), seed=seed, data_dir=str(data_dir), run_dir=str(tmp_path / str(seed)),
                              strategy_options={"population_size": np.int64(4), "sample_size": np.int64(2)})
        assert search(config)["evaluations"] == 5 and type(config.strategy_options["population_size"]) is int
    pair = collections.namedtuple("pair", "a b")
    kept = pair(1, 2)  # a tuple subclass is kept as given, so numpy's numbers in one are refused, not stored
    assert SearchConfig(strategy_options={"pair": kept}).strategy_options["pair"] is kept
    with pytest.raises(ConfigError, match=re.escape("--strategy-opt pair[0] is a numpy.int64")):
        SearchConfig(strategy_options={"pair": pair(np.int64(1), 2)})
    assert resume(tmp_path / "0", budget=np.int64(7))["evaluations"] == 7
    assert search(SearchConfig(budget=3, data_dir=data_dir, run_dir=tmp_path / "path"))["evaluations"] == 3  # Paths
    assert summarize(tmp_path / "1")["seed"] == 1
    for given, fragment in ((dict(budget="8"), "budget must be an integer >= 1 or null, got '8'"),
                            (dict(budget=True), "budget must be an integer >= 1 or null, got True"),
                            (dict(max_seconds="9e9"), "max_seconds must be a number > 0 or null, got '9e9'")):
        with pytest.raises(ConfigError, match=re.escape(fragment)):
            resume(tmp_path / "0", **given)


def test_a_run_moves_to_another_executor_on_resume(tmp_path, data_dir):
    """'--resume DIR --executor inprocess' was refused ('drop --executor'), so a run whose Ray kept failing could
    not go on anywhere else; the old executor's options are dropped with it."""
    from nasloop.engine.cli import main
    from nasloop.engine.executors.inprocess import InProcessExecutor
    from nasloop.engine.registry import register_executor

    @register_executor("flaky-cluster")
    class FlakyCluster(InProcessExecutor):
        """Stands for a Ray that kept failing; its option is one the in-process executor does not take."""

        def __init__(self, nodes: int = 1) -> None:
            super().__init__()
            self.nodes = nodes

    run = tmp_path / "run"
    common = ["--data-dir", str(data_dir), "--quiet"]
    assert main(["search", "--executor", "flaky-cluster", "--executor-opt", "nodes=3", "--budget", "6",
                 "--run-dir", str(run), *common]) == 0
    before = trials(run)
    assert main(["search", "--resume", str(run), "--executor", "inprocess", "--budget", "10", *common]) == 0
    assert trials(run)[:6] == before and summarize(run)["evaluations"] == 10
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        config = db.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()[0]
    assert '"executor": "inprocess"' in config and '"executor_options": {}' in config
