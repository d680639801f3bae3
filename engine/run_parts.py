"""Building a run's plugins from its configuration: its space, strategy and evaluator, checked together, and its
executor, built only where a run evaluates (see :mod:`.idle_resume`)."""
from __future__ import annotations

import dataclasses
from typing import Any, Callable

from ..search_spaces.base import SearchSpace
from ..strategies.base import Strategy
from .assemble import build_space, require_capabilities, run_dataset, table_context
from .config import SearchConfig, route_options
from .errors import ConfigError
from .evaluators.base import Evaluator
from .executors.base import Executor
from .guided import guided_strategies
from .idle_resume import check_executor, run_executor
from .objectives import Objective, oriented_point
from .options import takes
from .plugins import load_plugins
from .predictor_options import options_per_predictor
from .predictor_trial import note_unsaved_predictor_state, tried_predictor
from .registry import EVALUATORS, PREDICTORS, SEARCH_SPACES, STRATEGIES, refusal_for
from .resolved_options import ResolvedOptions
from .run_checks import check_evaluator, check_fidelity, random_start

Note = Callable[[str], None]


def with_dataset(config: SearchConfig, new: bool = False) -> SearchConfig:
    """``config`` with its dataset named as its benchmark names it: the benchmark's first task when none was given,
    read once the configuration's plugins are loaded (a plugin space's benchmark has tasks of its own); None for a
    run that reads no dataset (a ``new`` one naming one is refused: see :func:`run_dataset`)."""
    if not isinstance(config, SearchConfig):  # search({"space": ...}) failed on a missing attribute
        raise ConfigError(f"search takes a SearchConfig, not a {type(config).__name__}; build one with "
                          "SearchConfig(space=...) or SearchConfig.from_mapping(mapping)")
    config.check_data_dir()
    load_plugins(config.plugins, config.workdir)
    guide = (config.strategy, config.strategy_options, config.predictor, config.predictor_options)
    return config.replace(dataset=run_dataset(config.space, config.evaluator, config.dataset, new, [guide]))


def build_plugins(config: SearchConfig, on_note: Note | None = None, resumed: bool = False,
                  options: ResolvedOptions | None = None) -> tuple[SearchSpace, Strategy, Evaluator, Executor]:
    """The configured plugins (see :func:`build_parts`) and the run's executor, built: a Ray executor starts Ray."""
    return (*build_parts(config, on_note, resumed, options), run_executor(config))


