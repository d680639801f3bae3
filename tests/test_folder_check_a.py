"""A folder argument given from Python is checked once, in one wording: the same bad data folder given to a search,
a resume and the pieces that read data (RunContext, build_context, evaluate_predictors, train_architecture,
score_architectures) is the same one line, not three wordings with different fixes."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from nasloop import NasloopError, SearchConfig, resume
from nasloop.engine.context import RunContext
from nasloop.engine.errors import DataError

ARCH = "|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|none~0|avg_pool_3x3~1|nor_conv_1x1~2|"


def _refusal(call: Callable[[], Any]) -> str:
    """The one line ``call`` is refused with."""
    with pytest.raises(NasloopError) as caught:
        call()
    assert "\n" not in str(caught.value)
    return str(caught.value)


def _pieces(data_dir: object, tmp_path: Path) -> dict[str, Callable[[], Any]]:
    """Every public entry point that takes a data folder, each given ``data_dir``."""
    from nasloop.engine.assemble import build_context
    from nasloop.engine.evaluators.proxies import score_architectures
    from nasloop.engine.predictor_evaluation import evaluate_predictors
    from nasloop.engine.train_one import train_architecture

    return {
        "SearchConfig": lambda: SearchConfig(data_dir=data_dir),
        "resume": lambda: resume(tmp_path / "run", budget=3, data_dir=data_dir),
        "RunContext": lambda: RunContext(data_dir=data_dir),  # type: ignore[arg-type]
        "build_context": lambda: build_context("nb201", "cifar10", data_dir),  # type: ignore[arg-type]
        "evaluate_predictors": lambda: evaluate_predictors(["random"], [8], [0], space="nb201", data_dir=data_dir),
        "train_architecture": lambda: train_architecture("nb201", ARCH, epochs=1, channels=8, data_dir=data_dir),
        "score_architectures": lambda: score_architectures("nb201", [ARCH], ["params"], data_dir=data_dir),
    }


@pytest.mark.parametrize("bad, expected", [
    (5, "data_dir is a folder, as text or a pathlib.Path, got 5; give a folder name, or leave it out"),
    ("", "data_dir is an empty path; give a folder name, or leave it out (an unset variable where it was written?)"),
    (" ", "data_dir is an empty path; give a folder name, or leave it out (an unset variable where it was written?)"),
])
def test_a_bad_data_folder_reads_the_same_line_wherever_it_is_given(tmp_path, bad, expected):
    """SearchConfig(data_dir=5) and resume(data_dir=5) said "as text or a pathlib.Path (or null)" and
    evaluate_predictors(data_dir=5) "(text or pathlib.Path) ...; pass a path or None"; data_dir='' was "give a folder
    name, or leave it out" in one and "give the data folder, or None for the default folders" in the other."""
    lines = {name: _refusal(call) for name, call in _pieces(bad, tmp_path).items()}
    assert lines == dict.fromkeys(lines, expected)


def test_train_architecture_refuses_an_empty_run_folder_as_a_search_does(tmp_path):
    """train_architecture(run_dir='') trained without checkpoints, unseen, where SearchConfig(run_dir='') and
    --run-dir '' are refused as empty paths; run_dir=3 was refused in the other wording."""
    from nasloop.engine.train_one import train_architecture

    for bad in ("", 3):
        line = _refusal(lambda: train_architecture("nb201", ARCH, epochs=1, channels=8, run_dir=bad))
        assert line == _refusal(lambda: SearchConfig(run_dir=bad))


def test_a_path_is_taken_and_a_missing_data_folder_is_still_a_data_error(tmp_path):
    """The shared check keeps what the data folder's own check adds: a folder that does not exist is a DataError."""
    from nasloop.engine.data.paths import check_data_dir

    check_data_dir(tmp_path)  # a pathlib.Path is a folder as good as its text
    with pytest.raises(DataError, match=f"^data directory '{tmp_path / 'gone'}' does not exist; pass an existing"):
        check_data_dir(tmp_path / "gone")
