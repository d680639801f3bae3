"""What a run's configuration must pass before its first evaluation, beyond each plugin's own checks.

A new search (or a study's runs) passes all of them before its folder exists; a resumed one those its
changes touch (a larger budget, a seconds budget), after its stored configuration has been found whole.
"""
from __future__ import annotations

import math
import os
from collections.abc import Collection
from typing import Any, Callable, Mapping, Sequence

from ..search_spaces.base import SearchSpace, enumerable
from ..strategies.base import Strategy
from .config import SearchConfig
from .errors import ArchitectureError, ConfigError, DataError, NasloopError, describe_exception, one_line
from .evaluators.base import Evaluator
from .objectives import Objective, check_directions
from .options import effective_options
from .registry import EVALUATORS, STRATEGIES, defined_by_nasloop
from .run_folders import started_in
from .space_checks import check_space_moves
from .state_json import state_json
from .store import RunStore
from .store_rows import RESTORE, Trial
from .stored_keys import stored_arch
from .user_dirs import expand_user
from .user_files import path_from


FUNCTIONS_COUNTED_UP_TO = 100_000
"""The largest space whose distinct functions are counted before a functionally de-duplicated run (NB201's 15,625
cells take a tenth of a second); a larger one is left to the search's stop on a streak of repeats."""


def check_budget(budget: int | None, space: SearchSpace, name: str, dedup: str = "exact") -> None:
    """A query budget above the space's size can never be spent: a run given one would end short of it, at
    best when every architecture is known, and a study's budgets would not be what they say. Under
    ``--dedup functional`` the bound is the number of distinct networks (NB201: 4,930 of 15,625 cells): a run
    past it ended only after 10,000 repeats in a row."""
    size = space.size
    if budget is None or size is None:
        return
    if budget > size:
        raise ConfigError(f"--budget {budget} exceeds the {size} architectures of {name}; give --budget {size} "
                          "or less")
    # a space keeping the default functional hash (its hash, NB101's graph hash) has as many functions as
    # architectures: counting them built NB101's 30,001 table cells (0.6 s, 28 MB) for the size already checked
    same = type(space).functional_hash is SearchSpace.functional_hash
    if dedup != "functional" or same or size > FUNCTIONS_COUNTED_UP_TO or not enumerable(space):
        return
    if budget > (functions := len({space.functional_hash(arch) for arch in space.enumerate()})):
        raise ConfigError(f"--budget {budget} exceeds the {functions:,} distinct networks of the {size:,} "
                          f"architectures of {name} under --dedup functional; give --budget {functions} or less, "
                          "or --dedup exact")


def random_start(strategy_factory: type[Strategy], options: Mapping[str, Any]) -> int | None:
    """How many evaluations the strategy draws at random, with ``options``, before it uses what it has seen (a
    guided one's predictor's first fit), where it says: a run no longer than that never ranks with it."""
    option = strategy_factory.random_start
    start = effective_options(strategy_factory, options).get(option) if option else None
    return start if isinstance(start, int) and not isinstance(start, bool) else None


def random_start_note(strategy: str, options: Mapping[str, Any], done: int) -> str | None:
    """Why a run of ``done`` evaluations, no longer than its strategy's random start (evolution's population, a
    guided strategy's ``num_init``), was random search run for run, with the fix; None for a longer one. Said
    after a search and before a study's runs (a study at --budget 30 compared random search with itself)."""
    factory = STRATEGIES.get(strategy)
    option, start = factory.random_start, random_start(factory, options)
    if start is None or done > start:
        return None
    return (f"{strategy} draws its first {start} evaluations "
            f"{factory.random_start_note.format(option=option, done=done)}; raise --budget above {start} or lower "
            f"{option}")


