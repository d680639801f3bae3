"""Feature matrices for predictors that read vectors: encodings, zero-cost proxies and graph features.

A feature set is a list of names, each one of:

* a vector encoding of the space (``onehot``, ``path``, ``unit``...);
* ``graph``: the structural features of :mod:`.graph_features`, on every graph encoding, or
  ``graph:<encoding>`` on one (NB201: ``graph:dataflow``); ``graph-subsets`` (or
  ``graph-subsets:<encoding>``) adds GRAF's operation-subset paths, which are opt-in because on
  NB201 they cost the forest at 8 cells and gain little from 128 (README);
* ``proxies``: every zero-cost proxy stored for the run's task, by the benchmark (NB201: the 13
  of NAS-Bench-Suite-Zero when its file is present) or in a precomputed file (``nasloop proxies --out``);
  ``proxies:<task>``: the benchmark's stored proxies of another of its tasks (NB201:
  ``proxies:ImageNet16-120``), the same cells scored on other data;
* a proxy name (``synflow``, ``jacov``...): stored when the benchmark has it for the task, else
  computed on the architecture's network by the proxy evaluator.

Rows are cached per architecture (the last :data:`CACHE_ROWS`), so a search that ranks the same
pool after every result computes each architecture's features once (a computed proxy trains
nothing but still builds a network), and feature sets reading the same data the same way share
their rows within a process (:mod:`.feature_rows`). Undefined proxy scores (NaN) are reported by name or
imputed, as the caller chooses.
"""
from __future__ import annotations

from collections import Counter
from functools import partial
import logging
from typing import Any, Callable, Literal, Sequence

import numpy as np

from ..engine.context import RunContext
from ..engine.errors import ConfigError, DataError, RegistryError, UnsupportedError
from ..engine.hooks import say_note
from ..engine.options import name_list
from ..engine.proxy_registry import proxy_names
from ..engine.types import Arch
from ..search_spaces.base import NetworkSpace, SearchSpace
from . import feature_rows
from .graph_features import GraphFeatures

log = logging.getLogger(__name__)

Missing = Literal["impute", "error"]
CACHE_ROWS = 100_000
"""Architectures whose features are kept: all of NB201 (15,625) or a search's pools on a larger space,
without growing without bound when every ask draws a fresh pool of a 10^18 space."""


COMPUTED_DEFAULT = ("synflow", "params", "flops")
"""What a space with nothing stored and no encoding offers: proxies computed on its networks (synflow ranks
NB201 well among the proxies that need no labels; the counts come with building the network)."""


def context_advice(space: SearchSpace, context: RunContext) -> str:
    """What to pass where ``context`` lacks the benchmark ``space`` has: a predictor built in Python without
    ``context=`` (its default, a bare RunContext) read nothing the benchmark stores, unsaid: zero-cost computed Zen on
    each NB201 network (17 s for 3 cells here, under 1 ms read), the forest's default features left the stored
    proxies out. Empty where the context holds it (every command builds one that does) or the space has none."""
    if context.benchmark is not None or space.benchmark is None:
        return ""
    return (f"the run context holds no {space.benchmark} benchmark (a predictor built without context=); pass "
            f"context=build_context({type(space).__name__}, dataset, data_dir) (from nasloop.engine.assemble)")


def note_without_table(text: str, space: SearchSpace, context: RunContext) -> None:
    """Note ``text`` and :func:`context_advice` (Python's logging, or the context's ``on_note``) where ``context``
    lacks the space's benchmark, so that what the predictor does instead is heard; nothing otherwise. Once per
    context (its ``noted``): predictors evaluate builds a predictor per train size and seed, and said it each time."""
    advice = context_advice(space, context)
    if advice and text not in context.noted:
        context.noted.add(text)
        say_note(context.on_note, f"{text}: {advice}", log)


