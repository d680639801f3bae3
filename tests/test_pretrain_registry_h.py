"""``nasloop predictors pretrain`` fits the predictor ``--predictor`` names through its Pretrainable interface, so a
user's predictor can be pretrained as FLAN is, and one that cannot is refused before anything is read."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from nasloop.engine.cli import main


def test_pretrain_asks_the_registered_predictor_and_refuses_one_that_cannot(tmp_path: Path, capsys, data_dir) -> None:
    """The command imported FLAN's module by name: no other predictor could be pretrained through it."""
    from nasloop.engine.registry import register_predictor
    from nasloop.predictors.base import Predictor, Pretrainable

    @register_predictor("h-pretrained")
    class Remembers(Predictor, Pretrainable):
        """Predicts 0 everywhere; its pretraining writes the spaces it was asked for."""

        def save_pretrained(self, out: Any, spaces: Any, cells: int) -> None:
            Path(out).write_text(" ".join(spaces) + f" cells={cells}")

        def _fit(self, archs: Any, y: Any) -> None:
            pass

        def predict(self, archs: Any) -> tuple[np.ndarray, np.ndarray]:
            return np.zeros(len(archs)), np.ones(len(archs))

    out = tmp_path / "pre.txt"
    assert main(["predictors", "pretrain", "--predictor", "h-pretrained", "--space", "nb201", "--seed", "3",
                 "--train-size", "8", "--data-dir", str(data_dir), "--out", str(out)]) in (0, None)
    assert out.read_text() == "nb201 cells=8"
    assert f"wrote {out} (h-pretrained on nb201: 8 cells, " in capsys.readouterr().out
    refused = tmp_path / "forest.pt"
    assert main(["predictors", "pretrain", "--predictor", "forest", "--space", "nb201", "--out", str(refused)]) == 2
    error = capsys.readouterr().err
    assert "predictor 'forest' cannot be pretrained" in error and "--predictor flan" in error, error
    assert error.count("\n") == 1 and not refused.exists(), error
