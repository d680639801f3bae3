"""A plugin's description keeps its literals marked (``x`` as `x`): dropping the marks garbled a docstring that names
an option by its literal, 'macro-cnn: ``stages`` stages, each an op' listed as 'stages stages, each an op'."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from nasloop.engine.cli import main

EXAMPLE = str(Path(__file__).resolve().parents[1] / "examples" / "custom_space.py")


def test_the_example_space_lists_its_option_as_a_literal():
    """In a process of its own: the example's space stays out of this one's registry."""
    for words in (["spaces"], ["spaces", "macro-cnn"]):
        shown = subprocess.run([sys.executable, "-m", "nasloop.engine.cli", "--plugin", EXAMPLE, *words],
                               capture_output=True, text=True, timeout=300)
        assert shown.returncode == 0, shown.stderr
        line = next(line for line in shown.stdout.splitlines() if line.startswith("macro-cnn"))
        assert "`stages` stages, each an op" in line and "stages stages" not in line


def test_builtin_descriptions_keep_their_literals(capsys):
    assert main(["predictors"]) == 0
    listing = capsys.readouterr().out
    assert "`members` MLPs" in listing and "``" not in listing and ":class:" not in listing
    assert main(["evaluators"]) == 0
    assert "Trains each architecture's network with Trainer and" in capsys.readouterr().out
