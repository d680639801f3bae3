"""A study continued reads the data its runs began with.

A study's new seeds and methods are new runs, which read whatever table ``--data-dir`` (or ``$NASLOOP_DATA``)
finds now: continued with another folder, seed 0 had read one table and seed 1 another, in one study, and
study.json recorded the new folder, unsaid. The study's finished runs are asked as a resumed run is asked
(:func:`.run_checks.check_same_results`, the one check of stored results against the data found now).
"""
from __future__ import annotations

from .errors import NasloopError
from .evaluators.base import Evaluator
from .run_checks import check_same_results
from .store import DB_NAME, RunStore
from .study_grid import Study
from ..search_spaces.base import SearchSpace


def continue_advice(data_dir: str | None) -> str:
    """What a study (of searches or of predictors) continued on other data than it began with is told to do: the
    folder it began with, as its command gave it (none: the default folders it read)."""
    began = (f"--data-dir {data_dir}" if data_dir is not None
             else "no --data-dir: the $NASLOOP_DATA (or cache folder) it had")
    return (f"continue the study on the data it began with ({began}), or give --out another folder for a study on "
            "this one (or --force-new to set the old study aside)")


def check_study_data(stored: Study, space: SearchSpace, evaluator: Evaluator) -> None:
    """Refuse to continue the study ``stored`` where ``space`` and ``evaluator`` (built on the data found now) give
    other results than its first run holding any read. A damaged run is left to what opens it (kept as it is)."""
    fix = continue_advice(stored.base.data_dir)
    for method, seed in stored.runs():
        run_dir = stored.run_dir(method, seed)
        if not (run_dir / DB_NAME).is_file():
            continue
        try:
            store = RunStore.in_run_dir(run_dir, readonly=True)
        except NasloopError:
            continue
        with store:
            try:  # read once: the check asks them again of the data found now
                done = store.trials("state = 'done' AND status = 'ok'")
            except NasloopError:  # a damaged row: the study names the run as it reports it
                continue
            if not done:
                continue
            check_same_results(str(run_dir), store, space, evaluator, fix, done)
        return
