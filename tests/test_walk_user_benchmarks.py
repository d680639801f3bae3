"""A user's own benchmark (a surrogate without a table, one whose query returns a dict, one without cells), and an
evaluator of one's own that reads it: each mistake named in one line, as the benchmark's, with the fix."""
from __future__ import annotations

import pytest

from nasloop.engine import cli
from nasloop.engine.data.table import Table
from nasloop.engine.evaluators.base import Evaluator
from nasloop.engine.registry import register_benchmark, register_evaluator, register_search_space
from nasloop.engine.types import Result
from nasloop.search_spaces.base import Benchmark, Task
from .test_walk_user_plugins import EVALUATED, Digits, plugin, register_all


@pytest.fixture(autouse=True)
def _registered():
    """Both files' plugins (this one's space reads the other's), for one test."""
    register_all()


@plugin(register_benchmark, "walk-formula")
class Formula(Benchmark):
    """A user's benchmark that computes its results (a surrogate) and so has no table to return."""

    name, tasks = "walk-formula", (Task("digits"),)

    @property
    def table(self):
        return None

    def fidelities(self, task):
        return [12, 200]

    def query(self, arch, task, fidelity=None):
        return Result(metrics={"val_accuracy": float(sum(arch)) + (fidelity or 200) / 100})

    @classmethod
    def recognise_source(cls, path):
        return None

    @classmethod
    def import_files(cls, paths):
        raise NotImplementedError


@plugin(register_search_space, "walk-formula-digits")
class FormulaDigits(Digits):
    name, benchmark = "walk-formula-digits", "walk-formula"


@plugin(register_benchmark, "walk-formula-empty")
class FormulaEmptyTable(Formula):
    name = "walk-formula-empty"

    @property
    def table(self):
        return Table({})


@plugin(register_search_space, "walk-formula-empty-digits")
class FormulaEmptyDigits(Digits):
    name, benchmark = "walk-formula-empty-digits", "walk-formula-empty"


def test_a_users_benchmark_whose_table_is_not_a_table_is_named_in_one_line(tmp_path, capsys):
    run = ["--budget", "4", "--strategy", "random", "--quiet"]
    assert cli.main(["search", "--space", "walk-formula-digits", *run, "--run-dir", str(tmp_path / "a")]) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "unexpected" not in error and not (tmp_path / "a").exists()
    assert error == ("nasloop search: error: benchmark 'walk-formula': its table is NoneType, not a Table; return a "
                     "nasloop.engine.data.table.Table of its columns (Table({}) for a benchmark whose query reads "
                     "none)")
    assert cli.main(["search", "--space", "walk-formula-empty-digits", *run, "--run-dir", str(tmp_path / "b")]) == 0


@plugin(register_evaluator, "walk-noisy-lookup")
class NoisyLookup(Evaluator):
    """Answers from the space's benchmark, with noise, and says so (uses_benchmark)."""

    uses_benchmark = True

    def evaluate(self, arch, fidelity=None):
        EVALUATED.append(arch)
        result = self.context.benchmark.query(arch, self.context.dataset, fidelity)
        return Result(metrics={"val_accuracy": result.metrics["val_accuracy"] + 0.1}, cost=result.cost)


def test_an_evaluator_that_uses_the_benchmark_is_refused_on_a_space_without_one_before_any_evaluation(tmp_path,
                                                                                                       capsys):
    run = ["search", "--evaluator", "walk-noisy-lookup", "--budget", "3", "--strategy", "random", "--quiet"]
    EVALUATED.clear()
    assert cli.main([*run, "--space", "walk-digits", "--run-dir", str(tmp_path / "a")]) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and not (tmp_path / "a").exists() and EVALUATED == []
    assert error.startswith("nasloop search: error: --evaluator walk-noisy-lookup needs a benchmark table, and search "
                            "space 'walk-digits' has none; ")
    assert cli.main([*run, "--space", "walk-formula-empty-digits", "--run-dir", str(tmp_path / "b")]) == 0
    assert len(EVALUATED) == 3


def test_predictors_evaluate_on_a_benchmark_without_cells_says_to_define_them(capsys):
    assert cli.main(["predictors", "evaluate", "--space", "walk-formula-empty-digits", "--predictor", "walk-lstsq",
                     "--train-sizes", "4", "--seeds", "1"]) == 2
    error = capsys.readouterr().err.strip()
    assert error == ("nasloop predictors evaluate: error: the walk-formula-empty benchmark does not list its "
                     "architectures; define its cells() (every architecture the table holds, in a fixed order) to "
                     "rank or sample them all")


@plugin(register_benchmark, "walk-formula-dict")
class FormulaDict(FormulaEmptyTable):
    """Answers a query with a plain dict of metrics."""

    name = "walk-formula-dict"

    def query(self, arch, task, fidelity=None):
        return {"val_accuracy": float(sum(arch))}


@plugin(register_search_space, "walk-formula-dict-digits")
class FormulaDictDigits(Digits):
    name, benchmark = "walk-formula-dict-digits", "walk-formula-dict"


def test_a_benchmark_query_that_returns_no_result_is_named_as_the_benchmarks(tmp_path, capsys):
    assert cli.main(["search", "--space", "walk-formula-dict-digits", "--budget", "3", "--strategy", "random",
                     "--run-dir", str(tmp_path / "run")]) == 2
    error = capsys.readouterr().err.strip()
    assert error == ("nasloop search: error: benchmark 'walk-formula-dict': query returned dict, not a Result; return "
                     "Result(metrics={...}, cost=SECONDS); once fixed, continue with 'nasloop search --resume "
                     f"{tmp_path / 'run'}'")
