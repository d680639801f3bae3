"""The options a new run's plugins resolved from the run itself, recorded in its store so that a resume builds the
same plugins.

A default may depend on the space, its benchmark or the run's context: zero-cost ranks by the proxy its benchmark
names (``ranking_proxy``: nwot on NB301, where it ranked by Zen before), a guided strategy warms up on the proxies
its benchmark stores, a table-bound space keeps to its table under a tabular evaluator. Read anew on resume, such
a default moved with the code: a run an older nasloop began on Zen ranked by nwot once resumed, its evaluations
halved between two predictors. So a new run records, beside the options given (its configuration, as written),
each plugin's options that its constructor filled in otherwise than its signature's default, as ``config()`` reads
them back; a resume gives them back as options, under the configuration's own. A store from before this record
holds none and resumes on the defaults of the nasloop resuming it, as it did. The executor is left out: where
trials run is not what they compute, and a resume may change it.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Collection, Mapping, TypeVar

from .config import construct
from .errors import ConfigError
from .options import check_options, effective_options, plain

Plugin = TypeVar("Plugin")
Record = dict[str, dict[str, dict[str, Any]]]
"""Plugin kind (``space``, ``strategy``, ``predictor``, ``evaluator``) -> its name -> the options it resolved, as a
store holds it (meta ``resolved_options``)."""
_UNSTORED = object()


class ResolvedOptions:
    """The options a run's plugins resolved: those a stored run ``recorded``, given back as its plugins are built,
    and those the plugins built now resolved (:meth:`record`), which a new run stores."""

    def __init__(self, recorded: Record | None = None) -> None:
        self.recorded: Record = recorded or {}
        self._resolved: Record = {}

    def build(self, kind: str, name: str, make: Callable[[dict[str, Any]], Plugin], given: Mapping[str, Any],
              passed: Collection[str] = ()) -> Plugin:
        """The ``kind`` plugin ``name`` that ``make`` builds from its options: ``given`` over those the run recorded
        it resolved. What it resolved now is kept for :meth:`record`; ``passed``: the constructor's parameters the
        search hands it (a strategy's objective names), which are no options of the run's."""
        options = {**self.recorded.get(kind, {}).get(name, {}), **given}
        plugin = make(options)
        self._resolved.setdefault(kind, {})[name] = _resolved(plugin, {*options, *passed})
        return plugin

    def construct(self, kind: str, name: str, factory: Callable[..., Plugin], /, *args: Any,
                  wiring: Mapping[str, Any] | None = None, given: Mapping[str, Any]) -> Plugin:
        """:func:`.config.construct` of the ``kind`` plugin ``name`` through :meth:`build`: what ``wiring`` hands it
        is no option of the run's."""
        return self.build(kind, name, lambda options: construct(kind, name, factory, *args, wiring=wiring, **options),
                          given, passed=wiring or {})

    def record(self) -> Record:
        """What the plugins built resolved, by kind and name, as the store holds it (plugins that resolved nothing
        are left out)."""
        return {kind: {name: found for name, found in built.items() if found}
                for kind, built in self._resolved.items() if any(built.values())}


def _resolved(plugin: Any, given: Collection[str]) -> dict[str, Any]:
    """The options of ``plugin`` not ``given`` whose value ``config()`` reads back differs from its constructor's
    default, as JSON data its constructor takes (a value it would refuse, or that JSON cannot hold, a function,
    is left to be resolved again)."""
    factory = type(plugin)
    defaults = effective_options(factory, {})
    found = {}
    for key, value in plugin.config().items():
        if key in given or key not in defaults:
            continue
        stored = _stored(value)
        if stored is _UNSTORED or stored == _stored(defaults[key]):
            continue
        try:
            check_options(factory.__name__, factory, {key: stored})
        except ConfigError:
            continue
        found[key] = stored
    return found


def _stored(value: Any) -> Any:
    """``value`` as the store's JSON gives it back (a tuple as a list), or ``_UNSTORED``."""
    try:
        return json.loads(json.dumps(plain(value)))
    except (TypeError, ValueError):
        return _UNSTORED
