"""A Ctrl-C at any line of a group write of table lookups leaves a run that resumes exactly as if never stopped.

Before: one landing after an evaluation's rows were written and released but before the group counted it had the
rows committed with the strategy state from before that evaluation; the resumed run then searched other
architectures than the uninterrupted one (same budget, no duplicate, but not the same search). Each line of
``Writes.add`` is interrupted here in turn, as a signal arriving there would (through a trace function)."""
from __future__ import annotations

import dis
import linecache
import sqlite3
import sys

from nasloop.engine import store_writes
from nasloop.engine.config import SearchConfig
from nasloop.engine.search import resume, search

ADD = store_writes.Writes.add.__code__
_CODE_LINES = sorted({line for _, line in dis.findlinestarts(ADD) if line and line > ADD.co_firstlineno})
LINES = [line for line in _CODE_LINES if line >= next(n for n in _CODE_LINES if "SAVEPOINT" in
                                                       linecache.getline(ADD.co_filename, n))]
"""From the evaluation's savepoint on (an interrupt as the group opens: tests/test_interrupt_in_write_e.py)."""


def _evaluated(run) -> list[tuple]:
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        return db.execute("SELECT key, score FROM trials WHERE state != 'duplicate' ORDER BY id").fetchall()


def _interrupt_at(line: int, nth: int):
    seen = 0

    def local(frame, event, arg):
        nonlocal seen
        if event == "line" and frame.f_lineno == line:
            seen += 1
            if seen == nth:
                sys.settrace(None)
                raise KeyboardInterrupt
        return local

    return lambda frame, event, arg: local if frame.f_code is ADD else None


def test_an_interrupt_at_any_line_of_a_group_write_resumes_as_the_uninterrupted_run(tmp_path, data_dir):
    config = {"budget": 64, "seed": 0, "data_dir": str(data_dir)}
    search(SearchConfig(run_dir=str(tmp_path / "reference"), **config))
    reference = _evaluated(tmp_path / "reference")
    interrupted = []
    for line in LINES:
        run = tmp_path / f"line-{line}"
        sys.settrace(_interrupt_at(line, 55))
        try:
            search(SearchConfig(run_dir=str(run), **config))
        except KeyboardInterrupt:
            interrupted.append(line)
        finally:
            sys.settrace(None)
        resume(run)
        assert _evaluated(run) == reference, f"interrupted at line {line} of store_writes.py"
    assert len(interrupted) >= 5  # every line the add of a lookup runs
