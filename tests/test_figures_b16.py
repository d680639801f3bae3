"""A figure is laid out once to measure its tight box, for both of its files: with ``bbox_inches="tight"`` each
savefig laid the whole figure out a second time only to measure it (a quarter of a report's figure time, and a
study's report spends most of its time on its figures). The PNG is the one "tight" gave, pixel for pixel."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from nasloop.engine.plots import pyplot, save_figure


def _figure():
    """A study figure's parts: lines with markers, a band, a legend, axis labels and a title."""
    figure, axes = pyplot().subplots(figsize=(6.4, 4.2))
    queries = np.arange(1, 41)
    for i, label in enumerate(("random (3)", "evolution+population_size=20 (3)")):
        axes.plot(queries, 90 + np.log(queries) / (i + 1), label=label, marker="os"[i], markevery=5)
        axes.fill_between(queries, 89 + np.log(queries) / (i + 1), 91 + np.log(queries) / (i + 1), alpha=0.15)
    axes.legend(fontsize=8)
    axes.set_xlabel("queries (distinct evaluations)")
    axes.set_ylabel("best val_accuracy so far (%)")
    axes.set_title("nb201 / cifar10")
    return figure


def _size_in_points(svg: Path) -> tuple[float, float]:
    width, height = re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', svg.read_text(encoding="utf-8")).groups()
    return float(width), float(height)


def test_a_figure_is_laid_out_once_for_both_files_and_its_png_is_the_tight_one(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    reference = _figure()
    reference.savefig(tmp_path / "tight.png", dpi=130, bbox_inches="tight")  # the PNG's dpi
    reference.savefig(tmp_path / "tight.svg", bbox_inches="tight")
    pyplot().close(reference)
    draws = []
    draw = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, renderer: (draws.append(renderer), draw(self, renderer))[1])
    png, svg = save_figure(_figure(), tmp_path / "figures", "anytime")
    monkeypatch.undo()
    assert len(draws) == 3  # one layout to measure, then one draw for each file (4 with "tight": 2 per file)
    assert np.array_equal(np.asarray(Image.open(png)), np.asarray(Image.open(tmp_path / "tight.png")))
    # the SVG's box is the PNG's: its own renderer measured text under a point apart
    assert _size_in_points(svg) == pytest.approx(_size_in_points(tmp_path / "tight.svg"), abs=1.0)