def note_random_start(summary: dict[str, Any], config: SearchConfig, on_note: Callable[[str], None] | None,
                      before: int | None = None) -> dict[str, Any]:
    """``summary``, once ``on_note`` has heard that its run was random search run for run (:func:`random_start_note`).
    Only the command line said it, from the summary it printed, so a script's ``on_note`` never heard that its
    30-evaluation evolution run was random search. Not said of a failed run, nor of a resume that found the run
    finished with ``before`` evaluations done and did nothing."""
    nothing_done = summary["status"] == "finished" and before == summary["evaluations"] - summary["pending"]
    if on_note is not None and summary["status"] != "failed" and not nothing_done:
        note = random_start_note(config.strategy, config.strategy_options, summary["evaluations"])
        if note:
            on_note(note)
    return summary


def check_evaluator(evaluator: Evaluator, fidelity: int | None, new_run: bool) -> None:
    """``evaluator.check`` (``check_new`` for a new run) before the run, called as the bound method, not looked up by
    name; the message names the contract's method, whatever the function's own name. A user's that fails in
    Python's words (a ValueError for an option it dislikes) is named in one ConfigError line with its message and
    where it raised, as a user's predictor that fails when tried is (:func:`.predictor_trial.tried_predictor`):
    otherwise nothing named the evaluator. nasloop's own evaluators fail only as NasloopError there: anything else
    is a bug of ours, and keeps its traceback."""
    check, method = (evaluator.check_new, "check_new") if new_run else (evaluator.check, "check")
    try:
        check(fidelity)
    except (NasloopError, OSError):  # an OSError is the machine's (a lost table server): the CLI says so, with where
        raise
    except Exception as exc:  # the user's code may fail in any way
        if defined_by_nasloop(type(evaluator)):
            raise
        raise ConfigError(f"evaluator '{EVALUATORS.label(evaluator)}': its {method}() failed before the run: "
                          f"{describe_exception(exc)}; fix the evaluator or the options it refuses") from None


def check_objective(config: SearchConfig, evaluator: Evaluator) -> None:
    """An objective the evaluator will never report fails now, before a run directory exists."""
    objectives = config.objective_list()
    declared = not defined_by_nasloop(type(evaluator).metric_names)
    if not objectives and not declared:  # nasloop's are consistent, and a table's may look a cell up to know
        return
    known = evaluator.metric_names(config.fidelity)
    if known is not None and (isinstance(known, str) or not isinstance(known, Collection)
                              or not all(isinstance(name, str) for name in known)):
        # ("acc") for ("acc",): 'ac' was then found in it as in a string, and refused after the first training
        raise ConfigError(f"evaluator {config.evaluator}: metric_names returned {one_line(repr(known), 80)}; return a "
                          "list of metric names, e.g. ['val_accuracy']")
    if not objectives:  # the default objective of a user's metric_names lacking it failed after its first training
        if known is not None and evaluator.objective not in known:
            raise ConfigError(f"the {config.evaluator} evaluator's default objective '{evaluator.objective}' is not "
                              f"one of the metrics its metric_names lists ({', '.join(sorted(known)) or 'none'}); "
                              "set the class's objective to one of them, or give --objective")
        return
    flag = "--objectives" if config.objectives else "--objective"
    kept = _bookkeeping(config.evaluator, evaluator)
    results = sorted(m for m in known or () if m not in kept)  # what can be an objective
    objective = _unreported(objectives, known)
    if objective is not None:
        raise ConfigError(f"the {config.evaluator} evaluator reports no '{objective.metric}' metric; choose "
                          f"{flag} from: {', '.join(results)}{evaluator.metric_source(objective.metric)}")
    objective = next((o for o in objectives if o.metric in kept), None)
    if objective is not None:  # the search was run, and its report drew a front of torch threads or of draws
        choices = f"choose {flag} from: {', '.join(results)}" if results else f"choose {flag} among its results"
        raise ConfigError(f"'{objective.metric}' is bookkeeping of the {config.evaluator} evaluator (how a result was "
                          f"computed, not what it measured), no objective; {choices}")


