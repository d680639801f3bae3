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
trials run is not what they compute, and a resume may change it. A predictor study (``compare --predictors``)
records its space's and predictors' in its grid file and gives them back when it is continued, the same way.

A plugin holding predictors (a blend, see :attr:`.Predictor.holds_predictors`) builds them itself from its
``members`` option: what each resolved is recorded inside that option, by member, and given back inside it under
the options the configuration gives that member. A recorded option that a later plugin no longer takes was never
the user's: it is dropped with a note, where one the configuration gives is refused as any unknown option is.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Collection, Mapping, TypeVar

from ..predictors.base import Predictor
from .config import construct
from .errors import ConfigError
from .options import check_options, effective_options, option_names, plain
from .registry import PREDICTORS

Plugin = TypeVar("Plugin")
Record = dict[str, dict[str, dict[str, Any]]]
"""Plugin kind (``space``, ``strategy``, ``predictor``, ``evaluator``) -> its name -> the options it resolved, as a
store holds it (meta ``resolved_options``)."""
_UNSTORED = object()
Note = Callable[[str], None]


class ResolvedOptions:
    """The options a run's plugins resolved: those a stored run ``recorded``, given back as its plugins are built,
    and those the plugins built now resolved (:meth:`record`), which a new run stores; a predictor study, whose later
    commands build predictors its first did not, keeps both (:meth:`kept`)."""

    def __init__(self, recorded: Record | None = None, on_note: Note | None = None) -> None:
        self.recorded: Record = recorded or {}
        self._resolved: Record = {}
        self._given_back: Record = {}
        self._on_note, self._said = on_note, set[str]()

    def build(self, kind: str, name: str, factory: Callable[..., Plugin], make: Callable[[dict[str, Any]], Plugin],
              given: Mapping[str, Any], passed: Collection[str] = ()) -> Plugin:
        """The ``kind`` plugin ``name`` (of class ``factory``) that ``make`` builds from its options: ``given`` over
        those the run recorded it resolved. What it resolved now is kept for :meth:`record`; ``passed``: the
        constructor's parameters the search hands it (a strategy's objective names), which are no options of the
        run's."""
        recorded = self._taken(f"{kind} '{name}'", factory, self.recorded.get(kind, {}).get(name, {}), given)
        if _holds_predictors(factory) and "members" in given and given["members"] is None:
            given = {key: value for key, value in given.items() if key != "members"}  # the default members
        options = {**recorded, **given}
        if _holds_predictors(factory) and isinstance(members := recorded.get("members"), dict):
            # each member's recorded options under those given it; whole where not given: see _with_members
            options["members"] = self._members_back(f"{kind} '{name}'", factory, members,
                                                    given.get("members", list(members)))
        plugin = make(options)
        self._resolved.setdefault(kind, {})[name] = _resolved(plugin, {*options, *passed})
        # a holder's given members only name them: what each recorded it resolved is inside the recorded members
        self._given_back.setdefault(kind, {})[name] = {
            key: value for key, value in recorded.items()
            if key not in given or key == "members" and _holds_predictors(factory)}
        return plugin

    def construct(self, kind: str, name: str, factory: Callable[..., Plugin], /, *args: Any,
                  wiring: Mapping[str, Any] | None = None, given: Mapping[str, Any]) -> Plugin:
        """:func:`.config.construct` of the ``kind`` plugin ``name`` through :meth:`build`: what ``wiring`` hands it
        is no option of the run's."""
        return self.build(kind, name, factory,
                          lambda options: construct(kind, name, factory, *args, wiring=wiring, **options),
                          given, passed=wiring or {})

    def record(self) -> Record:
        """What the plugins built resolved, by kind and name, as the store holds it (plugins that resolved nothing
        are left out)."""
        return {kind: {name: found for name, found in built.items() if found}
                for kind, built in self._resolved.items() if any(built.values())}

    def ran_with(self, kind: str, name: str) -> dict[str, Any]:
        """The options the ``kind`` plugin ``name`` last built ran with beyond those given: the recorded ones given
        back (a resolved option given back is no longer resolved, so :meth:`record` leaves it out) under what it
        resolved now. A predictor study's fit says them, since its name alone no longer says which predictor ran."""
        back, now = self._given_back.get(kind, {}).get(name, {}), self._resolved.get(kind, {}).get(name, {})
        merged = {**back, **now}
        if isinstance(back.get("members"), dict) and isinstance(now.get("members"), dict):  # by member, as recorded
            merged["members"] = {key: {**_options(back["members"].get(key)), **_options(now["members"].get(key))}
                                 for key in {**back["members"], **now["members"]}}
        return merged

    def kept(self) -> Record:
        """The record a study keeps across its commands: what each plugin built now ran with (:meth:`ran_with`;
        a recorded option it no longer takes is dropped), and the record of those not built now as it was, since
        a later command may build them again (a predictor study's next command may compare a predictor this one
        did not)."""
        kept = {kind: {name: dict(options) for name, options in by_name.items()}
                for kind, by_name in self.recorded.items()}
        for kind, built in self._given_back.items():
            for name in built:
                kept.setdefault(kind, {})[name] = self.ran_with(kind, name)
        return {kind: {name: found for name, found in by_name.items() if found}
                for kind, by_name in kept.items() if any(by_name.values())}

    def _taken(self, owner: str, factory: Callable[..., Any], recorded: Mapping[str, Any],
               given: Mapping[str, Any]) -> dict[str, Any]:
        """``recorded`` without the options ``factory`` no longer takes (a later nasloop removed them), each said in
        one note: the user never gave them, so a refusal naming them ("has no option X") would stop a resume over
        nothing the user can change. One the configuration ``given`` holds too is left to be refused as given."""
        known = option_names(factory)
        for key in recorded:
            if key not in known and key not in given and (said := f"{owner}: {key}") not in self._said:
                self._said.add(said)
                if self._on_note is not None:
                    self._on_note(f"{owner} no longer takes option '{key}', which this run recorded as resolved when "
                                  f"it began ({key}={recorded[key]!r}); it is dropped, and the run goes on without it")
        return {key: value for key, value in recorded.items() if key in known}

    def _members_back(self, owner: str, factory: Any, recorded: Mapping[str, Any], given: Any) -> Any:
        """The ``members`` option ``given`` (a list of keys or a mapping of each to its options) with what each
        member recorded it resolved under its given options; a value that is neither is left for the holder to
        refuse."""
        if isinstance(given, (list, tuple)):
            given = {key: {} for key in given}
        if not isinstance(given, Mapping):
            return given
        back = {}
        for key, options in given.items():
            mine = recorded.get(key)
            if isinstance(mine, Mapping) and mine and (options is None or isinstance(options, Mapping)):
                member = PREDICTORS.get(factory.held_predictor(str(key)))
                options = {**self._taken(f"{owner} member '{key}'", member, mine, options or {}), **(options or {})}
            back[key] = options
        return back


