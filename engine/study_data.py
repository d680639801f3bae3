"""A study continued reads the data its runs began with.

A study's new seeds and methods are new runs, which read whatever table ``--data-dir`` (or ``$NASLOOP_DATA``)
finds now: continued with another folder, seed 0 had read one table and seed 1 another, in one study, and
study.json recorded the new folder, unsaid. The study's finished runs are asked as a resumed run is asked
(:func:`.run_checks.check_same_results`, the one check of stored results against the data found now).
"""
from __future__ import annotations

from pathlib import Path

from .errors import NasloopError
from .evaluators.base import Evaluator
from .run_checks import check_same_results
from .run_folders import STUDY_FILE
from .store import DB_NAME, RunStore
from .study import load_study
from ..search_spaces.base import SearchSpace


def check_study_data(folder: Path, space: SearchSpace, evaluator: Evaluator) -> None:
    """Refuse to continue the study in ``folder`` where ``space`` and ``evaluator`` (built on the data found now)
    give other results than its first run holding any read. Nothing to check for a new study, and a damaged
    study.json or run is left to what opens it (open_study's line, a damaged run kept as it is)."""
    if not (folder / STUDY_FILE).is_file():
        return
    try:
        stored = load_study(folder)
    except NasloopError:
        return
    began = (f"--data-dir {stored.base.data_dir}" if stored.base.data_dir is not None
             else "no --data-dir: the $NASLOOP_DATA (or cache folder) it had")
    fix = (f"continue the study on the data it began with ({began}), or give --out another folder for a study "
           "on this one")
    for method, seed in stored.runs():
        run_dir = stored.run_dir(method, seed)
        if not (run_dir / DB_NAME).is_file():
            continue
        try:
            store = RunStore.in_run_dir(run_dir, readonly=True)
        except NasloopError:
            continue
        with store:
            if not store.trials("state = 'done' AND status = 'ok'"):
                continue
            check_same_results(str(run_dir), store, space, evaluator, fix)
        return