def _note_absent_proxy_file(stored: Sequence[str], context: RunContext) -> None:
    """Say once a run that feature 'proxies' holds only ``stored`` where an optional file of the benchmark that
    stores more proxies of the task is missing (:meth:`Benchmark.proxy_source` names it): not an error, the table's
    own still serve, but NB201's forest read Zen alone and ranked at Kendall tau 0.52 against 0.73 with the file's
    13 proxies (40 training cells, 2 seeds), and nothing said why."""
    benchmark, task = context.benchmark, context.dataset
    if benchmark is None or not benchmark.has_task(task):
        return
    absent = [name for name in proxy_names() if name not in stored and benchmark.proxy_source(name, task)]
    if absent:
        say_note(context.on_note, f"feature 'proxies' holds only {', '.join(stored)}, what the {benchmark.name} "
                 f"table stores for {task}, not {', '.join(absent)}{benchmark.proxy_source(absent[0], task)}",
                 log, context.noted)


def default_features(space: SearchSpace, context: RunContext) -> list[str]:
    """Stored proxies and graph features where the space has them; its first vector encoding otherwise; proxies
    computed on its networks when it has neither."""
    names = (["proxies"] if context.stored_proxies(space) else []) + (["graph"] if space.graph_encodings else [])
    names = names or list(space.vector_encodings[:1])
    if not names and isinstance(space, NetworkSpace):
        names = list(COMPUTED_DEFAULT)
    if not names:
        raise UnsupportedError(f"search space '{space.name}' offers the forest no features: no stored proxies, no "
                               "graph or vector encoding, and it builds no networks to compute proxies on")
    return names


def features_read_dataset(space: type[SearchSpace], names: Any) -> bool:
    """Whether the feature set ``names``, on a space of class ``space``, reads the run's dataset: proxies do (stored
    for it, or computed on its images); vector encodings and graph features do not. Names that are no list of names
    may (the feature set refuses them when built)."""
    names = name_list(names)
    if not isinstance(names, (list, tuple)) or not all(isinstance(name, str) for name in names):
        return True
    return any(name not in space.vector_encodings and name.partition(":")[0] not in ("graph", "graph-subsets")
               for name in names)


def _check_overlap(benchmark: Any, task: str, proxy: str, context: RunContext) -> None:
    """One line when another task's stored proxies score none of the cells this run's task has proxies for
    (NB301's svhn cells are not its CIFAR-10 ones): the columns would be one imputed constant."""
    own = context.stored_proxies()
    if not own or task == benchmark.task(context.dataset).name:
        return
    try:
        cells = benchmark.cells()
    except UnsupportedError:
        return
    theirs = np.isfinite(benchmark.proxy_scores(cells, proxy, task))
    mine = np.isfinite(benchmark.proxy_scores(cells, own[0], context.dataset))
    if mine.any() and not (theirs & mine).any():
        raise ConfigError(f"feature 'proxies:{task}' reads the proxies {benchmark.name} stores for task '{task}', and "
                          f"they score none of the {int(mine.sum()):,} cells it stores {context.dataset} proxies for "
                          f"(its {task} cells are other cells); drop it or name a task scored on the same cells")


def _instead_of_proxies(space: SearchSpace) -> str:
    """What to read in place of stored proxies a run does not have: proxies computed on the space's networks, else
    the space's own encodings (a space that builds no networks was told to name proxies it cannot compute)."""
    if isinstance(space, NetworkSpace):
        return "name proxies to compute in its place, e.g. [synflow, jacov]"
    own = [*space.vector_encodings, *(["graph"] if space.graph_encodings else [])]
    if own:
        return (f"'{space.name}' builds no networks to compute proxies on either: read its encodings instead, e.g. "
                f"[{', '.join(own)}]")
    return (f"'{space.name}' builds no networks to compute proxies on and has no encodings: derive it from "
            "NetworkSpace and define to_module, or declare an encoding (the README's 'Adding a search space')")


