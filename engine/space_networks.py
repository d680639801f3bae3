"""Building a search space's networks, for every part of nasloop that needs them.

The evaluators train and score networks, a precomputed proxy file (:mod:`.data.proxy_file`) builds one to probe a
file's network size, and ``nasloop proxies`` refuses a space that builds none: all through these functions, which
read the space alone. They sit below the evaluators and the data readers, so that those import them and neither
imports the other for them (the proxy file imported :func:`to_module` from the evaluators inside a function, closing
an import cycle data -> evaluators -> data that only the deferral kept from failing).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..search_spaces.base import GeneratorSpace, NetworkSpace, SearchSpace
from .errors import ConfigError, NasloopError, NetworkBuildError, UnsupportedError, describe_exception, one_line
from .held_imports import imported
from .registry import defined_by_nasloop
from .types import Arch

if TYPE_CHECKING:  # torch is imported where a network is built
    from torch import nn


def build_network(space: NetworkSpace, arch: Arch, num_classes: int, draw: int) -> nn.Module:
    """Draw ``draw`` of a generator space's point, or the one network of any other network space; a plugin's
    to_module returning something else is named here, not by an AttributeError deep in the trainer."""
    nn = imported("torch.nn")
    extra = {"seed": draw} if isinstance(space, GeneratorSpace) else {}
    network = to_module(space, arch, num_classes=num_classes, **extra)
    if not isinstance(network, nn.Module):
        raise ConfigError(f"search space {type(space).__name__}: to_module returned {type(network).__name__}, not a "
                          "torch.nn.Module; return the network")
    return network


def to_module(space: NetworkSpace, arch: Arch, **options: object) -> nn.Module:
    """``space.to_module(arch, **options)``, where an ordinary error of a user's space (its bug, or a network it
    cannot build) is a NetworkBuildError naming the space, the method and where: that architecture alone fails,
    as an ArchitectureError makes it fail, where it stopped 'nasloop proxies', the zero-cost warm-up and the forest's
    computed features as an unexpected error (the proxy evaluator already failed the trial alone). nasloop's own
    spaces' errors, and any NasloopError (the user's input: every architecture would fail alike), go through. A space
    that builds no networks is refused in :func:`require_networks`' line."""
    require_networks(space, "training and zero-cost proxies")
    imported("torch")  # the spaces' network modules import it as they load: its first import in a run, often
    try:
        return space.to_module(arch, **options)
    except Exception as exc:
        if isinstance(exc, NasloopError) or defined_by_nasloop(type(space).to_module):
            raise
        raise NetworkBuildError(f"search space {space.name}: to_module raised {describe_exception(exc)}") from exc


def require_networks(space: Any, who: str) -> None:
    """One line, before any work, when ``space`` cannot build the networks ``who`` needs."""
    if not isinstance(space, SearchSpace):
        raise ConfigError(f"{who} need a search space, got {one_line(repr(space), 80)}; pass one (NB201Space(), or "
                          "its registered name)")
    if not isinstance(space, NetworkSpace):
        raise UnsupportedError(f"{who} need the network of each architecture, and search space '{space.name}' "
                               "cannot build networks; implement NetworkSpace.to_module for it")
