"""One run's held-out values (``nasloop show``, a run's report): its best architecture's held-out metric at the
fidelity it searched and, where its benchmark's final fidelity is higher and the table answers its evaluator, at
the final one, read and labelled as a study's report reads and labels its columns (:mod:`.final_held_out`).

A study's report gave NB201's 200-epoch test accuracy of each run's chosen cell where the run's own ``show`` and
report gave only the 12-epoch one it stored: the figure a protocol searching 12 epochs reports took a study, or a
lookup by hand, for a single run. A search's closing summary gave none where ``show`` of the same run did: both
fill them here (:func:`with_held_out`).

Where the final fidelity is looked up, the searched metric there is given too (``objective_at_final``: NB201's
200-epoch validation accuracy of a cell searched at 12 epochs), which NB201's protocol reports beside the test one.

A search reads them with the space and table context it built (a second context, space and table index were built
from its stored configuration at each run's end), and stores them as it ends (:data:`HELD_OUT_KEY`): a study's
report reads a run's final-fidelity value there rather than looking it up again (:mod:`.study_results`). They are kept
with the identity of the table they were looked up in (its file and version: :data:`TABLE_KEY`), so that
``show`` (and a study's report) of a run whose table was imported since (a test accuracy the old one lacked, a table
replaced) looks them up again in the table it finds now, where it gave the old table's values until the run's next
resume; a table not at hand (the data folder gone) leaves them as kept.
"""
from __future__ import annotations

import math
from typing import Any, Mapping

from ..search_spaces.base import Benchmark, SearchSpace
from .assemble import table_context
from .config import SearchConfig
from .context import RunContext
from .errors import NasloopError
from .final_held_out import (FinalHeldOut, UnreadByPlugin, final_held_out, final_objective_head,
                             final_objective_value, held_out_heads, held_out_metric, held_out_note, held_out_values,
                             kept_number)
from .metric_heads import with_unit
from .registry import SEARCH_SPACES
from .store import RunStore
from .value_texts import metric_text

OLD_NONE_NOTE = "as the run stored it: the table holds no"
"""What the note an older nasloop kept says where the table holds no held-out metric at its final fidelity: of
NB101's runs, 'It is at the searched fidelity 12, as the run stored it', of a value the table does not hold there
either; such a record is looked up again (:func:`kept_record`)."""
HELD_OUT_KEY = "held_out"
"""The store's meta key of the held-out values a run gave as it ended: ``{"arch", "metric", "values"}``, the
architecture they are of with :func:`run_held_out`'s record of it."""
TABLE_KEY = "table"
"""The record's identity of the table its values were looked up in: ``[file, [size, modification and change
times in ns, device, inode]]`` (:meth:`...search_spaces.benchmark.Benchmark.table_source`); absent where the run's
space has no table that says."""


