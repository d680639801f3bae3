"""A predictor study's tau figure ticks its x axis at the training sizes measured, written as numbers: its log axis
was ticked '2x10^1', '3x10^1', '4x10^1', '6x10^1' for sizes 16 and 64, neither of which it named."""
from __future__ import annotations

import re
from pathlib import Path

from nasloop.engine.predictor_study import tau_figure
from nasloop.engine.study_stats import spread


def test_the_tau_axis_is_ticked_at_the_training_sizes(tmp_path: Path) -> None:
    rows = [{"predictor": name, "train_size": size, "kendall_tau": spread([tau - 0.05, tau, tau + 0.05])}
            for name in ("gp", "forest") for size, tau in ((16, 0.3), (64, 0.4), (1024, 0.6))]
    svg = next(p for p in tau_figure(rows, tmp_path) if p.suffix == ".svg").read_text(encoding="utf-8")
    ticks = re.findall(r'<g id="xtick_\d+">.*?<!-- (.*?) -->', svg, re.DOTALL)
    assert ticks == ["16", "64", "1,024"], ticks
    assert "times" not in svg and "10^" not in svg  # no scientific tick labels
