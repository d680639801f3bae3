"""The run context: what a search is run on, built once and handed to the plugins that ask for it.

A plugin declares that it needs the context by naming a ``context`` parameter in its
constructor; the search (and ``predictors evaluate``, ``nasloop train``...) passes the one it
built. Nothing else threads the dataset, data folder or benchmark through constructors, and no
plugin looks up another concrete plugin: a zero-cost warm-up asks the context for a scorer and
gets the benchmark's stored scores where there are some, computed ones otherwise.

The context is small and picklable (the benchmark holds only its data folder and loads its
table lazily in each process), so it travels with evaluators to Ray workers.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence
from weakref import WeakKeyDictionary

import numpy as np

from ..search_spaces.base import Benchmark, NetworkSpace, SearchSpace, enumerable
from .data.datasets import DatasetFacts, dataset_facts, reads_images
from .data.proxy_file import ProxyScores, check_dataset, check_network_size, find_proxy_file, read_proxy_file
from .errors import ConfigError, DataError, MissingDataError, UnsupportedError, checked_folder
from .objectives import Objective
from .proxy_advice import precompute_advice
from .proxy_registry import get_proxy, proxy_names, resolve
from .registry import BENCHMARKS
from .types import Arch
from .user_files import path_from

PRECOMPUTE_REFUSED = ("proxies reading images cannot be computed for it",
                      "name only data-free ones, or let predictors read what its table stores with features=[proxies]")
"""How ``nasloop proxies`` (and its ``--out``) refuses a proxy reading images on a task nasloop reads no images of
(:meth:`RunContext.computed_on`'s ``cannot`` and ``instead``)."""

Scorer = Callable[[Sequence[Arch]], np.ndarray]
"""Maps architectures to one score each (higher is better; NaN where undefined)."""


@dataclass(frozen=True)
class RunContext:
    """The dataset or task, the data folder, the space's benchmark (if any) and the run folder."""

    dataset: str | None = "cifar10"
    """None: the run reads no dataset (see :func:`nasloop.engine.assemble.reads_dataset`)."""
    data_dir: str | None = None
    run_dir: str | None = None
    benchmark: Benchmark | None = None
    lookup: bool = False
    """Whether evaluations are answered by ``benchmark`` (a tabular search): a space may then keep
    to the architectures the table holds."""
    fidelity: int | None = None
    """The fidelity the run's evaluations ask for (None: the evaluator's default): a table-bound space whose table
    lacks some networks' results at some fidelities (NDS runs that stopped early) keeps to those it has there."""
    workdir: str | None = None
    """The folder relative paths in plugin options are read from (the one the run was started in); None: the
    current folder."""
    resumed: bool = False
    """Whether the plugins are a stored run's, resumed: options an older nasloop accepted and a new run is now
    refused (a feature list giving a column twice) are read as that nasloop read them, since a stored run's
    options cannot be given anew."""
    objectives: tuple[Objective, ...] = ()
    """The run's objectives as configured (empty: the evaluator's default): what a strategy's warm-up proxies rank
    for (accuracy) may not be what the run optimises (a size, a latency). ``warmup: auto`` reads this alone, as
    runs stored before :attr:`evaluator_objective` resolved it, so that they resume to the same picks."""
    evaluator_objective: Objective | None = None
    """In the strategy's context, the objective the evaluator optimises when none is configured (built before the
    strategy; None in the other plugins' and without a run): a warm-up's note names it where it is not accuracy (a
    proxy evaluator's first proxy), which the configured list alone left unsaid."""
    on_note: Callable[[str], None] | None = field(default=None, compare=False, repr=False)
    """The run's ``on_note``: a scorer computing a proxy notes there, where the run's other notes go (the command's
    'note:' line, a script's callback), what it could not build; None (a context without a run): Python's logging.
    It stays in the process that built it: a script's callback need not pickle to ship an evaluator to Ray."""

    noted: set[str] = field(default_factory=set, compare=False, repr=False)
    """The notes computed proxies have said in this run (by kind and proxy), so each is said once however many
    scorers compute the proxy (a precomputed file's makes one at each ask for the cells it lacks)."""

    def __getstate__(self) -> dict:
        """The context as it travels (to Ray's workers, or a copy): without the run's callback (see ``on_note``)."""
        return {**self.__dict__, "on_note": None}

    def __post_init__(self) -> None:
        checked_folder("data_dir", self.data_dir)  # in the words every other data folder is refused in

    def user_path(self, value: str | os.PathLike) -> Path:
        """A file a user named in an option, read from ``workdir`` when the name is relative."""
        return path_from(self.workdir, value)

    def require_benchmark(self, who: str, space: SearchSpace, instead: Callable[[], str] | None = None
                          ) -> Benchmark:
        """The benchmark, or one line saying that ``who`` needs one and what to do instead (``instead()``,
        called only then: a suggestion may have to import every plugin)."""
        if self.benchmark is None:
            if space.benchmark is not None:  # a context built by hand, without the space's table
                raise UnsupportedError(f"{who} needs the {space.benchmark} benchmark, and this run context has none; "
                                       "build it with nasloop.engine.assemble.build_context(space class, dataset, "
                                       "data_dir)")
            raise UnsupportedError(f"{who} needs a benchmark table, and search space '{space.name}' has none; "
                                   f"{(instead or (lambda: evaluate_otherwise(space)))()}")
        return self.benchmark

    def image_dataset(self, cannot: str, instead: str, any_images: bool = False) -> DatasetFacts:
        """The run's dataset, whose images are read to ``cannot`` without them; a benchmark task nasloop reads no
        images of (TransNAS-Bench-101's) is named as such, with ``instead`` and the proxies its table stores.

        ``any_images``: the caller (training, proxies computed on the networks) needs no result of the table, so
        it works on CIFAR-10 even where the table has no task nasloop reads images of, and the advice says so:
        ``search --space tnb101-micro --evaluator train`` was told only to search the table instead. (Predictors
        reading stored proxies need the table's task, so theirs does not.)"""
        try:
            return dataset_facts(self.dataset)
        except ConfigError:
            if self.benchmark is None or not self.benchmark.has_task(self.dataset):
                raise
        try:  # not stored_proxies(), where a missing table stores none: it said 'it stores no proxies'
            stored = self.benchmark.proxy_names(self.dataset)
            named = ", ".join(stored) if len(stored) <= 4 else f"{', '.join(stored[:3])} and {len(stored) - 3} more"
            held = f"it stores {named or 'no proxies'} for this task"
        except MissingDataError as exc:
            held = f"the table, which stores its results and proxies, is missing: {exc}"
        readable = next((task.name for task in self.benchmark.tasks if reads_images(task.name)),
                        "cifar10" if any_images else None)
        other = f", or use images with --dataset {readable}" if readable else ""  # a plugin's table may have none
        raise ConfigError(f"'{self.dataset}' is a task of the {self.benchmark.name} table whose images nasloop does "
                          f"not read, so {cannot}; {instead} ({held}){other}") from None

    def stored_proxies(self, space: SearchSpace | None = None) -> list[str]:
        """The proxies stored for this task: the benchmark's, and with ``space`` those of its
        precomputed proxy file (``nasloop proxies --out``) in the data folders."""
        names = []
        if space is not None:
            self._check_space(space)
        if self.benchmark is not None and self.benchmark.has_task(self.dataset):
            try:
                names = self.benchmark.proxy_names(self.dataset)
            except MissingDataError:
                if self.lookup:  # answered by the table: it cannot go without it
                    raise  # otherwise nothing is stored, and proxies are computed on the networks
        if space is not None:
            found = self._proxy_file(space)
            names = sorted(set(names) | set(found.names if found else ()))
        return names

    def partial_proxies(self) -> dict[str, tuple[int, int]]:
        """The benchmark's stored proxies its source scored for only some cells: (scored, held) each (see
        :meth:`Benchmark.partial_proxies`); none where its table is absent and the run computes proxies."""
        if self.benchmark is None or not self.benchmark.has_task(self.dataset):
            return {}
        try:
            return self.benchmark.partial_proxies(self.dataset)
        except MissingDataError:
            if self.lookup:
                raise
            return {}

    def _proxy_file(self, space: SearchSpace) -> ProxyScores | None:
        path = None if self.dataset is None else find_proxy_file(space.name, self.dataset, self.data_dir)
        if path is None:
            return None
        found = read_proxy_file(path, space)
        check_dataset(path, found, self.dataset)
        check_network_size(path, found, space)
        return found

    def scorer(self, space: SearchSpace, proxy: str) -> Scorer:
        """Scores of ``proxy``: stored ones when the benchmark or a precomputed file has them, else computed.

        Computing builds each architecture's network (``space.to_module``) and scores it on a
        real mini-batch of the context's dataset, so it needs a space that builds networks. An
        architecture a precomputed file lacks is computed the same way, on the file's mini-batch and seed.
        """
        source, found = self._proxy_source(space, proxy)
        if source == "benchmark":
            return functools.partial(_stored_scores, self.benchmark, proxy, self.dataset)
        if found is not None:
            return self._file_scorer(space, proxy, found)
        return self._computed(space, proxy)

    def computes(self, space: SearchSpace, proxy: str) -> bool:
        """Whether :meth:`scorer` builds new architectures' networks to score ``proxy``: nothing stores it, or
        only a precomputed file that lacks part of the space (a sample, an interrupted ``--all``, a space too
        large to enumerate), whose missing architectures are computed."""
        source, found = self._proxy_source(space, proxy)
        if found is None:
            return source == "computed"
        return not (enumerable(space) and len(_held(found, found.names.index(proxy))) >= space.size)

    def computing_note(self, space: SearchSpace, who: str, reads: str, proxies: Sequence[str] = ()) -> str:
        """A note that ``who`` builds and scores networks for ``proxies`` (those it computes; empty: not known), on
        each of ``reads``: up to seconds a network on a CPU, which a user expecting lookups should hear before they
        start. It names what the run computes, what a precomputed file holds (for how many architectures), what is
        stored, and the table's proxies this run can neither read nor compute (it listed those as a file's)."""
        stored = self.stored_proxies(space)
        found = self._proxy_file(space)
        path = find_proxy_file(space.name, str(self.dataset), self.data_dir) if found else None
        partial = [p for p in stored if self.computes(space, p)]  # a file's sample, or the table's not serving here
        filed: dict[tuple[int, bool], list[str]] = {}  # (architectures the file holds, the others computed): proxies
        for proxy in partial:
            if found is not None and proxy in found.names:  # not the table's: computes() said it does not serve
                held = len(_held(found, found.names.index(proxy)))
                filed.setdefault((held, self._computable(proxy)), []).append(proxy)
        in_file = {p for names in filed.values() for p in names}
        lacking = [p for p in partial if p not in in_file and not self._computable(p)]
        clauses = [f"stored: {', '.join(p for p in stored if p not in partial) or 'none'}",
                   *(f"{', '.join(names)} from the precomputed proxy file {path} for the {held:,} architectures it "
                     f"holds, {'computed for the others' if computable else 'unavailable for the others'}"
                     for (held, computable), names in filed.items())]
        if lacking:  # a resized space's table proxies that read images of a task nasloop reads none of
            clauses.append(f"unavailable: {', '.join(lacking)} (the table's scores do not serve this run's networks, "
                           "and nasloop cannot compute these here)")
        clauses.append(precompute_advice(space, self.dataset or "cifar10", self.data_dir, proxies,
                                         (path, found) if path is not None and found is not None else None))
        if self._imageless_task():  # the data-free ones only, which are all a run computes here
            clauses[-1] += (f" ({'' if proxies else 'those that read no images, '}on the networks as built for "
                            "CIFAR-10, as runs compute them)")
        what = " and ".join(", ".join(proxies).rsplit(", ", 1)) if proxies else "a proxy nothing stores"
        return (f"{who} computes {what} for {space.name} {self.dataset} on each of {reads}, building each network at "
                f"the space's size: up to seconds a network on a CPU ({'; '.join(clauses)})")

    def _computable(self, proxy: str) -> bool:
        """Whether this run can compute ``proxy``: nasloop has it, and it reads no images where nasloop reads none."""
        return proxy in proxy_names() and not (self._imageless_task() and get_proxy(proxy).needs_data)

    def table_proxies(self, space: SearchSpace, proxies: Sequence[str]) -> list[str]:
        """Those of ``proxies`` that a run on ``space`` reads from the benchmark's stored proxies whatever a
        precomputed file holds (they come first: :meth:`_proxy_source`)."""
        self._check_space(space)
        if not self._table_serves(space):  # first: NB201's stored names load NAS-Bench-Suite-Zero's whole file
            return []
        stored = set(self.stored_proxies())
        return [p for p in proxies if p in stored]

    def _proxy_source(self, space: SearchSpace, proxy: str) -> tuple[str, ProxyScores | None]:
        """Where :meth:`scorer` reads ``proxy`` from: the benchmark, a precomputed file (returned), or nowhere."""
        self._check_space(space)
        if proxy in self.stored_proxies() and self._table_serves(space):
            return "benchmark", None
        found = self._proxy_file(space)
        if found is not None and proxy in found.names:
            return "file", found
        return "computed", None

    def _check_space(self, space: SearchSpace) -> None:
        """One line for a space whose benchmark is not this context's: an NB201 predictor handed the context built
        for NB101 looked its cells up in NB101's table, failing in Python's words ('tuple' object has no attribute
        'num_nodes') or, with a precomputed file, reading another space's scores."""
        if self.benchmark is None or space.benchmark is None or space.benchmark == self.benchmark.name:
            return
        if space.benchmark not in BENCHMARKS.names_of(self.benchmark):  # registered under several names: any is it
            raise ConfigError(f"this run context holds the {self.benchmark.name} benchmark, and search space "
                              f"'{space.name}' is tabulated by {space.benchmark}; build the space's own context: "
                              f"build_context({type(space).__name__}, dataset, data_dir)")

    def _table_serves(self, space: SearchSpace) -> bool:
        """Whether the benchmark's stored proxies can score every architecture this run meets.

        So in a tabular run, or where the table holds the whole space (NB201, TNB101). A run off the
        table (``--evaluator proxy`` or ``train`` on NB101, DARTS, NDS) meets cells it lacks: the table's
        scores would leave them undefined, and filling them in with scores of the run's own networks
        (another width, another mini-batch) would mix two scales in one column, so such a run computes
        the proxy on its networks for every cell. So does a space sized away from the benchmark's networks
        (``--space-opt channels=8``), lookup or not. A space that builds no networks has only the table.
        """
        if isinstance(space, NetworkSpace) and space.resized():  # the table's scores are of other networks
            return False
        if self.lookup or not isinstance(space, NetworkSpace):
            return True
        return enumerable(space) and _held_cells(self.benchmark) >= space.size

    def _computed(self, space: SearchSpace, proxy: str, batch_size: int = 64, seed: int = 0) -> Scorer:
        if not isinstance(space, NetworkSpace):
            stored = self.stored_proxies(space)  # a run that reads no dataset said 'for my-space None'
            where = f"{space.name} {self.dataset}" if self.dataset else space.name
            raise UnsupportedError(f"proxy '{proxy}' is not stored for {where} "
                                   f"({'stored: ' + ', '.join(stored) if stored else 'nothing is stored'}) and "
                                   f"search space '{space.name}' cannot build networks to compute it; derive it "
                                   "from NetworkSpace and define to_module (the README's 'Adding a search space')"
                                   f"{', or name a stored proxy' if stored else ''}")
        from .proxy_scoring import computed_scorer  # here: a run that computes no proxy never imports torch

        resolve([proxy])  # an unknown name is named as no proxy, not as one this dataset cannot compute
        try:
            self._check_table_found(proxy)
            dataset = self.computed_on([proxy], f"proxy '{proxy}', not stored for it, cannot be computed",
                                       "name a stored one")
            return computed_scorer(space, proxy, dataset, self.data_dir, batch_size, seed, self.on_note, self.noted)
        except (ConfigError, DataError) as exc:  # no images to compute it on: the file that stores it, if any
            benchmark = self.benchmark
            note = benchmark.proxy_source(proxy, self.dataset) if benchmark and benchmark.has_task(self.dataset) else ""
            if not note:
                raise
            raise type(exc)(f"{exc}{note}") from None

    def computed_on(self, proxies: Sequence[str], cannot: str, instead: str, any_images: bool = False) -> str:
        """The dataset ``proxies`` are computed on: the run's. On a task whose images nasloop does not read
        (TransNAS-Bench-101's), data-free ones (``needs_data=False``) read only the batch's shape and are computed on
        the networks as built for CIFAR-10, as the proxy evaluator scores TNB101's (refused, FLAN's advice
        supplementary=[params, flops] failed on its tasks, and 'nasloop proxies' could not precompute them); any
        that reads images is refused as :meth:`image_dataset` says (``cannot``, ``instead``, ``any_images``)."""
        if self._imageless_task():
            reading = [p.name for p in resolve(proxies) if p.needs_data]
            if not reading:
                return "cifar10"
            # 'proxies cannot be computed for it' read as if none could, where the data-free ones are
            free = [p.name for p in resolve(proxy_names()) if not p.needs_data]
            cannot += (f" ({', '.join(reading)} read{'s' if len(reading) == 1 else ''} images; the data-free proxies "
                       f"can be, on the networks as built for CIFAR-10: {', '.join(free)})")
        self.image_dataset(cannot, instead, any_images)
        return str(self.dataset)

    def _imageless_task(self) -> bool:
        """Whether the run's dataset is a benchmark's task nasloop reads no images of (TransNAS-Bench-101's)."""
        benchmark = self.benchmark
        return benchmark is not None and benchmark.has_task(self.dataset) and reads_images(self.dataset) is None

    def _check_table_found(self, proxy: str) -> None:
        """A task nasloop reads no images of (TransNAS-Bench-101's) has only its table's stored proxies: with the
        table missing, ``proxy`` is one of them for all this run can tell, so its refusal is the missing file
        (MissingDataError: works once found), not the proxy's. Refused as never stored, the zero-cost predictor
        vanished from 'nasloop spaces tnb101-micro' on a machine without the data."""
        benchmark = self.benchmark
        if benchmark is None or not self._imageless_task():
            return
        try:
            benchmark.proxy_names(self.dataset)
        except MissingDataError as exc:
            raise MissingDataError(f"proxy '{proxy}' of {benchmark.name} {self.dataset} (a task whose images "
                                   f"nasloop does not read) comes from the table's stored proxies, and {exc}") from None

    def _file_scorer(self, space: SearchSpace, proxy: str, found: ProxyScores) -> Scorer:
        """The file's scores, those of architectures it lacks computed with its mini-batch and seed (its settings
        line has them): with the run's own, a 'nasloop proxies --batch-size 16' file's column held two scales."""
        column = found.names.index(proxy)
        return functools.partial(_file_scores, self, space, proxy, column, _held(found, column), found.settings)


def _stored_scores(benchmark: Benchmark, proxy: str, task: str | None, archs: Sequence[Arch]) -> np.ndarray:
    """A benchmark's stored scores: a module function, so that the predictor holding it pickles (a lambda did not)."""
    return benchmark.proxy_scores(list(archs), proxy, task)


def _file_scores(context: RunContext, space: SearchSpace, proxy: str, column: int, rows: dict[str, np.ndarray],
                 settings: dict[str, Any], archs: Sequence[Arch]) -> np.ndarray:
    """A precomputed file's scores, those it lacks computed (:meth:`RunContext._file_scorer`); pickles likewise."""
    texts = [space.format(a) for a in archs]
    missing = [a for a, t in zip(archs, texts) if t not in rows]
    scorer = context._computed(space, proxy, settings["batch_size"], settings["seed"]) if missing else None
    computed = iter(scorer(missing)) if scorer else iter(())
    return np.array([rows[t][column] if t in rows else next(computed) for t in texts], dtype=np.float64)


def _held(found: ProxyScores, column: int) -> dict[str, np.ndarray]:
    """The file's rows that hold the score of its ``column``: one that failed as the run's error (written
    ``failed``) is computed as a missing one is, where it read as undefined (ranked below every scored cell)."""
    if not found.failed:
        return found.scores
    return {key: values for key, values in found.scores.items()
            if key not in found.failed or not found.failed[key][column]}


_HELD_CELLS: WeakKeyDictionary[Benchmark, int] = WeakKeyDictionary()


def _held_cells(benchmark: Benchmark) -> int:
    """How many architectures ``benchmark`` holds (0 when it cannot list them), counted as the benchmark can, once per
    benchmark object (NB201 lists its 15,625 cells for it in 0.1 s) and without keeping the object alive: the list
    built only for its length held NB101's 30,001 cells for the process's life, and its cache 8 benchmarks."""
    held = _HELD_CELLS.get(benchmark)
    if held is None:
        try:
            held = benchmark.cell_count()
        except UnsupportedError:
            held = 0
        _HELD_CELLS[benchmark] = held
    return held


def evaluate_otherwise(space: SearchSpace) -> str:
    """What evaluates a space without a table: its networks, if it builds them."""
    if isinstance(space, NetworkSpace):
        return "use --evaluator proxy (zero-cost) or --evaluator train"
    return ("it builds no networks either, so no built-in evaluator can: use an evaluator of your own (--evaluator), "
            "give its class a benchmark, or derive it from NetworkSpace and define to_module")


def refuse_resized(space: SearchSpace, reader: str, instead: str = "") -> None:
    """One line for size options (``--space-opt channels=8``) where ``reader`` takes a table's results, which are
    the benchmark's own networks': the option changed nothing a tabular run reports, and ``predictors evaluate``,
    whose targets are those results, accepted it where ``search`` refused it."""
    resized = space.resized() if isinstance(space, NetworkSpace) else []
    if resized:
        raise ConfigError(f"--space-opt {', '.join(resized)} sizes the networks {space.name} builds, and {reader} its "
                          f"table's results for the benchmark's own networks; drop it{instead}")
