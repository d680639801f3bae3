"""Evaluation by zero-cost proxies: score the untrained network instead of training it.

Each evaluation builds the architecture's real network (``space.to_module``, sized by the space's
own options), scores it with the configured proxies on one real mini-batch and reports every
score as a metric; the first proxy is the objective a search maximises. The evaluator holds only
names and numbers (an image folder's path, not its images); the mini-batch is loaded on first use in each process
and cached there, so it ships to workers in bytes.
"""
from __future__ import annotations

import os
from dataclasses import replace
from functools import cached_property
from typing import Sequence

from ...search_spaces.base import GeneratorSpace, NetworkSpace, SearchSpace
from ..context import RunContext
from ..data.cifar import locate_cifar10
from ..data.datasets import dataset_facts
from ..errors import ConfigError
from ..options import PositiveInt, Seed
from ..registry import register_evaluator
from ..types import Arch, Result
from .base import Evaluator
from ..devices import resolve_device
from ..proxy_batches import FolderImages, refuse_folder_options
from .proxies import dataset_shape, minibatch, proxy_names, resolve, score_network
from .train import CropFraction, Resolution
from .network_size import SCORING_BYTES, refuse_oversized_networks
from ..space_networks import build_network
from .replicates import Replicates, combine, replicate_bookkeeping, replicate_metric_names


