"""``compare --executor ray`` stopped by SIGTERM: its runs record that SIGTERM stopped them, as a plain search and
``compare --jobs N`` do.

Before: Ray's cancel reaches each running task as Ctrl-C, so the runs read "stopped by the user". The study now
names SIGTERM in each cancelled run once its task has ended (``name_sigterm``); here a run interrupted by a real
Ctrl-C stands for one Ray cancelled (a Ray study takes longer to start than these tests may run;
tests/test_study_signals_t.py stops one by SIGTERM)."""
from __future__ import annotations

import signal

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.run_lock import RunLock
from nasloop.engine.search import search, summarize
from nasloop.engine.stop_reasons import name_sigterm

from .real_ctrl_c import python_ctrl_c


def _interrupted_by_ctrl_c(run, data_dir):
    def ctrl_c(done, budget, best):
        if done == 2:
            signal.raise_signal(signal.SIGINT)

    with python_ctrl_c(), pytest.raises(KeyboardInterrupt):
        search(SearchConfig(strategy="random", budget=20, seed=0, data_dir=str(data_dir), run_dir=str(run)),
               on_progress=ctrl_c)
    assert summarize(run)["stop_reason"] == f"stopped by the user; continue with 'nasloop search --resume {run}'"


def test_a_run_cancelled_for_a_sigterm_says_sigterm_stopped_it(tmp_path, data_dir):
    run = tmp_path / "run"
    _interrupted_by_ctrl_c(run, data_dir)
    name_sigterm(run)
    summary = summarize(run)
    assert summary["status"] == "interrupted"
    assert summary["stop_reason"] == ("stopped by SIGTERM (a scheduler's preemption or a kill); continue with "
                                      f"'nasloop search --resume {run}'")


def test_a_run_still_searched_is_left_as_it_is(tmp_path, data_dir):
    run = tmp_path / "run"
    _interrupted_by_ctrl_c(run, data_dir)
    with RunLock(run):
        name_sigterm(run)
    assert summarize(run)["stop_reason"].startswith("stopped by the user; ")
