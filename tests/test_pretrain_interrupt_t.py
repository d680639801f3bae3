"""A Ctrl-C during ``predictors pretrain`` says that its ``--out`` was not written and how to go on: it said
"interrupted" alone, leaving a user to wonder whether the file they asked to overwrite was now half a file."""
from __future__ import annotations

from pathlib import Path

from nasloop.engine import cli
from nasloop.predictors.flan import FlanPredictor

from .real_ctrl_c import CtrlCAtCall, python_ctrl_c


def test_a_ctrl_c_in_the_second_space_leaves_the_file_and_says_so(tmp_path: Path, data_dir: Path, capsys) -> None:
    out = tmp_path / "flan.pt"
    base = ["predictors", "pretrain", "--train-size", "16", "--predictor-opt", "steps=2", "--predictor-opt",
            "ensemble=1", "--data-dir", str(data_dir), "--out", str(out)]
    assert cli.main([*base, "--space", "nb201"]) == 0
    before = out.read_bytes()
    second_fit = CtrlCAtCall(FlanPredictor.fit.__code__, 2)  # the first space's fit is kept in a temporary file
    capsys.readouterr()
    with python_ctrl_c(second_fit):
        status = cli.main([*base, "--space", "nb201", "--space", "tnb101-micro", "--overwrite"])
    assert second_fit.calls == 2 and status == 130
    assert capsys.readouterr().err == (f"nasloop predictors pretrain: interrupted; nothing was written to {out}, which "
                                       "is written once the last --space is fitted: run the same command again to "
                                       "pretrain\n")
    assert out.read_bytes() == before
