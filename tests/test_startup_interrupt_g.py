"""A Ctrl-C while a search starts up, before its first evaluation.

Before: one landing while the new store was being built left ``nasloop.sqlite.new`` in the run folder and printed
"interrupted" with no hint (``--resume`` then said there was no run); one landing after the store existed but before
the loop began left the run with no status, shown "stopped". Both interrupts here are real SIGINTs, sent at the
named step."""
from __future__ import annotations

import contextlib
import signal
import sys

from nasloop.engine import cli
from nasloop.engine.config import SearchConfig
from nasloop.engine.loop import SearchLoop
from nasloop.engine.search import resume, search, summarize

from .real_ctrl_c import CtrlCAtCall, python_ctrl_c


def test_a_ctrl_c_while_the_store_is_built_leaves_nothing_and_says_to_run_again(tmp_path, data_dir, capsys):
    """The interrupt lands once SQLite has opened the half-made store (an audit hook: it stays for the session, so
    it acts once, only while armed)."""
    run, armed = tmp_path / "run", [True]

    def ctrl_c(event, args):
        if armed[0] and event == "sqlite3.connect/handle":
            armed[0] = False
            signal.raise_signal(signal.SIGINT)

    command = ["search", "--strategy", "random", "--budget", "3", "--run-dir", str(run), "--data-dir",
               str(data_dir), "--quiet"]
    sys.addaudithook(ctrl_c)
    with python_ctrl_c():
        try:
            status = cli.main(command)
        finally:
            armed[0] = False
    assert status == 130
    assert sorted(p.name for p in run.iterdir() if p.name.startswith("nasloop.sqlite")) == []
    assert capsys.readouterr().err == ("nasloop search: interrupted; nothing was evaluated yet: run the same command "
                                       "again\n")
    assert cli.main(command) == 0
    assert summarize(run)["evaluations"] == 3


def test_a_ctrl_c_before_the_loop_begins_leaves_the_run_interrupted(tmp_path, data_dir):
    run = tmp_path / "run"

    with python_ctrl_c(CtrlCAtCall(SearchLoop.load_strategy_state.__code__)), contextlib.suppress(KeyboardInterrupt):
        search(SearchConfig(strategy="random", budget=3, seed=0, data_dir=str(data_dir), run_dir=str(run)))
    summary = summarize(run)
    assert (summary["status"], summary["evaluations"]) == ("interrupted", 0), summary
    assert summary["stop_reason"] == f"stopped by the user; continue with 'nasloop search --resume {run}'"
    assert resume(run)["evaluations"] == 3
