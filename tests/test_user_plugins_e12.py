"""A user's own strategy, predictor, evaluator or executor that raises as nasloop builds or sets up a run is named
in one line as that plugin's fault, as the same plugin raising in the loop is (engine/plugin_crash.py).

A constructor refusing an option the Python way (``raise ValueError("k must be at most 3")``) was "unexpected
ValueError in FILE:LINE (__init__): ...; the traceback is in /tmp/..." with exit status 1, in ``search``,
``compare`` and ``predictors evaluate`` alike, naming neither the plugin nor the option; so was an evaluator's
``metric_names`` or ``data_identity``, or a strategy's ``state_dict``, raising before the first evaluation. Now each
is the PluginFault line (exit status 2) naming the plugin, the method, the user's own line and, for a constructor,
the options it was given."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import PluginFault
from nasloop.engine.registry import register_evaluator, register_executor, register_predictor, register_search_space
from nasloop.engine.registry import register_strategy
from nasloop.engine.search import search, summarize
from nasloop.predictors.base import Predictor
from nasloop.search_spaces.base import EnumerableSpace
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.strategies.base import Strategy

from .digit_space import DigitSpace, DigitSum, NetDigits
from .test_plugin_faults_d5 import Queued


class Digits(DigitSpace):
    name = "e12-digits"


def _refuse(option: str, value: object, most: int) -> None:
    """What a user's constructor does with an option it cannot take."""
    if value > most:
        raise ValueError(f"{option} must be at most {most}, got {value}")


class HillClimber(Strategy):
    """Mutates the best architecture seen so far: a user's strategy, with an option it checks itself."""

    def __init__(self, space, seed: int = 0, k: int = 1) -> None:
        super().__init__(space, seed)
        _refuse("k", k, 3)
        self.k, self.best, self.best_score = k, None, None

    def ask(self, n):
        if self.best is None:
            return [self.space.sample(self.rng) for _ in range(n)]
        return [self.space.mutate(self.best, self.rng) for _ in range(n)]

    def tell(self, observations):
        for seen in observations:
            if seen.score is not None and (self.best_score is None or seen.score > self.best_score):
                self.best, self.best_score = seen.arch, seen.score

    def state_dict(self):
        return {"rng": self.rng.bit_generator.state, "best": self.best and self.space.format(self.best),
                "best_score": self.best_score}

    def load_state_dict(self, state):
        self.rng.bit_generator.state = state["rng"]
        self.best = state["best"] and self.space.parse(state["best"])
        self.best_score = state["best_score"]


class Knn(Predictor):
    """k nearest neighbours on the space's one-hot encoding: mean and spread of their scores."""

    def __init__(self, space, seed: int = 0, k: int = 3) -> None:
        super().__init__(space, seed)
        _refuse("k", k, 5)
        self.k = k

    def _rows(self, archs):
        return np.array([self.space.encode(a, "onehot") for a in archs], dtype=float)

    def _fit(self, archs, y):
        self.x, self.y = self._rows(archs), np.asarray(y, dtype=float)

    def predict(self, archs):
        distance = ((self._rows(archs)[:, None, :] - self.x[None]) ** 2).sum(-1)
        nearest = self.y[np.argsort(distance, axis=1)[:, :self.k]]
        return nearest.mean(1), nearest.std(1)


class Scaled(DigitSum):
    """The digits' sum, scaled by an option it checks itself."""

    def __init__(self, space, context=None, scale: float = 1.0) -> None:
        super().__init__(space, context)
        _refuse("scale", scale, 10)
        self.scale = scale


class Pool(Queued):
    """A user's executor with a worker count it checks itself."""

    def __init__(self, workers: int = 1) -> None:
        super().__init__()
        _refuse("workers", workers, 4)
        self.workers = workers


class NamesRaise(DigitSum):
    def metric_names(self, fidelity=None):
        return ["score", self.unit]  # no such attribute: AttributeError


