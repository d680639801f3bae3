"""The README's example of ``NAME.KEY`` beating ``KEY`` in ``compare --predictors`` runs as written: it was
``steps=100 flan.steps=300`` beside ``--predictors flan,gp``, and gp, which takes no ``steps``, refused it."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

from nasloop.engine.cli import main
from nasloop.engine.predictor_options import options_per_predictor

from .messages import one_line

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _example() -> list[str]:
    """The flags of the README's example that a NAME.KEY beats a KEY given too."""
    found = re.search(r"beats a `KEY` given\s+too \(`([^`]*)`", README)
    assert found, "the README no longer gives an example of NAME.KEY beating KEY"
    return shlex.split(found.group(1))


def test_the_readme_example_is_a_whole_command_that_runs(tmp_path: Path, data_dir: Path) -> None:
    flags = _example()
    assert flags[0] == "--predictors", f"the example names no predictors to compare: {flags}"
    assert main(["compare", *flags, "--train-sizes", "8", "--seeds", "1", "--out", str(tmp_path / "study"),
                 "--data-dir", str(data_dir), "--quiet"]) == 0


def test_the_named_value_beats_the_shared_one_and_a_key_one_lacks_is_refused(tmp_path: Path, data_dir: Path,
                                                                              capsys) -> None:
    options = options_per_predictor(["flan", "mlp"], {"flan.lr": 0.001, "lr": 0.01})  # in either order
    assert options == {"flan": {"lr": 0.001}, "mlp": {"lr": 0.01}}
    assert main(["compare", "--predictors", "flan,gp", "--predictor-opt", "steps=100", "--train-sizes", "8",
                 "--seeds", "1", "--out", str(tmp_path / "study"), "--data-dir", str(data_dir), "--quiet"]) == 2
    one_line(capsys.readouterr().err.strip(), "predictor 'gp' has no option 'steps'", "NAME.KEY=VALUE")
    assert not (tmp_path / "study").exists()
