"""Train one architecture outside a search: the body of ``nasloop train`` and its Python form.

A driver, not an evaluator: it resolves a space's name through the registry, splits the caller's options
between the space and :class:`~nasloop.engine.evaluators.train.TrainingEvaluator`, and runs that evaluator
once, so the evaluator module itself needs neither the registry's look-ups nor the engine's construction.
"""
from __future__ import annotations

import os
from typing import Any

from ..search_spaces.base import SearchSpace
from .config import construct, route_options
from .context import RunContext
from .data.paths import check_data_dir
from .errors import ConfigError, checked_folder
from .evaluators.train import TrainingEvaluator
from .registry import SEARCH_SPACES
from .types import Arch


def train_architecture(space: SearchSpace | str, arch: Arch | str, dataset: str = "cifar10", epochs: int = 1,
                       data_dir: str | os.PathLike | None = None, device: str = "auto",
                       run_dir: str | os.PathLike | None = None, workdir: str | None = None,
                       **options: Any) -> dict[str, Any]:
    """Train one architecture and return what was measured (what ``nasloop train`` prints).

    ``space`` is a search space or its registered name; ``arch`` an architecture or its string.
    ``options`` are :class:`TrainingEvaluator`'s (batch_size, lr, ...) and, when ``space`` is a
    name, the space's own (NB201's channels, cells). ``workdir``: the folder a relative name among them
    (``image_dir``) is read from, where not the current one: ``nasloop test`` of a run gives the folder the run
    was started in, as its resume reads them.
    """
    options, space_options = route_options(options, TrainingEvaluator, SEARCH_SPACES.get(space)
                                           if isinstance(space, str) else type(space))
    if isinstance(space, str):
        space = construct("search space", space, SEARCH_SPACES.get(space), **space_options)
    elif space_options:
        raise ConfigError(f"options {', '.join(space_options)} belong to the search space; build it with them")
    if isinstance(arch, str):
        arch = space.parse(arch)
    check_data_dir(data_dir)  # '' trained on the default folder's data, unseen
    run_dir = checked_folder("run_dir", run_dir)  # 3 wrote checkpoints into ./3; '' none, unseen
    context = RunContext(dataset=dataset, data_dir=str(data_dir) if data_dir else None,
                         run_dir=str(run_dir) if run_dir else None, workdir=workdir)
    evaluator = construct("evaluator", "train", TrainingEvaluator, space, wiring={"context": context},
                          epochs=epochs, device=device, **options)
    if evaluator.replicates != 1:  # this command trains and reports one network: replicates would be ignored
        raise ConfigError(f"replicates={evaluator.replicates} is read by a search, which averages that many networks "
                          "per architecture (--evaluator-opt replicates=N); training one architecture trains and "
                          "reports one network (of a generator point, its draw 0): drop it; another --seed trains "
                          "that network from other initial weights")
    evaluator.check(epochs)
    evaluator.check_new(epochs)
    report = evaluator.train(arch)
    diverged = evaluator.divergence(report)
    if diverged:
        raise ConfigError(f"{diverged}, e.g. --train-opt lr={evaluator.lr / 10:g}")
    measured = {k: v for k, v in report.to_dict().items() if evaluator.test or k != "test_accuracy"}  # not nan
    return {"arch": space.format(arch), "dataset": evaluator.dataset, "data_source": evaluator.data_source(),
            **measured}
