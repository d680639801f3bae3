"""A study is not made inside another study's runs folder, where its --force-new moved that study's runs."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.cli import main

from .messages import one_line


@pytest.mark.parametrize("inner", [["--methods", "random", "--budget", "5"],
                                   ["--predictors", "gp", "--train-sizes", "8"]],
                         ids=["search study", "predictor study"])
def test_a_study_inside_another_studys_runs_is_refused(tmp_path: Path, data_dir: Path, capsys,
                                                       inner: list[str]) -> None:
    """'compare --out STUDY/runs/random --force-new' renamed STUDY/runs/random, the outer study's runs of random,
    to random.replaced-...: the outer study then counted them missing and ran them again."""
    study = tmp_path / "study"
    assert main(["compare", "--methods", "random", "--seeds", "1", "--budget", "3", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["compare", *inner, "--seeds", "1", "--out", str(study / "runs" / "random"), "--force-new",
                 "--data-dir", str(data_dir), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    one_line(err, f"is inside the runs of the 'nasloop compare' study {study.resolve()}")
    assert sorted(p.name for p in (study / "runs").iterdir()) == ["random"]
    assert (study / "runs" / "random" / "seed-0" / "nasloop.sqlite").is_file()
