"""``nasloop spaces | strategies | evaluators | executors [NAME]`` and ``nasloop predictors [show NAME]``:
every plugin of a kind with its docstring's summary (its first paragraph), or one plugin's description and options."""
from __future__ import annotations

import inspect
import re

from ..search_spaces.base import NetworkSpace, SearchSpace
from .assemble import build_context, build_space, default_dataset, fits_on, space_benchmark
from .errors import MissingDataError, NasloopError
from .options import Configurable, check_defaults, describe_options
from .registry import EVALUATORS, PREDICTORS, STRATEGIES, Registry


def list_plugins(registry: Registry, name: str | None = None) -> None:
    """Every plugin of ``registry`` on one line each, or ``name``'s description and options."""
    if name is not None:
        _describe_plugin(registry, name)
        return
    width = max(map(len, registry.names()), default=0) + 2
    for name in registry.names():
        why = unusable(registry, name)
        # a broken plugin is listed as such; the others still show
        summary = f"(unusable: {why})" if why else plain_text(docstring_summary(registry.get(name).__doc__))
        print(f"{name:{width}s}{summary}")


def docstring_summary(docstring: str | None) -> str:
    """A docstring's summary, its first paragraph on one line: a summary wrapped over two lines was listed cut after
    its first ('local  Hill climbing ... and random restarts; `start_best_of` random draws')."""
    return " ".join(inspect.cleandoc(docstring or "").split("\n\n", 1)[0].split())


def _describe_plugin(registry: Registry, name: str) -> None:
    """``nasloop strategies evolution``: the plugin's docstring and every option with its type and default."""
    factory = registry.get(name)
    print(f"{name}: {plain_text(inspect.cleandoc(factory.__doc__ or '(no description)'))}\n\noptions:")
    options = describe_options(factory)
    for option, kind, default in options:
        print(f"  {option}: {kind}, {default}")
    if not options:
        print("  none")
    why = unusable(registry, name)
    if why is not None:  # its options listed a default that the plugin's own build refuses
        print(f"\nunusable: {why}")
    if isinstance(factory, type) and issubclass(factory, SearchSpace):  # what features= and views= can name
        print(f"\nencodings:\n  vector: {', '.join(factory.vector_encodings) or 'none'}\n"
              f"  graph: {', '.join(factory.graph_encodings) or 'none'}")
        _describe_benchmark(factory)
        _describe_fits(name, factory)


def _describe_fits(name: str, space: type[SearchSpace]) -> None:
    """The plugins that work on the space with its default options, or why that cannot be told (a space that needs
    options, or its benchmark's data, to be built)."""
    bound_only = None
    try:
        context = build_context(space, default_dataset(name))
        try:
            built = build_space(name, context)
        except NasloopError as unbound:
            if space.benchmark is None:
                raise
            try:  # as a tabular run builds it, bound to its table (a -fix-w-d space takes the table's width and depth)
                context = build_context(space, context.dataset, lookup=True)
                built = build_space(name, context)
            except MissingDataError as exc:  # said as the unbound build's failure alone, the file to get went unsaid
                print(f"\nworks with: not known without building it; a run that looks its table up builds it from "
                      f"the table, which is missing ({exc}); any other needs options: {unbound}")
                return
            except NasloopError:
                raise unbound from None
            bound_only = unbound
        fits, problem = fits_on(built, context)
    except NasloopError as exc:
        print(f"\nworks with: not known without building it, which failed: {exc}")
        return
    if bound_only is not None:  # any other evaluator's run builds the space unbound, which failed
        fits["evaluators"] = [n for n in fits["evaluators"] if EVALUATORS.get(n).uses_benchmark]
        print(f"\nworks with (each with its default options, in a run that looks its table up; any other needs "
              f"options: {bound_only}):")
    else:
        print("\nworks with (each with its default options):")
    for kind, names in fits.items():
        why = f" ({problem})" if kind == "predictors" and problem else ""
        print(f"  {kind}: {', '.join(names) or 'none'}{why}")
    broken = [f"{name} ({why})" for registry in (STRATEGIES, PREDICTORS, EVALUATORS) for name in registry.names()
              if (why := unusable(registry, name)) is not None]
    if broken:  # refused on any space, so left out above: said, or a user's plugin was missing without a word
        print(f"  left out, unusable on any space: {'; '.join(broken)}")


def unusable(registry: Registry, name: str) -> str | None:
    """Why the plugin ``name`` is refused whatever it is built on (it cannot be imported, or an option's default
    breaks its own hint, which its build refuses: see :func:`.options.check_defaults`); None where it is not."""
    try:
        factory = registry.get(name)
        if isinstance(factory, type) and issubclass(factory, Configurable):  # the plugins whose build checks them
            check_defaults(f"{registry.kind} '{name}'", factory)
    except NasloopError as exc:
        return str(exc)
    return None


def _describe_benchmark(space: type[SearchSpace]) -> None:
    """The table a space's tabular runs read and its tasks (what --dataset names; the first is the default)."""
    if space.benchmark is None:
        ways = "--evaluator proxy or train, or one" if issubclass(space, NetworkSpace) else "an evaluator"
        print(f"\nbenchmark: none (search it with {ways} of your own)")
        return
    tasks = space_benchmark(space).tasks
    names = ", ".join(f"{t.name} ({t.metric}{', minimised' if t.minimize else ''})" for t in tasks) or "none"
    print(f"\nbenchmark: {space.benchmark}\n  tasks (--dataset; the first is the default): {names}")
    for task in tasks:  # what the values are: NB301's CIFAR-10 accuracies are a surrogate's predictions
        if task.description:
            print(f"    {task.name}: {task.description}")


def plain_text(docstring: str) -> str:
    """A docstring line as a terminal shows it: reST roles (:class:`X`) as plain words, and literals (``x``) as
    `x`, as Markdown writes code: dropping their marks garbled a docstring naming an option by its literal
    ('``stages`` stages, each an op' read 'stages stages, each an op')."""
    text = re.sub(r":[a-z]+:`~?([^`]+)`", lambda m: m.group(1).rsplit(".", 1)[-1], docstring)
    return text.replace("``", "`")
