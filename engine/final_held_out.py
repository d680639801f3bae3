"""The held-out metric of each run's chosen architecture at its benchmark's final fidelity, where the runs searched a
lower one.

A benchmark's protocol may search a short training's validation accuracy and report the chosen architecture's test
accuracy after the whole training (NAS-Bench-201's baselines: 12 epochs searched, 200 reported). A run stores only
what it searched, so a study's held-out column gave the short training's test accuracy, and a paper's figures took a
lookup by hand. Where the study's evaluator answers the table (a lookup, no training), the chosen architecture is
looked up at the table's final fidelity; elsewhere (a training, proxies) it cannot be without training it, and the
column keeps the searched fidelity's value, which the report says.

NB201's protocol reports the chosen cell's validation accuracy after the whole training beside its test accuracy:
where the table holds the searched metric at its final fidelity, it is looked up there too (its own column, not a
held-out one: it is the metric the runs chose by, at another fidelity), where it took an ad hoc lookup.
"""
from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Mapping

from ..search_spaces.base import Benchmark, SearchSpace
from .assemble import build_space, table_context
from .config import SearchConfig
from .context import RunContext
from .errors import ArchitectureError, NasloopError, one_line
from .plugin_crash import plugin_crash
from .registry import SEARCH_SPACES
from .study_target import answers_table
from .types import Arch


class UnreadByPlugin(ArchitectureError):
    """A user's space whose ``parse`` raised, in its own words (a ValueError, a KeyError), on an architecture a run
    stored: ``show``, a run's report and a search's closing summary failed on it as an 'unexpected' error."""


def unread_by_plugin(space: SearchSpace, name: str, text: str) -> Arch:
    """``space.parse(text)``; where a user's space (registered as ``name``) raises anything but nasloop's own
    errors, one line naming the space, the text and the line of its code that raised."""
    try:
        return space.parse(text)
    except NasloopError:
        raise
    except Exception as exc:  # a plugin's parse failing in its own words: named as its other faults are
        fault = plugin_crash(exc)
        why = str(fault).split(": ", 1)[1] if fault is not None else f"parse raised {type(exc).__name__}: " \
            f"{one_line(exc, 200)}"  # the fault's line less the space it names first: named here already
        raise UnreadByPlugin(f"search space '{name}' cannot read the architecture the run stored, "
                             f"{one_line(repr(text), 120)}: its {why}") from None


@dataclass(frozen=True)
class FinalHeldOut:
    """How a study's held-out values are read: at ``fidelity`` by ``lookup`` (an architecture's string to its metrics
    there, none where the table has no result) where one is set, else as the runs stored them at ``searched``;
    ``why``: the line a report gives for a lower fidelity it could not look up ('' where nothing needs saying);
    ``objective``: the metric the runs searched, where the table holds it at ``fidelity`` too (its column beside the
    held-out ones; None: none); ``objective_only``: the table holds that objective at ``fidelity`` but not the
    held-out metric (NB101's 108-epoch validation accuracy, no test one), so the held-out column stays as the runs
    stored it (``why`` says so) while the objective's is looked up: left out with the held-out one, NB101's final
    validation accuracy took an ad hoc lookup; ``nowhere``: the table holds the held-out metric at neither the searched
    fidelity nor ``fidelity`` (NB101's 30k table, which has no test split), so there is no held-out value to keep
    and ``why`` says that, where it said the column was 'at the searched fidelity, as the run stored it'."""

    searched: int | None = None
    fidelity: int | None = None
    lookup: Callable[[str], Mapping[str, float]] | None = None
    why: str = ""
    objective: str | None = None
    objective_only: bool = False
    nowhere: bool = False

    @property
    def held_out_looked_up(self) -> bool:
        """Whether the held-out metric is read at ``fidelity`` (two held-out columns), not as the runs stored it."""
        return self.lookup is not None and not self.objective_only


def held_out_metric(objective: str) -> str | None:
    """``test_accuracy`` for ``val_accuracy``: the metric that says whether validation was overfit."""
    return "test_" + objective[len("val_"):] if objective.startswith("val_") else None


