"""The zero-cost proxy registry: a proxy is a function of a network and a mini-batch, registered by name.

Users add their own with :func:`register_proxy` (or the ``nasloop.proxies`` entry-point group).
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Callable, Iterable

import torch
from torch import nn

from ...errors import ConfigError
from ...options import name_list
from ...registry import Registry, caller_module

ProxyFn = Callable[[nn.Module, torch.Tensor, torch.Tensor], float]


@dataclass(frozen=True)
class Proxy:
    """A registered proxy: its function and whether it reads the images and labels."""

    name: str
    fn: ProxyFn
    needs_data: bool = True


PROXIES: Registry = Registry("proxies", "zero-cost proxy")


def register_proxy(name: str, *, needs_data: bool = True) -> Callable[[ProxyFn], ProxyFn]:
    """Decorator: ``@register_proxy("name")`` on a function ``(net, inputs, targets) -> float``.

    ``needs_data=False`` declares that the function reads only the batch's shape (synflow, zen,
    params...), so it runs where no images are available.
    """

    def decorate(fn: ProxyFn) -> ProxyFn:
        _check_arguments(name, fn)
        PROXIES.register(name, registered_by=caller_module(), source=fn)(Proxy(name, fn, needs_data))
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
