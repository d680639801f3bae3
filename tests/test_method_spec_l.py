"""A ``--methods`` item with a ':' and no predictor after it."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.cli import main

from .messages import one_line


@pytest.mark.parametrize("spec", ["bananas:", "bananas:+num_init=2"])
def test_a_colon_without_a_predictor_is_refused(spec: str, tmp_path: Path, data_dir: Path, capsys) -> None:
    """'bananas:' ran as bananas with its default predictor in a folder 'bananas-', beside 'bananas' if both were
    listed: a predictor left out was taken silently."""
    assert main(["compare", "--methods", spec, "--seeds", "1", "--budget", "2", "--out", str(tmp_path / "s"),
                 "--data-dir", str(data_dir), "--quiet"]) == 2
    one_line(capsys.readouterr().err.strip(), f"method '{spec}' names no predictor after ':'", "bananas alone")
    assert not (tmp_path / "s").exists()
