"""Scoring architectures with zero-cost proxies: one real mini-batch, one network per architecture.

Networks come from the search space (``space.to_module``), sized by the space's own options;
the mini-batch (:mod:`.proxy_batches`) is real CIFAR-10 or image-folder images when a proxy reads data, and a
zero batch of the dataset's shape for data-free proxies on datasets nasloop cannot load. Below the evaluators: the
run context computes a proxy no table stores with :func:`computed_scorer`, and the evaluators import the context.
"""
from __future__ import annotations

import copy
import logging
import math
import numbers
import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np

from ..search_spaces.base import NetworkSpace, SearchSpace
from .config import construct
from .data.paths import check_data_dir
from .devices import resolve_device, seed_torch
from .errors import ArchitectureError, ConfigError, DataError, NasloopError, describe_exception, one_line
from .hooks import check_hooks, say_note
from .progress import progress
from .proxy_batches import dataset_shape, folder_images, minibatch
from .proxy_registry import Proxy, resolve
from .registry import SEARCH_SPACES, defined_by_nasloop
from .space_networks import require_networks, to_module
from .types import Arch
from .held_imports import imported

if TYPE_CHECKING:  # imported where a network or tensor is first made: listing or refusing loads no torch
    import torch


@dataclass
class ProxyScores:
    """One architecture's scores: finite values by proxy, failure reasons by proxy, seconds, and the proxies among
    the failed ones that raised a RuntimeError (``failed``: a CUDA out-of-memory, which scoring again may mend, or
    the network's own shape mismatch, which it will not), as opposed to a score that is undefined for this network
    (NaN, no input-output path: a ValueError or ArithmeticError)."""

    scores: dict[str, float]
    errors: dict[str, str]
    seconds: dict[str, float]
    failed: set[str] = field(default_factory=set)


class NotAScore(ValueError):
    """A proxy returned something that is not one number."""


def as_score(name: str, value: object) -> float:
    """A proxy's return value as a float, or :class:`NotAScore` naming the proxy, what it returned and the fix. A
    user's proxy returning None surfaced as 'TypeError: float() argument must be ...' at nasloop's own line, one
    returning a string such as '12' was read as the number, and one returning a tensor of several values said
    only 'only one element tensors can be converted'."""
    torch = imported("torch")
    count = value.numel() if isinstance(value, torch.Tensor) else value.size if isinstance(value, np.ndarray) else 0
    if count == 1:
        value = value.item()  # type: ignore[union-attr]
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
        return float(value)
    if isinstance(value, (torch.Tensor, np.ndarray)):
        what = f"a {type(value).__name__} of {count} values"
    else:
        what = f"{type(value).__name__} {one_line(repr(value), 40)}" if value is not None else "None"
    raise NotAScore(f"{name} returned {what}, not a number; a proxy returns one float per network "
                    "(e.g. float(scores.sum()))")


NO_INPUT_PATH = "the network's output does not depend on its input (no input-output path)"


def output_ignores_input(net: torch.nn.Module, inputs: torch.Tensor) -> bool:
    """Whether ``net``'s output is the same whatever its input: every proxy that reads the images is undefined for
    such a network (the README's 'stored and computed alike'), one rule for all of them, a user's too. A proxy
    reading activations or weight gradients still finds a value there: the ReLUs of a branch that reaches no
    output fire differently per image (an NB201 cell whose conv feeds only 'none' edges read swap 7435, meco 0.31,
    nwot 148.2), and the loss gradients of the head on a constant output are the labels' alone (fisher 0.0008).
    Autograd tracks the input alone, the weights frozen for the call, so the output carries a graph exactly when it
    depends on the input; two images, the fewest BatchNorm normalises in train mode as the proxies run the network.
    The weights' flags and the buffers the pass moves (BatchNorm's running statistics) are put back, where a copy of
    the network cost more than MeCo's score of it. A network that cannot run says nothing here (False): each proxy
    meets that error itself, and reports it as it did."""
    torch = imported("torch")
    flags = [(p, p.requires_grad) for p in net.parameters()]
    buffers = [(b, b.detach().clone()) for b in net.buffers()]
    try:
        for p, _ in flags:
            p.requires_grad_(False)
        with torch.enable_grad():
            out = net(inputs[:2].detach().clone().requires_grad_(True))
    except (RuntimeError, ValueError, ArithmeticError):
        return False
    finally:
        for p, flag in flags:
            p.requires_grad_(flag)
        with torch.no_grad():
            for b, saved in buffers:
                b.copy_(saved)
    return isinstance(out, torch.Tensor) and not out.requires_grad


