"""examples/custom_space.py read an architecture of another stage count: its refusal named a tuple, not the text."""
from __future__ import annotations

from pathlib import Path

from nasloop.engine.cli import main

from .messages import one_line

EXAMPLE = str(Path(__file__).resolve().parents[1] / "examples" / "custom_space.py")


def test_an_architecture_of_other_stages_is_named_as_written_with_the_option_that_takes_it(tmp_path, capsys) -> None:
    """'nasloop --plugin examples/custom_space.py train --space macro-cnn --arch A|B' (two stages, the space four)
    said "(0, 1, 0, 2, 2, 1) is not a macro-cnn architecture of 4 stages": the internal tuple, and no word of
    --space-opt stages=2, which reads it."""
    arch = "conv3x3-32-plain|sepconv3x3-64-residual"
    assert main(["--plugin", EXAMPLE, "train", "--space", "macro-cnn", "--arch", arch, "--device", "cpu",
                 "--data-dir", str(tmp_path)]) == 2
    one_line(capsys.readouterr().err.strip(), f"'{arch}'", "2 stages", "4", "--space-opt stages=2")