def build_parts(config: SearchConfig, on_note: Note | None = None, resumed: bool = False,
                options: ResolvedOptions | None = None) -> tuple[SearchSpace, Strategy, Evaluator]:
    """Construct the configured space, strategy and evaluator, and check the executor's options, building none
    (:func:`.idle_resume.check_executor`); every bad name, option or missing capability fails here, in one line.
    ``on_note`` hears of slow work the user may not expect (a predictor that builds networks to rank);
    ``resumed``: the configuration is a stored run's (see :attr:`RunContext.resumed`); ``options``: what a stored
    run's plugins resolved, given back, and what these resolve (see :mod:`.resolved_options`)."""
    config, options = with_dataset(config), options or ResolvedOptions()  # loads the plugins
    space_factory = SEARCH_SPACES.get(config.space)
    evaluator_factory = EVALUATORS.get(config.evaluator)
    evaluator_options, moved = route_options(config.evaluator_options, evaluator_factory, space_factory)
    twice = sorted(set(moved) & set(config.space_options))
    if twice:  # one value is used (the space's), so the other would be dropped unseen
        raise ConfigError(f"{twice[0]} is given by both --evaluator-opt and --space-opt; give it once, with "
                          "--space-opt (the network's size is the search space's option)")
    context = table_context(space_factory, config.dataset, config.data_dir and config.path(config.data_dir),
                            config.run_dir, config.workdir, evaluator_factory.uses_benchmark,
                            {**moved, **config.space_options})  # the benchmark's cells() of the space as built
    objectives = config.objective_list() or ()
    context = dataclasses.replace(context, resumed=resumed, on_note=on_note, fidelity=config.fidelity,
                                  objectives=objectives)
    make_space = lambda given: build_space(config.space, context, **given)  # noqa: E731
    space = options.build("space", config.space, space_factory, make_space, {**moved, **config.space_options})
    strategy_factory = STRATEGIES.get(config.strategy)
    require_capabilities(space, "strategy", config.strategy, strategy_factory, STRATEGIES, context)
    if not resumed and not takes(strategy_factory, "seed"):  # drew as seed 0's whatever the run's (a study's seeds
        # alike); a run begun before this was refused goes on as it began, as a resumed run does
        raise refusal_for(strategy_factory)(
            f"strategy '{config.strategy}' takes no seed, so every --seed would draw as seed 0 does (a study's seeds "
            "the same run again); add seed: int = 0 to its __init__ and pass it on: super().__init__(space, seed)")
    if config.num_objectives > 1 and not strategy_factory.multi_objective:
        able = [n for n in STRATEGIES.names() if STRATEGIES.get(n).multi_objective]
        raise ConfigError(f"strategy '{config.strategy}' optimises one objective and --objectives names "
                          f"{config.num_objectives}; use one of {', '.join(able)}, or a single --objective")
    reference = None if config.reference_point is None else oriented_point(objectives, config.reference_point)
    wiring: dict[str, Any] = {"context": context, "seed": config.seed, "num_objectives": config.num_objectives,
                              "reference_point": reference, "objective_names": [str(o) for o in objectives],
                              "on_note": on_note}
    if takes(strategy_factory, "predictor"):
        name = config.predictor or strategy_factory.default_predictor
        if name is None:
            raise ConfigError(f"strategy '{config.strategy}' is predictor-guided and names no default predictor; "
                              f"choose one with --predictor ({', '.join(PREDICTORS.names())})")
        require_capabilities(space, "predictor", name, PREDICTORS.get(name), PREDICTORS, context)
        build = lambda: options.construct("predictor", name, PREDICTORS.get(name), space,  # noqa: E731
                                          wiring={"context": context, "seed": config.seed},
                                          given=options_per_predictor([name], config.predictor_options)[name])
        drawn = random_start(strategy_factory, config.strategy_options)
        ranks = config.budget is None or drawn is None or config.budget > drawn  # the budget outlasts the start
        wiring["predictor"] = tried_predictor(name, build, space, ranks, config.seed, count=min(max(drawn or 8, 3), 64))
        if ranks:  # a new run and each resume: a study's runs say it once, as its notes are said
            note_unsaved_predictor_state(name, wiring["predictor"], on_note)
        if wiring["predictor"].builds_networks and on_note is not None and ranks:
            on_note(context.computing_note(space, f"predictor '{name}'", "the candidates it ranks each step",
                                           wiring["predictor"].computed_proxies))
    elif config.predictor is not None or config.predictor_options:
        given = " and ".join(flag for flag, value in (("--predictor", config.predictor),
                                                      ("--predictor-opt", config.predictor_options)) if value)
        raise ConfigError(f"strategy '{config.strategy}' uses no predictor; choose a predictor-guided "
                          f"strategy ({', '.join(guided_strategies())}) or drop {given}")
    try:  # built before the strategy, whose context holds its objective (see RunContext's), refused after it
        require_capabilities(space, "evaluator", config.evaluator, evaluator_factory, EVALUATORS, context)
        evaluator: Evaluator | None = options.construct("evaluator", config.evaluator, evaluator_factory, space,
                                                        wiring={"context": context}, given=evaluator_options)
        default = Objective(evaluator.objective, evaluator.minimize)
        wiring["context"] = dataclasses.replace(context, evaluator_objective=default)
    except Exception as exc:  # noqa: BLE001 - a refusal or a plugin's crash, said after the strategy's as before
        evaluator, refusal = None, exc
    strategy = options.construct("strategy", config.strategy, strategy_factory, space, wiring=wiring,
                                 given=config.strategy_options)
    if evaluator is None:
        raise refusal
    if not resumed:  # before the evaluator's own check, which may load its data and torch to refuse a flag's clash
        check_fidelity(config, evaluator)
    said = evaluator.start_note()  # once a run (and once a study), where each trial would repeat it
    if said and on_note is not None:
        on_note(said)
    check_evaluator(evaluator, config.fidelity, new_run=False)
    check_executor(config)
    return space, strategy, evaluator
