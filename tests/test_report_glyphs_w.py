"""Figures draw method names in letters matplotlib's default font lacks, without a warning per letter."""
from __future__ import annotations

from pathlib import Path

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from nasloop.engine.cli import main
from nasloop.engine.plots import anytime_plot, save_figure
from nasloop.engine.study_file import load_study
from nasloop.engine.study_results import collect


def installed_font_has(letter: str) -> bool:
    """Whether a font matplotlib knows (but the placeholder 'Last Resort') draws ``letter``."""
    return any(ord(letter) in FT2Font(entry.fname).get_charmap() for entry in font_manager.fontManager.ttflist
               if not entry.name.startswith("Last Resort"))


def test_cjk_method_names_draw_without_warnings_and_the_report_says_what_no_font_has(tmp_path: Path,
                                                                                       data_dir: Path) -> None:
    """'进化' was drawn as empty boxes in every legend, with a 'Glyph ... missing from font' warning for each letter
    (an error here). Now a font that has the letters draws them ('の': matplotlib's STIX has it, DejaVu Sans not);
    letters no font has are written as code points and the report names them and the fix."""
    methods = tmp_path / "methods.yaml"
    methods.write_text('- {name: "进化", strategy: random}\n- {name: "の", strategy: random}\n', encoding="utf-8")
    study = tmp_path / "study"
    assert main(["compare", "--methods-file", str(methods), "--seeds", "1", "--budget", "2", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet"]) == 0
    report = (study / "report.md").read_text(encoding="utf-8")
    assert (study / "figures" / "anytime.png").is_file() and (study / "figures" / "ranks.svg").is_file()
    assert "の (U+306E)" not in report
    noted = "The figures write 化 (U+5316), 进 (U+8FDB) as <U+code>" in report
    assert noted == (not installed_font_has("进"))
    if noted:
        assert f"run 'nasloop report {study}'" in report


def test_names_with_dollars_or_a_leading_underscore_are_drawn_as_written(tmp_path: Path, data_dir: Path) -> None:
    """'_base' was left out of every legend (matplotlib hides labels that begin with '_'), 'r$a$n' was drawn as
    math (an italic a), and 'evo$_{x$' failed the report with matplotlib's ValueError after every run had run."""
    methods = tmp_path / "methods.yaml"
    names = ["_base", "r$a$n", "evo$_{x$"]
    methods.write_text("".join(f'- {{name: "{name}", strategy: random}}\n' for name in names), encoding="utf-8")
    study = tmp_path / "study"
    assert main(["compare", "--methods-file", str(methods), "--seeds", "1", "--budget", "2", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet"]) == 0
    figure = anytime_plot(collect(load_study(study)))
    save_figure(figure, tmp_path, "anytime")
    texts = figure.axes[0].get_legend().get_texts()
    assert [text.get_text() for text in texts] == [f"{name} (1)" for name in names]
    assert not any(text.get_parse_math() for text in texts[1:3])