def score_network(build: Callable[[], torch.nn.Module], proxies: Sequence[Proxy], inputs: torch.Tensor,
                  targets: torch.Tensor, seed: int = 0, device: str | torch.device = "cpu") -> ProxyScores:
    """Score one network with each proxy, each on its own identically initialised copy.

    The network is built under ``seed`` and every proxy runs with the RNG reset to ``seed``, so a
    score depends only on (architecture, batch, seed); the caller's global RNG is left untouched.
    NaN, infinite scores and numerical errors become failures with a reason, and a proxy reading the images is
    undefined for a network whose output ignores them (:func:`output_ignores_input`). ``device`` is resolved here
    (:func:`resolve_device`: ``auto`` is CUDA where present), on the process that scores.
    """
    torch = imported("torch")
    target = resolve_device(device)
    out = ProxyScores({}, {}, {})
    with torch.random.fork_rng(devices=[]):
        seed_torch(seed)
        start = time.perf_counter()
        template = build().to(target).train()
        x, y = inputs.to(target), targets.to(target)
        constant = any(p.needs_data for p in proxies) and output_ignores_input(template, x)
        build_seconds = time.perf_counter() - start
        for index, proxy in enumerate(proxies):
            start = time.perf_counter()
            if constant and proxy.needs_data:  # undefined for this network, whatever the proxy would compute
                out.errors[proxy.name] = f"{proxy.name} failed: {NO_INPUT_PATH}"
                out.seconds[proxy.name] = build_seconds if index == 0 else 0.0
                continue
            seed_torch(seed)
            net = template if index == len(proxies) - 1 else copy.deepcopy(template)
            try:
                value = as_score(proxy.name, proxy.fn(net, x, y))
            except NotAScore as exc:
                out.errors[proxy.name] = str(exc)
            except (RuntimeError, ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
                own = defined_by_nasloop(proxy.fn)  # a user's proxy is named with its line, as its other errors are
                out.errors[proxy.name] = (f"{proxy.name} failed: "
                                          + (f"{type(exc).__name__}: {str(exc).splitlines()[0]}" if own
                                             else describe_exception(exc)))
                if isinstance(exc, RuntimeError):  # the run's (out of memory), not the network's: scored again
                    out.failed.add(proxy.name)
            except Exception as exc:
                if isinstance(exc, NasloopError) or defined_by_nasloop(proxy.fn):
                    raise
                # a user's proxy's bug (a KeyError): a failed score, scored again once fixed, named with the proxy and
                # its line, where it stopped the warm-up, the forest's features and 'nasloop proxies' in Python's words
                out.errors[proxy.name] = f"{proxy.name} failed: {describe_exception(exc)}"
                out.failed.add(proxy.name)
            else:
                if math.isfinite(value):
                    out.scores[proxy.name] = value
                else:
                    out.errors[proxy.name] = f"{proxy.name} is {value} (the network carries no signal or overflowed)"
            out.seconds[proxy.name] = time.perf_counter() - start + (build_seconds if index == 0 else 0.0)
    return out


def score_architectures(space: NetworkSpace | str, archs: Sequence[Arch | str], proxies: Sequence[str] | str,
                        dataset: str = "cifar10", data_dir: str | os.PathLike | None = None,
                        batch_size: int = 64, seed: int = 0, device: str = "cpu",
                        on_result: Callable[[dict[str, Any]], None] | None = None,
                        image_dir: str | os.PathLike | None = None, resolution: int = 64,
                        crop_fraction: float = 1.0) -> list[dict[str, Any]]:
    """Score architectures (values or their strings) with zero-cost proxies on one real mini-batch.

    Returns one ``{"arch": str, "scores": {proxy: float}, "seconds": float}`` per architecture, in
    order, with ``"proxy_seconds": {proxy: float}`` (network construction counted in the first
    proxy's) and, when a proxy failed, ``"errors": {proxy: reason}`` (its score is then None), and
    ``"failed": [proxy, ...]`` for those of them that raised a RuntimeError (CUDA out of memory, a shape
    mismatch: the score failed, where the others are undefined for the network).
    ``on_result`` sees each record as it is produced (progress, streaming output). The networks'
    size is the space's own (``NB201Space(channels=8)``). ``space`` may be a registered name, as in
    ``train_architecture`` (its networks then have the space's default size): a name was read as a space, and
    failed in Python's words (``'str' object has no attribute 'name'``). On ``dataset="imagenet"`` the networks are
    built for an image folder's classes and scored on its images: ``image_dir`` (else the data folders' ``imagenet``)
    at ``resolution`` with ``crop_fraction``, the train evaluator's options.
    """
    check_hooks("score_architectures", on_result=on_result)
    check_data_dir(data_dir)  # '' read the default folders (or, with proxies that read no data, nothing) unseen
    if isinstance(space, str):
        space = construct("search space", space, SEARCH_SPACES.get(space))
    require_networks(space, "zero-cost proxies")
    resolve_device(device)  # an absent or unknown device fails here, in one line
    chosen = resolve(proxies)
    images = folder_images(dataset, image_dir, data_dir, resolution, crop_fraction)
    num_classes, _ = dataset_shape(dataset, images=images)
    parsed = _listed(space, archs)
    inputs, targets = minibatch(chosen, dataset, data_dir, batch_size, seed, images)
    records = []
    for arch in parsed:
        start = time.perf_counter()
        try:
            result = score_network(lambda: to_module(space, arch, num_classes=num_classes),
                                   chosen, inputs, targets, seed, device)
        except ArchitectureError as exc:  # this architecture's network cannot be built: every proxy fails for it,
            # as in a search, and the others are scored (it stopped the command with none printed)
            reason = f"{UNBUILT}{exc}"
            result = ProxyScores({}, {p.name: reason for p in chosen}, {p.name: 0.0 for p in chosen})
        except RuntimeError as exc:  # building or moving the network (out of memory): every proxy failed, as a
            # file's row says (it stopped the command with a traceback)
            reason = f"{type(exc).__name__}: {one_line(exc, 200)}"
            result = ProxyScores({}, {p.name: reason for p in chosen}, {p.name: 0.0 for p in chosen},
                                 {p.name for p in chosen})
        record: dict[str, Any] = {"arch": space.format(arch),
                                  "scores": {p.name: result.scores.get(p.name) for p in chosen},
                                  "seconds": time.perf_counter() - start,
                                  "proxy_seconds": result.seconds}
        if result.errors:
            record["errors"] = result.errors
        if result.failed:
            record["failed"] = [p.name for p in chosen if p.name in result.failed]
        records.append(record)
        if on_result is not None:
            on_result(record)
    return records


def _listed(space: SearchSpace, archs: Any) -> list[Arch]:
    """``archs``, a list of architectures or their strings, in the space's own form; one line for a single
    architecture given where the list belongs: an NB201 cell was read as six architectures and refused as "a nb201
    architecture is a tuple of 6 op indices, got 4", and a cell's string letter by letter ("got '|'")."""
    if isinstance(archs, str):
        raise ConfigError(f"score_architectures takes a list of architectures, got the string "
                          f"{one_line(repr(archs), 80)}; pass [text]")
    try:
        return [space.parse(a) if isinstance(a, str) else space.validate(a) for a in archs]
    except Exception as exc:
        try:
            space.validate(archs)
        except Exception:  # noqa: BLE001 - not one architecture either: the list's own error says what is wrong
            raise exc from None
    raise ConfigError(f"score_architectures takes a list of architectures, got one architecture, "
                      f"{one_line(repr(archs), 80)}; pass [arch]")


def proxy_vectors(space: NetworkSpace, archs: Sequence[Arch | str], proxies: Sequence[str] | str,
                  **options: Any) -> np.ndarray:
    """An (n, len(proxies)) float array of scores: a score-based encoding for predictors.

    ``functools.partial(proxy_vectors, space, proxies=[...])`` is the ``archs -> (n, d)`` callable
    a predictor's supplementary encoding takes. A failed score (a network with no input-output
    path has no synflow or zen) becomes its column's lowest finite score, so such networks rank
    below every working one instead of poisoning the features with NaN.
    """
    names = [p.name for p in resolve(proxies)]
    records = score_architectures(space, archs, names, **options)
    out = np.array([[np.nan if r["scores"][n] is None else r["scores"][n] for n in names] for r in records],
                   dtype=np.float64).reshape(len(records), len(names))
    for col, name in enumerate(names):
        finite = np.isfinite(out[:, col])
        if not finite.any() and len(out):
            raise DataError(f"proxy '{name}' failed on every architecture given "
                            f"({records[0]['errors'][name]}); drop it from the encoding")
        out[~finite, col] = out[finite, col].min() if finite.any() else np.nan
    return out


UNBUILT = "its network cannot be built: "
"""How a row's reason starts where the architecture's network could not be built, which every proxy fails alike."""

log = logging.getLogger(__name__)

PROGRESS_FROM = 50
"""Scoring more architectures than this at once shows a progress bar (on a terminal only)."""


def computed_scorer(space: NetworkSpace, proxy: str, dataset: str = "cifar10",
                    data_dir: str | os.PathLike | None = None, batch_size: int = 64,
                    seed: int = 0, on_note: Callable[[str], None] | None = None, noted: set[str] | None = None
                    ) -> Callable[[Sequence[Arch]], np.ndarray]:
    """``archs -> scores`` of one proxy, computed by building and scoring each network (NaN on failure) on the
    mini-batch of ``batch_size`` images drawn with ``seed`` (a precomputed file's, for the cells it lacks).

    Networks that could not be built, and scores that failed (a RuntimeError: out of memory, the network's shape
    mismatch; a score a precomputed file writes ``failed``), are noted to ``on_note``, the run's (where its other
    notes go: a search logged it through Python's logging, as a bare line beside the command's own and unheard by a
    script's callback); without one (no run), through logging. Each is noted once per proxy among the scorers
    sharing ``noted`` (a run's: a file's scorer computes the cells it lacks with a new one at each ask, and a
    failed score was not noted at all, read as undefined). A failed cell ranks as a score not stored does: NaN,
    below every scored one, as a file's ``failed`` field the run could not compute either."""
    require_networks(space, f"computing proxy '{proxy}'")
    resolve([proxy])  # an unknown proxy fails now
    dataset_shape(dataset, "rank by a proxy the space's table stores (e.g. --predictor-opt proxy=params), or score "
                  "a space of CIFAR-10 networks with --dataset cifar10")  # a run's predictor or warm-up asks
    minibatch(resolve([proxy]), dataset, data_dir, batch_size, seed)  # so does one needing images nasloop lacks
    return ComputedScorer(space, proxy, dataset, data_dir, batch_size, seed, on_note, set() if noted is None else noted)


@dataclass
class ComputedScorer:
    """What :func:`computed_scorer` returns: a class, not a closure, so that a predictor holding it pickles (a
    researcher saves a fitted forest on computed proxies with joblib); the run's ``on_note`` stays behind, as the run
    context's does (a script's callback need not pickle), and the copy notes through logging."""

    space: NetworkSpace
    proxy: str
    dataset: str
    data_dir: str | os.PathLike | None
    batch_size: int
    seed: int
    on_note: Callable[[str], None] | None
    said: set[str]

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "on_note": None}

    def _say(self, kind: str, note: str) -> None:  # once: a predictor asks again each step, and the first says why
        say_note(self.on_note, note, log, self.said, f"{kind}:{self.proxy}")

    def __call__(self, archs: Sequence[Arch]) -> np.ndarray:
        proxy = self.proxy
        # a predictor ranking a whole space may build thousands of networks here: show it on a terminal
        with progress(f"computing {proxy}", len(archs), enabled=len(archs) > PROGRESS_FROM) as advance:
            records = score_architectures(self.space, list(archs), [proxy], dataset=self.dataset,
                                          data_dir=self.data_dir, batch_size=self.batch_size, seed=self.seed,
                                          on_result=lambda r: advance(r["arch"][:40]))
        unbuilt = [r["errors"][proxy] for r in records if r.get("errors", {}).get(proxy, "").startswith(UNBUILT)]
        if unbuilt:
            self._say("unbuilt", f"computing {proxy}: {len(unbuilt)} of {len(records)} architectures' networks could "
                      f"not be built, so they rank below every scored one (the first: {unbuilt[0][len(UNBUILT):]}); "
                      "later ones are not noted")
        failed = [r for r in records if proxy in r.get("failed", ())]
        if failed:
            self._say("failed", f"computing {proxy}: its score failed on {len(failed)} of {len(records)} "
                      "architectures, so they rank as scores not stored do, below every scored one (the first: "
                      f"{failed[0]['arch']}: {failure(proxy, failed[0]['errors'][proxy])}); later ones are not noted")
        return np.array([np.nan if r["scores"][proxy] is None else r["scores"][proxy] for r in records])


def failure(proxy: str, reason: str) -> str:
    """A failed score's reason without the proxy's name it starts with (``synflow failed: RuntimeError: ...``), for
    a line that names the proxy already."""
    return reason.removeprefix(f"{proxy} failed: ")
