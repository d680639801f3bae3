"""``nasloop report RUN``: one run's report, ``report.md`` and ``report.html``: its trajectory (and Pareto front),
its best architectures, its held-out values, what ``nasloop test`` measured of them and its failures.

Apart from a study's report (:mod:`.report`), whose tables, page and provenance it shares: the two had grown into one
file at the project's 400-line limit.
"""
from __future__ import annotations

import html
import sys
from pathlib import Path
from typing import Sequence

from .best_tested import TESTED_FILE
from .metric_heads import metric_heads
from .objectives import parse_objectives
from .pareto_summary import (best_measured_texts, bookkeeping_note, front_texts, hypervolume_text, left_out_texts,
                             no_best_text, rank_key, ranked_by)
from .plots import pareto_figure, run_figure
from .replaced_files import write_text_replacing
from .report import Table, figure_html, html_page, html_table, markdown_table, provenance
from .report_files import write_staged
from .run_held_out import held_out_rows, with_held_out
from .run_values import run_values
from .search import summarize
from .store import RunStore
from .stored_reading import with_unread_note
from .tested_shown import with_tested
from .value_texts import metric_text, space_and_dataset


def write_run_report(run_dir: Path, out: Path, command: Sequence[str] = tuple(sys.argv)) -> list[Path]:
    """One run's report: its trajectory (and Pareto front), its best architectures, what ``nasloop test`` measured of
    them and its failures; its files replaced together."""
    with RunStore.in_run_dir(run_dir, readonly=True) as store:
        trials = store.evaluations()
        summary = with_held_out(with_unread_note(summarize(store), store, "report", f" --out {out}"), store)
    summary = with_tested(summary, run_dir)  # what 'nasloop test' measured of its best, as show gives it
    return write_staged(out, lambda folder: _write_run_report(run_dir, summary, trials, folder, command))


def _write_run_report(run_dir: Path, summary: dict, trials: list, out: Path, command: Sequence[str]) -> list[Path]:
    figure = run_figure(trials, summary, out / "figures")
    front = pareto_figure(trials, summary, out / "figures") if "pareto_front" in summary else None
    ranking = parse_objectives(summary["objectives"]) if "objectives" in summary else ()
    done = sorted((t for t in trials if t.score is not None), key=lambda t: rank_key(t, ranking), reverse=True)[:10]
    # the objectives first, then the others as the evaluator reports them (as show lists them): sorted by name,
    # NB201's val_accuracy came last of 16 columns, after 12 hardware costs, in the table ranked by it
    objectives = [text.rsplit(":", 1)[0] for text in summary.get("objectives", ())] or [summary["objective"]]
    reported = list(dict.fromkeys(m for t in done for m in t.result.metrics))
    metric_names = [m for m in objectives if m in reported] + [m for m in reported if m not in objectives]
    heads = metric_heads(metric_names, summary["space"], summary["evaluator"])  # 89.2 and 7.5: % and ms
    best: Table = (["trial", "architecture"] + heads,
                   [[str(t.id), t.arch] + [metric_text(t.result.metrics.get(m)) for m in metric_names]
                    for t in done])
    failed: Table = (["trial", "architecture", "reason"],
                     [[str(t.id), t.arch, t.result.reason or ""] for t in trials
                      if t.result is not None and not t.result.ok])
    title = f"nasloop run {run_dir}"
    facts = (f"{space_and_dataset(summary['space'], summary['dataset'], summary.get('fidelity'))}, strategy "
             f"{summary['strategy']}" + (f" + {summary['predictor']}" if summary["predictor"] else "")
             + f", seed {summary['seed']}: {summary['status']} ({summary['stop_reason'] or ''}); "
             f"{summary['evaluations']} evaluations, {summary['failed']} failed"
             + "".join(f"; {note}" for note in (bookkeeping_note(summary), summary.get("unread_note")) if note))
    # a run's report gave NB301's surrogate predictions as plain accuracies, where a study's said what they are
    if values := run_values(summary):  # a training's splits too
        facts += f"; values: {values}"
    md_prov, html_prov = provenance(command)
    ranked = "Best architectures" + ranked_by(summary)
    why = no_best_text(summary)  # an empty table read as a report that lost its rows
    nothing = (f"None: {why}. The best value measured of each objective: "
               + "; ".join(f"{name} {text}" for name, text in best_measured_texts(summary)) + "."
               if why else "None: no evaluation succeeded.")
    rows = held_out_rows(summary)  # the held-out values as one line, then the note on them
    values = "; ".join(f"{head}: {text}" for head, text in rows if head != "note")
    if rows and summary["held_out"]["values"]:  # 'Held-out of chosen ...'; a metric's name first stays as it is
        values = f"{values[0].upper()}{values[1:]}"
    held = [f"{values}.", *(text for head, text in rows if head == "note")] if rows else []
    md = [f"# {title}", "", facts, "", md_prov, "", f"## {ranked}", "", markdown_table(best) if done else nothing, "",
          *[line for text in held for line in (text, "")], f"![trajectory](figures/{figure.name})", ""]
    md += [f"![Pareto front](figures/{front.name})", ""] if front else []
    tested = _tested_section(summary)
    if tested:
        md += [f"## {tested[0]}", "", tested[1] if isinstance(tested[1], str) else markdown_table(tested[1]), ""]
    pareto = _pareto_section(summary)
    if pareto:
        md += [f"## Pareto front ({len(pareto[1][1])})", "", pareto[0], "", markdown_table(pareto[1]), ""]
    md += [f"## Failed evaluations ({len(failed[1])})", ""]
    md += [markdown_table(failed)] if failed[1] else ["None."]
    page = [f"<h1>{html.escape(title)}</h1><p>{html.escape(facts)}</p>{html_prov}<h2>{html.escape(ranked)}</h2>",
            html_table(best) if done else f"<p>{nothing}</p>", *(f"<p>{html.escape(text)}</p>" for text in held),
            figure_html(figure),
            *([figure_html(front)] if front else []),
            *([f"<h2>{html.escape(tested[0])}</h2>", f"<p>{html.escape(tested[1])}</p>"
               if isinstance(tested[1], str) else html_table(tested[1])] if tested else []),
            *([f"<h2>Pareto front ({len(pareto[1][1])})</h2><p>{html.escape(pareto[0])}</p>",
               html_table(pareto[1])] if pareto else []),
            f"<h2>Failed evaluations ({len(failed[1])})</h2>",
            html_table(failed) if failed[1] else "<p>None.</p>"]
    out.mkdir(parents=True, exist_ok=True)
    write_text_replacing(out / "report.md", "\n".join(md) + "\n")
    write_text_replacing(out / "report.html", html_page(title, page))
    return [out / "report.md", out / "report.html", figure, *([front] if front else [])]