def run_held_out(config: object, summary: Mapping[str, Any], built: tuple[SearchSpace, RunContext] | None = None,
                 kept: object = None) -> dict[str, Any] | None:
    """The held-out values of the run whose stored ``config`` and :func:`.search.summarize` ``summary`` are given:
    ``{"metric", "values": {head: value}}``, the searched metric at the final fidelity in the same shape
    (``objective_at_final``) where it was looked up, and a ``note`` where a final fidelity was looked up or could not
    be (why). None where the run chose no one architecture with a held-out metric: a front (several objectives), an
    objective with no held-out twin (``params_m``), no success, no finite value of it nor of the objective at the
    final fidelity (NB301's table holds no test accuracy: every run of its read 'held-out of chosen: –'). Where the
    objective at the final fidelity is the one finite value (NB101's 108-epoch validation accuracy of a cell searched
    at 12 epochs, whose table holds no test accuracy), ``values`` is empty and ``objective_at_final`` holds it.
    ``built``: the run's space and context, where the search at hand built them (see
    :func:`.final_held_out.final_held_out`); ``kept``: what the run stored as it ended (:data:`HELD_OUT_KEY`), read
    rather than looked up again."""
    objective = str(summary.get("objective") or "")
    best, metric = summary.get("best"), held_out_metric(objective)
    if "pareto_front" in summary or not best or metric is None:
        return None
    kept = kept if built is not None else of_table_now(config, kept)  # a table imported since: its values
    record = None if built is not None else kept_record(kept, best["arch"], metric)
    if record is not None:  # as the run gave them as it ended: its table is not loaded again (NB101's, 18 MB); a
        return record or None  # search's own end (``built``) looks them up again, for a value its table gained since
    try:
        held = final_held_out(SearchConfig.from_stored(config or {}, source="the run's stored configuration"), metric,
                              "the run", objective, built)
    except NasloopError as exc:  # a configuration this nasloop cannot read: what the run stored is still shown
        searched = summary.get("fidelity")
        held = FinalHeldOut(searched, why="" if searched is None else (
            f"It is at the searched fidelity {searched}, as the run stored it: its configuration cannot be read "
            f"here ({exc})."))
    try:
        values = held_out_values(held, best["arch"], best.get("metrics") or {}, metric, kept)
    except UnreadByPlugin as exc:  # the final fidelity's line left out, with why: what the run stored still shown
        held = FinalHeldOut(held.searched, why=f"It is at the searched fidelity {held.searched}, as the run stored "
                            f"it: the final fidelity's could not be looked up ({exc}).")
        values = held_out_values(held, best["arch"], best.get("metrics") or {}, metric)
    head = final_objective_head(held)
    try:
        value = final_objective_value(held, best["arch"], kept)
    except UnreadByPlugin:  # kept without it, as a run whose table had no finite value there keeps it: none
        value = math.nan
    finite, at_final = any(map(math.isfinite, values)), head is not None and math.isfinite(value)
    if not finite and not at_final:
        return None
    # no finite held-out value (NB101's table holds no test accuracy): the final fidelity's objective alone
    record: dict[str, Any] = {"metric": metric, "values": dict(zip(held_out_heads(held), values)) if finite else {}}
    if at_final:
        record["objective_at_final"] = {"metric": held.objective, "values": {head: value}}
    if held.lookup is not None or held.why:  # a run of the final fidelity's lone value needs no word
        record["note"] = held_out_note(held, "the run")
    return record


def with_held_out(summary: dict[str, Any], store: RunStore,
                  built: tuple[SearchSpace, RunContext] | None = None) -> dict[str, Any]:
    """``summary`` of the run in ``store`` with its held-out values (``held_out``, :func:`run_held_out`) where it has
    some, as ``show``, a run's report and the summary ``search()`` and ``resume()`` return give them (read from the
    store they hold open: a reader's opening it again left its journal files beside a finished run); ``built``: the
    run's space and context, where the caller built them."""
    if held := run_held_out(store.get_meta("config"), summary, built, store.get_meta(HELD_OUT_KEY)):
        summary["held_out"] = held
    return summary


def keep_held_out(summary: Mapping[str, Any], store: RunStore, context: RunContext | None = None) -> None:
    """Store the held-out values of the run's end (``summary``, :func:`with_held_out`'s) in ``store``, with the
    architecture they are of (:data:`HELD_OUT_KEY`), where it chose one with a held-out metric: none (``values``
    empty, ``objective_at_final`` None) where none was finite, which ``show`` otherwise loaded the table again to
    find. An earlier end's of another architecture (a resume's best since) is not read, being of another one.
    ``context``: the run's, whose table's identity is kept with them (:data:`TABLE_KEY`)."""
    best, metric = summary.get("best"), held_out_metric(str(summary.get("objective") or ""))
    table = table_identity(context.benchmark if context is not None else None)
    of = {"arch": best["arch"], **({TABLE_KEY: table} if table is not None else {})} if best else {}
    if held := summary.get("held_out"):
        store.set_meta(HELD_OUT_KEY, {**of, **held})
    elif best and metric is not None and "pareto_front" not in summary:  # None: the final fidelity's objective
        store.set_meta(HELD_OUT_KEY, {**of, "metric": metric, "values": {},  # was looked for too
                                      "objective_at_final": None})


def table_identity(benchmark: Benchmark | None) -> list[Any] | None:
    """The identity of the table ``benchmark`` reads: ``[file, version]`` as :data:`TABLE_KEY` keeps it
    (:func:`.data.paths.file_version`); None where it has none to say, or its file is not found."""
    if benchmark is None:
        return None
    try:
        found = benchmark.table_source()
    except NasloopError:  # not found (or unreadable): nothing to tell a table by
        return None
    return None if found is None else [str(found[0]), [int(part) for part in found[1]]]


