"""Progress for long commands: a rich bar on a terminal, nothing in a pipe or a log file."""
from __future__ import annotations

import contextlib
import sys
from typing import Callable, Iterator

from .held_imports import imported


@contextlib.contextmanager
def progress(label: str, total: int | None, enabled: bool = True) -> Iterator[Callable[..., None]]:
    """Yield ``advance(note, steps=1, total=None)``: steps done, ``note`` shown beside the bar (e.g. the last
    result); ``total``, where the command learns what it will do only once it has begun (``None`` at the start:
    not known yet), e.g. a study continued with seeds a stored request asked for."""
    if not enabled or not sys.stderr.isatty():
        yield lambda note="", steps=1, total=None: None
        return
    Console = imported("rich.console").Console
    bars = imported("rich.progress")
    BarColumn, MofNCompleteColumn, Progress = bars.BarColumn, bars.MofNCompleteColumn, bars.Progress
    TextColumn, TimeElapsedColumn = bars.TextColumn, bars.TimeElapsedColumn

    bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   TextColumn("{task.fields[note]}"), console=Console(stderr=True), transient=True)
    task = bar.add_task(label, total=total, note="")
    with bar:
        yield lambda note="", steps=1, total=None: bar.update(task, advance=steps, note=note, total=total)