def _bookkeeping(name: str, evaluator: Evaluator) -> Collection[str]:
    """The evaluator's own bookkeeping metrics (:meth:`.evaluators.base.Evaluator.bookkeeping_metrics`), which no
    objective may name, or one line for a user's that returns no list of names."""
    kept = evaluator.bookkeeping_metrics()
    if isinstance(kept, str) or not isinstance(kept, Collection) or not all(isinstance(m, str) for m in kept):
        raise ConfigError(f"evaluator {name}: bookkeeping_metrics returned {one_line(repr(kept), 80)}; return a list "
                          "of metric names, e.g. ['torch_threads']")
    return kept


def _unreported(objectives: Sequence[Objective], known: Sequence[str] | None) -> Objective | None:
    """The first of ``objectives`` whose metric the evaluator does not list (``known``; None: it cannot tell)."""
    return next((o for o in objectives if known is not None and o.metric not in known), None)


def check_fidelity(config: SearchConfig, evaluator: Evaluator) -> None:
    """A fidelity given twice, as the run's and as the evaluator's option, with different values, fails now
    (``--epochs 1 --evaluator-opt epochs=3`` would train one epoch and drop the other value unseen)."""
    option = evaluator.fidelity_option
    given = config.evaluator_options.get(option) if option else None
    if config.fidelity is not None and given is not None and given != config.fidelity:
        raise ConfigError(f"--fidelity (--epochs) {config.fidelity} and --evaluator-opt {option}={given} both set "
                          f"the {config.evaluator} evaluator's fidelity; give it once")


def check_new_run(config: SearchConfig, plugins: tuple[SearchSpace, Strategy, Evaluator],
                  on_note: Callable[[str], None] | None = None) -> None:
    """What a new run (or a study's runs) must pass before its folder exists; a stored run resumes as it began.
    ``on_note`` hears what passes but will not work as the user may expect."""
    space, evaluator = plugins[0], plugins[2]
    check_space_moves(space)  # a size that is no number first: the budget is checked against it
    check_budget(config.budget, space, config.space, config.dedup)
    if config.minimize and config.objective is None:  # it would silently maximise the default objective
        raise ConfigError(f"--minimize applies to --objective; name the metric to minimise, e.g. --objective "
                          f"{evaluator.objective} --minimize (the {config.evaluator} evaluator's default objective "
                          f"is {'minimised' if evaluator.minimize else 'maximised'})")
    check_directions(config.objectives)
    objectives = config.objective_list() or ()
    # stored and used nowhere; checked here, not in SearchConfig, so that a run stored with one still resumes
    if config.reference_point is not None and len(objectives) < 2:
        raise ConfigError(f"--reference-point bounds a hypervolume, which needs two or more objectives, and "
                          f"--objectives names one ({objectives[0]}); drop --reference-point or name another "
                          "objective")
    check_objective(config, evaluator)
    check_evaluator(evaluator, config.fidelity, new_run=True)
    check_seconds_budget(config, evaluator, on_note)
    note_reversed_objective(config, evaluator, on_note)
    note_unstated_direction(config, evaluator, on_note)
    note_unsaved_state(plugins[1], on_note)
    check_storable_state(plugins[1])
    note_exact_functional_hash(config, space, on_note)


def check_storable_state(strategy: Strategy) -> None:
    """A user's strategy whose state the store cannot keep (a numpy array it holds from its constructor on) is
    refused before the run's folder exists, as the first save would refuse it: it left a failed run of no
    evaluations behind. State that becomes unstorable later is refused at that save, naming where it lies."""
    if not defined_by_nasloop(type(strategy).state_dict):
        state_json(strategy.state_dict())