@register_evaluator("proxy")
class ProxyEvaluator(Evaluator):
    """Zero-cost proxy scores as the evaluation; the search maximises the first proxy.

    ``proxies`` is a list of registered proxy names or one comma-separated string. A trial fails
    (with the reason, keeping the other proxies' scores) when the objective proxy fails; another
    proxy that fails is left out of the metrics, so one undefined secondary score does not throw
    away the objective. ``replicates`` scores that many networks per architecture (draws of a
    generator point; see :mod:`.replicates`). On ``--dataset imagenet`` the networks are built for an image folder's
    classes and scored on its training images: ``image_dir``, ``resolution`` and ``crop_fraction`` are the train
    evaluator's options of the same names.
    """

    requires = (NetworkSpace,)
    reads_dataset = True

    def __init__(self, space: SearchSpace, context: RunContext | None = None,
                 proxies: Sequence[str] | str = ("synflow",), batch_size: PositiveInt = 64, seed: Seed = 0,
                 device: str = "cpu", replicates: Replicates = 1, image_dir: str | os.PathLike | None = None,
                 resolution: Resolution = 64, crop_fraction: CropFraction = 1.0) -> None:
        super().__init__(space, context)
        self.replicates = replicates
        self.proxies = [p.name for p in resolve(proxies)]
        self.batch_size, self.seed, self.device = batch_size, seed, device
        # on a task nasloop reads no images of, data-free proxies score the networks as built for CIFAR-10, as
        # predictors compute them there ('--proxies params' was refused on TNB101's class_scene)
        self.dataset = self.context.computed_on(self.proxies, "its networks cannot be scored on it",
                                                "search the table with --evaluator tabular", any_images=True)
        self.image_dir = str(image_dir) if image_dir else None  # as given, as the run records it; read from where
        self._image_folder = self.context.user_path(image_dir) if image_dir else None  # the run began (a resume)
        self.resolution, self.crop_fraction = resolution, crop_fraction
        # given at all, by a new run: a resumed one, begun by a nasloop that took the default's value, goes on
        refuse_folder_options(self.dataset, self.image_dir, resolution, crop_fraction,
                              named=() if self.context.resumed else self.options_given)
        self.objective = self.proxies[0]  # instance attribute: the loop reads evaluator.objective
        self.minimize = False

    @cached_property
    def images(self) -> FolderImages | None:
        """The image folder of --dataset imagenet (None on other datasets), found at first use as the train
        evaluator's is: 'nasloop spaces' builds the evaluator to list it, with no folder to hand."""
        if dataset_facts(self.dataset).classes is not None:
            return None
        return FolderImages.located(self._image_folder, self.context.data_dir, self.resolution, self.crop_fraction,
                                    lambda value: f"--evaluator-opt image_dir={value}")

    @cached_property
    def num_classes(self) -> int:
        """The class count the networks are built for: the dataset's, or the image folder's."""
        return dataset_shape(self.dataset, images=self.images)[0]

    def start_note(self) -> str | None:
        """On a task nasloop reads no images of, that the scores are of the networks as built for CIFAR-10: the run
        records the task's name, and its networks' own input size and head would score otherwise."""
        if self.dataset == self.context.dataset:
            return None
        return (f"{', '.join(self.proxies)} scored for {self.space.name} {self.context.dataset} on each network as "
                f"built for {self.dataset} ({self.num_classes} classes), as predictors compute them there: nasloop "
                "does not read this task's images")

    def check(self, fidelity: int | None = None) -> None:
        if fidelity is not None:
            raise ConfigError(f"the proxy evaluator scores untrained networks and has no fidelity; "
                              f"drop --fidelity {fidelity}")
        minibatch(resolve(self.proxies), self.dataset, self.context.data_dir, self.batch_size, self.seed, self.images)
        resolve_device(self.device)  # after the data's check: CIFAR-10 missing was said after torch's import
        refuse_oversized_networks(self.space, self.num_classes, SCORING_BYTES, "scoring")

    def data_identity(self) -> str | None:
        """The CIFAR-10 copy the mini-batch comes from, where a proxy reads images: a run resumed once the full
        CIFAR-10 had appeared beside the subset scored its later networks on another batch."""
        reads = any(p.needs_data for p in resolve(self.proxies))
        if reads and self.images is not None:  # an image folder's classes and images, as the train evaluator's
            return self.images.identity()
        if not reads or dataset_facts(self.dataset).name != "cifar10":
            return None
        return locate_cifar10(self.context.data_dir).name

    def warm_up(self) -> None:
        minibatch(resolve(self.proxies), self.dataset, self.context.data_dir, self.batch_size, self.seed, self.images)

    def metric_names(self, fidelity: int | None = None) -> Sequence[str] | None:
        return replicate_metric_names(self.proxies, self.replicates)

    def bookkeeping_metrics(self) -> Sequence[str]:
        return replicate_bookkeeping((*self.declared_bookkeeping, *self.condition_metrics), self.replicates)

    def metric_source(self, metric: str) -> str:
        """A proxy this run does not score is one --proxies away: '--objectives synflow:max,params:min' without
        --proxies was told to choose from 'synflow' alone, as if params were no proxy."""
        if metric == "params_m" and "params" in proxy_names():  # the train and table evaluators' name for it
            return ("; the proxy evaluator's size metric is the params proxy (in millions): name it params:min, "
                    f"with params in --proxies, e.g. --proxies {','.join(dict.fromkeys([*self.proxies, 'params']))}")
        if metric in self.proxies or metric not in proxy_names():
            return ""
        return (f"; '{metric}' is a zero-cost proxy this run does not score: list every proxy an objective names in "
                f"--proxies, e.g. --proxies {','.join([*self.proxies, metric])}")

    def evaluate(self, arch: Arch, fidelity: int | None = None) -> Result:
        if self._draws_alike:  # one network scored, its result each draw's; the cost the one scoring's
            once = self._score(arch, 0)
            return replace(combine([once] * self.replicates), cost=once.cost)
        return combine([self._score(arch, draw) for draw in range(self.replicates)])

    @cached_property
    def _draws_alike(self) -> bool:
        """Whether every replicate scores what draw 0 does: a network space's draws are one network whose initial
        weights alone differ (a generator space's are other networks), and no proxy asked reads the weights (params,
        flops). Each replicate's network was built and scored anew: ten replicates cost ten times one."""
        return self.replicates > 1 and not isinstance(self.space, GeneratorSpace) and \
            not any(proxy.needs_weights for proxy in resolve(self.proxies))

    def _score(self, arch: Arch, draw: int) -> Result:
        proxies = resolve(self.proxies)
        inputs, targets = minibatch(proxies, self.dataset, self.context.data_dir, self.batch_size, self.seed,
                                    self.images)
        scored = score_network(lambda: build_network(self.space, arch, self.num_classes, draw),
                               proxies, inputs, targets, self.seed + draw, self.device)
        cost = sum(scored.seconds.values())
        if self.objective in scored.errors:
            return Result.failed(scored.errors[self.objective], cost=cost, partial=scored.scores)
        return Result(metrics=dict(scored.scores), cost=cost)
