"""The bounds on a predictor's sizes and loops (an ensemble's members, a network's widths, optimiser steps) and on
its optimiser's factors: option types, so a value no machine holds or finishes is refused as the option is read, in
one line naming the option and its range, as a strategy's counts are (:mod:`nasloop.strategies.counts`). Without
them, ``--predictor-opt hidden=1000000000000`` (FLAN) or ``members=1000000000000`` (MLP) ended in "unexpected
RuntimeError ... can't allocate memory", ``lr=1e300`` in an unexpected overflow inside Adam, and ``ensemble``,
``steps`` or ``time_steps`` of 10**12 fitted until interrupted. Each bound is far above a published or default value.
A new run's bound: a stored run resumes with the value it ran with (``Range.high_for_new_runs``)."""
from __future__ import annotations

from typing import Annotated

from ..engine.options import Range

MAX_MEMBERS = 1_000
"""Networks of an ensemble (FLAN's ``ensemble``, default 4; the MLP's ``members``, default 5), each fitted in turn or
side by side."""
Members = Annotated[int, Range(1, MAX_MEMBERS, high_for_new_runs=True)]
"""FLAN's ``ensemble``: one member is a value (its std is then 0)."""
SpreadMembers = Annotated[int, Range(2, MAX_MEMBERS, high_for_new_runs=True)]
"""The MLP's ``members``: its std is their spread, so two at least."""

MAX_WIDTH = 4_096
"""A layer's width (FLAN's ``op_dim`` and ``hidden``, defaults 32 and 48; the MLP's ``width``, default 64): a weight
matrix is width**2 floats, 64 MiB at 4,096."""
Width = Annotated[int, Range(1, MAX_WIDTH, high_for_new_runs=True)]

MAX_DEPTH = 1_000
"""Stacked rounds or layers (FLAN's ``time_steps``, default 2; the MLP's ``layers``, default 3)."""
Depth = Annotated[int, Range(1, MAX_DEPTH, high_for_new_runs=True)]

MAX_STEPS = 10**6
"""Optimiser steps or epochs of one fit (FLAN's ``steps`` and ``update_steps``, the MLP's ``epochs`` and
``update_epochs``), thousands of times their defaults."""
Steps = Annotated[int, Range(1, MAX_STEPS, high_for_new_runs=True)]
UpdateSteps = Annotated[int, Range(0, MAX_STEPS, high_for_new_runs=True)]
"""FLAN's ``update_steps``: 0 keeps a warm model as it is."""

OptimiserFactor = Annotated[float, Range(0, 1e30)]
"""A learning rate or weight decay: torch applies it as a float32 factor, which 1e300 overflows."""
PositiveOptimiserFactor = Annotated[float, Range(0, 1e30, low_open=True)]
"""The MLP's ``lr``, above 0."""
