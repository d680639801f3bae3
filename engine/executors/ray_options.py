"""The bounds of the Ray executor's options and the rules between them, checked before Ray is imported or started:
a value past them failed inside Ray, seconds or a minute later, in words naming no option, or never finished.

``--workers 1000000000000`` (or ``cpus_per_trial`` of 10**12) started a local Ray with that many logical CPUs, whose
node 'timed out during startup' after 40 s, an unexpected Exception; ``cpus_per_trial=0.00001`` stopped at the first
actor in Ray's unexpected ValueError 'The precision of the fractional quantity of resource num_cpus cannot go beyond
0.0001'; and ``max_retries`` of 10**12 retried a trial that always fails for good.
"""
from __future__ import annotations

from typing import Annotated

from ..errors import ConfigError
from ..options import Range

MAX_WORKERS = 10_000
"""Trials at once (``workers``): each is a Ray actor, a process. A local Ray is started with ``workers`` times
``cpus_per_trial`` logical CPUs, which 10**8 (both bounds) starts in 38 s here and 2**31 does not start at all."""
Workers = Annotated[int, Range(1, MAX_WORKERS, high_for_new_runs=True)]

MAX_TRIAL_SHARE = 10_000
"""CPUs or GPUs one trial holds (``cpus_per_trial``, ``gpus_per_trial``), on one node: far above any machine's."""
TrialShare = Annotated[float, Range(0, MAX_TRIAL_SHARE, high_for_new_runs=True)]

MAX_RETRIES = 100
"""Retries of a trial that crashes or runs past its timeout (``max_retries``, default 2): each retry of one that
always fails costs a worker's start and warm-up again."""
Retries = Annotated[int, Range(0, MAX_RETRIES, high_for_new_runs=True)]

RESOURCE_STEP = 1e-4
"""The smallest share of a CPU or GPU Ray takes (``ray._raylet.RESOURCE_UNIT_SCALING`` is 10,000): a smaller one
above 0 is refused by Ray as the first actor is made."""

_OBJECT_STORE_MINIMUM = 75 * 2**20  # Ray's own minimum (ray_constants.OBJECT_STORE_MINIMUM_MEMORY_BYTES)


def check_resources(cpus_per_trial: float, gpus_per_trial: float, object_store_memory: int | None = None) -> None:
    """The rules between options their types cannot state, before Ray starts (Ray refused too small an object
    store only once started, seconds later, in words naming no option)."""
    if object_store_memory is not None and object_store_memory < _OBJECT_STORE_MINIMUM:
        raise ConfigError(f"executor 'ray' option object_store_memory must be at least {_OBJECT_STORE_MINIMUM} bytes "
                          f"(75 MiB, Ray's minimum), got {object_store_memory}")
    if gpus_per_trial > 1 and gpus_per_trial % 1:
        raise ConfigError(f"--gpus-per-trial must be a fraction of one GPU or a whole number, got {gpus_per_trial!r}")
    if cpus_per_trial == 0 and gpus_per_trial == 0:
        raise ConfigError("a Ray trial needs some resource: set cpus_per_trial or --gpus-per-trial above 0")
    for name, share in (("executor 'ray' option cpus_per_trial", cpus_per_trial), ("--gpus-per-trial", gpus_per_trial)):
        if 0 < share < RESOURCE_STEP:
            raise ConfigError(f"{name} must be 0 or at least {RESOURCE_STEP:g} (the smallest share of a CPU or GPU Ray "
                              f"takes), got {share!r}")
