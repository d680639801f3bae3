"""A user's plugin whose method nasloop calls cannot take the call's arguments, named before the run.

A strategy's ``def ask(self)`` (for ``ask(self, n)``) or a predictor's ``def _fit(self, archs)`` passed every check
and stopped the run at its first call in Python's words, ``S2.ask() takes 1 positional argument but 2 were given``,
raised in nasloop's loop, where no line of the user's code is on the way (so no plugin fault names it), and left
the run interrupted. The methods checked are those the kind's base class declares abstract: what every plugin of
the kind implements and nasloop calls with the base's arguments.
"""
from __future__ import annotations

import inspect
from typing import Any

from .errors import ConfigError
from .registry import defined_by_nasloop


def refuse_uncallable_methods(kind: str, name: str, factory: type) -> None:
    """One line for the first method of ``factory`` (a user's class) that a call as nasloop makes it cannot bind:
    every positional argument its nasloop base class declares for it, defaults too (an evaluator's ``evaluate(arch,
    fidelity)`` always passes the fidelity, and ``def evaluate(self, arch)`` failed every trial), and its keyword-only
    ones by name (``to_module(arch, num_classes=...)``, which a space's ``**options`` takes), and without those the
    base gives a default."""
    for base in (klass for klass in factory.__mro__ if defined_by_nasloop(klass)):
        for method in sorted(getattr(base, "__abstractmethods__", ())):
            declared, own = vars(base).get(method), inspect.getattr_static(factory, method, None)
            if not inspect.isfunction(declared) or not inspect.isfunction(own) or defined_by_nasloop(own):
                continue  # a property, a classmethod, or nasloop's own implementation
            params = inspect.signature(declared).parameters.values()
            in_order = [None for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
            by_name = {p.name: None for p in params if p.kind is p.KEYWORD_ONLY}
            try:
                inspect.signature(own).bind(*in_order, **by_name)
            except TypeError:
                raise ConfigError(f"{kind} '{name}' ({factory.__name__}) defines {method}{_plain(own)}, which nasloop "
                                  f"calls as {method}{_plain(declared)}; give it those parameters") from None
            _refuse_required_defaults(kind, name, factory, method, own, declared, in_order)


def _refuse_required_defaults(kind: str, name: str, factory: type, method: str, own: Any, declared: Any,
                              in_order: list[None]) -> None:
    """One line where ``own`` needs a keyword-only argument to which its nasloop base gives a default: nasloop
    leaves such an argument out where the default is what it wants (a proxy file's probe builds a space's network
    as ``to_module(arch)``, the benchmark's own classes), and ``def to_module(self, arch, num_classes)`` passed the
    check above, then failed there, leaving a file whose network size no later read could check."""
    params = inspect.signature(declared).parameters.values()
    defaults = [p for p in params if p.kind is p.KEYWORD_ONLY and p.default is not p.empty]
    signature = inspect.signature(own)
    required = [p for p in defaults if not _binds(signature, in_order, {q.name: None for q in defaults if q != p})]
    if required:
        names = " and ".join(p.name for p in required)
        given = ", ".join(f"{p.name}={p.default!r}" for p in required)
        raise ConfigError(f"{kind} '{name}' ({factory.__name__}) defines {method}{_plain(own)} without a default "
                          f"for {names}, which nasloop also leaves out (as {method}{_plain(declared)} allows); give "
                          f"it one ({given})")


def _binds(signature: inspect.Signature, args: list[None], kwargs: dict[str, None]) -> bool:
    """Whether a call with ``args`` and ``kwargs`` binds to ``signature``."""
    try:
        signature.bind(*args, **kwargs)
    except TypeError:
        return False
    return True


def _plain(function: Any) -> str:
    """A function's parameters as written, without annotations, a ``*`` or ``/`` included: ``(self, n)``."""
    signature = inspect.signature(function)
    return str(signature.replace(parameters=[p.replace(annotation=p.empty) for p in signature.parameters.values()],
                                 return_annotation=signature.empty))
