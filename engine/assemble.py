"""Building what a run needs, once: the run context, the search space, and the capability checks.

``nasloop search``, ``predictors evaluate``, ``nasloop proxies`` and ``nasloop train`` all build
their space and context here, so each gets the same benchmark, options and one-line errors.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable, Iterable, Mapping

from ..predictors.base import Predictor
from ..search_spaces.base import NetworkSpace, SearchSpace, missing_capabilities
from ..strategies.base import Strategy
from .config import construct
from .context import RunContext, evaluate_otherwise
from .data.paths import check_data_dir
from .errors import (ArchitectureError, ConfigError, MissingDataError, NasloopError, RegistryError, UnsupportedError,
                     one_line)
from .evaluators.base import Evaluator
from .guided import predictor_of
from .options import effective_options, takes
from .predictor_options import options_per_predictor
from .predictor_readers import NEEDS_DATA, Readers, built_or_none
from .registry import (BENCHMARKS, EVALUATORS, PREDICTORS, SEARCH_SPACES, STRATEGIES, Registry, defined_by_nasloop,
                       sets_no_name)


def space_benchmark(space_factory: type[SearchSpace]) -> Any:
    """The benchmark class the space's ``benchmark`` names, or None where it names none. A plugin space naming a
    benchmark that another file registers, loaded alone, was refused as an unknown benchmark, with no word of the
    space that names it nor of the file to load as well."""
    name = space_factory.benchmark
    if name is None:
        return None
    try:
        return BENCHMARKS.get(name)
    except RegistryError:
        raise RegistryError(f"search space '{space_factory.name}' names the benchmark '{name}' (its class's "
                            "benchmark), which no plugin loaded registers: give the file that registers it with "
                            f"--plugin too, or correct the name; known: {', '.join(BENCHMARKS.names())}") from None


def space_cells(benchmark: Any, space: SearchSpace) -> list:
    """The benchmark's ``cells()``, the first checked to be an architecture of ``space`` as built: a user's
    benchmark listing others (of the space's default options, under --space-opt) failed at the first fit as a
    predictor given architectures of another space, with the advice to pass what space.sample returns."""
    cells = list(benchmark.cells())
    if cells:
        try:
            space.validate(cells[0])
        except ArchitectureError as exc:
            raise ConfigError(f"the {benchmark.name} benchmark's cells() lists {one_line(repr(cells[0]), 80)}, not an "
                              f"architecture of search space '{space.name}' as built ({exc}); make cells() list "
                              "the space's architectures, as its sample returns them, or leave out the --space-opt "
                              "that changes them") from None
    return cells


def build_context(space_factory: type[SearchSpace] | str, dataset: str | None = "cifar10",
                  data_dir: str | None = None, run_dir: str | None = None, lookup: bool = False,
                  workdir: str | None = None, space_options: Mapping[str, Any] | None = None) -> RunContext:
    """The run context for a space: its benchmark (if it names one) is built here, once; relative paths in
    plugin options are read from ``workdir`` (see :attr:`RunContext.workdir`). A ``data_dir`` that is no folder
    is refused here, even by a command that would read nothing from it. The space may be given by its registered
    name, as build_space takes it ('nb101' failed with AttributeError: 'str' object has no attribute 'benchmark').
    A ``lookup`` on a space without a benchmark is refused (the context came back without one, and nothing said
    so); a command that says why in its own words passes ``lookup`` only where the space has a table. The benchmark
    is handed the space's options as the run gives them, its defaults filled in (``Benchmark.space_options``)."""
    check_data_dir(data_dir)
    if isinstance(space_factory, str):
        space_factory = SEARCH_SPACES.get(space_factory)
    name = space_factory.benchmark
    if lookup and name is None:  # a context without a table came back, and the lookups failed later or not at all
        raise UnsupportedError(f"build_context: lookup=True answers evaluations from the space's benchmark table, and "
                               f"search space '{space_factory.name}' has none; pass lookup=False (evaluate it with "
                               f"proxies or training), or choose a space that has one: {', '.join(tabulated_spaces())}")
    wiring = {"space_options": effective_options(space_factory, dict(space_options or {}))}
    benchmark = None if name is None else construct("benchmark", name, space_benchmark(space_factory),
                                                    wiring=wiring, data_dir=data_dir)
    if lookup and benchmark is not None and isinstance(dataset, str):  # 'cifar-10' read no stored proxies, silently
        benchmark.task(dataset)
    return RunContext(dataset=dataset, data_dir=data_dir, run_dir=run_dir, benchmark=benchmark, lookup=lookup,
                      workdir=workdir)


def table_context(space_factory: type[SearchSpace], dataset: str | None, data_dir: str | None = None,
                  run_dir: str | None = None, workdir: str | None = None, looks_up: bool = True,
                  space_options: Mapping[str, Any] | None = None) -> RunContext:
    """:func:`build_context` whose evaluations the space's table answers where it has one and ``looks_up`` (the
    evaluator reads tables); a space without one gets a context without a table, whose ``require_benchmark``
    lets the command say why in its own words, where ``lookup=True`` would be refused in build_context's."""
    lookup = looks_up and space_factory.benchmark is not None
    return build_context(space_factory, dataset, data_dir, run_dir, lookup=lookup, workdir=workdir,
                         space_options=space_options)


def default_dataset(space: str) -> str:
    """The dataset a command on ``space`` uses without ``--dataset``: its benchmark's first task (CIFAR-10 for
    the image spaces, class_scene for TransNAS-Bench-101, ImageNet for NDS's ``-in`` spaces), else CIFAR-10
    (no benchmark, or a plugin space its configuration file registers later)."""
    if space not in SEARCH_SPACES.names():
        return "cifar10"
    name = SEARCH_SPACES.get(space).benchmark
    if name is None:
        return "cifar10"
    tasks = space_benchmark(SEARCH_SPACES.get(space)).tasks
    if not tasks:
        raise ConfigError(f"benchmark '{name}' declares no tasks; give its class tasks = (Task(name, metric), ...), "
                          "the first being the default --dataset")
    return tasks[0].name


def _tasks_at_hand(space: str) -> tuple:
    """The tasks of ``space``'s benchmark; none when the space is not at hand (a plugin not loaded) or has no
    benchmark."""
    if space not in SEARCH_SPACES.names_at_hand() or SEARCH_SPACES.get(space).benchmark is None:
        return ()
    return space_benchmark(SEARCH_SPACES.get(space)).tasks


def canonical_dataset(space: str, dataset: str) -> str:
    """``dataset`` in the letter case of the space benchmark's task of that name (``CLASS_SCENE`` is class_scene),
    so runs, folders and reports name it one way; unchanged otherwise. Aliases are left alone: NB201's
    ``imagenet`` names its ImageNet16-120 task, and the image-folder dataset to a training run."""
    return next((task.name for task in _tasks_at_hand(space) if task.name.lower() == str(dataset).lower()), dataset)


def target_description(space: str, dataset: str, metric: str | None = None) -> str:
    """What the benchmark's values for ``dataset`` are, in its own words (NB301's CIFAR-10 accuracies are the
    surrogate's predictions, NDS's are test accuracies), for the tables and reports that show them; '' when the
    space is not at hand or its benchmark has no such task. The words describe the task's own metric, so another
    ``metric`` (``--metric test_accuracy``) is named first: a ranking of test accuracies was labelled validation.
    The task is found as the benchmark finds it, by name or alias in any case: a run of ``--dataset IMAGENET16`` (kept
    as typed, an alias being left alone) read ImageNet16-120's values, and its summary said nothing of them."""
    task = space_benchmark(SEARCH_SPACES.get(space)).find_task(dataset) if _tasks_at_hand(space) else None
    if task is None:
        return ""
    if metric is None or metric == task.metric:
        return task.description
    return f"{metric}, not the task's {task.metric} ({task.description})"


def table_values(space: str, dataset: str, metric: str | None, evaluator: str) -> str:
    """What a run's values are in its benchmark's words (NB301's CIFAR-10 accuracies are the surrogate's
    predictions), when its evaluator looks them up; '' otherwise."""
    if evaluator not in EVALUATORS.names() or not EVALUATORS.get(evaluator).uses_benchmark:
        return ""
    return target_description(space, dataset, metric)


def metric_unit(space: str, evaluator: str, metric: str) -> str:
    """The unit of ``metric`` as a run of ``evaluator`` on ``space`` reports it ('%', 'ms'), for a figure's axis: the
    evaluator's own, else, where it reads the space's benchmark, the benchmark's; '' where neither names one or
    either plugin is not at hand (a report read without its plugin draws the metric bare, not in a guessed unit)."""
    if evaluator not in EVALUATORS.names_at_hand():
        return ""
    factory = EVALUATORS.get(evaluator)
    if metric in factory.metric_units or not factory.uses_benchmark:
        return factory.metric_units.get(metric, "")
    if space not in SEARCH_SPACES.names_at_hand() or SEARCH_SPACES.get(space).benchmark is None:
        return ""
    return space_benchmark(SEARCH_SPACES.get(space)).metric_units.get(metric, "")


def dataset_for(space: str, dataset: str | None) -> str:
    """The task a command on ``space`` works on: ``dataset`` as the benchmark spells it, else the default one."""
    return canonical_dataset(space, dataset or default_dataset(space))


Guide = tuple[str, Mapping[str, Any], str | None, Mapping[str, Any]]
"""A strategy's name, its options, the predictor named for it (None: its default) and that predictor's options as
``--predictor-opt`` gives them, as a search or a study's method configures them."""


def reads_dataset(space: str, evaluator: str, guides: Iterable[Guide] = ()) -> bool:
    """Whether a search of ``space`` with ``evaluator``, guided by one of ``guides``, reads a dataset: its space has
    a benchmark (whose tasks are the datasets) or takes the run ``context``, its evaluator declares
    :attr:`Evaluator.reads_dataset`, or its space builds networks and a strategy or its predictor, with its options,
    says it reads one (``reads_dataset_with``: proxies computed on the dataset's images, or read from a file
    precomputed for it). A user's space without any of these, searched with its own evaluator, recorded and showed
    CIFAR-10, which nothing had read. A name not registered reads one, as before: building the plugins names it."""
    if space not in SEARCH_SPACES.names() or evaluator not in EVALUATORS.names():
        return True
    factory = SEARCH_SPACES.get(space)
    if factory.benchmark is not None or takes(factory, "context") or EVALUATORS.get(evaluator).reads_dataset:
        return True
    return issubclass(factory, NetworkSpace) and any(_guide_reads(factory, *guide) for guide in guides)


def _guide_reads(space: type[SearchSpace], strategy: str, options: Mapping[str, Any], predictor: str | None,
                 predictor_options: Mapping[str, Any]) -> bool:
    """Whether ``strategy`` or the predictor it ranks with reads the run's dataset, as each declares for its options
    (a forest on one-hot features reads none: taking the run context, it was taken to read one). Unregistered
    names, or options refused, may, as in :func:`reads_dataset`: building the plugins names the problem."""
    predictor = predictor_of(strategy, predictor)
    if strategy not in STRATEGIES.names() or (predictor is not None and predictor not in PREDICTORS.names()):
        return True
    try:
        if predictor is not None:
            chosen = PREDICTORS.get(predictor)
            given = options_per_predictor([predictor], predictor_options)[predictor]
            if chosen.reads_dataset_with(space, effective_options(chosen, given)):
                return True
        factory = STRATEGIES.get(strategy)
        return factory.reads_dataset_with(space, effective_options(factory, dict(options)))
    except NasloopError:
        return True


def run_dataset(space: str, evaluator: str, dataset: str | None, new: bool = True,
                guides: Iterable[Guide] = ()) -> str | None:
    """The dataset a search records and hands its plugins: :func:`dataset_for`, or None where it reads none
    (:func:`reads_dataset`). A new run naming one it would not read is refused; a stored run keeps what it
    recorded (runs from before this check recorded CIFAR-10)."""
    if reads_dataset(space, evaluator, guides):
        return dataset_for(space, dataset)
    if dataset is not None and new:
        raise ConfigError(f"--dataset {dataset} would be read by nothing: search space '{space}' has no benchmark, "
                          f"evaluator '{evaluator}' reads no dataset, and no predictor or warm-up scores networks "
                          "by proxies; drop --dataset, or set reads_dataset = True in an evaluator of yours that "
                          "reads self.context.dataset")
    return dataset


def build_space(name: str, context: RunContext, /, **options: Any) -> SearchSpace:
    """The search space ``name`` with its own options, given the run context if it asks for it."""
    factory = SEARCH_SPACES.get(name)
    if sets_no_name(factory):  # named by its registration for messages; its files and tokens need a name it keeps
        raise ConfigError(f"search space '{name}' ({factory.__name__}) does not set its name; add name = '{name}' to "
                          "the class (it names the space in messages, in its graph tokens and in its proxy files)")
    return construct("search space", name, factory, wiring={"context": context}, **options)


def _names_where(registry: Registry, keep: Callable[[Any], bool]) -> list[str]:
    """The registered names whose plugin ``keep`` accepts; a broken third-party plugin is never one of them."""
    names = []
    for name in registry.names():
        try:
            if keep(registry.get(name)):
                names.append(name)
        except NasloopError:
            continue
    return names


def tabulated_spaces() -> list[str]:
    """The registered search spaces that name a benchmark table (for errors that suggest one)."""
    return _names_where(SEARCH_SPACES, lambda factory: factory.benchmark is not None)


TABLE_NEEDS = ("a Benchmark subclass registered with @register_benchmark and named by the space's benchmark "
               "attribute (README, 'Adding a search space')")
"""What a space needs for a benchmark table of its own."""


def choose_tabulated_space(space: SearchSpace | None = None) -> str:
    """The fix for a command that ranks a benchmark's cells but was given ``space``, which has no table: a user's
    space may have one of its own (only nasloop's spaces were offered)."""
    own = "" if space is None or defined_by_nasloop(type(space)) else (
        f", or give '{space.name}' a table: {TABLE_NEEDS}")
    return f"choose a --space that has one: {', '.join(tabulated_spaces())}{own}"


def _fits(space: SearchSpace, factory: type[Strategy] | type[Evaluator]) -> bool:
    """Whether a plugin's declared needs (capabilities, a benchmark table) are met by ``space``."""
    needs_table = issubclass(factory, Evaluator) and factory.uses_benchmark and space.benchmark is None
    return not needs_table and not missing_capabilities(space, factory.requires)


def require_capabilities(space: SearchSpace, kind: str, name: str,
                         factory: type[Strategy] | type[Evaluator] | type[Predictor], registry: Registry,
                         context: RunContext) -> None:
    """One line, before anything runs, when a plugin needs a capability the space lacks; name those that fit."""
    if issubclass(factory, Evaluator) and factory.uses_benchmark:  # a user's evaluator failed every evaluation
        context.require_benchmark(f"--evaluator {name}", space, lambda: _evaluators_instead(space, registry, context))
    missing = missing_capabilities(space, factory.requires)
    if not missing:
        return
    if kind == "evaluator":  # on any dataset, as _evaluators_instead names them
        fitting = _names_where(registry, lambda other: _evaluator_works(space, other, context, True))
    elif kind == "predictor":
        fitting = Readers(space, context).listed()
    else:
        fitting = _strategies_that_work(space, context, Readers(space, context))
    kinds = "Strategies" if kind == "strategy" else kind.capitalize() + "s"
    raise UnsupportedError(f"{kind} '{name}' needs a search space that {' and '.join(missing)}; "
                           f"'{space.name}' does not. {kinds} that work on it: {', '.join(fitting) or 'none'}")


def _evaluators_instead(space: SearchSpace, registry: Registry, context: RunContext) -> str:
    """What evaluates a space that has no benchmark table: the registered evaluators that work on it, a user's own
    among them (the message named proxy and train only, though the user's own one works too), and what a table
    needs. A space without networks keeps its advice first (write an evaluator, add a benchmark or networks). Each is
    tried on any dataset the space takes, as ``nasloop spaces`` tries it: a user's evaluator reading none left none."""
    fitting = ", ".join(_names_where(registry, lambda other: _evaluator_works(space, other, context, True))) or "none"
    table = f"a table needs {TABLE_NEEDS}"
    if isinstance(space, NetworkSpace):
        return f"evaluators that work on it: {fitting}; {table}"
    return f"{evaluate_otherwise(space)}; evaluators that work on it: {fitting}; {table}"


def fits_on(space: SearchSpace, context: RunContext) -> tuple[dict[str, list[str]], str | None]:
    """The strategies, predictors and evaluators (each with its default options) that work on ``space``: what
    ``nasloop spaces NAME`` lists, so a user of a plugin space need not find out by refusals; and why no predictor
    works when the space's encodings break their contract (every run with a predictor checks them first), else
    None. Strategies are built for the default run, which looks a benchmark's table up: ``predictor-topk`` then
    starts from the benchmark's warm-up proxies."""
    default_run = replace(context, lookup=context.benchmark is not None)  # the default evaluator looks the table up
    readers = Readers(space, default_run)  # built for the context alone, NB101 listed zero-cost, which its run refused
    predictors = readers.listed()
    if default_run.lookup:  # one refused on the table may still work where proxies are computed on the networks
        shown = {*readers.built(), *readers.need_data}
        others = Readers(space, context, readers.tried)  # a user's predictor is tried once a listing
        predictors += others.listed(but=shown, note=" (not in a run that looks the table up)")
    return ({"strategies": _strategies_that_work(space, default_run, readers), "predictors": predictors,
             "evaluators": _names_where(EVALUATORS, lambda other: _evaluator_works(space, other, context, True))},
            readers.problem())


def _evaluator_works(space: SearchSpace, factory: type[Evaluator], context: RunContext,
                     any_dataset: bool = False) -> bool:
    """Whether the evaluator fits ``space`` and builds on it with its default options. Its constructor is the check
    a run meets, and it refuses what declared needs cannot say (zero-cost proxies on ImageNet networks, which have
    no fixed class count), so the listing and the run cannot disagree. With ``any_dataset``, on the context's
    dataset or another the space takes (its table's tasks, CIFAR-10): proxies score TNB101 networks on CIFAR-10,
    not on the default task, whose images nasloop does not read."""
    if not _fits(space, factory):
        return False
    if _evaluator_builds(factory, space, context):
        return True
    tasks = [task.name for task in context.benchmark.tasks] if context.benchmark is not None else []
    for dataset in dict.fromkeys([*tasks, "cifar10"]) if any_dataset else ():
        if dataset == context.dataset:
            continue
        other = replace(context, dataset=dataset)
        try:
            rebuilt = build_space(space.name, other)  # the space may refuse the dataset (an ImageNet one, CIFAR-10)
        except NasloopError:
            continue
        if _evaluator_builds(factory, rebuilt, other):
            return True
    return False


def _evaluator_builds(factory: type[Evaluator], space: SearchSpace, context: RunContext) -> bool:
    return built_or_none(lambda: construct("evaluator", "", factory, space, wiring={"context": context})) is not None


def _strategies_that_work(space: SearchSpace, context: RunContext, readers: Readers) -> list[str]:
    """The strategies that build on ``space`` with their default options, as a search builds them (its
    constructor is the check a run meets: it may refuse what ``requires`` cannot say). A guided one is built with
    its default predictor, and named with the predictors that read the space when its default does not; it is
    left out when none does."""
    named = []
    for name in STRATEGIES.names():
        factory = built_or_none(lambda: STRATEGIES.get(name))
        if factory is None or not _fits(space, factory) or not takes(factory, "seed"):  # taking none, it is refused
            continue
        wiring: dict[str, Any] = {"context": context, "seed": 0, "num_objectives": 1, "reference_point": None}
        suffix = ""
        if takes(factory, "predictor"):
            built = readers.built()
            chosen = factory.default_predictor if factory.default_predictor in built else next(iter(built), None)
            if chosen is None:
                continue
            if chosen != factory.default_predictor:
                suffix = f" (with --predictor {' or '.join(built)})"
            wiring["predictor"] = built[chosen]
        try:
            built = built_or_none(lambda: construct("strategy", name, factory, space, wiring=wiring), MissingDataError)
        except MissingDataError:  # works, once given the data it reads: left out, it read as never working there
            suffix += NEEDS_DATA
            built = factory
        if built is not None:
            named.append(name + suffix)
    return named


def parse_user_arch(space: SearchSpace, space_name: str, text: str) -> Any:
    """``space.parse(text)``, or its one-line refusal plus the other spaces that read ``text`` as written: a string
    copied from another space's run otherwise looks merely malformed. Only built-in spaces and plugins already
    loaded are tried (an installed package is not imported to word an error)."""
    try:
        return space.parse(text)
    except ArchitectureError as exc:
        readers = [name for name in SEARCH_SPACES.names_at_hand() if name != space_name and _reads(name, text)]
        if not readers:
            raise
        raise ArchitectureError(f"{exc} (as written, it is an architecture of {', '.join(readers)})") from None


def _reads(name: str, text: str) -> bool:
    """Whether the space ``name`` with its default options parses ``text`` (False when it cannot be built
    without options or data, or a plugin's parse fails in its own words)."""
    try:
        build_space(name, RunContext()).parse(text)
    except Exception:  # noqa: BLE001 - any failure of another space's parse means only "not one of its strings"
        return False
    return True