def note_exact_functional_hash(config: SearchConfig, space: SearchSpace,
                               on_note: Callable[[str], None] | None) -> None:
    """``--dedup functional`` on a user's space that keeps the base class's ``functional_hash`` (its exact hash) ran
    as exact dedup, and nothing said so. Said only where the exact form is the user's own (``format`` or ``hash``):
    nasloop's spaces whose exact hash is already functional (NB101's graph hash, TNB101-macro) keep the default
    rightly, and a user's subclass of one keeps theirs. Said before a new run's first evaluation, and on each resume."""
    cls = type(space)
    if (on_note is None or config.dedup != "functional" or cls.functional_hash is not SearchSpace.functional_hash
            or all(defined_by_nasloop(getattr(cls, name)) for name in ("format", "hash"))):
        return
    on_note(f"search space '{config.space}' defines no functional_hash, so --dedup functional counts only "
            "architectures written alike as repeats, as --dedup exact does; to count those that compute the same "
            "network as one, define functional_hash(arch) returning one string for all of them (README: Adding a "
            "search space)")


def note_reversed_objective(config: SearchConfig, evaluator: Evaluator, on_note: Callable[[str], None] | None) -> None:
    """Note an objective that runs the evaluator's own metric against the direction it counts better
    (``--objective val_neg_l2_loss --minimize`` on TNB101 room_layout, a negated loss: the worst networks).
    A note, not a refusal: looking for the worst architectures is a legitimate study. Only where the direction is
    a benchmark task's: a proxy evaluator maximises its first proxy by default, and minimising params is common."""
    if not evaluator.uses_benchmark:
        return
    found = next((o for o in config.objective_list() or () if o.metric == evaluator.objective
                  and o.minimize != evaluator.minimize), None)
    if found is None or on_note is None:
        return
    if config.objective is not None:
        given = "--minimize" if found.minimize else f"--objective {found.metric} without --minimize"
        fix = "drop --minimize" if found.minimize else "add --minimize"
    else:
        given, fix = str(found), f"write {found.metric}:{'min' if evaluator.minimize else 'max'}"
    on_note(f"{given} searches for the {'lowest' if found.minimize else 'highest'} {found.metric}, which the "
            f"{config.evaluator} evaluator counts better {'lower' if evaluator.minimize else 'higher'}: the worst "
            f"architectures; {fix} to search for the best")


def note_unstated_direction(config: SearchConfig, evaluator: Evaluator,
                            on_note: Callable[[str], None] | None) -> None:
    """``--objective edgegpu_latency`` without ``--minimize`` searched for the slowest cells, without a word, where
    ``--objectives`` refuses a bare name. A note, not a refusal: a metric other than the evaluator's own may be
    better higher (``test_accuracy``), and ``--objective NAME`` alone stays a valid command."""
    if on_note is None or config.objective is None or config.minimize or config.objective == evaluator.objective:
        return
    on_note(f"--objective {config.objective} is maximised; add --minimize if lower is better (a latency, an energy, "
            f"params_m, flops_m), or give --objectives {config.objective}:max to say higher is better")


def note_unsaved_state(strategy: Strategy, on_note: Callable[[str], None] | None) -> None:
    """A user's strategy that learns in its own ``tell`` but keeps the base class's ``state_dict`` or
    ``load_state_dict`` has its random generator alone saved or read back: resumed, it went on without what it had
    learnt, and nothing said so. Not refused: a strategy that learns nothing (random draws of its own) needs neither.
    Said before a new run's first evaluation, and again on each resume."""
    cls = type(strategy)
    if on_note is None or defined_by_nasloop(cls.tell):
        return
    missing = [name for name in ("state_dict", "load_state_dict") if getattr(cls, name) is getattr(Strategy, name)]
    if missing:
        on_note(f"strategy {STRATEGIES.label(strategy)} does not override {' and '.join(missing)}, so a resumed run "
                "gets back only its random generator and goes on without what its tell had learnt; if it keeps "
                "anything, override state_dict and load_state_dict (README: Adding a search space)")


def check_seconds_budget(config: SearchConfig, evaluator: Evaluator, on_note: Callable[[str], None] | None) -> None:
    """A seconds budget over lookups that cost 0 s never ends a search: alone it is refused, beside a query
    budget it is noted (an NDS search given ``--max-seconds 600`` ran through the whole table)."""
    why = evaluator.untimed() if config.max_seconds is not None else None
    if why is None:
        return
    if config.budget is None:
        raise ConfigError(f"--max-seconds cannot end this search: {why}; give --budget N (evaluations) instead")
    if on_note is not None:
        on_note(f"--max-seconds {config.max_seconds:g} will not end a search here ({why}); "
                f"--budget {config.budget} will")