# A feature set's sources: module functions bound with functools.partial, so that a predictor holding one pickles
# (joblib saving a fitted forest or blend stopped at "Can't pickle local object 'FeatureSet._add.<locals>.<lambda>'")

def _encoded(space: SearchSpace, kind: str, archs: Sequence[Arch]) -> np.ndarray:
    """The columns of a vector encoding."""
    return np.asarray(space.encode_many(list(archs), kind))


def _scored(scorer: Callable[[Sequence[Arch]], Any], archs: Sequence[Arch]) -> np.ndarray:
    """One proxy's column, as the run context scores it."""
    return np.asarray(scorer(list(archs)))[:, None]


def _stored(benchmark: Any, proxy: str, task: str, archs: Sequence[Arch]) -> np.ndarray:
    """One stored proxy's column for another task of the benchmark."""
    return benchmark.proxy_scores(list(archs), proxy, task)[:, None]


class FeatureSet:
    """``archs -> (n, d)`` features of the named sources, with a name per column."""

    def __init__(self, space: SearchSpace, context: RunContext, names: str | Sequence[str],
                 missing: Missing = "impute") -> None:
        names = list(name_list(names))
        if not names or not all(isinstance(n, str) and n for n in names):
            raise ConfigError(f"features must name at least one of: proxies, proxies:<task>, graph, graph-subsets "
                              f"(either also as :<graph encoding>), a vector encoding of '{space.name}' "
                              f"({', '.join(space.vector_encodings) or 'none'}) or a proxy; got {names!r}")
        if missing not in ("impute", "error"):
            raise ConfigError(f"missing must be 'impute' or 'error', got {missing!r}")
        self.space, self.missing = space, missing
        self.computed_proxies: list[str] = []  # proxies computed on the networks: each new architecture builds one
        self.names: list[str] = []
        self._same_as: dict[str, str] = {}  # 'cifar10:synflow' on a cifar10 run reads the column 'synflow' does
        self._sources: list[Callable[[Sequence[Arch]], np.ndarray]] = []  # one block of columns each
        self._reads_data = False  # a proxy's column: its rows depend on the data folders (see feature_rows)
        twice = next((name for name in names if names.count(name) > 1), None)
        if twice is not None:  # refused like 'proxies' beside a proxy it holds: counting it once would hide the slip
            raise ConfigError(f"features {names!r} name '{twice}' twice; name each once")
        for name in names:
            self._add(name, context)
        if self.computed_proxies:  # FLAN's supplementary=[zen] without context= computed Zen on each NB201 network
            several = len(self.computed_proxies) > 1
            note_without_table(f"feature{'s' * several} {', '.join(self.computed_proxies)} "
                               f"{'are' if several else 'is'} computed on each {space.name} network read (up to "
                               "seconds a network on a CPU)", space, context)
        repeated = [key for key, count in Counter(self._same_as.get(n, n) for n in self.names).items() if count > 1]
        if repeated and not context.resumed:  # the same column twice weighs it double in a forest's draws, unseen;
            # an older nasloop's run kept both, and resumes with them (its options cannot be given anew)
            raise ConfigError(f"features {names!r} give the column '{repeated[0]}' twice (graph and graph:graph, "
                              "proxies and a proxy it holds, or proxies and proxies:<this run's task>, are the same "
                              "features); name each once")
        # shared with every feature set of the same rows (each predictor 'predictors evaluate' builds encoded all
        # 15,625 NB201 cells anew); one computing a proxy on the networks keeps its own
        self._cache: dict[Arch, np.ndarray] = ({} if self.computed_proxies else
                                               feature_rows.shared_rows(feature_rows.rows_key(
                                                   space, context if self._reads_data else None, names)))

    def _add(self, name: str, context: RunContext) -> None:
        space = self.space
        if name in space.vector_encodings:
            self._sources.append(partial(_encoded, space, name))
            self.names += [f"{name}[{i}]" for i in range(len(space.encode(space.sample(np.random.default_rng(0)),
                                                                             name)))]
        elif name.partition(":")[0] in ("graph", "graph-subsets"):
            kind, _, view = name.partition(":")
            graph = GraphFeatures(space, [view] if view else None, max_subset=3 if kind == "graph-subsets" else 0)
            self._sources.append(graph)
            self.names += graph.names
        elif name.startswith("proxies:"):
            self._add_task_proxies(name.partition(":")[2], context)
        elif name == "proxies":
            stored = context.stored_proxies(space)
            if not stored:
                where = f"{space.name} {context.dataset}" if context.dataset else space.name
                advice = context_advice(space, context)  # they may well be stored: the context cannot say
                raise UnsupportedError("feature 'proxies' reads stored proxies, and " + (
                    advice or f"none are stored for {where} (by a benchmark or 'nasloop proxies --out'); "
                              f"{_instead_of_proxies(space)}"))
            for proxy in stored:
                self._add(proxy, context)
            _note_absent_proxy_file(stored, context)
        else:
            try:
                scorer = context.scorer(space, name)
            except (ConfigError, RegistryError, UnsupportedError) as exc:
                raise ConfigError(f"feature '{name}' is neither a vector encoding of '{space.name}' "
                                  f"({', '.join(space.vector_encodings) or 'none'}), 'graph', 'graph-subsets' (either "
                                  "also as :<graph encoding>), 'proxies', 'proxies:<task>' nor a proxy nasloop can "
                                  f"read or compute ({exc})") from None
            self._sources.append(partial(_scored, scorer))
            self.names.append(name)
            self._reads_data = True
            if context.computes(space, name):
                self.computed_proxies.append(name)

    @property
    def builds_networks(self) -> bool:
        """Whether a proxy among the sources is computed: each new architecture then builds its network."""
        return bool(self.computed_proxies)

    def _add_task_proxies(self, task: str, context: RunContext) -> None:
        """The benchmark's stored proxies of another of its tasks, e.g. NB201's ImageNet16-120 ones
        for a CIFAR-10 run: the same cells scored on other data, free where a benchmark stores them."""
        benchmark = context.benchmark
        found = benchmark is not None and benchmark.has_task(task)
        proxies = benchmark.proxy_names(task) if found else []
        if not proxies:
            advice = context_advice(self.space, context)
            have = (f"tasks of {benchmark.name}: {', '.join(t.name for t in benchmark.tasks)}" if benchmark
                    else "this run has no benchmark table")
            raise ConfigError(f"feature 'proxies:{task}' reads the benchmark's stored proxies of task '{task}', and "
                              + (advice or f"there are none ({have}); name a task with stored proxies"))
        name = benchmark.task(task).name
        own = benchmark.has_task(context.dataset) and benchmark.task(context.dataset).name == name
        _check_overlap(benchmark, name, proxies[0], context)
        self._reads_data = True
        for proxy in proxies:
            self._sources.append(partial(_stored, benchmark, proxy, name))
            self.names.append(f"{name}:{proxy}")
            if own:
                self._same_as[self.names[-1]] = proxy

    def __call__(self, archs: Sequence[Arch], written: Sequence[Arch] | None = None) -> np.ndarray:
        """The features of ``archs``; ``missing=error`` names the first undefined one as ``written`` has it (the
        same architectures as the user wrote them, where ``archs`` are canonical forms: FLAN's)."""
        archs = list(archs)
        todo = list(dict.fromkeys(a for a in archs if a not in self._cache))
        if todo:
            block = np.concatenate([np.asarray(fn(todo), dtype=np.float64).reshape(len(todo), -1)
                                    for fn in self._sources], axis=1)
            rows = dict(zip(todo, block))
            known = {a: self._cache[a] for a in archs if a in self._cache}
            while self._cache and len(self._cache) + len(rows) > CACHE_ROWS:  # the oldest rows go first
                self._cache.pop(next(iter(self._cache)))
            self._cache.update(rows)
        else:
            known, rows = self._cache, {}
        out = (np.stack([rows[a] if a in rows else known[a] for a in archs]) if archs
               else np.zeros((0, len(self.names))))
        undefined = ~np.isfinite(out)
        if undefined.any() and self.missing == "error":
            column = int(np.argmax(undefined.any(axis=0)))
            example = self.space.format((archs if written is None else written)[int(np.argmax(undefined[:, column]))])
            raise DataError(f"feature '{self.names[column]}' is undefined or not stored (NaN) for "
                            f"{int(undefined[:, column].sum())} of {len(archs)} architectures, e.g. {example}; pass "
                            "--predictor-opt missing=impute to fill them, or drop that feature")
        return out