def final_held_out(base: SearchConfig, metric: str | None, whose: str = "the runs",
                   objective: str | None = None, built: tuple[SearchSpace, RunContext] | None = None) -> FinalHeldOut:
    """How to read ``metric`` (the held-out one; None: none) of the architectures a study's runs choose (``whose``:
    'the run' for one run's): at the benchmark's final fidelity where the runs searched a lower one and the table
    answers their evaluator; the searched ``objective`` there too, where the table holds it. ``built``: the space and
    context of ``base`` a search built, whose table is read rather than a context built again from the configuration
    (a second benchmark, space and table index each run's end)."""
    searched = base.fidelity
    if metric is None or searched is None:  # no held-out metric, or the runs searched the final fidelity
        return FinalHeldOut(searched)
    kept = f"It is at the searched fidelity {searched}, as {whose} stored it: "
    try:
        factory = SEARCH_SPACES.get(base.space)
    except NasloopError as exc:  # a run of a plugin's space, shown without its plugin
        return FinalHeldOut(searched, why=kept + f"its space cannot be read here ({exc}).")
    if factory.benchmark is None or not answers_table(base):
        return FinalHeldOut(searched, why=kept + f"the {base.evaluator} evaluator's values are not a benchmark "
                            "table's, so the chosen architectures' values at a higher fidelity cannot be looked up "
                            "without training them.")
    try:
        space, context = built if built is not None and built[1].benchmark is not None else _built(base, factory)
        benchmark = context.benchmark
        task = benchmark.task(base.dataset).name
        final = benchmark.check(task)
        declared = None if final is None else benchmark.metric_names(task, final)
    except NasloopError as exc:  # the table gone since the runs read it
        return FinalHeldOut(searched, why=kept + f"its table's final fidelity could not be read ({exc}).")
    if final is None or final <= searched:
        return FinalHeldOut(searched)
    held = objective if objective and (declared is None or objective in declared) else None
    why, nowhere = "", False
    if declared is not None and metric not in declared:
        nowhere = _held_nowhere(benchmark, task, searched, metric)
        why = (f"None: the table holds no {metric} at the searched fidelity {searched} nor at its final one {final}."
               if nowhere else kept + f"the table holds no {metric} at its final fidelity {final}.")
        if held is None:  # nothing of the table's to look up
            return FinalHeldOut(searched, why=why, nowhere=nowhere)

    @lru_cache(maxsize=None)  # the held-out and the objective of one architecture: one query
    def lookup(text: str) -> Mapping[str, float]:
        try:
            result = benchmark.query(unread_by_plugin(space, base.space, text), task, final)
        except UnreadByPlugin:
            raise
        except NasloopError:  # a string the space no longer reads (the report lists such runs' notes elsewhere)
            return {}
        return result.metrics if result.ok else {}

    if why:  # a table of validation values alone at its final fidelity: the objective's
        return FinalHeldOut(searched, final, lookup, why, held, objective_only=True, nowhere=nowhere)
    return FinalHeldOut(searched, final, lookup, objective=held)


def _held_nowhere(benchmark: Benchmark, task: str, searched: int, metric: str) -> bool:
    """Whether the table holds no ``metric`` at the ``searched`` fidelity either (as at its final one): NB101's 30k
    table has no test split, so its runs stored no held-out value to give 'at the searched fidelity'. False where
    the table does not say, or cannot (a fidelity it no longer has): the runs' stored values are read as before."""
    try:
        names = benchmark.metric_names(task, searched)
    except NasloopError:
        return False
    return names is not None and metric not in names


def _built(base: SearchConfig, factory: type[SearchSpace]) -> tuple[SearchSpace, RunContext]:
    """The space and table context of ``base``, built from the configuration (a stored run's, a study's): its
    ``data_dir`` read from the folder the run started in, as its search reads it (``show`` from another folder of a
    run started with ``--data-dir ../data`` said that folder did not exist and left the final fidelity out)."""
    context = table_context(factory, base.dataset, base.data_dir and base.path(base.data_dir),
                            space_options=base.space_options)
    return build_space(base.space, context, **base.space_options), context


def held_out_values(held: FinalHeldOut, arch: str | None, metrics: Mapping[str, Any], metric: str | None,
                    kept: object = None) -> list[float]:
    """The held-out values of the architecture a run chose (``arch``, with the ``metrics`` it stored; None: none),
    in the order of :func:`held_out_heads`: at the final fidelity (looked up) then as stored, or as stored alone; NaN
    where there is no held-out ``metric`` or no architecture. One reading for a study's columns and a run's lines; a
    run's summary writes a NaN it stored as None (JSON's), on which ``show`` and ``report`` failed in a TypeError.
    ``kept``: the held-out values the run stored as it ended (``run_held_out.HELD_OUT_KEY``), read for the final
    fidelity where they are of this architecture, metric and fidelity, rather than looked up again."""
    value = metrics.get(metric) if arch is not None and metric else None
    stored = math.nan if value is None else float(value)
    if not held.held_out_looked_up:
        return [stored]
    if arch is None or not metric:
        return [math.nan, stored]
    final = _kept_final(kept, arch, metric, held_out_heads(held)[0])
    return [_final(held, arch, metric) if final is None else final, stored]


