"""A guided strategy's (and bo's) saved state no longer grows with the run: its observations and its predictor's
training data are lists that only grow, which the store keeps as appended rows (``engine/state_rows.py``), writing
at each commit only the rows it lacks. Before, the whole history was encoded and written again at every commit
(309 KB a commit after 2,000 NB101 lookups). A run killed with SIGKILL resumes from those rows exactly."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
import time

import pytest

from nasloop.engine import cli
from nasloop.engine.appended_rows import AppendedRows
from nasloop.engine.errors import DataError
from nasloop.engine.state_rows import save_rows, with_saved_rows
from nasloop.engine.store import RunStore

GUIDED = ["search", "--space", "nb201", "--strategy", "bananas", "--predictor", "random", "--seed", "4"]


def _raw_state(run: Path) -> str:
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        return db.execute("SELECT state FROM strategy_state").fetchone()[0]


def _archs(run: Path) -> list[str]:
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        return [arch for (arch,) in db.execute("SELECT arch FROM trials ORDER BY id")]


@pytest.mark.parametrize("budget", [40, 400])
def test_a_guided_runs_saved_state_is_as_long_after_400_lookups_as_after_40(tmp_path, data_dir, budget):
    run = tmp_path / "run"
    assert cli.main([*GUIDED, "--budget", str(budget), "--data-dir", str(data_dir), "--run-dir", str(run),
                     "--quiet"]) == 0
    assert len(_raw_state(run)) < 1500  # the last commit wrote 8.0 KB of state after 40 lookups, 81 KB after 400
    with RunStore.in_run_dir(run, readonly=True) as store:  # read back whole, as a resume loads it
        state = store.strategy_state()[1]
    assert [text for text, *_ in state["observed"]] == _archs(run)
    assert len(state["predictor"]["archs"]) == len(state["predictor"]["y"]) == state["fed"] > budget - 10


def test_bo_keeps_its_observations_as_appended_rows_too(tmp_path, data_dir):
    run = tmp_path / "run"
    assert cli.main(["search", "--strategy", "bo", "--strategy-opt", "num_init=4", "--strategy-opt", "pool_size=50",
                     "--budget", "8", "--seed", "1", "--data-dir", str(data_dir), "--run-dir", str(run),
                     "--quiet"]) == 0
    assert "observed" not in json.loads(_raw_state(run))
    with RunStore.in_run_dir(run, readonly=True) as store:
        assert [text for text, *_ in store.strategy_state()[1]["observed"]] == _archs(run)


def test_a_list_that_does_not_go_on_from_the_stored_one_is_written_whole_again(tmp_path):
    db = sqlite3.connect(tmp_path / "rows.sqlite", isolation_level=None)
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    name = json.dumps(["observed"])
    for rows in (["a", "b", "c"], ["a", "b", "c", "d"], ["x", "y"], ["x", "y", "z"], ["x"]):
        save_rows(db, {name: AppendedRows(rows)}, "one connection")
        assert with_saved_rows(db, tmp_path, {"step": 1})["observed"] == rows
        assert db.execute("SELECT COUNT(*) FROM strategy_rows").fetchone()[0] == len(rows)


def test_rows_cut_from_the_store_are_named_as_damage(tmp_path, data_dir, capsys):
    run = tmp_path / "run"
    assert cli.main([*GUIDED, "--budget", "30", "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]) == 0
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        db.execute("""DELETE FROM strategy_rows WHERE name = '["observed"]' AND idx = 3""")
    db.close()
    with pytest.raises(DataError, match=r"is damaged: the saved rows of \[\"observed\"\] are 29, not 30; "):
        RunStore.in_run_dir(run, readonly=True).strategy_state()
    assert cli.main(["search", "--resume", str(run), "--budget", "40", "--quiet"]) == 2
    error = capsys.readouterr().err
    assert "is damaged: the saved rows of" in error and error.count("\n") == 1, error


def _trials(run: Path) -> int:
    try:
        with sqlite3.connect(f"{(run / 'nasloop.sqlite').as_uri()}?mode=ro", uri=True) as db:
            count = db.execute("SELECT COUNT(*) FROM trials").fetchone()[0]
        db.close()
        return count
    except sqlite3.Error:  # not made yet
        return 0


def test_a_guided_run_killed_with_sigkill_resumes_to_the_uninterrupted_runs_trials(tmp_path, data_dir):
    # 700: the kill at 200 trials still lands mid-run with 500 to spare (1,500 before: 1,600 more lookups, same check)
    argv = [*GUIDED, "--budget", "700", "--data-dir", str(data_dir), "--quiet"]
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    assert cli.main([*argv, "--run-dir", str(whole)]) == 0
    env = {**os.environ, "PYTHONPATH": str(Path(cli.__file__).parents[2])}
    with subprocess.Popen([sys.executable, "-m", "nasloop.engine.cli", *argv, "--run-dir", str(cut)], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as search:
        deadline = time.monotonic() + 120
        while _trials(cut) < 200:
            assert search.poll() is None, search.stderr.read()
            assert time.monotonic() < deadline, "fewer than 200 trials within 120 s"
            time.sleep(0.02)
        search.send_signal(signal.SIGKILL)
        search.wait()
    killed_at = _trials(cut)
    assert 200 <= killed_at < 700
    with RunStore.in_run_dir(cut, readonly=True) as store:  # killed with its observations kept as rows
        assert len(store.strategy_state()[1]["observed"]) > 150
        assert "observed" not in json.loads(_raw_state(cut))
    assert cli.main(["search", "--resume", str(cut), "--quiet"]) == 0
    assert _archs(cut) == _archs(whole)
