"""The evaluator interface.

An evaluator turns an architecture into a :class:`Result`: by a table lookup, by scoring a
zero-cost proxy, or by training. Evaluators hold only configuration (names, paths, numbers) and
load heavy things lazily, so they pickle cheaply and an executor can ship them to worker
processes or Ray nodes. What the run is about (dataset, data folder, benchmark, run folder) comes
in the :class:`~nasloop.engine.context.RunContext` the search builds.
"""
from __future__ import annotations

import dataclasses
import math
import numbers
import traceback
from abc import ABC, abstractmethod
from typing import Any, ClassVar, Mapping, Sequence

import numpy as np

from ...search_spaces.base import Requirement, SearchSpace, missing_capabilities
from ..context import RunContext
from ..errors import (ArchitectureError, ConfigError, NasloopError, NetworkBuildError, PluginFault, UnsupportedError,
                      check_base_init, check_requires, describe_exception, one_line)
from ..registry import EVALUATORS, EXECUTORS, defined_by_nasloop, refusal_for
from ..options import Configurable
from ..types import FAILED, OK, Arch, Result


class Evaluator(Configurable, ABC):
    """Base class for evaluators; subclass and register with ``@register_evaluator``.

    ``requires`` lists the capability mixins (``NetworkSpace``...) the space must have;
    ``uses_benchmark`` says the evaluator answers from the space's benchmark table, which lets a
    space keep to the architectures that table holds.
    """

    plugin_kind = "evaluator"
    requires: ClassVar[tuple[Requirement, ...]] = ()
    uses_benchmark: ClassVar[bool] = False
    instant: ClassVar[bool] = False
    """Answers in microseconds and keeps nothing per trial (a table lookup): a serial search may then
    store an ask and its result in one write, since a crash between them loses nothing worth keeping."""
    repeatable: ClassVar[bool] = False
    """The same architecture and fidelity give the same metrics every time (a table lookup): a resumed run then
    asks a few of its results again, to make sure it reads what it began with."""
    answers_table: ClassVar[bool] = False
    """Answers each query with exactly the value the space's benchmark table holds (a lookup: no noise, no
    training): what is computed from the table then holds for its runs, so a study counts queries to the table's
    best by default and a target or reference point the table rules out is refused before any run. An evaluator
    that merely reads the table (``uses_benchmark``: one adding noise to it) must not declare it."""
    reads_dataset: ClassVar[bool] = False
    """Reads the run's dataset (``self.context.dataset``: images to score or train networks on, a table's task).
    A run whose evaluator does not, on a space with no benchmark that builds no networks and takes no ``context``,
    reads none: it records no dataset (not a CIFAR-10 it never read) and refuses ``--dataset``."""
    objective: str = "val_accuracy"
    """The metric a search optimises by default (higher is better unless ``minimize``)."""
    minimize: bool = False
    metric_units: ClassVar[dict[str, str]] = {}
    """The unit of each metric it measures itself that has one ('%'), for a report's axes; an evaluator reading the
    space's benchmark (``uses_benchmark``) reports the benchmark's ``metric_units`` for the metrics it lists none of."""
    condition_metrics: ClassVar[tuple[str, ...]] = ()
    """Metrics that record under what a result was computed rather than what it measured (training's
    ``torch_threads``), under which the same architecture gives other values in their last digits: a resume whose
    results record another value than the run's earlier ones says so (a resume may change executor or machine)."""
    fidelity_option: ClassVar[str | None] = None
    """The option that sets the fidelity when a run names none (train: ``epochs``): a new run that names a
    fidelity and a different value of this option is refused, since only one of them could be obeyed."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        check_requires(cls, "evaluator")

    def __init__(self, space: SearchSpace, context: RunContext | None = None) -> None:
        self.space = space
        self.context = context or RunContext()

    def _constructed(self) -> None:
        check_base_init(self, "evaluator", EVALUATORS.label(self), "context",
                        "super().__init__(space, context)")
        missing = missing_capabilities(self.space, self.requires)
        if missing:
            raise UnsupportedError(f"evaluator {EVALUATORS.label(self)} needs a search space that "
                                   f"{' and '.join(missing)}; '{self.space.name}' does not")
        # a user's `minimize = "false"`, a true string, would minimise the objective unseen
        if not isinstance(self.minimize, (bool, np.bool_)):
            source = " in its benchmark's Task" if self.uses_benchmark else ""
            raise ConfigError(f"evaluator {EVALUATORS.label(self)}: minimize is {self.minimize!r}; set it{source} to "
                              "True or False (the default objective's direction)")
        if not isinstance(self.objective, str) or not self.objective:
            raise ConfigError(f"evaluator {EVALUATORS.label(self)}: objective is {self.objective!r}; set it to the "
                              "name of the metric a search optimises by default, e.g. objective = 'val_accuracy'")

    @abstractmethod
    def evaluate(self, arch: Arch, fidelity: int | None = None) -> Result:
        """Evaluate one architecture at ``fidelity`` (epochs; None means the evaluator's default)."""

    def metric_names(self, fidelity: int | None = None) -> Sequence[str] | None:
        """The metrics a successful result reports, so a bad ``--objective`` fails before the run
        starts; None when they are known only once a result arrives."""
        return None

    declared_bookkeeping: ClassVar[tuple[str, ...]] = ()
    """Bookkeeping metrics besides its condition metrics (training's epochs): what :meth:`bookkeeping_metrics` names
    with them by default, declared on the class so that ``show`` and ``report`` judge an older run's objective
    without building the evaluator (see :func:`.pareto_summary.bookkeeping_objectives`)."""

    def bookkeeping_metrics(self) -> Sequence[str]:
        """The metrics its results report that record how a result was computed, not what it measured (its condition
        metrics, a replicated run's count of draws), which no search may take as an objective: ``--objectives
        replicates:max`` was run, a front of how many draws were averaged. By default its declared bookkeeping and
        its condition metrics."""
        return (*self.declared_bookkeeping, *self.condition_metrics)

    def metric_source(self, metric: str) -> str:
        """Where ``metric``, which :meth:`metric_names` lacks, comes from when a data file that is not found brings
        it ("; 'edgegpu_latency' is HW-NAS-Bench's, ..."), else "": the metrics to choose from do not say what to
        fetch."""
        return ""

    @classmethod
    def measured_on(cls, options: Mapping[str, Any]) -> str:
        """Which data each metric was measured on, in words, from a run's ``options`` as given (``nasloop show``
        says it); '' where the metrics' names say enough. A benchmark's evaluator is described by its table."""
        return ""

    def warm_up(self) -> None:
        """Load what evaluation loads lazily (a table, a dataset) in this process, ahead of the first
        trial: an executor calls it on each new worker so a trial's timeout measures the trial."""

    def start_note(self) -> str | None:
        """What a user should hear once, before a run's first trial, of a cost no output shows meanwhile (a
        network compiled before it trains), or None."""
        return None

    def untimed(self) -> str | None:
        """Why this evaluator's costs are no measure of time (so ``--max-seconds`` could never end a search), or
        None where they are seconds of training or scoring."""
        return None

    def check(self, fidelity: int | None = None) -> None:
        """Fail now, with one clear line, if evaluation cannot work (missing data, bad dataset or fidelity)."""

    def check_new(self, fidelity: int | None = None) -> None:
        """Fail now, with one clear line, on options that work but not as the user meant (one ignored, a schedule
        that never reaches its rate): asked of a new run only, since a stored run resumes as it began and a
        refusal added later must not leave it unresumable (the resume takes no options to drop it with)."""

    def data_identity(self) -> str | None:
        """The data results come from, in words without its folder (a run whose data folder moved is the same
        run), or None where no copy of it can change under a run. Recorded with a new run; a resume that would
        read other data is refused (the full CIFAR-10 appearing beside the subset a run trained on). A table's
        results are asked again on resume instead (``check_same_results``)."""
        return None


def refused(evaluator: Evaluator | type[Evaluator], exc: ArchitectureError, cost: float) -> Result:
    """The failed trial of an architecture its evaluator cannot evaluate (a cell without an input-output path, one
    a table lacks): the search goes on with the others, where any other nasloop error (bad input, missing data)
    would fail every trial alike and stops it. A user's space's ``to_module`` that raised is said as that: 'evaluator
    proxy refused this architecture: search space S: to_module raised ...' blamed the evaluator for the space's
    crash (here, once, for every evaluator that builds networks)."""
    if isinstance(exc, NetworkBuildError):
        return Result.failed(str(exc), cost=cost)
    return Result.failed(f"evaluator {EVALUATORS.label(evaluator)} refused this architecture: {exc}", cost=cost)


def crashed(evaluator: Evaluator, exc: BaseException, cost: float) -> Result | None:
    """The failed trial of an evaluation that raised ``exc``, which fails that trial alone (its architecture: see
    :func:`refused`; a crash of the evaluator's code on it); None where it stops the search: any other nasloop error
    (bad input, missing data), which every trial would raise alike, or what is no Exception (Ctrl-C)."""
    if isinstance(exc, ArchitectureError):
        return refused(evaluator, exc, cost)
    if isinstance(exc, NasloopError) or not isinstance(exc, Exception):
        return None
    return Result.failed(describe_exception(exc), cost=cost)


def raised_in_evaluate(exc: BaseException, evaluator: Evaluator) -> bool:
    """Whether ``exc`` came through ``evaluator``'s own ``evaluate`` (an evaluation's crash that a user's executor,
    calling it itself, let through), not from the executor's own code."""
    evaluate = type(evaluator).evaluate.__code__
    return any(frame.f_code is evaluate for frame, _ in traceback.walk_tb(exc.__traceback__))


def users_refusal(evaluator: Evaluator) -> type[ConfigError]:
    """What refuses a result that breaks the contract: a :class:`PluginFault` where a user's code gave it (the
    evaluator, or the benchmark whose table it reads), since a fix of that code lets the run continue where it
    stopped (stored 'interrupted' once evaluations stand, not 'failed'); ConfigError for nasloop's own."""
    return refusal_for(evaluator, evaluator.context.benchmark if evaluator.uses_benchmark else None)


def _result_source(evaluator: Evaluator, executor: object, method: str) -> tuple[str, type[ConfigError]]:
    """Who returned a result: the evaluator, or a user's ``executor`` that handed it on (through ``method``), and what
    refuses one that breaks the contract. nasloop's evaluators (on nasloop's benchmark) return only Results that keep
    it, so there the executor is named: its wait returning the metrics dict of the Result was blamed on the evaluator
    ("evaluator tabular: evaluate returned dict") and the run stored failed, where the executor's fix resumes it.
    Where both are the user's, either may have given it, and both are named."""
    refusal = users_refusal(evaluator)
    said = f"evaluator {EVALUATORS.label(evaluator)}: evaluate returned"
    if executor is None or defined_by_nasloop(type(executor)):
        return said, refusal
    handed = EXECUTORS.label(executor)
    if refusal is ConfigError:
        return f"executor {handed}: {method} returned", PluginFault
    return (f"evaluator {EVALUATORS.label(evaluator)}'s evaluate, or executor {handed}'s {method}, which handed its "
            "result on, returned", PluginFault)


def checked_result(evaluator: Evaluator, result: object, executor: object = None, method: str = "wait") -> Result:
    """``result`` if it is what ``evaluate`` promises (a Result of named numbers and a cost in seconds); one line
    naming the evaluator otherwise: a user's evaluator returning ``{"val_accuracy": "high"}`` surfaced as
    nasloop's own ValueError deep in the loop, after the evaluation was spent. ``executor`` handed it on through its
    ``method`` (see :func:`_result_source`)."""
    said, refusal = _result_source(evaluator, executor, method)
    if not isinstance(result, Result):
        raise refusal(f"{said} {type(result).__name__}, not a Result; return Result(metrics={{...}}, cost=SECONDS)")
    if result.status not in (OK, FAILED):  # stored as it was, it made the run's store unreadable: every result lost
        raise refusal(f"{said} status {result.status!r}; a Result's status is '{OK}' (the default) or '{FAILED}' "
                      "(Result.failed(reason) makes one)")
    if not isinstance(result.metrics, Mapping):
        raise refusal(f"{said} metrics of type {type(result.metrics).__name__}; a Result's metrics are a dict of "
                      "names and numbers")
    odd = next(((key, value) for key, value in result.metrics.items() if not isinstance(key, str)
                or value is not None and (isinstance(value, bool) or not isinstance(value, numbers.Real))), None)
    if odd is not None:
        raise refusal(f"{said} metric {odd[0]!r} = {odd[1]!r}, not a number; a Result's metrics map names to "
                      "numbers (NaN or None where one is unknown)")
    huge = next(((f"metric {key!r}", value) for key, value in result.metrics.items() if _beyond_float(value)),
                ("cost", result.cost) if _beyond_float(result.cost) else None)
    if huge is not None:  # float() raised OverflowError: an unexpected error, blamed on nobody
        raise refusal(f"{said} {huge[0]} = an integer of {len(str(abs(huge[1])))} digits, beyond what a float "
                      "holds (the store keeps floats); return a float")
    if isinstance(result.cost, bool) or not isinstance(result.cost, numbers.Real) or not 0 <= result.cost < math.inf:
        raise refusal(f"{said} cost {result.cost!r}; a Result's cost is the evaluation's seconds, a finite "
                      "number >= 0")
    # numpy's numbers are Real too, but the store's SQLite and JSON hold only Python's: a float32 cost went in as
    # bytes, and the run could no longer be read or resumed. (A table lookup, every few microseconds, is already
    # Python's: returned as it is.)
    # (An exception given as a failure's reason, as Result.failed takes one, failed the store's write the same way.)
    if (type(result.cost) is float and type(result.cost_estimated) is bool
            and (result.reason is None or type(result.reason) is str)
            and all(value is None or type(value) is float for value in result.metrics.values())):
        return result
    return dataclasses.replace(result, cost=float(result.cost), cost_estimated=bool(result.cost_estimated),
                               reason=None if result.reason is None else one_line(result.reason, 1000),
                               metrics={key: None if value is None else float(value)
                                        for key, value in result.metrics.items()})


def _beyond_float(value: object) -> bool:
    """An integer too large for a float (a Python int of over 308 digits), which the store holds only as floats."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        return False
    try:
        float(value)
    except OverflowError:
        return True
    return False
