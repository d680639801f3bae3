"""``nasloop predictors pretrain --predictor NAME`` with a user's subclass of FLAN fits that subclass, with its options
and defaults: FLAN's inherited ``pretrain`` fitted a plain FLAN whatever the subclass changed, and wrote its file
under the subclass's command (which the subclass's search then refused: "trained with hidden 48 (here 16)")."""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main
from nasloop.engine.errors import NasloopError
from nasloop.engine.pretraining import pretrain
from nasloop.engine.registry import register_predictor
from nasloop.predictors.flan import FlanPredictor
from nasloop.predictors.flan_transfer import load_pretrained


class SmallFlan(FlanPredictor):
    """FLAN with two members and a narrower hidden layer by default."""

    def __init__(self, space, seed=0, context=None, ensemble: int = 2, hidden: int = 16, steps: int | None = None,
                 pretrained: str | None = None) -> None:
        super().__init__(space, seed, context, ensemble=ensemble, hidden=hidden, steps=steps, pretrained=pretrained)


def test_a_subclass_of_flan_is_pretrained_as_itself(tmp_path, capsys, data_dir):
    register_predictor("small-flan-a")(SmallFlan)  # the conftest drops it after the test
    out = tmp_path / "small.pt"
    assert main(["predictors", "pretrain", "--predictor", "small-flan-a", "--space", "nb201", "--train-size", "8",
                 "--predictor-opt", "small-flan-a.steps=2", "--data-dir", str(data_dir), "--out", str(out)]) == 0
    assert "(small-flan-a on nb201: 8 cells" in capsys.readouterr().out
    saved = load_pretrained(out)
    assert len(saved["members"]) == 2 and saved["shape"]["hidden"] == 16
    with pytest.raises(NasloopError, match=r"^--predictor-opt flan.steps is for predictor 'flan', and predictors "
                                           r"pretrain fits small-flan-a only; drop it, or give a small-flan-a option"):
        pretrain(["nb201"], tmp_path / "other.pt", SmallFlan, train_size=8, predictor_options={"flan.steps": 2},
                 data_dir=data_dir)