def _options(value: Any) -> dict[str, Any]:
    """A member's recorded options, or none where the record holds something else there (left to the holder)."""
    return dict(value) if isinstance(value, Mapping) else {}


def _holds_predictors(factory: Any) -> bool:
    """Whether plugins of class ``factory`` hold predictors they build from their ``members`` option."""
    return isinstance(factory, type) and issubclass(factory, Predictor) and factory.holds_predictors


def _resolved(plugin: Any, given: Collection[str]) -> dict[str, Any]:
    """The options of ``plugin`` not ``given`` whose value ``config()`` reads back differs from its constructor's
    default, as JSON data its constructor takes (a value it would refuse, or that JSON cannot hold, a function,
    is left to be resolved again); for a plugin holding predictors, its ``members`` with what each resolved."""
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
    if _holds_predictors(type(plugin)):
        found = _with_members(plugin, found)
    return found


def _with_members(plugin: Predictor, found: dict[str, Any]) -> dict[str, Any]:
    """``found`` with what each predictor ``plugin`` holds resolved, under its key in ``members``: the members
    whole where the run did not name them (``found`` holds them as ``config()`` wrote them out), else those that
    resolved anything."""
    written, built = found.get("members") or {}, plugin.config()["members"]
    if not isinstance(built, Mapping):  # a holder that does not write its members out: nothing to record them by
        return found
    held = {key: _resolved(member, list(options or {})) for (key, options), member in zip(built.items(), plugin.held)}
    members = {key: {**written.get(key, {}), **resolved} for key, resolved in held.items()
               if key in written or resolved}
    return {**found, "members": members} if members else found


def _stored(value: Any) -> Any:
    """``value`` as the store's JSON gives it back (a tuple as a list), or ``_UNSTORED``."""
    try:
        return json.loads(json.dumps(plain(value)))
    except (TypeError, ValueError):
        return _UNSTORED
