"""A run that minimises the metric its evaluator counts better higher (or the reverse) is told so."""
from __future__ import annotations

from nasloop.engine.cli import main

_NOTE = ("nasloop search: note: --minimize searches for the lowest val_neg_l2_loss, which the tabular evaluator "
         "counts better higher: the worst architectures; drop --minimize to search for the best")


def test_minimising_a_negated_loss_is_noted(tmp_path, data_dir, capsys):
    # room_layout's metric is a negated loss: --minimize ran for the largest loss without a word.
    base = ["search", "--space", "tnb101-micro", "--dataset", "room_layout", "--strategy", "random", "--budget", "2",
            "--data-dir", str(data_dir), "--quiet", "--objective", "val_neg_l2_loss"]
    assert main([*base, "--minimize", "--run-dir", str(tmp_path / "min")]) == 0
    assert _NOTE in capsys.readouterr().err
    assert main([*base, "--run-dir", str(tmp_path / "max")]) == 0
    assert "note" not in capsys.readouterr().err
    assert main([*base[:-2], "--objectives", "val_neg_l2_loss:min", "--run-dir", str(tmp_path / "objectives")]) == 0
    assert "write val_neg_l2_loss:max to search for the best" in capsys.readouterr().err


def test_minimising_a_proxy_is_not_noted(tmp_path, data_dir, capsys):
    assert main(["search", "--space", "nb201", "--evaluator", "proxy", "--proxies", "params", "--objective", "params",
                 "--minimize", "--strategy", "random", "--budget", "1", "--data-dir", str(data_dir), "--quiet",
                 "--run-dir", str(tmp_path / "run")]) == 0
    assert "worst architectures" not in capsys.readouterr().err
