"""A resume's stored trials, read once.

A resume read every trial of the run twice before its first new evaluation: once to check the store before the run
is locked (a damaged row or an edited score is refused before anything, the lock file included, is written), and
again as the loop restored itself from them (1.3 ms of CPU for each 100 trials each time). The trials read for the
check are handed to the loop instead, where no other connection committed to the store between that read and the
lock: a search that was still writing the run then (and has ended, or the lock would have been refused) or an older
store's columns added as it opened to write; the loop then reads them again.
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

from .pareto_summary import checked_objectives
from .run_locked import run_locked
from .store import RunStore, Trial


@contextlib.contextmanager
def locked_run(run_dir: str | Path) -> Iterator[tuple[RunStore, list[Trial] | None]]:
    """The run's store opened to write under its lock (:func:`.run_locked.run_locked`), with its trials as they
    were read and checked before the lock was taken; None in their place where the store changed since (see the
    module's doc), for the loop to read them again."""
    with contextlib.ExitStack() as reading:
        checked = reading.enter_context(RunStore.in_run_dir(run_dir, readonly=True))
        seen = checked.data_version()  # before the read: a commit between the two would be taken as in it
        trials = checked.trials()
        checked_objectives(checked, trials)  # an edited score would mislead the strategy
        with run_locked(run_dir), RunStore.in_run_dir(run_dir) as store:
            unchanged = seen is not None and checked.data_version() == seen
            reading.close()  # before the writer closes: a reader still open then left its journal beside the run
            yield store, trials if unchanged else None