def encoding_features(space: SearchSpace, encoding: str) -> FeatureSet:
    """The columns of one vector encoding of ``space``, their rows shared within a process (:mod:`.feature_rows`) by
    every predictor reading that encoding: gp and mlp encoded every cell of the space at each predict (0.25-0.5 s on
    NB201), and ``predictors evaluate`` builds one per train size and seed. An encoding reads no data: its rows are
    keyed on the space and the encoding alone, so a run's predictors and a script's share them, and no build lists
    the data folders."""
    return FeatureSet(space, RunContext(dataset=None), [encoding])


def impute(values: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """Undefined entries set below their column's training range, so they sort as the worst scores."""
    return np.where(np.isfinite(values), values, floor[None, :])


class FeatureScaler:
    """Standardises supplementary features with training statistics; undefined values get a flag column.

    Zero-cost proxies are undefined on some architectures (Zen on NB201 cells with no path from
    input to output); a NaN becomes 0 plus a 1 in that feature's "missing" column, so the model
    can learn what undefined means instead of being fed garbage. Some proxies are heavy-tailed
    (NB201: grasp's skew is 118, fisher's 55), so a mean and spread from a few training cells put
    other cells far out (raw grasp over 8 cells: 2.4 million spreads); ``squash`` takes
    sign(x) log(1 + |x|) first, which lifted FLAN with proxies and graph features on NB201 from
    0.532 / 0.753 / 0.837 / 0.876 to 0.554 / 0.763 / 0.838 / 0.878 at 8 / 40 / 128 / 512 cells
    (5 seeds, README).
    """

    def __init__(self, mean: np.ndarray, scale: np.ndarray, squash: bool = True) -> None:
        self.mean, self.scale, self.squash = mean, scale, squash

    @staticmethod
    def _squashed(values: np.ndarray, squash: bool) -> np.ndarray:
        return np.sign(values) * np.log1p(np.abs(values)) if squash else values

    @classmethod
    def fit(cls, values: np.ndarray, squash: bool = True) -> "FeatureScaler":
        """Mean and spread of each column over its defined entries (0 and 1 for a column with none)."""
        values = cls._squashed(values, squash)
        finite = np.isfinite(values)
        count = np.maximum(finite.sum(axis=0), 1)
        mean = np.where(finite, values, 0.0).sum(axis=0) / count
        spread = np.sqrt((np.where(finite, values - mean, 0.0) ** 2).sum(axis=0) / count)
        return cls(mean, np.where(spread > 0, spread, 1.0), squash)

    def transform(self, values: np.ndarray) -> np.ndarray:
        missing = ~np.isfinite(values)
        values = self._squashed(np.where(missing, 0.0, values), self.squash)
        scaled = np.where(missing, 0.0, (values - self.mean) / self.scale)
        return np.concatenate([scaled, missing.astype(np.float64)], axis=1)

    def state(self) -> dict[str, Any]:
        return {"mean": self.mean.tolist(), "scale": self.scale.tolist(), "squash": self.squash}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> "FeatureScaler":
        """A saved scaler; one saved before ``squash`` existed standardised the raw values."""
        return cls(np.asarray(state["mean"]), np.asarray(state["scale"]), bool(state.get("squash", False)))