class IdentityRaises(DigitSum):
    def data_identity(self):
        return {}["table"]  # KeyError


class StateRaises(HillClimber):
    def state_dict(self):
        raise RuntimeError("cannot save my state")


@pytest.fixture(autouse=True)
def _registered():
    """This file's plugins, for one test (the conftest drops them after it)."""
    register_search_space(Digits.name)(Digits)
    register_strategy("e12-hill")(HillClimber)
    register_predictor("e12-knn")(Knn)
    register_evaluator("e12-sum")(Scaled)
    register_executor("e12-pool")(Pool)
    register_evaluator("e12-names")(NamesRaise)
    register_evaluator("e12-identity")(IdentityRaises)
    register_strategy("e12-state")(StateRaises)


def _line_of(text: str) -> int:
    return next(n for n, line in enumerate(Path(__file__).read_text().splitlines(), 1) if text in line)


MOST = {"strategy e12-hill": 3, "predictor e12-knn": 5, "evaluator e12-sum": 10, "executor e12-pool": 4}
BASE = ["--space", Digits.name, "--budget", "6", "--quiet"]


@pytest.mark.parametrize("flags, said, given", [
    (["--strategy", "e12-hill", "--strategy-opt", "k=5"], "strategy e12-hill", "k=5"),
    (["--strategy", "predictor-topk", "--predictor", "e12-knn", "--predictor-opt", "k=9"], "predictor e12-knn",
     "k=9"),
    (["--evaluator-opt", "scale=20.0"], "evaluator e12-sum", "scale=20.0"),
    (["--executor", "e12-pool", "--executor-opt", "workers=9"], "executor e12-pool", "workers=9"),
])
def test_a_users_constructor_refusing_its_option_is_one_line_naming_it(flags, said, given, tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["search", *BASE, "--evaluator", "e12-sum", *flags, "--run-dir", str(run)]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith(f"nasloop search: error: {said}: __init__ raised ValueError: "), error
    assert f"must be at most {MOST[said]}, got " in error, error
    assert f"(at {__file__}:{_line_of('raise ValueError(f')}); fix it, or the options it was given ({given})" in error
    assert "unexpected" not in error and "\n" not in error and not run.exists()


def test_compare_names_a_users_strategy_refusing_its_option(tmp_path, capsys):
    out = tmp_path / "study"
    assert main(["compare", "--space", Digits.name, "--evaluator", "e12-sum", "--methods", "random,e12-hill+k=5",
                 "--seeds", "1", "--budget", "4", "--out", str(out), "--quiet"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("nasloop compare: error: method 'e12-hill+k=5': strategy e12-hill: __init__ raised "
                            "ValueError: k must be at most 3, got 5 (at "), error
    assert error.endswith("; fix it, or the options it was given (k=5)"), error


def test_the_api_raises_the_named_fault_with_the_users_error_as_its_cause(tmp_path):
    config = SearchConfig(space=Digits.name, evaluator="e12-sum", strategy="e12-hill", strategy_options={"k": 4},
                          budget=4, run_dir=str(tmp_path / "run"))
    with pytest.raises(PluginFault, match="strategy e12-hill: __init__ raised ValueError: k must be at most 3, "
                       "got 4") as caught:
        search(config)
    assert isinstance(caught.value.__cause__, ValueError)


@pytest.mark.parametrize("flags, said", [
    (["--evaluator", "e12-names"], "evaluator e12-names: metric_names raised AttributeError: 'NamesRaise' object "
     "has no attribute 'unit' "),
    (["--evaluator", "e12-identity"], "evaluator e12-identity: data_identity raised KeyError: 'table' "),
    (["--evaluator", "e12-sum", "--strategy", "e12-state"], "strategy e12-state: state_dict raised RuntimeError: "
     "cannot save my state "),
])
def test_a_users_plugin_raising_as_the_run_is_set_up_is_named(flags, said, tmp_path, capsys):
    """Each is called before the first evaluation (the objective's check, the run's record, its first save)."""
    run = tmp_path / "run"
    assert main(["search", *BASE, *flags, "--run-dir", str(run)]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith(f"nasloop search: error: {said}(at {__file__}:"), error
    assert error.endswith("; fix it") and "unexpected" not in error, error


README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_the_readmes_own_plugins_search_and_resume_from_another_folder(tmp_path, data_dir, monkeypatch, capsys):
    """The README's strategy, predictor and evaluator, saved as mine.py and loaded as it says; the evaluator's CSV,
    named relative to the folder the run started in, is found again by a resume run from elsewhere."""
    block = next(b for b in re.findall(r"```python\n(.*?)```", README, flags=re.S) if '@register_strategy("hill")' in b)
    mine, project = tmp_path / "mine.py", tmp_path / "project"
    mine.write_text(block)
    project.mkdir()
    space = NB201Space()
    rows = [f"{space.format(cell)},{(sum(cell) * 7) % 100}" for cell in space.enumerate()]
    (project / "scores.csv").write_text("arch,accuracy\n" + "\n".join(rows) + "\n")
    monkeypatch.chdir(project)
    data = ["--data-dir", str(data_dir), "--quiet"]
    for args in (["search", "--strategy", "hill", "--budget", "14", "--run-dir", "hill"],
                 ["search", "--strategy", "predictor-topk", "--predictor", "knn", "--strategy-opt", "num_init=5",
                  "--budget", "8", "--run-dir", "knn"],
                 ["search", "--strategy", "hill", "--evaluator", "my-csv", "--evaluator-opt", "path=scores.csv",
                  "--budget", "6", "--run-dir", "csv"]):
        assert main(["--plugin", str(mine), *args, *data]) == 0, capsys.readouterr().err
    monkeypatch.chdir(tmp_path)
    assert main(["search", "--resume", "project/csv", "--budget", "10", "--quiet"]) == 0, capsys.readouterr().err
    summary = summarize(project / "csv")
    assert (summary["evaluations"], summary["failed"]) == (10, 0), summary
    assert summarize(project / "knn")["failed"] == 0


class BreaksPastTen(Knn):
    """Fits on up to 10 results (its trial's), and raises on more."""

    def _rows(self, archs):
        return np.array([self.space.encode(a, self.space.vector_encodings[0]) for a in archs], dtype=float)

    def _fit(self, archs, y):
        if len(y) > 10:
            raise np.linalg.LinAlgError("Singular matrix")
        super()._fit(archs, y)


def test_predictors_evaluate_names_a_users_predictor_raising_in_a_later_fit(data_dir, capsys):
    """It was "unexpected LinAlgError ...; the traceback is in /tmp/..." with exit status 1; the fits it finished
    are said as before."""
    register_predictor("e12-breaks")(BreaksPastTen)
    assert main(["predictors", "evaluate", "--predictor", "e12-breaks", "--train-sizes", "10,20", "--seeds", "1",
                 "--data-dir", str(data_dir)]) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error == ("nasloop predictors evaluate: error: predictor e12-breaks: _fit raised LinAlgError: Singular "
                     f"matrix (at {__file__}:{_line_of('raise np.linalg.LinAlgError(')}); fix it; once fixed, 1 of "
                     "2 fits had finished (shown above); 'nasloop compare --predictors ... --out DIR' keeps every fit "
                     "and continues where it stopped"), error


class Lookup(DigitSum):
    """Reads the space's benchmark table (a user's lookup), which a space without one lacks."""

    uses_benchmark = True


class NeedsEnumeration(DigitSum):
    """Needs a space it can enumerate, which the digits are not."""

    requires = (EnumerableSpace,)


@pytest.mark.parametrize("evaluator", [Lookup, NeedsEnumeration])
def test_a_users_evaluator_the_space_cannot_serve_is_told_the_evaluators_that_can(evaluator, data_dir, tmp_path,
                                                                                    capsys):
    """Such an evaluator reads no dataset, so the refused run's context had none, and proxy and train, which build
    on any dataset the space takes, were named as working on nothing ('evaluators that work on it: none')."""
    register_search_space("e12-netdigits")(type("NetDigits", (NetDigits,), {"name": "e12-netdigits"}))
    register_evaluator("e12-needs")(evaluator)
    run = tmp_path / "run"
    assert main(["search", "--space", "e12-netdigits", "--evaluator", "e12-needs", "--budget", "3", "--data-dir",
                 str(data_dir), "--run-dir", str(run), "--quiet"]) == 2
    error = capsys.readouterr().err.strip()
    named = re.search(r"[Ee]valuators that work on it: ([^;]+)", error)
    assert named is not None and {"proxy", "train", "e12-sum"} <= set(named.group(1).split(", ")), error
    assert not run.exists()


class KeepsBestAsTuple(HillClimber):
    """Keeps its best architecture, a tuple, in its state from its 4th result on (while ``broken``), which JSON
    gives back as a list."""

    broken, told = True, 0

    def ask(self, n):  # the digits' mutate turns one digit alone, whose few cells a climb soon repeats
        return [self.space.sample(self.rng) for _ in range(n)]

    def tell(self, observations):
        super().tell(observations)
        self.told += len(observations)

    def state_dict(self):
        state = super().state_dict()
        return {**state, "best": self.best} if self.broken and self.told >= 4 else state


def test_a_users_strategy_state_unstorable_mid_run_is_named_and_the_run_resumes(tmp_path, capsys):
    """It was nasloop's ConfigError naming no strategy ('the strategy's state_dict ... holds a tuple'), and the run,
    whose evaluations stand, was stored failed with no word of how to continue."""
    register_strategy("e12-tuple")(KeepsBestAsTuple)
    run = tmp_path / "run"
    args = ["search", "--space", Digits.name, "--evaluator", "e12-sum", "--strategy", "e12-tuple", "--run-dir",
            str(run), "--quiet"]
    assert main([*args, "--budget", "8"]) == 2
    error = capsys.readouterr().err.strip()
    assert error == ("nasloop search: error: strategy e12-tuple: its state_dict (its predictor's included) holds a "
                     "tuple at state['best'], which the run store keeps as JSON and would give back as a list on "
                     "resume; return a list and rebuild the tuple in load_state_dict; once fixed, continue with "
                     f"'nasloop search --resume {run}'"), error
    summary = summarize(run)
    assert summary["status"] == "interrupted" and summary["evaluations"] > 0, summary
    KeepsBestAsTuple.broken = False
    try:
        assert main(["search", "--resume", str(run), "--quiet"]) == 0, capsys.readouterr().err
    finally:
        KeepsBestAsTuple.broken = True
    assert (summarize(run)["status"], summarize(run)["evaluations"]) == ("finished", 8)


class ClosesBadly(Queued):
    """A user's executor that fails to close, once its run is done."""

    def close(self):
        raise RuntimeError("the pool was already gone")


def test_a_users_executor_failing_to_close_a_finished_run_is_named_and_the_run_is_whole(tmp_path, capsys):
    """It was 'unexpected RuntimeError ...; the traceback is in /tmp/...' with exit status 1."""
    register_executor("e12-closes-badly")(ClosesBadly)
    run = tmp_path / "run"
    assert main(["search", *BASE, "--evaluator", "e12-sum", "--strategy", "random", "--executor", "e12-closes-badly",
                 "--run-dir", str(run)]) == 2
    error = capsys.readouterr().err.strip()
    assert error == ("nasloop search: error: executor e12-closes-badly: close raised RuntimeError: the pool was "
                     f"already gone (at {__file__}:{_line_of('the pool was already gone')}); fix it; the run had "
                     f"already finished; 'nasloop show {run}' summarises it"), error
    assert (summarize(run)["status"], summarize(run)["evaluations"]) == ("finished", 6)
