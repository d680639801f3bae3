"""Which of bo's observations and failures its GP fits on once they are more than ``max_points``.

An exact GP's fit and posterior grow as n**3: past 1,000 points a step of ``bo`` took 4.6 s and went on growing,
unbounded at 2,000-5,000 observations. Past the cap the GP reads a subset of a fixed size instead, the same
``SingleTaskGP`` as below the cap: botorch's approximate GP (``SingleTaskVariationalGP``) takes no measured noise
per point (the replicates' variances bo fits with) and would part long runs from short ones in model and fit.
The subset:

* the best half, by non-dominated sorting with several objectives (front after front, each front's members by the
  first objective): the incumbents the acquisitions improve on, and the region they search;
* the most recent quarter: where the acquisition has just looked, so that it does not propose there again unseen;
* the rest a spread over everything else, by a fixed hash of each point's text: the same points from step to step
  (a warm-started fit continues the last one), and on a resume, without a draw from the run's generator.

Every point stays in the run's state; only the model's inputs are chosen here.
"""
from __future__ import annotations

import zlib
from typing import Sequence

import numpy as np



CHUNK = 1024
"""Rows compared with all others at once while counting dominators: two CHUNK x n masks."""


def _dominated(rows: np.ndarray, by: np.ndarray) -> np.ndarray:
    """For each of ``rows`` (higher is better), how many of ``by`` dominate it."""
    counts = np.zeros(len(rows), dtype=np.int64)
    for start in range(0, len(rows), CHUNK):
        part = rows[start:start + CHUNK]
        at_least = np.ones((len(part), len(by)), dtype=bool)
        better = np.zeros_like(at_least)
        for objective in range(rows.shape[1]):  # one objective a pass: reducing a short last axis was 10x slower
            column, theirs = part[:, objective, None], by[None, :, objective]
            at_least &= theirs >= column
            better |= theirs > column
        counts[start:start + CHUNK] = (at_least & better).sum(axis=1)
    return counts


def best_first(scores: np.ndarray, count: int) -> np.ndarray:
    """The indices of the ``count`` best rows of ``scores`` (n x m, higher is better), best first: by Pareto front,
    then by the first objective. Each row's dominators are counted once and fronts peeled until ``count`` rows are
    ranked, each peel comparing the rows left with the front alone: peeling with botorch's Pareto mask of the rows
    left compared every pair again, 2.3 s a step for the best 500 of 3,000 points of two objectives (0.3 s now)."""
    front = np.full(len(scores), len(scores))
    if scores.shape[1] > 1:
        dominators = _dominated(scores, scores)
        left = np.arange(len(scores))
        level = ranked = 0
        while len(left) and ranked < count:
            top = dominators[left] == 0
            front[left[top]] = level
            dominators[left[~top]] -= _dominated(scores[left[~top]], scores[left[top]])
            left, level, ranked = left[~top], level + 1, ranked + int(top.sum())
    return np.lexsort((-scores[:, 0], front))[:count]


def model_rows(texts: Sequence[str], scores: np.ndarray, limit: int) -> np.ndarray:
    """The sorted indices of the rows the GP fits on, of ``texts`` (each row's architecture as text: the observed
    ones, whose ``scores`` are given, then failed ones): all of them up to ``limit``, else ``limit`` of them chosen
    as the module says."""
    count = len(texts)
    if count <= limit:
        return np.arange(count)
    chosen = np.zeros(count, dtype=bool)
    chosen[best_first(scores, limit // 2)] = True
    recent = [i for i in range(len(scores) - 1, -1, -1) if not chosen[i]][:limit // 4]
    chosen[recent] = True
    rest = [i for i in range(count) if not chosen[i]]
    rest.sort(key=lambda i: zlib.crc32(texts[i].encode()))
    chosen[rest[:limit - int(chosen.sum())]] = True
    return np.flatnonzero(chosen)
