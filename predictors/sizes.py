"""The bounds on a predictor's sizes and loops (an ensemble's members, a network's widths, optimiser steps) and on
its optimiser's factors: option types, so a value no machine holds or finishes is refused as the option is read, in
one line naming the option and its range, as a strategy's counts are (:mod:`nasloop.strategies.counts`). Without
them, ``--predictor-opt hidden=1000000000000`` (FLAN), ``members=1000000000000`` (MLP) or ``dim=1000000000000``
(EmProx) ended in "unexpected RuntimeError ... can't allocate memory", ``lr=1e300`` in an unexpected overflow inside
Adam, EmProx's ``power=1e300`` in numpy's RuntimeWarnings before the refusal of the NaN it predicted, and
``ensemble``, ``steps``, ``time_steps``, the forest's ``trees`` or EmProx's ``pretrain_samples`` of 10**12 fitted until
interrupted. Each bound is far above a published or default value.
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
EmbeddingWidth = Annotated[int, Range(2, MAX_WIDTH, high_for_new_runs=True)]
"""EmProx's ``dim`` (default 32, two at least): the width of its LSTM encoder and decoder."""

MAX_TREES = 10_000
"""The forest's ``trees`` (default 300; published forests use hundreds): each is fitted and asked in turn, and one
grown on NB201's 15,625 cells holds about 2 MB."""
Trees = Annotated[int, Range(1, MAX_TREES, high_for_new_runs=True)]

MAX_PAIR_BATCH = 16_384
"""FLAN's ``batch_size`` (default 2,048): a fit on at most that many cells is full-batch, and its pairwise rank loss
holds batch**2 floats, 1 GiB at 16,384, which covers all of NB201's 15,625 cells in one batch."""
PairBatch = Annotated[int, Range(1, MAX_PAIR_BATCH, high_for_new_runs=True)]

MAX_SAMPLES = 10**6
"""Architectures drawn to pre-train on (EmProx's ``pretrain_samples``, default 3,000): each is drawn, encoded and read
at every pre-training epoch."""
PretrainSamples = Annotated[int, Range(10, MAX_SAMPLES, high_for_new_runs=True)]

MAX_DEPTH = 1_000
"""Stacked rounds or layers (FLAN's ``time_steps``, default 2; the MLP's ``layers``, default 3)."""
Depth = Annotated[int, Range(1, MAX_DEPTH, high_for_new_runs=True)]

MAX_STEPS = 10**6
"""Optimiser steps or epochs of one fit (FLAN's ``steps`` and ``update_steps``, the MLP's ``epochs`` and
``update_epochs``, EmProx's ``pretrain_epochs`` and ``finetune_steps``), thousands of times their defaults."""
Steps = Annotated[int, Range(1, MAX_STEPS, high_for_new_runs=True)]
UpdateSteps = Annotated[int, Range(0, MAX_STEPS, high_for_new_runs=True)]
"""FLAN's ``update_steps`` (0 keeps a warm model as it is) and EmProx's ``finetune_steps`` (0 keeps the
pre-trained encoder)."""

OptimiserFactor = Annotated[float, Range(0, 1e30)]
"""A learning rate or weight decay: torch applies it as a float32 factor, which 1e300 overflows."""
PositiveOptimiserFactor = Annotated[float, Range(0, 1e30, low_open=True)]
"""The MLP's ``lr``, above 0."""

MAX_POWER = 32
"""EmProx's ``power`` (default 2; the README's measurements tried 1 to 4), the exponent of its inverse-distance weights
``1 / (d + 1e-6) ** power``: at 32 a neighbour at distance 0 weighs 1e192 and one at the largest distance its
tanh-bounded embeddings allow (128 at ``dim`` 4,096) 1e-67, both finite; past 51 the first overflows, and
``power=1e300`` printed numpy's RuntimeWarnings before the run stopped on the NaN means it predicted."""
Power = Annotated[float, Range(0, MAX_POWER, high_for_new_runs=True)]
