"""A predictor study's report (``nasloop compare --predictors`` and ``nasloop report`` of its folder): its table of
ranking figures over seeds and its tau-vs-size figure, as ``report.md`` and ``report.html``, written by the page
parts a search study's report uses (:mod:`.report`)."""
from __future__ import annotations

import html
import json
import sys
from pathlib import Path
from typing import Any, Mapping, Sequence

from .assemble import target_description
from .predictor_grid import RANKED
from .predictor_study import summary_rows, tau_figure
from .replaced_files import write_text_replacing
from .report import Table, figure_html, html_page, html_table, markdown_table, provenance
from .report_files import write_staged
from .store_rows import RESOLVED_KEY
from .value_texts import interval_text, of_seeds


FIGURES = (("kendall_tau", 3), ("spearman", 3), ("precision_top1", 2), ("precision_top5", 2), ("fit_seconds", 2),
           ("predict_seconds", 3))
"""The figures a predictor table gives of each (predictor, train size), with the decimals each is written to."""
FIGURE_HEADS = ["Kendall tau", "Spearman", "top-1% prec.", "top-5% prec.", "fit s", "predict s"]


def figure_cells(row: dict, marked: bool = False) -> list[str]:
    """A :func:`.predictor_study.summary_rows` row's figures, mean ± 95 % t half-width over the seeds with a value:
    the one writing of both the study's report and ``predictors evaluate``'s table, which gave '± population std'
    of the same fits (0.167 ± 0.071 where the study read 0.167 ± 0.217). ``marked``: a cell over fewer of the row's
    seeds says how many (a table without the report's seeds column)."""
    texts = [(interval_text(*row[key][:3], digits), row[key].have) for key, digits in FIGURES]
    return [of_seeds(text, have, row["seeds"]) if marked else text for text, have in texts]


def predictor_table(records: list[dict]) -> Table:
    """Mean ± 95 % t half-width over seeds of each metric, per (predictor, train size), beside the test cells each
    ranked (as ``predictors evaluate``'s table shows them)."""
    return (["predictor", "train", "test", "seeds", *FIGURE_HEADS],
            [[r["predictor"], str(r["train_size"]), tested_text(r), _seeds(r), *figure_cells(r)]
             for r in summary_rows(records)])


def study_settings(grid: dict) -> str:
    """The options the study's commands gave and those its space and predictors resolved, in words: the report
    showed the command that wrote it, which for 'nasloop report DIR' names none, so a study of FLAN at
    ``ensemble=2`` read as one of FLAN's defaults."""
    given = [f"--{flag} {key}={_value(value)}" for flag, options in (("space-opt", grid.get("space_options")),
                                                                      ("predictor-opt", grid.get("predictor_options")))
             for key, value in (options or {}).items()]
    text = f"Options given: {', '.join(given) if given else 'none (every default)'}."
    if grid.get("fidelity") is None and grid.get(RANKED) is not None:  # the title names a fidelity given only
        text += f" Fidelity: {grid[RANKED]} epochs, the table's highest for the task when the study began."
    if plugins := grid.get("plugins"):
        text += f" Plugins: {', '.join(plugins)}."
    resolved = [f"{kind} {name}: {options_text(options)}"
                for kind, by_name in (grid.get(RESOLVED_KEY) or {}).items() for name, options in by_name.items()]
    if resolved:
        text += (" Filled in from the space, its benchmark or the context when the study first measured them, and "
                 f"kept for its later fits: {'; '.join(resolved)}.")
    return text


def resolved_caption(described: str, records: Sequence[dict]) -> str:
    """``predictors evaluate``'s table caption: what its targets are (``described``), and the options each predictor
    filled in (its records' ``resolved_options``), which the table's names alone do not say."""
    resolved = {r["predictor"]: r["resolved_options"] for r in records if r.get("resolved_options")}
    filled = "; ".join(f"{name} {options_text(options)}" for name, options in resolved.items())
    filled = filled and f"options filled in from the space and its benchmark: {filled}"
    return "\n".join(part for part in (described, filled) if part)


def options_text(options: Mapping[str, Any]) -> str:
    """``KEY=VALUE`` of each option, as ``--predictor-opt`` reads it."""
    return ", ".join(f"{key}={_value(value)}" for key, value in options.items())


def _value(value: Any) -> str:
    """An option's value as ``--predictor-opt`` reads it: text as it is, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


def tested_text(row: dict) -> str:
    """How many cells a row's fits ranked: fewer than the task's where cells lack the ranked metric (a hardware
    metric: 10,926 of NB201's 15,625), which only the records said; '–' for records from before they held it, and
    the range where seeds differ."""
    sizes = row["test_sizes"]
    return "–" if not sizes else f"{sizes[0]:,}" if len(sizes) == 1 else f"{sizes[0]:,}–{sizes[-1]:,}"


def _seeds(row: dict) -> str:
    """A row's seeds, and how many of them ranked the cells where some did not: its ranking figures are over those
    only, and '2' over a tau of one seed read as two."""
    return str(row["seeds"]) if row["ranked"] == row["seeds"] else f"{row['seeds']} ({row['ranked']} ranked)"


def write_predictor_report(folder: Path, records: list[dict], grid: dict,
                           command: Sequence[str] = tuple(sys.argv), notes: Sequence[str] = ()) -> list[Path]:
    """A predictor study's table (mean ± 95 % t half-width over seeds) and its tau-vs-size figure, after the
    ``notes`` the study's measurement gave (a predictor that has seen the test cells' labels); replaced together."""
    return write_staged(folder, lambda staged: _write_predictor_report(staged, records, grid, command, notes))


def _write_predictor_report(folder: Path, records: list[dict], grid: dict, command: Sequence[str],
                            notes: Sequence[str]) -> list[Path]:
    rows = summary_rows(records)
    figures = tau_figure(rows, folder / "figures") if rows else []
    table = predictor_table(records)
    at = f" at {grid['fidelity']} epochs" if grid.get("fidelity") is not None else ""  # as predictors evaluate says
    title = f"nasloop predictor study: {grid['space']} / {grid['dataset']}{at}"
    facts = ("Each predictor is fit on n cells of the benchmark (seed s: the first n of "
             "numpy.random.default_rng(s).permutation over its cells) and ranks all the others. Cells read mean ± "
             "half-width of the 95 % Student t interval over the seeds (wide with two or three seeds). Kendall tau is "
             "tau-b (scipy.stats.kendalltau), which corrects for tied values; top-k % precision is the share of the "
             "test cells' true top k % that the predictor also ranks in its top k %, ties broken by the cells' order.")
    if values := target_description(grid["space"], grid["dataset"], grid.get("metric")):
        facts += f" Targets: {values}."
    facts += f" {study_settings(grid)}"
    md_prov, html_prov = provenance(command)
    md = [f"# {title}", "", facts, "", md_prov, "", *(f"**Note:** {text}\n" for text in notes),
          markdown_table(table), ""]
    md += [f"![{p.stem}](figures/{p.name})" for p in figures if p.suffix == ".png"]
    page = [f"<h1>{html.escape(title)}</h1><p>{html.escape(facts)}</p>{html_prov}",
            *(f"<p><strong>Note:</strong> {html.escape(text)}</p>" for text in notes), html_table(table)]
    page += [figure_html(p) for p in figures if p.suffix == ".png"]
    write_text_replacing(folder / "report.md", "\n".join(md) + "\n")
    write_text_replacing(folder / "report.html", html_page(title, page))
    return [folder / "report.md", folder / "report.html", *figures]
