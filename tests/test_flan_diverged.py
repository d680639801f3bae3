"""A FLAN fit whose members score their own training cells as NaN or infinite fails there, in one line that says
why, instead of ending quietly and leaving every later prediction to be refused as a plugin's NaN."""
from __future__ import annotations

import torch

from nasloop.engine import cli
from nasloop.predictors.flan_transfer import _checksum


def _evaluate(data_dir, *options: str) -> list[str]:
    return ["predictors", "evaluate", "--space", "nb201", "--train-sizes", "8", "--seeds", "1", "--data-dir",
            str(data_dir), "--predictor-opt", "steps=2", *(arg for o in options for arg in ("--predictor-opt", o))]


def test_pretrained_weights_no_training_gives_are_named_at_the_fit(pretrained, tmp_path, data_dir, capsys):
    """Finite weights of 1e30 times a trained member's, with the checksum written again over them: the file loads,
    and the fine-tune scored every cell NaN."""
    payload = torch.load(pretrained, weights_only=True)
    for member in payload["members"]:
        for key, value in member.items():
            member[key] = value * 1e30
    payload["checksum"] = _checksum(payload)
    crafted = tmp_path / "huge.pt"
    torch.save(payload, crafted)
    assert cli.main(_evaluate(data_dir, f"pretrained={crafted}")) == 2
    error = capsys.readouterr().err
    assert f"FLAN fine-tuned from pretrained file {crafted} at lr " in error, error
    assert "e+30); if" in error and "if that is no trained FLAN's weight, pretrain again, " \
        "else give a smaller --predictor-opt lr=" in error and error.count("\n") == 1, error


def test_a_learning_rate_that_blows_the_weights_up_is_named(data_dir, capsys):
    assert cli.main(_evaluate(data_dir, "lr=1e30", "ensemble=1")) == 2
    error = capsys.readouterr().err
    assert "FLAN's training diverged" in error and "at lr 1e+30; give a smaller --predictor-opt lr" in error, error
    assert error.count("\n") == 1, error
