"""A user's predictor is tried before anything relies on it: its state saved and loaded back before a search's first
evaluation, before ``predictors evaluate``'s (and ``compare --predictors``') first fit, and before a refusal lists
it as working on a space; and a run that will resume it without its own state says so as it starts."""
from __future__ import annotations

import json

import numpy as np
import pytest

from nasloop.engine import cli
from nasloop.engine.errors import ConfigError
from nasloop.engine.predictor_evaluation import evaluate_predictors
from nasloop.engine.registry import register_evaluator, register_predictor, register_search_space
from nasloop.engine.types import Result
from nasloop.predictors.base import Predictor
from nasloop.search_spaces.base import SearchSpace

from .digit_space import DigitSpace, DigitSum


class Digits(DigitSpace):
    name = "g3-digits"


class Ridge(Predictor):
    """A ridge regression on the space's first vector encoding: an exact fit, whose default state suffices."""

    def _fit(self, archs, y):
        x = np.c_[[self.space.encode(a, self.space.vector_encodings[0]) for a in archs], np.ones(len(archs))]
        self.w = np.linalg.solve(x.T @ x + np.eye(x.shape[1]), x.T @ y)

    def predict(self, archs):
        x = np.c_[[self.space.encode(a, self.space.vector_encodings[0]) for a in archs], np.ones(len(archs))]
        return x @ self.w, np.ones(len(archs))


class ArrayState(Ridge):
    """Saves its weights as the numpy array they are."""

    def state_dict(self):
        return {**super().state_dict(), "w": self.w}

    def load_state_dict(self, state):
        self._restore_data(state)
        self.w = np.asarray(state["w"])


class ListState(ArrayState):
    """Saves its weights as a list, and after its second update as the array: unstorable only late in a run."""

    updates = 0

    def _update(self, new_archs, new_y):
        self.updates += 1
        super()._update(new_archs, new_y)

    def state_dict(self):
        state = super().state_dict()
        return state if self.updates >= 2 else {**state, "w": self.w.tolist()}


class MisreadState(ArrayState):
    """Saves a list under 'w' and reads 'weights' back."""

    def state_dict(self):
        return {**super().state_dict(), "w": self.w.tolist()}

    def load_state_dict(self, state):
        self._restore_data(state)
        self.w = np.asarray(state["weights"])


class NoisyRidge(Ridge):
    """A ridge plus noise from its own generator, which the base class's state does not keep."""

    def __init__(self, space, seed: int = 0):
        super().__init__(space, seed)
        self.rng = np.random.default_rng(seed)

    def _fit(self, archs, y):
        super()._fit(archs, y)
        self.w = self.w + self.rng.normal(0, 3, len(self.w))


class Misshapen(Ridge):
    def predict(self, archs):
        return np.ones((len(archs), 1)), np.ones(len(archs))


class LateNan(Ridge):
    """Passes the trial (8 architectures), and predicts NaN once fitted on more than 12."""

    def predict(self, archs):
        mean, std = super().predict(archs)
        return mean * (np.nan if len(self._archs) > 12 else 1.0), std


class Mean(Predictor):
    """Predicts the mean score seen: reads no encoding, so it works on any space."""

    def _fit(self, archs, y):
        self.mean = float(np.mean(y))

    def predict(self, archs):
        return np.full(len(archs), self.mean), np.ones(len(archs))


class Bare(SearchSpace):
    """Integers 0-999: no encoding, no neighbours."""

    name = "g3-bare"

    def parse(self, text):
        return int(text)

    def format(self, arch):
        return str(arch)

    def sample(self, rng):
        return int(rng.integers(1000))

    def mutate(self, arch, rng):
        return (arch + 1) % 1000


class BareScore(DigitSum):
    def evaluate(self, arch, fidelity=None):
        return Result(metrics={"score": -abs(arch - 500.0)}, cost=1.0)


@pytest.fixture(autouse=True)
def _registered():
    """This file's plugins, for one test (the conftest drops them after it)."""
    register_search_space(Digits.name)(Digits)
    register_search_space(Bare.name)(Bare)
    register_evaluator("g3-sum")(DigitSum)
    register_evaluator("g3-bare-score")(BareScore)
    for name, cls in (("g3-ridge", Ridge), ("g3-array", ArrayState), ("g3-late-array", ListState),
                      ("g3-misread", MisreadState), ("g3-noisy", NoisyRidge), ("g3-misshapen", Misshapen),
                      ("g3-late-nan", LateNan), ("g3-mean", Mean)):
        register_predictor(name)(cls)


def _search(run_dir, predictor: str, budget: int = 20) -> list[str]:
    return ["search", "--space", "g3-digits", "--evaluator", "g3-sum", "--strategy", "predictor-topk", "--predictor",
            predictor, "--budget", str(budget), "--run-dir", str(run_dir)]


def test_a_predictor_whose_state_the_store_cannot_keep_is_refused_before_the_first_evaluation(tmp_path, capsys):
    """It failed after the strategy's random start (8 evaluations), naming the strategy's state at state['w']."""
    assert cli.main(_search(tmp_path / "run", "g3-array")) == 2
    error = capsys.readouterr().err.strip()
    assert error == ("nasloop search: error: predictor 'g3-array', tried before the run: its state_dict holds a "
                     "numpy.ndarray at state['w'], which the run store keeps as JSON; return plain lists, numbers, "
                     "strings and dicts (e.g. array.tolist()) and rebuild the object in load_state_dict")
    assert not (tmp_path / "run" / "nasloop.sqlite").exists()


