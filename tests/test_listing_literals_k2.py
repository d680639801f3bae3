"""A plugin's description keeps its literals marked (``x`` as `x`): dropping the marks garbled a docstring that names
an option by its literal, 'macro-cnn: ``stages`` stages, each an op' listed as 'stages stages, each an op'."""
from __future__ import annotations

from pathlib import Path

from nasloop.engine.cli import main

EXAMPLE = str(Path(__file__).resolve().parents[1] / "examples" / "custom_space.py")


def test_the_example_space_lists_its_option_as_a_literal(capsys):
    for words in (["spaces"], ["spaces", "macro-cnn"]):
        assert main(["--plugin", EXAMPLE, *words]) == 0
        line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("macro-cnn"))
        assert "`stages` stages, each an op" in line and "stages stages" not in line


def test_builtin_descriptions_keep_their_literals(capsys):
    assert main(["predictors"]) == 0
    listing = capsys.readouterr().out
    assert "`members` MLPs" in listing and "``" not in listing and ":class:" not in listing
    assert main(["evaluators"]) == 0
    assert "Trains each architecture's network with Trainer and" in capsys.readouterr().out