STORED_KEYS = ("space", "dataset", "strategy", "evaluator", "executor", "budget", "seed", "strategy_options")
"""Keys every configuration 'nasloop search' has ever stored: one missing is damage, not an older run."""
NOT_NULL = ("space", "strategy", "evaluator", "executor", "seed")
"""Those never stored as null. (A run that reads no dataset stores a null one; ``resume`` refuses a null dataset
of a run that reads one, which resumed on the space's default task.)"""


def stored_config(saved: dict[str, Any], store: RunStore) -> SearchConfig:
    """The configuration a run recorded, refused as damage where it does not load: a value edited out of its type
    (a reference point holding text) was named alone, as if the user had just given it, with no word of the store
    or the fix."""
    _check_stored_keys(saved, store)
    try:
        return SearchConfig.from_stored(saved, source=str(store.path))
    except ConfigError as exc:
        raise DataError(f"{store.path} is damaged: its run configuration does not load ({exc}); {RESTORE}") from None


def _check_stored_keys(saved: dict[str, Any], store: RunStore) -> None:
    """A configuration cut down by hand resumed on defaults (another strategy, the objectives dropped)."""
    missing = next((key for key in STORED_KEYS if key not in saved or key in NOT_NULL and saved[key] is None), None)
    objectives = store.get_meta("objectives")
    if missing is None and isinstance(objectives, list) and len(objectives) > 1 and not saved.get("objectives"):
        missing = "objectives"  # the run searched several, as its own record says
    if missing is not None:
        raise DataError(f"{store.path} is damaged: its run configuration has no '{missing}'; {RESTORE}")


RESULTS_ASKED_AGAIN = 20
"""How many of its results a resumed run asks again of a repeatable evaluator (spread over the run)."""


SAME_TABLE_FIX = "give --data-dir the folder of the table the run began with, or start a new run on this one"


