"""Why a search stopped early, in words a user can act on."""
from __future__ import annotations

import contextlib
import logging
import re
import sqlite3
import time
from pathlib import Path
from typing import Callable

import numpy as np

from ..search_spaces.base import SearchSpace
from .errors import NasloopError
from .executors.base import RESUME_CONTINUES_THEM, interrupts_held
from .hooks import say_note
from .run_lock import RunLock
from .space_checks import SAMPLES
from .store import RunStore
from .types import Arch

BY_USER = "stopped by the user"
"""What stopped a run that Ctrl-C (or Ray's cancel, which arrives as one) interrupted."""
BY_SIGTERM = "stopped by SIGTERM (a scheduler's preemption or a kill)"
"""What stopped a run that SIGTERM interrupted."""
def continue_hint(run_dir: object) -> str:
    """How a stopped run says to go on (an interrupt's, a stale 'running' one's, a plugin's refusal's): one wording,
    which :func:`in_study_terms` finds to say it in the study's own terms."""
    return f"continue with 'nasloop search --resume {run_dir}'"


SEARCH_RESUME = re.compile(re.escape(continue_hint("\0")).replace(re.escape("\0"), "[^']*"))
"""How a stopped run's reason says to continue it (:func:`continue_hint`), any folder."""


def in_study_terms(text: str, study: object) -> str:
    """``text`` (a study's run's stop reason or error) with its "continue with 'nasloop search --resume DIR'" said
    as the study in folder ``study`` goes on: its ``compare`` run again, which resumes its interrupted and failed runs
    (and counts them with the rest). ``show``, ``compare`` and the study's report named the lone run's way; the
    trials an executor lost (:data:`.executors.base.RESUME_CONTINUES_THEM`) are continued the same way."""
    again = f"the same 'nasloop compare ... --out {study}' command"
    text = text.replace(RESUME_CONTINUES_THEM, f"running {again} again continues them")
    return SEARCH_RESUME.sub(f"continue the study by running {again} again (it resumes this run)", text)


STREAK_FLOOR = 100
"""Repeats in a row a streak holds at least before its duration is noted: a strategy slow to ask (a model fitted per
ask) may repeat itself a few times on its way to something new."""
log = logging.getLogger(__name__)


class RepeatStreak:
    """Proposals already evaluated, in a row: the search stops asking after ``limit`` of them. The stop is a count,
    never a time, so a run ends as it does on a faster machine and as it would have without an interruption: the
    count is saved with each strategy state (``count`` is the one saved with the state a run resumes from; the
    repeats proposed after that state are proposed again, and counted again), where a resumed run began at 0 and
    went on after the uninterrupted one had stopped. A streak of at least :data:`STREAK_FLOOR` that has lasted
    ``seconds`` is said once instead, through ``on_note``: a strategy fitting a model per ask (bo refitted its GP at
    each repeat, about 22 asks a second) takes minutes to reach 10,000, and its user may stop it sooner."""

    def __init__(self, limit: int, seconds: float, on_note: Callable[[str], None] | None, count: int = 0) -> None:
        self.limit, self.seconds, self.on_note = limit, seconds, on_note
        self.count, self.began, self.noted = count, time.monotonic(), False

    @property
    def stopped(self) -> bool:
        """Whether the streak stops the search (asked after counting an ask)."""
        return self.count >= self.limit

    def count_ask(self, new: int, asked: int) -> None:
        """Count an ask that gave ``new`` new architectures of ``asked``, before the writes that save its state."""
        if new:
            self.count = 0
            return
        if self.count == 0:
            self.began = time.monotonic()
        self.count += asked
        if not self.stopped and not self.noted and self.count >= STREAK_FLOOR and \
                time.monotonic() - self.began >= self.seconds:
            self.noted = True
            say_note(self.on_note, f"the strategy has proposed {self.count:,} already-evaluated architectures in a "
                     f"row for {self.seconds:g} s; the search stops after {self.limit:,} (Ctrl-C stops it now, and "
                     "--resume continues it)", log)


def streak_reason(streak: int, space: SearchSpace, known: int, functional: bool,
                  is_known: Callable[[Arch], bool]) -> str:
    """Why a run of ``streak`` repeats stopped a search that knows ``known`` architectures (or, under a
    ``functional`` dedup, networks): a finite space computes fewer functions than it has architectures
    (TNB101-micro: 1,229 of 4,096); else the strategy stopped exploring, unless the space is nearly all evaluated
    ("is the space exhausted?" was said of one NB201 cell in 15,625), or its ``sample`` gives only evaluated ones
    (``is_known``): random search proposes nothing else, and was blamed for a sample returning one architecture."""
    said = f"the strategy proposed {streak} already-evaluated architectures in a row; stopping: "
    size = space.size
    if size is not None and functional:
        return f"{said}{known} distinct functions evaluated, and the {size} architectures of the space likely " \
            "compute no others (--dedup functional)"
    sampler = f"{type(space).__name__}.sample"
    repeats = _sample_repeats(space, is_known)
    if size is None:  # "the space is unbounded; the strategy stopped exploring" was said of a user's space of 351
        kind = "networks" if functional else "architectures"
        why = (f"its {sampler} draws only these ({SAMPLES} draws of it were all evaluated)" if repeats else
               "the strategy stopped exploring")
        return (f"{said}{known:,} {kind} evaluated, and the space declares no size: either it holds no others or {why} "
                "(a space that declares its size, EnumerableSpace's size, is told apart)")
    seen = f"{known:,} of its {size:,} architectures evaluated"
    if known >= 0.99 * size:
        return said + seen
    if repeats:
        return (f"{said}{seen}, yet {SAMPLES} draws of {sampler} gave only evaluated ones; make sample draw the "
                "space's architectures at random from the generator it is given, which every strategy samples through")
    return f"{said}{seen}; the strategy stopped exploring"


def _sample_repeats(space: SearchSpace, is_known: Callable[[Arch], bool]) -> bool:
    """Whether ``SAMPLES`` draws of the space's ``sample`` (a generator of their own) are all evaluated. A user's
    sample failing in any way here is no evidence: the run already stops for its repeats."""
    rng = np.random.default_rng(0)
    try:
        return all(is_known(space.sample(rng)) for _ in range(SAMPLES))
    except Exception:  # a user's sample or hash, on a draw the strategy never made
        return False


def name_sigterm(run_dir: str | Path) -> None:
    """Say SIGTERM stopped the run in ``run_dir``, which recorded the Ctrl-C it was sent (``compare --executor ray``
    stopped by SIGTERM cancels its runs, and Ray's cancel arrives in each as Ctrl-C: they read "stopped by the
    user", where a search SIGTERM stops, alone or in ``compare --jobs N``, names SIGTERM). A run still held (its
    task outlived the study's wait) or unreadable is left as it is."""
    with interrupts_held(), contextlib.suppress(NasloopError, OSError, sqlite3.Error), RunLock(run_dir), \
            RunStore.in_run_dir(run_dir) as store:
        reason = store.get_meta("stop_reason")
        if store.get_meta("status") == "interrupted" and isinstance(reason, str) and reason.startswith(BY_USER):
            store.set_meta("stop_reason", BY_SIGTERM + reason[len(BY_USER):])
