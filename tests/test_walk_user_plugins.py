"""A user's own plugins of every kind, written with the mistakes a careless user makes: each is named before the
first evaluation where it can be, in one line with the fix, and nothing is evaluated for nothing."""
from __future__ import annotations

from nasloop.engine import cli
from nasloop.engine.errors import ArchitectureError
from nasloop.engine.evaluators.base import Evaluator
from nasloop.engine.registry import register_evaluator, register_search_space
from nasloop.engine.types import Result
from nasloop.search_spaces.base import NeighbourhoodSpace

EVALUATED: list[object] = []


@register_search_space("walk-digits")
class Digits(NeighbourhoodSpace):
    """Five digits 0-3, written '0-1-2-3-0'."""

    name, vector_encodings = "walk-digits", ("onehot",)

    def parse(self, text):
        parts = text.split("-")
        if len(parts) != 5 or not all(p in "0123" and p for p in parts):
            raise ArchitectureError(f"'{text}' is not 5 digits 0-3 joined by '-'")
        return tuple(int(p) for p in parts)

    def format(self, arch):
        return "-".join(map(str, arch))

    def sample(self, rng):
        return tuple(int(b) for b in rng.integers(0, 4, 5))

    def mutate(self, arch, rng):
        return ((arch[0] + 1) % 4, *arch[1:])

    def neighbours(self, arch):
        return [arch[:i] + (b,) + arch[i + 1:] for i in range(5) for b in range(4) if b != arch[i]]


@register_evaluator("walk-accuracy-only")
class AccuracyOnly(Evaluator):
    """Reports 'accuracy' and says so in metric_names, but leaves the class's objective at 'val_accuracy'."""

    def metric_names(self, fidelity=None):
        return ["accuracy"]

    def evaluate(self, arch, fidelity=None):
        EVALUATED.append(arch)  # stands for an hour of training
        return Result(metrics={"accuracy": float(sum(arch))}, cost=1.0)


def test_an_evaluators_default_objective_its_metric_names_lack_is_refused_before_any_evaluation(tmp_path, capsys):
    run_dir = tmp_path / "run"
    EVALUATED.clear()
    assert cli.main(["search", "--space", "walk-digits", "--evaluator", "walk-accuracy-only", "--budget", "3",
                     "--run-dir", str(run_dir)]) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error
    assert "walk-accuracy-only evaluator's default objective 'val_accuracy'" in error
    assert "metric_names lists (accuracy)" in error and "--objective" in error
    assert EVALUATED == [] and not run_dir.exists()
    assert cli.main(["search", "--space", "walk-digits", "--evaluator", "walk-accuracy-only", "--budget", "3",
                     "--objective", "accuracy", "--run-dir", str(run_dir), "--quiet"]) == 0
    assert len(EVALUATED) == 3
