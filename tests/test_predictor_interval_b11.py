"""``predictors evaluate`` and the study of the same fits (``compare --predictors``) give one interval over seeds.

``predictors evaluate`` wrote mean ± population std (0.167 ± 0.071 for GP at 8 cells on 3 seeds) where the study's
report wrote mean ± 95 % t half-width of the same fits (0.167 ± 0.217): both labelled, but a user comparing the two
tables read the first as three times tighter. The ranking figures of the random predictor are deterministic per seed,
so the two commands' cells, and a t interval recomputed from the records with scipy, must agree to the digit.
"""
from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
from scipy import stats

from nasloop.engine.cli import main
from nasloop.engine.predictor_evaluation import evaluate_predictors

SEEDS, SIZE = 3, 8
RANKING = {"Kendall tau": ("kendall_tau", 3), "Spearman": ("spearman", 3), "top-5% prec.": ("precision_top5", 2)}


def _t_text(values: list[float], digits: int) -> str:
    """Mean ± half-width of the 95 % Student t interval, computed here from the values alone."""
    half = stats.t.ppf(0.975, len(values) - 1) * np.std(values, ddof=1) / np.sqrt(len(values))
    return f"{np.mean(values):.{digits}f} ± {half:.{digits}f}"


def _study_row(report: Path) -> dict[str, str]:
    lines = report.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| predictor |"))
    head = lines[start].strip("| ").split(" | ")
    rows = [line.strip("| ").split(" | ") for line in itertools.takewhile(bool, lines[start + 2:])]
    return dict(zip(head, rows[0]))


def test_predictors_evaluate_gives_the_studys_t_interval(tmp_path: Path, data_dir: Path, capsys) -> None:
    records = evaluate_predictors(["random"], [SIZE], list(range(SEEDS)), data_dir=data_dir)
    assert main(["predictors", "evaluate", "--predictors", "random", "--train-sizes", str(SIZE), "--seeds",
                 str(SEEDS), "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "mean ± half-width of the 95 % Student t interval over seeds" in out and "population std" not in out
    row = next(line for line in out.splitlines() if line.strip("│ ").startswith("random"))
    study = tmp_path / "study"
    assert main(["compare", "--predictors", "random", "--train-sizes", str(SIZE), "--seeds", str(SEEDS),
                 "--data-dir", str(data_dir), "--out", str(study), "--quiet"]) == 0
    cells = _study_row(study / "report.md")
    for head, (key, digits) in RANKING.items():
        expected = _t_text([r[key] for r in records], digits)
        assert cells[head] == expected, head  # the study's cell
        assert f" {expected} " in row, (head, expected, row)  # predictors evaluate's: the same text
    taus = [r["kendall_tau"] for r in records]
    population = f"{np.mean(taus):.3f} ± {np.std(taus):.3f}"
    assert population != _t_text(taus, 3) and population not in row  # the old spread is gone, and was another
