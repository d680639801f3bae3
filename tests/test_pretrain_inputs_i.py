"""``predictors pretrain`` options a user gets wrong: one line before any table is read or model fitted."""
from __future__ import annotations

import pytest

from nasloop import NasloopError


def test_a_negative_seed_is_refused_in_one_line(tmp_path, capsys):
    """--seed -1 was taken, the tables read, and the draw failed in numpy's words as an 'unexpected ValueError' with
    a traceback file (exit 1); pretrain(seed=-1) from Python raised numpy's ValueError."""
    from nasloop.engine import cli
    from nasloop.engine.pretraining import pretrain

    out = tmp_path / "flan.pt"
    with pytest.raises(SystemExit) as done:  # argparse's usage error
        cli.main(["predictors", "pretrain", "--space", "nb201", "--train-size", "8", "--seed", "-1", "--out", str(out)])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "argument --seed: must be >= 0, got -1" in err and "unexpected" not in err and len(err.splitlines()) == 1
    for seed in (-1, 1.5, 2**64):
        with pytest.raises(NasloopError, match=rf"seed must be an integer >= 0 and <= \d+, got {seed}"):
            pretrain(["nb201"], out, train_size=8, seed=seed)
    assert not out.exists()


def test_a_flan_option_written_name_dot_key_is_read_as_search_reads_it(tmp_path, capsys, data_dir):
    """--predictor-opt flan.ensemble=1, as search and predictors evaluate take it, was refused with "predictor 'flan'
    has no option 'flan.ensemble'"; forest.trees was refused the same way, naming no predictor but FLAN."""
    from nasloop.engine import cli
    from nasloop.engine.pretraining import pretrain
    from nasloop.predictors.flan_transfer import load_pretrained

    out = tmp_path / "flan.pt"
    assert cli.main(["predictors", "pretrain", "--space", "nb201", "--train-size", "8", "--predictor-opt",
                     "flan.ensemble=1", "--predictor-opt", "ensemble=3", "--predictor-opt", "steps=2",
                     "--data-dir", str(data_dir), "--out", str(out)]) == 0
    assert len(load_pretrained(out)["members"]) == 1  # flan.KEY beats KEY, as in a search
    with pytest.raises(NasloopError, match=r"^--predictor-opt forest.trees is for predictor 'forest', and predictors "
                                           r"pretrain fits FLAN only; drop it"):
        pretrain(["nb201"], tmp_path / "other.pt", train_size=8, predictor_options={"forest.trees": 5},
                 data_dir=data_dir)
    assert not (tmp_path / "other.pt").exists()


def test_spaces_written_as_one_comma_separated_space_are_told_to_repeat_the_flag(tmp_path):
    """--space nb201,nb101 (as --predictors and --train-sizes take lists) was refused as "unknown search space
    'nb201,nb101'", as if the names were wrong."""
    from nasloop.engine.pretraining import pretrain

    with pytest.raises(NasloopError, match=r"^--space takes one space, got 'nb201,nb101'; repeat it for each: "
                                           r"--space nb201 --space nb101$"):
        pretrain(["nb201,nb101"], tmp_path / "flan.pt", train_size=8)
