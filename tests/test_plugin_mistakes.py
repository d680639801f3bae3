"""Mistakes a user's own plugin makes, named in one line as that plugin's, not as another's."""
from __future__ import annotations

from nasloop.engine import cli
from nasloop.engine.errors import ArchitectureError
from nasloop.engine.evaluators.base import Evaluator
from nasloop.engine.registry import register_evaluator, register_search_space
from nasloop.engine.types import Result
from nasloop.search_spaces.base import SearchSpace


class Blocks(SearchSpace):
    """Four blocks of types 0-3, written '0-1-2-3'."""

    name = "mistake-blocks"

    def parse(self, text):
        parts = text.split("-")
        if len(parts) != 4 or not all(p in "0123" and p for p in parts):
            raise ArchitectureError(f"'{text}' is not 4 block types 0-3 joined by '-'")
        return tuple(int(p) for p in parts)

    def format(self, arch):
        return "-".join(map(str, arch))

    def sample(self, rng):
        return tuple(int(b) for b in rng.integers(0, 4, 4))

    def mutate(self, arch, rng):
        return ((arch[0] + 1) % 4, *arch[1:])


@register_search_space("mistake-comma-format")
class CommaFormat(Blocks):
    """Writes ',' where parse reads '-'."""

    name = "mistake-comma-format"

    def format(self, arch):
        return ",".join(map(str, arch))


@register_search_space("mistake-lossy-parse")
class LossyParse(Blocks):
    """Reads every string as its first block repeated."""

    name = "mistake-lossy-parse"

    def parse(self, text):
        arch = super().parse(text)
        if arch != (arch[0],) * 4:
            raise ArchitectureError(f"'{text}' is not one block type repeated")
        return arch


@register_evaluator("mistake-sum")
class Sum(Evaluator):
    """The sum of the block types."""

    def evaluate(self, arch, fidelity=None):
        return Result(metrics={"val_accuracy": float(sum(arch))}, cost=0.0)


def test_a_space_whose_parse_cannot_read_its_format_is_named_not_the_strategy(tmp_path, capsys):
    run = ["--evaluator", "mistake-sum", "--strategy", "evolution", "--budget", "4", "--run-dir", str(tmp_path / "r")]
    assert cli.main(["search", "--space", "mistake-comma-format", *run]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "strategy" not in error
    assert "search space 'mistake-comma-format' cannot parse what its format wrote, '" in error
    assert "make parse read format's strings" in error


def test_a_space_whose_own_samples_do_not_validate_is_named_not_the_strategy(tmp_path, capsys):
    run = ["--evaluator", "mistake-sum", "--strategy", "random", "--budget", "4", "--run-dir", str(tmp_path / "r")]
    assert cli.main(["search", "--space", "mistake-lossy-parse", *run]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "search space 'mistake-lossy-parse' cannot parse" in error
    assert "RandomSearch proposed" not in error
