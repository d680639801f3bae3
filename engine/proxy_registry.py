"""The zero-cost proxy registry: a proxy is a function of a network and a mini-batch, registered by name.

Users add their own with :func:`register_proxy` (or the ``nasloop.proxies`` entry-point group). It sits below the
evaluators and the data readers, and imports no torch: the run context and the proxy-file reader ask it for names
and what each proxy reads, and importing it from the evaluators (which import the context) closed an import cycle.
As the other registries do, it names the module of each built-in proxy and imports it when the proxy is looked up.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

from .errors import ConfigError
from .options import name_list
from .registry import Registry, caller_module

if TYPE_CHECKING:
    import torch
    from torch import nn

ProxyFn = Callable[["nn.Module", "torch.Tensor", "torch.Tensor"], float]


@dataclass(frozen=True)
class Proxy:
    """A registered proxy: its function, whether it reads the images and labels, and whether it reads the network's
    weights (its initial values, which a network space's replicates alone differ in)."""

    name: str
    fn: ProxyFn
    needs_data: bool = True
    needs_weights: bool = True


_BUILT_IN = __name__.rsplit(".", 1)[0] + ".evaluators.proxies"  # "nasloop.engine.evaluators.proxies"
PROXIES: Registry = Registry("proxies", "zero-cost proxy", {
    **{name: f"{_BUILT_IN}.gradient" for name in ("synflow", "snip", "plain", "grad_norm", "grasp", "fisher", "zico")},
    **{name: f"{_BUILT_IN}.activation" for name in ("jacov", "nwot", "epe_nas", "zen", "meco", "swap")},
    **{name: f"{_BUILT_IN}.structural" for name in ("l2_norm", "params", "flops")},
    **{name: f"{_BUILT_IN}.az_nas" for name in ("az_expressivity", "az_progressivity", "az_trainability")}})


def register_proxy(name: str, *, needs_data: bool = True, needs_weights: bool = True
                   ) -> Callable[[ProxyFn], ProxyFn]:
    """Decorator: ``@register_proxy("name")`` on a function ``(net, inputs, targets) -> float``.

    ``needs_data=False`` declares that the function reads only the batch's shape (synflow, zen,
    params...), so it runs where no images are available. ``needs_weights=False`` declares that it reads only the
    network's structure (params, flops), not its weights' values: the proxy evaluator's replicates of a network
    space, which differ in their initial weights alone, then score one network for all of them.
    """

    def decorate(fn: ProxyFn) -> ProxyFn:
        _check_arguments(name, fn)
        PROXIES.register(name, registered_by=caller_module(), source=fn)(Proxy(name, fn, needs_data, needs_weights))
        return fn

    return decorate


def _check_arguments(name: str, fn: Callable[..., object]) -> None:
    """One line, as the proxy registers, for a function that cannot take (net, inputs, targets): each network's
    score failed alike, as Python's TypeError pointing into nasloop's code."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # a builtin or C function shows none: called as it is
        return
    try:
        signature.bind(None, None, None)
    except TypeError:
        raise ConfigError(f"zero-cost proxy '{name}': {getattr(fn, '__qualname__', fn)}{signature} cannot be called "
                          "with (net, inputs, targets); take those three, e.g. def my_proxy(net, inputs, targets)"
                          ) from None


def get_proxy(name: str) -> Proxy:
    """The proxy registered as ``name``; one-line RegistryError naming the known ones otherwise."""
    item = PROXIES.get(name)
    if isinstance(item, Proxy):
        return item
    if callable(item):  # an entry point naming an undecorated function: @register_proxy would declare needs_data
        _check_arguments(name, item)
        return Proxy(name, item)
    raise ConfigError(f"zero-cost proxy '{name}' is registered as {item!r}, not a function; "
                      "register a function (net, inputs, targets) -> float")


def proxy_names() -> list[str]:
    """Every registered proxy name."""
    return PROXIES.names()


def resolve(names: Iterable[str] | str) -> list[Proxy]:
    """Proxies by name (a list, or one comma-separated string); one-line errors for unknown or no names."""
    names = [n for n in name_list(names) if n]
    if not names:
        raise ConfigError(f"no zero-cost proxy named; choose from: {', '.join(proxy_names())}")
    if len(set(names)) != len(names):
        raise ConfigError(f"zero-cost proxies listed twice in {','.join(names)}; name each once")
    return [get_proxy(n) for n in names]