def _pareto_section(summary: dict) -> tuple[str, Table] | None:
    """A multi-objective run's objectives, hypervolume and what the front leaves out, and the front as a table
    (the figure alone gave neither the number nor the members' values)."""
    if "pareto_front" not in summary:
        return None
    text = (f"Objectives {', '.join(summary['objectives'])}; hypervolume {hypervolume_text(summary)}"
            + "".join(f"; {left} left out" for left in left_out_texts(summary)) + ".")
    metrics = [o.partition(":")[0] for o in summary["objectives"]]
    heads = metric_heads(metrics, summary["space"], summary["evaluator"])
    return text, (["trial", "architecture", *heads],  # digits that tell members apart, as show gives them
                  [[str(m["trial"]), m["arch"], *(texts[k] for k in metrics)]
                   for m, texts in zip(summary["pareto_front"], front_texts(summary))])


def _tested_section(summary: dict) -> tuple[str, Table | str] | None:
    """The heading and table of what ``nasloop test`` measured of the run's best architectures (its tested.json, read
    as ``show`` reads it, :func:`.tested_shown.with_tested`), or the note on a file that is no such record; None where
    the run was not tested. The report left them out where ``show`` gave them: a run searched with ``test=false``
    reported no test figure, the one the user had measured included."""
    if "tested_note" in summary:
        return f"Tested by nasloop test ({TESTED_FILE})", f"None read: {summary['tested_note']}."
    tested = summary.get("tested")
    if not tested:
        return None
    heads = metric_heads(["test_accuracy", "val_accuracy"], summary["space"], summary["evaluator"])
    return f"Tested by nasloop test ({len(tested)})", (
        ["trial", "architecture", *heads, "epochs", "weights"],
        [[str(r["trial"]), r["arch"], metric_text(r["test_accuracy"]), metric_text(r["val_accuracy"]),
          str(r["epochs"]), "checkpoint" if r["from_checkpoint"] else "trained again"] for r in tested])
