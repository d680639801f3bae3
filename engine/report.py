"""``nasloop report``: a study's tables and figures as ``report.md`` and ``report.html`` (one run's: :mod:`.run_report`,
which shares its tables, page and provenance).

The HTML is one self-contained file: figures embedded as PNG data, tables sortable by clicking a
column head (a few lines of inline script, no server, no network), and the command and library
versions that produced the numbers. The Markdown holds the same tables and links the figures.
"""
from __future__ import annotations

import base64
import html
import math
import platform
import shlex
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Sequence

from .assemble import table_values
from .final_held_out import final_objective_head, held_out_heads, held_out_metric, held_out_note
from .plot_fonts import glyph_note
from .metric_heads import with_unit
from .plots import study_figures
from .replaced_files import write_text_replacing
from .report_files import write_staged
from .study_methods import method_random_start_note, method_start_columns
from .study_results import StudyResults
from .value_texts import interval_text, of_seeds, space_and_dataset

Table = tuple[list[str], list[list[str]]]

_SORT_SCRIPT = """
function sortKey(text) {  // '>40' (not reached in 40) after 40; '–' (none) after every number; words as words
  var number = parseFloat(text.replace(/^>/, '').replace(/,/g, ''));  // '1,024' read as 1 sorted before '512'
  return isNaN(number) ? (text.trim() === '\u2013' ? Infinity : text) : number + (text.charAt(0) === '>' ? 0.5 : 0);
}
document.querySelectorAll('table.sortable th').forEach(function (th, column) {
  th.addEventListener('click', function () {
    var body = th.closest('table').tBodies[0], rows = Array.from(body.rows);
    var down = th.dataset.order !== 'asc'; th.dataset.order = down ? 'asc' : 'desc';
    var key = function (row) { return sortKey(row.cells[column].dataset.sort || row.cells[column].textContent); };
    rows.sort(function (a, b) { var x = key(a), y = key(b); return (x > y ? 1 : x < y ? -1 : 0) * (down ? 1 : -1); });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
"""
_STYLE = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
          "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #bbb;padding:3px 8px;text-align:right}"
          "th{cursor:pointer;background:#eee}td:first-child,th:first-child{text-align:left}"
          "img{max-width:100%}code{background:#f4f4f4}")


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in ("nasloop", "torch", "numpy", "scipy", "matplotlib"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found


def checkpoints(budget: int) -> list[int]:
    """Budgets the tables report: an eighth, a quarter, a half and all of it."""
    return sorted({max(1, budget // 8), max(1, budget // 4), max(1, budget // 2), budget})


def _fmt(value: float, digits: int = 2) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


FAILED_HEAD = "failed evals (all seeds)"
"""The sum over the method's seeds, beside per-run columns: 'failed evals 45' read as 45 of a run's 24."""


def _seconds(value: float) -> str:
    """A mean wall time, to 0.1 s, and to two significant digits below it: a table lookup's run of 0.015 s read
    '0.0', as if it had not run."""
    return _fmt(value, 1) if not math.isfinite(value) or value >= 0.1 else f"{value:.2g}"


def _digits(values: Sequence[float]) -> int:
    """Decimals that show where a metric's values differ: 2 for accuracies in %, more for metrics near 1 or 0.1."""
    finite = [abs(v) for v in values if math.isfinite(v)]
    scale = max(finite, default=100.0)
    return 2 if scale >= 10 else 3 if scale >= 1 else 4


def study_tables(results: StudyResults) -> dict[str, Table]:
    """The report's tables, as (header, rows) of text."""
    budgets = checkpoints(results.budget)
    at = results.at_budgets(budgets)
    fronts = results.reference is not None  # each run returns a front: no one architecture to hold out
    unit = _unit(results, results.objective)  # a hypervolume's is a product of several: none named
    own = f" in own {results.held_seconds:g} s" if results.held_seconds and not fronts else ""  # its runs' own
    held, heads = held_out_metric(results.objective), [] if fronts else held_out_heads(results.held, own)
    beside = None if fronts else final_objective_head(results.held, own)  # the searched metric at the final fidelity
    main_head = (["method", "seeds"] + [f"@{b}{unit}" for b in budgets]
                 + [f"AUC{unit}", "queries to target: lower median [IQR]", "reached"]
                 + [f"{head}{_unit(results, held) if held else ''}" for head in heads]
                 + [f"{beside}{unit}"] * bool(beside)
                 + [f"queries{own}"] * bool(own) + [FAILED_HEAD, "wall s/run"])
    rows = []
    d = _digits([m for cells in at.values() for m, _, _ in cells])
    for label, runs in results.methods.items():
        seeds, covered = len(runs.seeds), results.covered(label)
        cells = [of_seeds(interval_text(m, l, h, d, results.interval), int(covered[b - 1]), seeds)
                 for b, (m, l, h) in zip(budgets, at[label])]
        target = results.to_target(label)
        areas = results.areas(label)
        auc = interval_text(*results.over_seeds(areas), d, results.interval)
        rows.append([label, str(seeds)] + cells + [
            of_seeds(auc, sum(map(math.isfinite, areas)), seeds),
            target.describe(results.budget) if target else "–",
            f"{target.reached}/{target.runs}" if target else "–",
            *[of_seeds(interval_text(*results.over_seeds(values, False), d, results.interval), have, seeds)
              if (have := sum(map(math.isfinite, values))) else "–"  # over the seeds with a value; none: '–'
              for values in [runs.held_out, runs.searched_held_out][:len(heads)]
              + [runs.final_objective] * bool(beside)],
            *[interval_text(*results.over_seeds(runs.held_queries, False), 1, results.interval)] * bool(own),
            str(sum(runs.failed)), _seconds(sum(runs.wall) / len(runs.wall))])
    ranks = results.ranks(budgets)
    rank_rows = [[label, _fmt(rank)] for label, rank in sorted(ranks.items(), key=lambda kv: kv[1])]
    tests = results.tests(results.budget)
    test_rows = [[f"{t.a} vs {t.b}", _fmt(results.shown(t.mean_difference), d + 1),
                  f"{t.wins}/{t.losses}", str(t.pairs), f"{t.p_value:.3g}", f"{t.p_holm:.3g}", _fmt(t.effect),
                  "yes" if t.significant else "n.s."] if t.pairs else  # '0/0, p 1, n.s.' read as a test
                 [f"{t.a} vs {t.b}", "–", "no shared seed", "0", "–", "–", "–", "no pair to test"] for t in tests]
    common = len(results.common_seeds())
    return {"results": (main_head, rows),
            "ranks": (["method", f"average rank over {common} seed{'s' * (common != 1)} at {budgets}"], rank_rows),
            "tests": (["pair (a vs b)", f"mean a − b{unit}" + " (lower is better)" * results.minimize,
                       "a wins / losses", "seeds",  # each pair's own: they differ where a run is left out
                       "p (Wilcoxon)", "p (Holm)",
                       "effect (rank-biserial)", "significant"], test_rows)}


def _unit(results: StudyResults, metric: str) -> str:
    """' (%)': the unit of ``metric`` as the study's runs report it, for a column's head; '' where its plugins name
    none, and in a multi-objective study, whose columns are hypervolumes."""
    base = results.study.base
    return "" if results.reference is not None else with_unit("", base.space, base.evaluator, metric)


BOOTSTRAP_SEEDS = 10
"""The fewest seeds a percentile bootstrap interval is noted without: below, it is much narrower than the t one."""


def study_notes(results: StudyResults) -> list[str]:
    """What this study's numbers leave out, in words: where the AUC starts, runs cut at the budget."""
    notes = []
    if results.reference is not None:
        objectives, point = results.reference
        notes.append(f"Multi-objective study ({', '.join(map(str, objectives))}): every value is the hypervolume of "
                     f"a run's Pareto front so far against the reference point {', '.join(f'{v:g}' for v in point)} "
                     "(the same for every run), in place of the best objective; higher is better. A run returns a "
                     "front, not one architecture, so it has no held-out metric.")
        lacking = {label: sum(runs.lacking) for label, runs in results.methods.items() if sum(runs.lacking)}
        if lacking:
            notes.append("Left out of the fronts, as evaluations without a finite value of some objective: "
                         + ", ".join(f"{label} {count}" for label, count in lacking.items()) + " (over all seeds).")
        finals = [curve[-1] for runs in results.methods.values() for curve in runs.curves if len(curve)]
        if 0 in finals and all(value == 0 or math.isnan(value) for value in finals):  # NaN: no success at all
            notes.append("Every hypervolume is 0: no evaluation of any run is better than the reference point in "
                         "every objective; give a worse --reference-point (a new study).")
    start = results.auc_start()
    if start > 1:
        notes.append(f"AUC covers queries {start}–{results.budget}: before query {start} some run had no successful "
                     "evaluation yet.")
    base = results.study.base
    if base.max_seconds is not None and results.budget < (base.budget or math.inf):
        ended = f", which ended some before their {base.budget} queries" if base.budget else ""
        notes.append(f"The runs had a time budget ({base.max_seconds:g} s of evaluation cost){ended}: every column "
                     f"counts each run's first {results.budget} evaluations, the fewest any run made"
                     + (f", but 'queries in own {base.max_seconds:g} s' (the evaluations each run made in its time "
                        f"budget, at most {base.budget}) and the held-out columns, whose architecture is the one each "
                        "run returns: its best among those, as NB201's protocol reports it" if results.held_seconds
                        else "") + ".")
    notes += [f"{note[0].upper()}{note[1:]}." for method in results.study.methods
              if method.label in results.methods and (note := method_random_start_note(method, results.budget))]
    notes += [note for method in results.study.methods if method.label in results.methods
              and (note := method_start_columns(method, results.budget, checkpoints(results.budget)))]
    fewest = min((len(runs.seeds) for runs in results.methods.values()), default=0)
    if results.interval == "bootstrap" and 0 < fewest < BOOTSTRAP_SEEDS:  # at 2 seeds +-1.26 where t gave +-16.01
        notes.append(f"The intervals are percentile bootstraps over as few as {fewest} seeds, which cover the mean "
                     f"far less often than 95 % below about {BOOTSTRAP_SEEDS} seeds: read them as the seeds' spread, "
                     "or write the report with --interval t.")
    tested = [t for t in results.tests(results.budget) if t.pairs]
    paired = max((t.pairs for t in tested), default=0)
    if 0 < paired <= 5:  # 5 wins of 5 read 'n.s.' as a finding
        notes.append(f"With {paired} paired seed{'s' * (paired != 1)}, the exact Wilcoxon test's smallest two-sided "
                     f"p is {2 / 2 ** paired:.3g}: no pair can reach 0.05 however the runs differ; 6 seeds are the "
                     "fewest that can (p = 0.03125), more under Holm's correction over several pairs.")
    # ties are no evidence either way; each pair's smallest p by its own count (0.0625 on 5 seeds was said of 3's 0.25)
    elif short := [f"{t.a} vs {t.b} ({n} seed{'s' * (n != 1)}: smallest p {min(1.0, 2 / 2 ** n):.3g})"
                   for t in tested if (n := t.wins + t.losses) <= 5]:
        notes.append(f"{'; '.join(short)}: {'these pairs differ' if len(short) > 1 else 'this pair differs'} on 5 "
                     "seeds or fewer (fewer shared seeds, or seeds the two tie on, which the Wilcoxon test leaves "
                     "out), where the smallest two-sided p is 0.0625 or more: 'n.s.' there is no finding, however "
                     "the runs differ.")
    if results.cut:
        notes.append(f"Cut at the study's budget of {base.budget} evaluations (each run continued past it): "
                     f"{'; '.join(results.cut)}. Every column counts only their first {results.budget}, except "
                     "wall s/run, which is the whole run's.")
    return notes + results.unread


TEXT_COLUMNS = ("architecture", "reason", "weights")
"""Columns of words, left-aligned like the first: right-aligned as numbers, a report's architectures and failure
reasons (and nasloop test's checkpoint or trained again) were pushed against the next column, ragged at their start."""


def markdown_table(table: Table) -> str:
    head, rows = table
    align = ["---" if i == 0 or name in TEXT_COLUMNS else "---:" for i, name in enumerate(head)]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(align) + "|"]
    return "\n".join(lines + ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows])


def html_table(table: Table) -> str:
    head, rows = table
    out = ['<table class="sortable"><thead><tr>'] + [f"<th>{html.escape(h)}</th>" for h in head]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>")
    return "".join(out + ["</tbody></table>"])


def html_page(title: str, blocks: list[str]) -> str:
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{_STYLE}</style></head><body>{''.join(blocks)}<script>{_SORT_SCRIPT}</script></body></html>")


def figure_html(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<figure><img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}"></figure>'


def provenance(command: Sequence[str]) -> tuple[str, str]:
    found = ", ".join(f"{k} {v}" for k, v in versions().items())
    line = shlex.join(command)  # as a shell reads it back: a path with a space, or a method's '*', stays one word
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    return (f"Made {stamp} by `{line}` with {found}.",
            f"<p>Made {stamp} by <code>{html.escape(line)}</code> with {html.escape(found)}.</p>")


NOTES = ("Every column counts only each run's evaluations within the budget. Values are the best objective found "
         "within the budget: mean ± half-width of the 95 % Student t interval over seeds (with bootstrap intervals, "
         "mean [low, high] of the percentile interval, which need not be symmetric about the mean). A cell marked (k/n "
         "seeds) is over the k of the method's n seeds that have a value there (a successful evaluation by then; the "
         "held-out metric stored), never presented as all n. AUC is each run's mean of its best-so-far curve (given, "
         "as the held-out metric is, as mean and interval over seeds) over the queries from the first one at which "
         "every run of the study has a success, so every run's area covers the same queries. Queries to target: lower "
         "median [IQR] over seeds (each an observed run, never a midpoint; the range below four seeds), '>budget' "
         "where the target was not reached within the budget (censored, sorted last). Ranks count a run with no "
         "success yet below every run with one. Paired tests compare two methods at the full budget on the seeds both "
         "have a value at (their 'seeds', which the pairs of other methods do not narrow; a seed either method has no "
         "run of, or no success in, is left out): the Wilcoxon signed-rank test, two-sided, exact up to 50 seeds, "
         "which leaves out the seeds the two tie on (neither a win nor a loss), Holm-corrected over all pairs that "
         "share a seed; 'n.s.' means the difference is not significant at 0.05; 'no pair to test' means the two "
         "methods finished no seed in common.")


def write_study_report(results: StudyResults, out: Path, command: Sequence[str] = tuple(sys.argv)) -> list[Path]:
    """``report.md``, ``report.html`` and the figures in ``out``, all replaced together; returns the files written."""
    return write_staged(out, lambda folder: _write_study_report(results, folder, command))


def _write_study_report(results: StudyResults, out: Path, command: Sequence[str]) -> list[Path]:
    figures = study_figures(results, out / "figures")
    tables = study_tables(results)
    base = results.study.base
    title = f"nasloop study: {space_and_dataset(base.space, base.dataset, base.fidelity)}, budget {results.budget}"
    compared = (f"objectives {', '.join(map(str, results.reference[0]))} compared by hypervolume"
                if results.reference is not None else
                f"objective {results.objective} ({'minimised' if results.minimize else 'maximised'})")
    methods, shown = len(results.study.methods), len(results.methods)  # a study stopped in its first run: 0 read
    finished = f" ({shown} with a finished run)" if shown < methods else ""  # as a study of no methods
    grid = (f"{methods} method{'s' * (methods != 1)}{finished}, seeds {results.study.seeds}, evaluator "
            f"{base.evaluator}, {compared}, "
            f"{'bootstrap' if results.interval == 'bootstrap' else 't'} intervals"
            + (f", target {results.target:g}" if results.target is not None else "")
            + (f"; values: {values}" if (values := table_values(
                base.space, base.dataset, results.objective if results.reference is None else None, base.evaluator))
               else ""))
    md_prov, html_prov = provenance(command)
    sections = [("Results", "results"), ("Average ranks", "ranks"), ("Paired tests at the full budget", "tests")]
    problems = results.problems
    md = [f"# {title}", "", grid, "", md_prov, ""]
    page = [f"<h1>{html.escape(title)}</h1><p>{html.escape(grid)}</p>{html_prov}"]
    alone = ("None: a study of one method has no pair to test." if shown else  # a header without rows read as
             "None: no method has a finished run yet (see 'Runs left out').")  # rows lost
    for heading, key in sections:
        empty = key == "tests" and not tables[key][1]
        md += [f"## {heading}", "", alone if empty else markdown_table(tables[key]), ""]
        page.append(f"<h2>{html.escape(heading)}</h2>" + (f"<p>{alone}</p>" if empty else html_table(tables[key])))
    notes = [NOTES, *([] if results.reference is not None else [held_out_note(results.held)]), *study_notes(results)]
    drawn = [*results.methods, str(base.space), str(base.dataset), str(results.objective)]
    notes += [note for note in [glyph_note(drawn, f"nasloop report {shlex.quote(str(results.study.folder))}")] if note]
    md += [line for note in notes for line in (note, "")]
    md += ["## Figures", ""] + [f"![{p.stem}](figures/{p.name})" for p in figures if p.suffix == ".png"]
    page.append("".join(f"<p>{html.escape(note)}</p>" for note in notes) + "<h2>Figures</h2>")
    page += [figure_html(p) for p in figures if p.suffix == ".png"]
    if problems:
        md += ["", "## Runs left out", ""] + [f"- {p}" for p in problems]
        page.append("<h2>Runs left out</h2><ul>" + "".join(f"<li>{html.escape(p)}</li>" for p in problems) + "</ul>")
    write_text_replacing(out / "report.md", "\n".join(md) + "\n")
    write_text_replacing(out / "report.html", html_page(title, page))
    return [out / "report.md", out / "report.html", *figures]
