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

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            search(SearchConfig(strategy="random", budget=50, seed=0, data_dir=str(data_dir), run_dir=str(run)),
                   on_progress=first_ctrl_c)
    finally:
        sys.settrace(None)
        signal.signal(signal.SIGINT, previous)
    summary = summarize(run)
    assert summary["status"] == "interrupted", summary
    assert summary["stop_reason"].startswith("stopped by the user; continue with"), summary
