"""Ctrl-C pressed twice: the second lands while the run records the first, and must not cut that record short.

Before: the second interrupt stopped the status write, and the run read "running", shown "stopped" with no reason
(seen once in eight double Ctrl-Cs 0-10 ms apart on a 3,000-lookup search). Both signals here are real SIGINTs,
the second sent the moment the run starts writing its "interrupted" status."""
from __future__ import annotations

import signal
import sys

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.search import search, summarize
from nasloop.engine.store import RunStore

from .real_ctrl_c import CtrlCAtCall, python_ctrl_c


def _second_ctrl_c_while_recording(frame, event, arg):
    """Sends SIGINT as ``set_meta('status', 'interrupted')`` begins: its handler runs at the next instruction."""
    if event == "call" and frame.f_code is RunStore.set_meta.__code__ and frame.f_locals.get("value") == "interrupted":
        sys.settrace(None)
        signal.raise_signal(signal.SIGINT)
    return None


def test_a_second_ctrl_c_while_the_run_records_the_first_is_dropped(tmp_path, data_dir):
    run = tmp_path / "run"

    def first_ctrl_c(done, budget, best):
        if done == 5:
            sys.settrace(_second_ctrl_c_while_recording)
            signal.raise_signal(signal.SIGINT)

    with python_ctrl_c(), pytest.raises(KeyboardInterrupt):
        search(SearchConfig(strategy="random", budget=50, seed=0, data_dir=str(data_dir), run_dir=str(run)),
               on_progress=first_ctrl_c)
    summary = summarize(run)
    assert summary["status"] == "interrupted", summary
    assert summary["stop_reason"].startswith("stopped by the user; continue with"), summary


def test_a_second_ctrl_c_while_the_command_says_how_to_continue_is_dropped(tmp_path, data_dir, capsys):
    """The message reads the run's status (opening its store read-only): a second Ctrl-C there printed a traceback
    in place of the one line saying how to continue. The first is sent at the 5th lookup; the second as the store is
    opened read-only after it (an audit hook, which stays for the session: it acts once)."""
    from nasloop.engine import cli

    run, armed = tmp_path / "run", [False]
    first = CtrlCAtCall(RunStore.record_evaluated.__code__, 5, first=lambda: armed.__setitem__(0, True))

    def second(event, args):
        if armed[0] and event == "sqlite3.connect" and "mode=ro" in str(args[0]):
            armed[0] = False
            signal.raise_signal(signal.SIGINT)

    sys.addaudithook(second)
    with python_ctrl_c(first):
        try:
            status = cli.main(["search", "--strategy", "random", "--budget", "50", "--run-dir", str(run),
                               "--data-dir", str(data_dir), "--quiet"])
        except KeyboardInterrupt:
            status = "KeyboardInterrupt escaped"
        finally:
            armed[0] = False
    assert status == 130
    assert capsys.readouterr().err == f"nasloop search: interrupted; continue with 'nasloop search --resume {run}'\n"
