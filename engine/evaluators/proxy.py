"""Evaluation by zero-cost proxies: score the untrained network instead of training it.

Each evaluation builds the architecture's real network (``space.to_module``), scores it with the
configured proxies on one real mini-batch and reports every score as a metric; the first proxy
is the objective a search maximises. The evaluator holds only names and numbers; the mini-batch
is loaded on first use in each process and cached there, so it ships to workers in bytes.
"""
from __future__ import annotations

import os
from typing import Any, Sequence

from ...search_spaces.base import SearchSpace
from ..errors import ConfigError
from ..registry import register_evaluator
from ..types import Arch, Result
from .base import Evaluator
from .proxies import dataset_shape, minibatch, resolve, score_network


@register_evaluator("proxy")
class ProxyEvaluator(Evaluator):
    """Zero-cost proxy scores as the evaluation; the search maximises the first proxy.

    ``proxies`` is a list of registered proxy names or one comma-separated string.
    ``channels`` and ``cells_per_stage`` (when given) go to ``space.to_module``. A trial fails
    (with the reason) when the objective proxy fails; another proxy that fails is left out of the
    metrics, so one undefined secondary score does not throw away the objective.
    """

    def __init__(self, space: SearchSpace, dataset: str = "cifar10", data_dir: str | os.PathLike | None = None,
                 proxies: Sequence[str] | str = ("synflow",), batch_size: int = 64, seed: int = 0,
                 device: str = "cpu", channels: int | None = None, cells_per_stage: int | None = None) -> None:
        super().__init__(space)
        self.dataset = dataset
        self.data_dir = str(data_dir) if data_dir else None
        self.proxies = [p.name for p in resolve(proxies)]
        self.batch_size = int(batch_size)
        self.seed = int(seed)
        self.device = device
        self.channels = channels
        self.cells_per_stage = cells_per_stage
        self.num_classes, _ = dataset_shape(dataset)
        self.objective = self.proxies[0]  # instance attribute: the loop reads evaluator.objective
        self.minimize = False

    def _module_options(self) -> dict[str, int]:
        options = {"channels": self.channels, "cells_per_stage": self.cells_per_stage}
        return {k: int(v) for k, v in options.items() if v is not None}

    def check(self, fidelity: int | None = None) -> None:
        if fidelity is not None:
            raise ConfigError(f"the proxy evaluator scores untrained networks and has no fidelity; "
                              f"drop --fidelity {fidelity}")
        minibatch(resolve(self.proxies), self.dataset, self.data_dir, self.batch_size, self.seed)

    def evaluate(self, arch: Arch, fidelity: int | None = None) -> Result:
        proxies = resolve(self.proxies)
        inputs, targets = minibatch(proxies, self.dataset, self.data_dir, self.batch_size, self.seed)
        options = self._module_options()
        scored = score_network(lambda: self.space.to_module(arch, num_classes=self.num_classes, **options),
                               proxies, inputs, targets, self.seed, self.device)
        cost = sum(scored.seconds.values())
        if self.objective in scored.errors:
            return Result.failed(scored.errors[self.objective], cost=cost)
        return Result(metrics=dict(scored.scores), cost=cost)

    def config(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "data_dir": self.data_dir, "proxies": list(self.proxies),
                "batch_size": self.batch_size, "seed": self.seed, "device": self.device,
                "channels": self.channels, "cells_per_stage": self.cells_per_stage}