def final_objective_value(held: FinalHeldOut, arch: str | None, kept: object = None) -> float:
    """The searched metric of the architecture a run chose (``arch``; None: none) at the final fidelity, looked up
    in the table (NB201's 200-epoch validation accuracy of a cell searched at 12 epochs), or read in what the run
    ``kept`` as it ended (see :func:`held_out_values`); NaN where there is none."""
    head = final_objective_head(held)
    if arch is None or head is None:
        return math.nan
    final = _kept_final(kept, arch, held.objective, head, "objective_at_final")
    return _final(held, arch, held.objective) if final is None else final


def _final(held: FinalHeldOut, arch: str | None, metric: str | None) -> float:
    """``metric`` of ``arch`` at the final fidelity; NaN where either is None, nothing is looked up or the table has
    no finite value of it."""
    if held.lookup is None or arch is None or not metric:
        return math.nan
    value = held.lookup(arch).get(metric)
    return math.nan if value is None else float(value)


def _kept_final(kept: object, arch: str, metric: str | None, head: str, part: str | None = None) -> float | None:
    """The final fidelity's value of ``arch``'s ``metric`` in what a run ``kept`` as it ended (its record, or the
    record under ``part`` of it; NaN for the None a NaN is stored as), under ``head`` (the head :func:`held_out_heads`
    or :func:`final_objective_head` gives it); None where ``kept`` holds none of it (a run stored before runs kept
    them, or that chose another architecture within its whole budget than a study's within its own)."""
    if not isinstance(kept, Mapping) or kept.get("arch") != arch:
        return None
    record = kept if part is None else kept.get(part)
    if not isinstance(record, Mapping) or record.get("metric") != metric:
        return None
    values = record.get("values")
    if not isinstance(values, Mapping) or head not in values:
        return None
    value = values[head]
    if value is None:
        return math.nan
    return float(value) if kept_number(value) else None


def kept_number(value: object) -> bool:
    """Whether ``value`` is a value a run keeps (:func:`_kept_final`): a float, or None for a NaN; an integer only
    where a float holds it (an edited record's 10**400 stopped show in an unexpected OverflowError)."""
    return value is None or isinstance(value, float) or (isinstance(value, int) and not isinstance(value, bool)
                                                         and abs(value) <= sys.float_info.max)


def held_out_heads(held: FinalHeldOut, within: str = "") -> list[str]:
    """The held-out columns' heads (before the unit): the final fidelity's, then the searched one's, where the study
    looks the first up; else the one column as the runs stored it. ``within`` says where the architecture was chosen
    where it is not the columns beside them ('in own 12000 s': each run's own time budget)."""
    if not held.held_out_looked_up:
        return [f"held-out of chosen{within}"]
    return [f"held-out of chosen{within} at fidelity {held.fidelity}",
            f"held-out of chosen{within} at searched fidelity {held.searched}"]


def final_objective_head(held: FinalHeldOut, within: str = "") -> str | None:
    """The head (before the unit) of the column beside the held-out ones that gives the searched metric of the chosen
    architecture at the final fidelity (``within`` as :func:`held_out_heads`); None where there is no such column."""
    if held.lookup is None or held.objective is None:
        return None
    return f"{held.objective} of chosen{within} at fidelity {held.fidelity}"


def held_out_note(held: FinalHeldOut, whose: str = "each run") -> str:
    """The report's note on its held-out columns: what they hold, and which is which where there are two, or why the
    one column is at the searched fidelity where the final one could not be looked up; ``whose`` choice they are of
    ('the run' in one run's report)."""
    said = (f"Held-out of chosen: the held-out metric of the architecture {whose} returns after the budget (its best "
            "by the objective).")
    protocol = "given alone, as the table holds no held-out value" if held.nowhere else \
        "which such a protocol reports beside the held-out one"
    beside = (f" {held.objective} of chosen at fidelity {held.fidelity}: the metric {whose} searched, of the same "
              "architecture, looked up at the final fidelity too (not held out: the metric it was chosen by, at "
              f"another fidelity), {protocol}."
              if held.lookup is not None and held.objective else "")
    if not held.held_out_looked_up:
        return f"{said} {held.why}".strip() + beside
    return (f"{said} At fidelity {held.fidelity}: looked up in the benchmark's table at its final fidelity (no "
            "training), the value a protocol that searches a lower fidelity reports; at searched fidelity "
            f"{held.searched}: as {whose} stored it, at the fidelity it searched.{beside}")
