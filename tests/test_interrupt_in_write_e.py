"""A Ctrl-C landing just after a store transaction began (its BEGIN done, its bookkeeping not) leaves the run
"interrupted", not "running".

Before: the transaction stayed open on the connection; the interrupt handler's status writes went into it and
closing the store rolled them back with it, so the run read "stopped" (no reason, resumable) where it had been
interrupted by the user. The interrupt is raised here at that exact instant through a trace function, as a signal
handler would raise it there (Python runs pending handlers after each call returns)."""
from __future__ import annotations

import linecache
import sys

import pytest

from nasloop.engine import store_writes
from nasloop.engine.config import SearchConfig
from nasloop.engine.search import resume, search, summarize


def _interrupt_after_begin(code, nth: int):
    """A trace function raising KeyboardInterrupt in ``code`` on the first event after its ``nth`` BEGIN IMMEDIATE
    (the line after it, or the return), as a SIGINT arriving during that BEGIN would."""
    begun = 0
    last_line: dict = {}  # frame -> the source line it ran last

    def local(frame, event, arg):
        nonlocal begun
        db = frame.f_locals["self"].db
        if event in ("line", "return") and db.in_transaction and "BEGIN" in last_line.get(frame, ""):
            begun += 1
            if begun == nth:
                sys.settrace(None)
                raise KeyboardInterrupt
        if event == "line":
            last_line[frame] = linecache.getline(frame.f_code.co_filename, frame.f_lineno)
        return local

    def tracer(frame, event, arg):
        return local if frame.f_code is code else None

    return tracer


@pytest.mark.parametrize("where, nth, config", [
    (store_writes.Writes.add, 1, {"evaluator": "tabular"}),  # a group of table lookups opening
    (store_writes._Transaction.__enter__, 3, {"evaluator": "proxy", "evaluator_options": {"proxies": ["params"]}}),
])
def test_an_interrupt_just_after_begin_leaves_the_run_interrupted(tmp_path, data_dir, where, nth, config):
    run = tmp_path / "run"
    cfg = SearchConfig(strategy="random", budget=8, seed=0, data_dir=str(data_dir), run_dir=str(run), **config)
    sys.settrace(_interrupt_after_begin(where.__code__, nth))
    try:
        with pytest.raises(KeyboardInterrupt):
            search(cfg)
    finally:
        sys.settrace(None)
    summary = summarize(run)
    assert summary["status"] == "interrupted", summary
    assert summary["stop_reason"].startswith("stopped by the user; continue with"), summary
    assert resume(run)["status"] == "finished"