def of_table_now(config: object, kept: object) -> object:
    """The run's ``kept`` held-out record (:data:`HELD_OUT_KEY`), or None where it was looked up in another table
    than the one its stored ``config`` finds now (a table imported or replaced since, with a test accuracy it lacked
    then), which ``show`` and a study's report then look up again: found without loading the table. A record kept
    without the identity (by a nasloop before it kept one), or a table not at hand now, is read as kept: ``show``
    gives what the run kept where its table is gone."""
    then = kept.get(TABLE_KEY) if isinstance(kept, Mapping) else None
    if then is None:
        return kept
    try:
        base = SearchConfig.from_stored(config or {}, source="the run's stored configuration")
        factory = SEARCH_SPACES.get(base.space)
        if factory.benchmark is None:
            return kept
        context = table_context(factory, base.dataset, base.data_dir and base.path(base.data_dir),
                                space_options=base.space_options)
    except NasloopError:  # a configuration or space this nasloop cannot read, or its data folder gone: as kept
        return kept
    now = table_identity(context.benchmark)
    return None if now is not None and now != then else kept


def kept_record(kept: object, arch: str, metric: str) -> dict[str, Any] | None:
    """What the run ``kept`` as it ended (:data:`HELD_OUT_KEY`) where it is of ``arch`` and ``metric``, as
    :func:`run_held_out` gives it (a NaN for the None it is stored as), ``{}`` where none of its values (its
    held-out ones, its objective's at the final fidelity) is finite; None where it kept none of them, kept none finite
    before runs looked the objective up at the final fidelity, or what it holds is not such a record (a store from
    outside)."""
    if not isinstance(kept, Mapping) or kept.get("arch") != arch or kept.get("metric") != metric:
        return None
    table = kept.get(TABLE_KEY)  # its table's identity, which of_table_now reads: [file, version]
    if table is not None and not (isinstance(table, list) and len(table) == 2 and isinstance(table[0], str)
                                  and isinstance(table[1], list)
                                  and all(isinstance(part, int) and not isinstance(part, bool) for part in table[1])):
        return None
    record = {key: value for key, value in kept.items() if key not in ("arch", TABLE_KEY)}
    final = record.get("objective_at_final")
    if set(record) - {"metric", "values", "objective_at_final", "note"} or not isinstance(record.get("note", ""), str) \
            or (final is not None and not (isinstance(final, Mapping) and isinstance(final.get("metric"), str))):
        return None
    if final is not None:  # copied, not changed in what the caller holds
        record["objective_at_final"] = final = dict(final)
    for part in (record, *([final] if final is not None else [])):
        values = part.get("values")
        if not isinstance(values, Mapping) or not all(isinstance(head, str) and kept_number(value)
                                                      for head, value in values.items()):
            return None
        part["values"] = {head: math.nan if value is None else float(value) for head, value in values.items()}
    if not any(map(math.isfinite, record["values"].values())) and OLD_NONE_NOTE in record.get("note", ""):
        return None  # an older nasloop's note on NB101's runs: a held-out value 'at the searched fidelity' none had
    if any(math.isfinite(value) for part in (record, final or {"values": {}}) for value in part["values"].values()):
        return record
    # none finite, as kept where the final fidelity's objective was looked for too ('objective_at_final': None); one
    # kept before runs looked for it is read again: an NB101 run searched at 12 epochs left its 108-epoch one out
    return {} if "objective_at_final" in kept else None


def held_out_rows(summary: Mapping[str, Any], explained: bool = True) -> list[tuple[str, str]]:
    """The held-out values of a summary :func:`run_held_out` filled in, as (head with its unit, value) pairs, the
    searched metric at the final fidelity after them where it was looked up, the note last (as 'note'); none where
    it has none. Not ``explained`` (``show``'s rows), the note is given only where it says why the value is the
    searched fidelity's: the heads say the rest, which a report's note spells out."""
    held = summary.get("held_out")
    if not held:
        return []
    rows = [(with_unit(head, summary["space"], summary["evaluator"], record["metric"]), metric_text(value))
            for record in (held, held.get("objective_at_final") or {"values": {}})
            for head, value in record["values"].items()]
    noted = held.get("note") and (explained or len(held["values"]) == 1)
    return rows + ([("note", held["note"])] if noted else [])