def test_a_predictor_that_cannot_load_its_own_state_is_refused_before_the_first_evaluation(tmp_path, capsys):
    assert cli.main(_search(tmp_path / "run", "g3-misread")) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error
    assert error.startswith("nasloop search: error: predictor 'g3-misread' fails when tried, before the run, on 8 "
                            "sampled architectures with made-up scores, loading what its state_dict returned into a "
                            "new copy: KeyError: 'weights' (at ")
    assert error.endswith("; fix it (a resumed run would stop there)")
    assert not (tmp_path / "run" / "nasloop.sqlite").exists()


def test_a_predictors_state_unstorable_later_in_the_run_is_named_as_the_predictors(tmp_path, capsys):
    """A state that passed the trial and holds an array later is refused at that save, where it lies: the message
    named the strategy's state at state['w'], a key the strategy's state has not."""
    assert cli.main(_search(tmp_path / "run", "g3-late-array", budget=40)) == 2
    capsys.readouterr()
    assert cli.main(["show", str(tmp_path / "run"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["status"] == "failed"
    assert summary["stop_reason"] == (
        "the state_dict of predictor g3-late-array (the strategy's state['predictor']) holds a numpy.ndarray at "
        "state['w'], which the run store keeps as JSON; return plain lists, numbers, strings and dicts (e.g. "
        "array.tolist()) and rebuild the object in load_state_dict")


def test_a_user_predictor_without_state_of_its_own_is_noted_as_a_run_starts_and_on_resume(tmp_path, capsys):
    """A ridge drawing noise from its own generator resumed to another search from its 15th evaluation, unsaid."""
    note = ("nasloop search: note: predictor 'g3-noisy' does not override state_dict and load_state_dict, so a "
            "resumed run gets it back from the results it had seen alone, and goes on without anything else it "
            "kept (its own random generator, what its updates warm-started); if it keeps anything, override "
            "state_dict and load_state_dict (README: Adding a search space)")
    assert cli.main(_search(tmp_path / "run", "g3-noisy", budget=12)) == 0
    assert capsys.readouterr().err.splitlines().count(note) == 1
    assert cli.main(["search", "--resume", str(tmp_path / "run"), "--budget", "16"]) == 0
    assert capsys.readouterr().err.splitlines().count(note) == 1
    for own in ("g3-array", "random"):  # its own state, or nasloop's: nothing to say
        assert cli.main(_search(tmp_path / own, own, budget=12)) == (2 if own == "g3-array" else 0)
        assert "does not override" not in capsys.readouterr().err


def test_predictors_evaluate_tries_a_users_predictor_before_any_fit(data_dir):
    """A misshapen prediction was refused after every other predictor's fits, whose records were then lost."""
    records: list[dict] = []
    with pytest.raises(ConfigError, match=r"^predictor g3-misshapen: predict returned means of shape \(8, 1\) for 8 "):
        evaluate_predictors(["random", "g3-misshapen"], [8], [0], data_dir=data_dir, on_result=records.append)
    assert records == []
    # a state the store cannot keep is no reason to refuse a predictor that only ranks
    kept = evaluate_predictors(["g3-array"], [8], [0], data_dir=data_dir)
    assert [r["predictor"] for r in kept] == ["g3-array"]


def test_predictors_evaluate_shows_the_fits_that_finished_before_a_later_one_failed(data_dir, capsys):
    """A predictor that passes its trial and fails at a larger fit threw away every finished fit's row."""
    assert cli.main(["predictors", "evaluate", "--predictor", "random,g3-late-nan", "--train-sizes", "8,16", "--seeds",
                     "1", "--data-dir", str(data_dir)]) == 2
    captured = capsys.readouterr()
    assert "predictor g3-late-nan: predict returned" in captured.err
    rows = [line.split("│")[1:3] for line in captured.out.splitlines() if line.count("│") > 2]
    assert [[cell.strip() for cell in row] for row in rows] == [["random", "8"], ["random", "16"], ["g3-late-nan", "8"]]


def test_compare_predictors_tries_a_users_predictor_before_any_fit(tmp_path, data_dir, capsys):
    study = tmp_path / "predictors"
    assert cli.main(["compare", "--predictors", "random,g3-misshapen", "--train-sizes", "8", "--seeds", "1", "--out",
                     str(study), "--data-dir", str(data_dir), "--quiet"]) == 2
    assert "predictor g3-misshapen: predict returned means of shape (8, 1)" in capsys.readouterr().err
    assert not (study / "predictor_records.jsonl").exists()


def test_a_refusal_lists_only_the_users_predictors_that_pass_the_trial_on_the_space(tmp_path, capsys):
    """'predictor-topk (with --predictor g3-ridge or random)' was suggested, and then refused by the trial."""
    assert cli.main(["search", "--space", "g3-bare", "--evaluator", "g3-bare-score", "--strategy", "local",
                     "--budget", "5", "--run-dir", str(tmp_path / "run")]) == 2
    error = capsys.readouterr().err
    listed = error.split("Strategies that work on it: ")[1]
    assert "predictor-topk (with --predictor " in listed and "g3-mean" in listed
    assert "g3-ridge" not in listed
    assert cli.main(["spaces", "g3-bare"]) == 0
    predictors = next(line for line in capsys.readouterr().out.splitlines() if line.strip().startswith("predictors:"))
    assert "g3-mean" in predictors and "g3-ridge" not in predictors
