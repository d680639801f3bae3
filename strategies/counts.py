"""The bounds on the counts a strategy's options allocate or loop over per unit (a pool, a tournament, an initial
design, a batch, botorch's samples and restarts): option types, so a count no machine holds or finishes is refused
as the option is read, in one line naming the option and its range. Each bound is far above a published or default
value and below what was measured to hang or fill memory (a 24 GiB, 2-core machine; the figures below). A new run's
bound: a stored run resumes with the value it ran with (``Range.high_for_new_runs``)."""
from __future__ import annotations

from typing import Annotated

from ..engine.options import Range

MAX_POOL = 10**7
"""NB101's whole space is 423,624 cells, the largest enumerated. A pool_size of 10**23 was accepted and its pool
filled memory (bananas: 8 GB in a minute); a population_size of 10**23 made evolution random search, unsaid but for
a note."""
PoolSize = Annotated[int, Range(1, MAX_POOL, high_for_new_runs=True)]
PopulationSize = Annotated[int, Range(2, MAX_POOL, high_for_new_runs=True)]
"""evolution's ``population_size``: a tournament needs two."""
EnumerateLimit = Annotated[int, Range(0, MAX_POOL, high_for_new_runs=True)]
"""predictor-topk's ``enumerate_limit``: a space up to it is listed whole in memory every run, as a pool is."""

MAX_INIT = 100_000
"""Evaluations before a model proposes any (bo's and the guided strategies' ``num_init``): ten thousand times the
default. bo's initial design on a box (NAGO) drew the whole Sobol sequence at each ask (10**6 points: 0.56 s and
460 MB an ask; 10**9 asked for 64 GB); it now draws the one point an ask needs (3 ms at the 10**5th), and the bound
keeps a design a run can finish."""
InitCount = Annotated[int, Range(0, MAX_INIT, high_for_new_runs=True)]
InitDesign = Annotated[int, Range(1, MAX_INIT, high_for_new_runs=True)]
"""bo's ``num_init``: its initial design has at least one point."""
StartDraws = Annotated[int, Range(1, MAX_INIT, high_for_new_runs=True)]
"""local's ``start_best_of``: the random draws each climb starts from the best of (naszilla's ``num_init``, 10); at
least the one a climb starts from, and no more than an initial design, which each restart spends again."""

MAX_BATCH = 10_000
"""Picks a guided strategy queues a round (``batch_size``). predictor-topk draws a number per pick to decide its
exploration picks (10**9 asked for 8 GB and failed; 10**4 ran a 20-evaluation NB201 search in 24 s and 0.51 GB), and
on a space without neighbours mutates ten per pick around each incumbent (NAGO: 61 us a mutation, so 10**4 picks are
200,000 mutations, 12 s a round)."""
BatchSize = Annotated[int, Range(1, MAX_BATCH, high_for_new_runs=True)]

MAX_RANDOM_CANDIDATES = 100_000
"""bananas' ``random_candidates``, drawn unseen each round with up to 50 tries each: 100,000 on NB201 (15,625 cells)
took a 20-evaluation search 172 s (21 s without), drawing five million cells a round; 10**9 never finished its first
round."""
RandomCandidates = Annotated[int, Range(0, MAX_RANDOM_CANDIDATES, high_for_new_runs=True)]

MAX_EDITS = 1_000
"""bananas' ``max_edits`` per mutant: 1,000 ran a 20-evaluation NB201 search in 11 s (the default 2: 21 s, the
difference noise of a shared machine); 10**9 never finished a round (half a billion edits per mutant)."""
Edits = Annotated[int, Range(1, MAX_EDITS, high_for_new_runs=True)]

MAX_MC_SAMPLES = 2**14
"""bo's ``mc_samples`` (quasi-Monte Carlo samples of the acquisition; botorch's examples use 128 to 1,024). A
20-evaluation NB201 search took 12 s and 0.39 GB at 128, 64 s and 0.88 GB at 2**14, 263 s and 1.9 GB at 2**16, growing
with the evaluations; 10**9 asked for 40 GB at its first proposal."""
McSamples = Annotated[int, Range(1, MAX_MC_SAMPLES, high_for_new_runs=True)]

MAX_RAW_SAMPLES = 10**6
"""bo's ``raw_samples`` on a box (the acquisition's random starting points; botorch's examples use 512 to 1,024): a
6-evaluation NAGO search took 33 s and 0.40 GB at 256, 41 s and 0.79 GB at 10**6, and ran past 5 minutes at 7.2 GB
at 10**7."""
RawSamples = Annotated[int, Range(1, MAX_RAW_SAMPLES, high_for_new_runs=True)]

MAX_RESTARTS = 1_000
"""bo's ``num_restarts`` on a box (each an optimisation of the acquisition; botorch's examples use 10 to 20): the
6-evaluation NAGO search took 38 s at 1,000 and 147 s at 10,000, two proposals."""
Restarts = Annotated[int, Range(1, MAX_RESTARTS, high_for_new_runs=True)]

MAX_MODEL_POINTS = 20_000
"""bo's ``max_points``, the observations its exact GP fits on (:mod:`.bo_subset`): its kernel matrix is n**2 floats
(3.2 GB at 20,000) and a fit n**3 (4.6 s a step at 1,000 points). At least 4: the best half, a recent quarter and a
spread."""
ModelPoints = Annotated[int, Range(4, MAX_MODEL_POINTS, high_for_new_runs=True)]
