"""A study's runs as the study reads them, and a method run anew with other options where none of its runs holds a
result.

A run that failed on a bad option (a forest's ``missing: error`` on a table lacking a proxy for some cells) is
advised to change that option where its method is written; the same ``compare`` then refused the method as 'run with
other options', so following the advice took a new name or ``--force-new``, which set the whole study aside. A
method whose every run failed without a result the study uses has nothing that its new options would be mixed with:
its run folder is set aside (renamed, as :func:`set_aside` names a study; nothing deleted) and it runs anew.
"""
from __future__ import annotations

import itertools
import os
import time
from pathlib import Path
from typing import Callable

from .config import SearchConfig
from .errors import NasloopError
from .store import DB_NAME, RunStore
from .store_empty import holds_no_run
from .study_grid import Study
from .study_methods import Method, run_folder


def set_aside(folder: Path) -> Path:
    """Rename a study folder (or a method's run folder) to ``<name>.replaced-<time>``: nothing is deleted, the old
    study (or runs) stay whole. A name taken (two set aside within one second) gets ``-2``, ``-3``...: renamed onto
    it, the first one's folder made the rename fail, or, were it empty, was replaced."""
    stamp = f"{folder.name}.replaced-{time.strftime('%Y%m%d-%H%M%S')}"
    aside = folder.with_name(stamp)
    for n in itertools.count(2):
        if not aside.exists():
            break
        aside = folder.with_name(f"{stamp}-{n}")
    folder.rename(aside)
    return aside


def run_state(run_dir: Path) -> str:
    """``new``, ``interrupted``, ``finished`` or ``failed``; ``damaged`` for a store that cannot be read."""
    if not (run_dir / DB_NAME).exists() or holds_no_run(run_dir / DB_NAME):  # the search replaces an empty one
        return "new"
    try:
        with RunStore.in_run_dir(run_dir, readonly=True) as store:
            status = store.get_meta("status")
    except NasloopError:
        return "damaged"
    return status if status in ("finished", "failed") else "interrupted"


def stopped_short(base: SearchConfig, evaluations: int, spent: float) -> bool:
    """Whether a failed run of a study with grid ``base`` stopped short of its budget (an error ended it, not its
    queries nor its seconds): no result, which the report lists with its reason and leaves out. A failed run that
    spent its budget (every architecture it tried failed) is one: no success, not a seed left out."""
    return not (base.budget and evaluations >= base.budget
                or base.max_seconds is not None and spent >= base.max_seconds)


def renewable(stored: Study, methods: list[Method]) -> dict[str, Method]:
    """The methods among ``methods`` (by label) that the ``stored`` study holds with other options and whose runs
    hold no result; any other change of a method's options stays refused, its results being the old options'."""
    known = {m.label: m for m in stored.methods}
    return {m.label: m for m in methods
            if m.label in known and known[m.label] != m and not _has_result(stored, known[m.label])}


def _has_result(stored: Study, method: Method) -> bool:
    """Whether a run of ``method`` holds what the study uses or may yet use: a finished run, an interrupted one
    (the next compare continues it), a damaged one (unknown), a failed one with a success that spent its budget; or
    whether its run folder is another method's too (two labels' folders that a case-blind file system takes for one,
    in a study made before they were kept apart), whose runs setting it aside would take along."""
    own = stored.run_dir(method, 0).parent
    others = (stored.run_dir(m, 0).parent for m in stored.methods if m.label != method.label)
    if own.exists() and any(other.exists() and os.path.samefile(own, other) for other in others):
        return True
    for seed in stored.seeds:
        run_dir = stored.run_dir(method, seed)
        state = run_state(run_dir)
        if state == "new":  # none: not run yet, or set aside by a compare stopped before it recorded the new options
            continue
        if state != "failed":
            return True
        try:
            with RunStore.in_run_dir(run_dir, readonly=True) as store:
                trials, spent = store.evaluations(), float(store.counts()["cost"])
        except NasloopError:
            return True
        if not stopped_short(stored.base, len(trials), spent) and any(t.result is not None and t.result.ok
                                                                      for t in trials):
            return True
    return False


def set_aside_runs(study: Study, labels: list[str], on_note: Callable[[str], None] | None) -> None:
    """Set aside the run folder of each method in ``labels`` (from :func:`renewable`), saying where.

    Done before the study records the methods' new options: a compare stopped in between leaves the old options
    recorded with no runs, which the next compare takes as renewable again, where the other order left the old runs
    under the new options, to be resumed (with their own) and then left out as another method's."""
    for label in labels:
        method = next(m for m in study.methods if m.label == label)
        folder = study.folder / "runs" / run_folder(method, study.folders)
        if not folder.exists():
            continue
        moved = set_aside(folder)
        if on_note is not None:
            on_note(f"method '{label}' is run anew with its new options: its runs, which failed without a result, "
                    f"are set aside as {moved} (nothing deleted)")