def check_same_results(run_dir: str, store: RunStore, space: SearchSpace, evaluator: Evaluator,
                       fix: str = SAME_TABLE_FIX, done: Sequence[Trial] | None = None) -> None:
    """A resumed run reads the results it began with. With ``--data-dir`` at a folder holding another table (of
    other epochs, another import), its earlier evaluations and the new ones would mix unseen in one run; a table
    that has gained other columns or tasks since still answers the run's results alike and passes. A run whose
    evaluator names its data (:meth:`Evaluator.data_identity`) must find the same data. A study continued on
    other data (:mod:`.study_data`) asks its runs the same, with its own ``fix`` and ``done``, the run's finished
    trials it has read to skip a damaged run (read here again, they were read twice)."""
    recorded, now = store.get_meta("data_identity"), evaluator.data_identity()
    if recorded is not None and now is None:  # "evaluated on the abc, and would now be on the None; put the data back"
        raise DataError(f"{store.path} is damaged: meta 'data_identity' is {recorded!r}, but the run's evaluator "
                        f"records none; {RESTORE}")
    if recorded is not None and now != recorded:  # trials on two datasets would mix in one run, unseen
        raise DataError(f"{run_dir} was evaluated on the {recorded}, and would now be on the {now}; put the data "
                        "back as it was (move the other copy out of the data folders) to continue it, or start a "
                        "new run")
    if not evaluator.repeatable:
        return
    spread = lambda items: items[::max(1, len(items) // RESULTS_ASKED_AGAIN)][:RESULTS_ASKED_AGAIN]  # noqa: E731
    if done is None:  # the ids alone, and only the trials asked again read whole: not 20,000 to ask 20
        ids = spread([i for (i,) in store.db.execute("SELECT id FROM trials WHERE state = 'done' AND status = 'ok' "
                                                     "ORDER BY id")])
        done = store.trials(f"id IN ({', '.join('?' * len(ids))})", tuple(ids))
    for trial in spread(done):  # the ids path's, already spread, are all asked
        then = dict(trial.result.metrics) if trial.result is not None else {}
        if not then:
            continue
        try:
            now = evaluator.evaluate(stored_arch(store.path, space, trial.id, trial.arch), trial.fidelity)
        except ArchitectureError:
            now = None
        said = dict(now.metrics) if now is not None and now.ok else {}
        # a metric of a file beside the table (NB201's hardware costs) may be absent now: only a value differs
        differing = [name for name, value in then.items() if name in said and not _same_value(value, said[name])]
        if differing or not said:
            name = (differing or list(then))[0]
            now_text = f"{said[name]:g}" if name in said else "no result"
            raise DataError(f"{run_dir} read {name} {then[name]:g} for {trial.arch} (trial "
                            f"{trial.id}), and the {space.name} table found now gives {now_text}: it holds other "
                            f"results, which would mix with the run's; {fix}")


def check_resumed_objectives(run_dir: str, config: SearchConfig, evaluator: Evaluator,
                             on_note: Callable[[str], None] | None = None) -> None:
    """A resumed run's evaluator still reports its objectives. Resumed with --data-dir at a folder without
    HW-NAS-Bench's file, a run minimising edgegpu_latency went on, its new results 'ok' without the metric (the
    results asked again pass, since a file beside the table may be absent when no objective reads it). A run stored
    before bookkeeping was refused as an objective goes on as it began, said in ``on_note`` as ``show`` says it."""
    objective = _unreported(config.objective_list() or (), evaluator.metric_names(config.fidelity))
    if objective is not None:
        raise DataError(f"{run_dir} optimises {objective.metric}, which the {config.evaluator} evaluator does "
                        f"not report now{evaluator.metric_source(objective.metric)}; resume with --data-dir "
                        "at the folder the run began with")
    kept = [o.metric for o in config.objective_list() or () if o.metric in _bookkeeping(config.evaluator, evaluator)]
    if kept and on_note is not None:
        on_note(f"{run_dir} optimises {', '.join(kept)}, bookkeeping of the {config.evaluator} evaluator (how a result "
                "was computed, not what it measured), which a search now refuses as an objective; it goes on as it "
                "began, and what it ranks by it measures nothing of the architectures")


def _same_value(then: Any, now: Any) -> bool:
    """Equal, or both undefined (NaN: a metric the table lacks for that cell)."""
    return then == now or (isinstance(then, float) and isinstance(now, float) and math.isnan(then) and math.isnan(now))


def check_same_tensorboard(run_dir: str | os.PathLike[str], stored: SearchConfig, given: object, flag: str) -> None:
    """A TensorBoard folder given to a resume (``flag``: ``--tensorboard`` or resume()'s ``tensorboard``). A run goes
    on logging where it began (its stored folder), so that folder is accepted (refusing it would refuse what the run
    does anyway); another is refused naming the run's own, since the curves would start at the resumed step in a
    folder holding none of the earlier ones."""
    shown = f"{flag} {given}" if flag.startswith("--") else f"{flag}={given!r}"
    if not isinstance(given, (str, os.PathLike)):
        raise ConfigError(f"{shown}: a TensorBoard folder is a path (text or pathlib.Path); give the folder the run "
                          "logs to, or leave it out")
    folder = None if stored.tensorboard is None else path_from(started_in(stored, run_dir), stored.tensorboard)
    if folder is not None and os.path.realpath(folder) == os.path.realpath(expand_user(given)):
        return
    if folder is None:
        raise ConfigError(f"{shown}: {run_dir} was started without {flag}, and a resumed run keeps its configuration; "
                          f"drop {flag}, or start a new run to log one")
    raise ConfigError(f"{shown}: {run_dir} logs to {folder}, where it began, and a resumed run keeps that folder "
                      f"(another would hold none of its earlier steps); drop {flag} or give {folder}")
