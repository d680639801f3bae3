"""A short study's figures and errors: query axes at whole numbers, the queries-to-target axis from 0 where no seed
reached the target, a predictor named with a leading '_' in the predictor study's legend, and an option error of a
methods file that names its method and file."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.predictor_study import tau_figure
from nasloop.engine.study_stats import Spread


def drawn_texts(svg: Path) -> list[str]:
    """The texts of a matplotlib SVG (each written as a comment before its glyphs)."""
    return re.findall(r"<!-- (.*?) -->", svg.read_text(encoding="utf-8"))


def tick_values(svg: Path, axis: str) -> list[float]:
    """The numbers an SVG's ``axis`` ('x' or 'y') is ticked at, as drawn."""
    texts = re.findall(rf'<g id="{axis}tick_\d+">.*?<!-- (.*?) -->', svg.read_text(encoding="utf-8"), re.DOTALL)
    return [float(text.replace("\u2212", "-")) for text in texts]


@pytest.fixture(scope="module")
def short_study(tmp_path_factory, data_dir) -> Path:
    study = tmp_path_factory.mktemp("short") / "study"
    assert main(["compare", "--methods", "random,local", "--seeds", "2", "--budget", "3", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet"]) == 0
    return study


@pytest.mark.parametrize("figure, axis", [("ranks", "x"), ("queries_to_target", "y")])
def test_query_axes_tick_whole_numbers(short_study: Path, figure: str, axis: str) -> None:
    """Budget 3 drew ticks at 1.25, 1.5, ... queries; and where no seed reached the target (the table's best, in 3
    queries) the queries-to-target axis spanned 3.0 to 3.2 around the ceiling alone: it starts at 0 now."""
    ticks = tick_values(short_study / "figures" / f"{figure}.svg", axis)
    assert ticks and all(t == int(t) for t in ticks), ticks
    if figure == "queries_to_target":
        assert 0 in ticks


def test_a_predictor_named_with_a_leading_underscore_is_in_the_legend(tmp_path: Path) -> None:
    """matplotlib leaves a line labelled '_x' out of a plain legend: a plugin predictor was missing from it."""
    rows = [{"predictor": name, "train_size": size, "kendall_tau": Spread(tau, tau - 0.05, tau + 0.05, 3)}
            for name in ("_x", "forest") for size, tau in ((8, 0.4), (32, 0.6))]
    svg = next(p for p in tau_figure(rows, tmp_path) if p.suffix == ".svg")
    assert {"_x", "forest"} <= set(drawn_texts(svg))


def test_a_methods_files_bad_option_names_its_method_and_file(tmp_path: Path, data_dir: Path, capsys) -> None:
    methods = tmp_path / "methods.yaml"
    methods.write_text("- {name: plain, strategy: random}\n"
                       "- {name: small, strategy: evolution, strategy_options: {popsize: 5}}\n")
    assert main(["compare", "--methods-file", str(methods), "--seeds", "1", "--budget", "3",
                 "--out", str(tmp_path / "study"), "--data-dir", str(data_dir)]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith(f"nasloop compare: error: method 'small' of {methods}: strategy 'evolution' has no "
                            "option 'popsize'"), error
    assert not (tmp_path / "study").exists()


def test_a_bootstrap_report_over_few_seeds_says_its_intervals_are_too_narrow(short_study: Path, capsys) -> None:
    """Two seeds' percentile bootstrap read +-1.26 where the t interval read +-16.01, and the report said nothing."""
    assert main(["report", str(short_study), "--interval", "bootstrap", "--out", str(short_study / "boot")]) == 0
    capsys.readouterr()
    report = (short_study / "boot" / "report.md").read_text(encoding="utf-8")
    assert "percentile bootstraps over as few as 2 seeds" in report and "--interval t" in report
    assert main(["report", str(short_study), "--out", str(short_study / "plain")]) == 0
    assert "percentile bootstraps" not in (short_study / "plain" / "report.md").read_text(encoding="utf-8")


def test_a_predictor_row_says_how_many_of_its_seeds_ranked_the_cells() -> None:
    """A seed whose predictor ranked every cell alike has no tau: the mean was over the other seed while the row
    said '2' seeds."""
    from nasloop.engine.predictor_report import predictor_table
    from nasloop.engine.predictor_study import METRICS

    records = [{"predictor": "gp", "train_size": 8, "seed": seed, **dict.fromkeys(METRICS, 0.5)} for seed in (0, 1)]
    records[1].update(kendall_tau=float("nan"), spearman=float("nan"))
    head, rows = predictor_table(records)
    assert rows[0][head.index("seeds")] == "2 (1 ranked)" and rows[0][head.index("Kendall tau")] == "0.500"
    head, rows = predictor_table(records[:1])
    assert rows[0][head.index("seeds")] == "1"
