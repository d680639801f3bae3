"""Sending an evaluator (with its space, run context and benchmark) to Ray's workers: ``functools.cached_property``
made to travel, and the part that does not pickle named when something else stops it.

Ray's own refusal named only the evaluator (``tabular``), whose user wrote nothing of it, where the culprit was an
attribute of their benchmark, or a class attribute of a plugin file's class (shipped by value, whole).
"""
from __future__ import annotations

import functools
from types import ModuleType
from typing import Any, Callable

from ...search_spaces.base import Benchmark, SearchSpace
from ..evaluators.base import Evaluator
from ..registry import BENCHMARKS, EVALUATORS, SEARCH_SPACES

_DEPTH = 5  # evaluator → context → benchmark → its class → a class attribute, and one more


def _rebuilt_cached_property(state: tuple[Callable[..., Any], str | None, str | None]) -> functools.cached_property:
    func, attrname, doc = state
    rebuilt = functools.cached_property(func)
    rebuilt.attrname, rebuilt.__doc__ = attrname, doc  # a class rebuilt by value gets no __set_name__ call
    return rebuilt


def ship_cached_properties(ray: ModuleType) -> None:
    """Python 3.11's ``functools.cached_property`` holds a lock, which no pickle takes, so a plugin file's class (sent
    by value, whole) caching a table or a formula with it could not reach the workers: it travels as the function
    it wraps and is rebuilt there, with a lock of its own."""
    ray.util.register_serializer(functools.cached_property, serializer=lambda prop: (prop.func, prop.attrname,
                                                                                     prop.__doc__),
                                 deserializer=_rebuilt_cached_property)


def _parts(obj: Any) -> list[tuple[str, Any]]:
    """What pickling ``obj`` writes, by name: a container's items, an object's state (as its ``__reduce_ex__`` gives
    it: a benchmark's leaves out its ``_`` attributes) and its class, and a class's own attributes (a class pickled
    by value writes them all)."""
    if isinstance(obj, dict):
        return [(f"[{key!r}]", value) for key, value in obj.items()]
    if isinstance(obj, (list, tuple)):
        return [(f"[{i}]", value) for i, value in enumerate(obj)]
    if isinstance(obj, type):
        return [(name, value) for name, value in vars(obj).items() if name not in ("__dict__", "__weakref__")]
    try:
        reduced = obj.__reduce_ex__(4)
    except Exception:  # noqa: BLE001 - an object that cannot say its state is the culprit itself
        return []
    state = reduced[2] if isinstance(reduced, tuple) and len(reduced) > 2 else None
    return [*(state.items() if isinstance(state, dict) else ()), ("<class>", type(obj))]


def _innermost(obj: Any, dumps: Callable[[Any], Any], depth: int) -> tuple[list[str], Any, str] | None:
    """(path, holder, why) of the innermost part of ``obj`` that ``dumps`` refuses: the names leading to it, the
    object (or class) whose attribute it is, and the error; None when ``obj`` pickles."""
    try:
        dumps(obj)
        return None
    except Exception as exc:  # noqa: BLE001 - whatever the pickler raises is the reason to show
        why = f"{type(exc).__name__}: {str(exc).splitlines()[-1] if str(exc) else 'no details'}".strip()
    for name, part in _parts(obj) if depth else ():
        found = _innermost(part, dumps, depth - 1)
        if found is not None:
            path, holder, why = found
            return [name, *path], holder if path else obj, why
    return [], None, why


def _named(holder: Any, reached: str) -> str:
    """The plugin holding the culprit as the user registered it, its class, and where the evaluator holds it."""
    cls = holder if isinstance(holder, type) else type(holder)
    where = f"class {cls.__name__}" + (f", the evaluator's {reached}" if reached else "")
    for base, kind, registry in ((Benchmark, "benchmark", BENCHMARKS), (SearchSpace, "search space", SEARCH_SPACES),
                                 (Evaluator, "evaluator", EVALUATORS)):
        if issubclass(cls, base):
            return f"{kind} '{registry.label(cls)}' ({where})"
    return f"{cls.__name__} ({where})" if reached else cls.__name__


def unshippable(evaluator: Evaluator, dumps: Callable[[Any], Any], reason: str) -> str:
    """The one-line refusal of an evaluator Ray cannot send, naming the part that does not pickle and its fix."""
    found = _innermost(evaluator, dumps, _DEPTH)
    head = f"evaluator {EVALUATORS.label(evaluator)} cannot be sent to Ray's workers"
    if found is None or not found[0] or found[1] is None:
        return (f"{head} ({reason}); an evaluator run with --executor ray must pickle: keep its settings in it, and "
                "build what cannot be pickled (a lock, an open file, a CUDA handle) in warm_up or evaluate")
    path, holder, why = found
    attribute, reached = path[-1], ".".join(p for p in path[:-1] if p != "<class>")
    if attribute == "<class>":  # the class fails as a whole, none of its attributes alone
        attribute, holder = "", type(holder)
    if isinstance(holder, type):
        what = f"the class attribute {attribute} of" if attribute else "the class of"
        return (f"{head}: {what} {_named(holder, reached)} does not pickle ({why}); a "
                "plugin file's classes travel by value, whole: build it outside the class body (a module-level "
                "function cached with functools.lru_cache), or where it is used")
    if holder is evaluator:
        return (f"{head}: its attribute {attribute} does not pickle ({why}); an evaluator run with --executor ray must "
                "pickle: keep its settings in it, and build what cannot be pickled (a lock, an open file, a CUDA "
                "handle) in warm_up or evaluate")
    if isinstance(holder, Benchmark):
        fix = (f"a benchmark sends only its attributes whose names do not start with '_': keep it as _{attribute}, "
               "built where it is used (each worker builds its own)")
    else:
        fix = "keep settings in it, and build what cannot be pickled (a lock, an open file) where it is used"
    return f"{head}: the attribute {attribute} of {_named(holder, reached)} does not pickle ({why}); {fix}"
