"""Doing a study's runs: which are still to do, and each as an ordinary search or resume in its own process (or
Ray task), so a crash in one cannot take the others down."""
from __future__ import annotations

import contextlib
import os
from typing import Any, Callable, Iterator

from .config import SearchConfig
from .errors import NasloopError
from .file_limits import limit_told_to_the_parent
from .option_bounds import stored_options
from .plugins import resolved_plugins
from .search import resume, search
from .stop_reasons import name_sigterm
from .store_deleted import WrittenBack
from .study_grid import Study
from .study_pool import run_in_pool
from .study_ray import run_on_ray
from .study_renew import run_state

Job = tuple[dict[str, Any], str, tuple[str, ...] | None]
"""One run to do: its configuration as a mapping, whether it is ``new`` or ``interrupted``, and the kinds of plugin
whose options it reads as a new run's among the study's stored ones (:meth:`Study.new_kinds`; None: every one)."""
NOTED = "; note: "
"""Between a run's outcome and what the study says of it once its runs are done (:func:`noted`)."""


def _run_one(job: Job) -> tuple[str, str]:
    """One run in a worker process: a new search, or the resumption of an interrupted or failed one."""
    config_record, state, new_kinds = job
    config = SearchConfig.from_mapping(config_record)
    try:
        with limit_told_to_the_parent(), stored_options(new_kinds is not None, new_kinds or ()):
            summary = (resume(config.path(config.run_dir), plugins=resolved_plugins(config.plugins, config.workdir))
                       if state in ("interrupted", "failed") else search(config))  # plugins: the user's, given again
    except WrittenBack as exc:  # its folder deleted as it ran: finished and written back whole, it is no failed run
        whole = exc.in_place and exc.status == "finished"  # (the study reads it where it was), and exits 0 saying so
        return config.run_dir, f"finished{NOTED}{exc}" if whole else f"error: {exc}"
    except NasloopError as exc:
        return config.run_dir, f"error: {exc}"
    return config.run_dir, summary["status"]


def noted(outcomes: dict[str, str]) -> list[str]:
    """What the study says of runs that ended as they should but not as usual: a run folder deleted while its search
    ran, written back whole (``rm -rf`` of a run exited 1 as a failed run, though its report used every evaluation)."""
    return [outcome.split(NOTED, 1)[1] for outcome in outcomes.values() if NOTED in outcome]


def _name_sigterm(job: Job) -> None:
    """Record that SIGTERM stopped a job's run, which Ray's cancel interrupted as Ctrl-C (see :func:`run_on_ray`)."""
    config = SearchConfig.from_mapping(job[0])
    name_sigterm(config.path(config.run_dir))


def plan_study(study: Study) -> tuple[list[Job], dict[str, str]]:
    """The runs still to do, and the outcome of each run that is kept as it is (finished, damaged).

    A failed run is continued like an interrupted one: its cause (a plugin's bug, a missing file) may have been
    mended since, and a failed run kept as it is would leave its method out of the study's tables unseen."""
    pending, kept = [], {}
    for method, seed in study.runs():
        run_dir = study.run_dir(method, seed)
        state = run_state(run_dir)
        if state == "finished":
            kept[str(run_dir)] = "finished (kept)"
        elif state == "damaged":
            kept[str(run_dir)] = "damaged: left alone; set it aside to run it again"
        else:  # relative paths (the study folder, --data-dir) mean the same files in a worker, wherever it runs
            pending.append((study.config(method, seed, workdir=os.getcwd()).to_dict(), state, study.new_kinds(method)))
    return pending, kept


def run_study(pending: list[Job], jobs: int | None = None, on_run: Callable[[str, str], None] | None = None,
              ray_address: str | None = None, use_ray: bool = False) -> dict[str, str]:
    """Do the ``pending`` runs of :func:`plan_study`, ``jobs`` at a time (one where None; on Ray, as many as it
    places); run dir → outcome.

    Each run is an ordinary search in its own process (``spawn``: torch is not fork-safe once
    used), so a crash in one cannot take the others down; with ``use_ray`` each run is one Ray
    task instead (a local Ray on loopback, or the cluster at ``ray_address``), its own evaluator
    and executor unchanged. ``on_run(run_dir, outcome)`` sees each run as it ends.
    """
    outcomes: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        if use_ray and pending:  # a study with nothing left to run needs no Ray (nor a reachable --ray-address)
            results: Iterator[tuple[str, str]] = run_on_ray(_run_one, pending, ray_address, _name_sigterm, jobs)
        elif (jobs or 1) <= 1:
            results = map(_run_one, pending)
        else:
            results = stack.enter_context(contextlib.closing(run_in_pool(_run_one, pending, jobs)))
        for run_dir, outcome in results:
            outcomes[run_dir] = outcome
            if on_run:
                on_run(run_dir, outcome)
    return outcomes
