"""A blend is nasloop's predictor, but a member of it may be a user's: the blend is then tried before a search's first
evaluation and before ``predictors evaluate``'s (and ``compare --predictors``') first fit, as that member alone is."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine import cli
from nasloop.engine.errors import ConfigError
from nasloop.engine.predictor_evaluation import evaluate_predictors
from nasloop.engine.registry import register_evaluator, register_predictor, register_search_space

from .digit_space import DigitSpace, DigitSum
from .test_user_predictor_trial_g3 import Ridge

MISSHAPEN = "blend member 'k3-misshapen': predictor k3-misshapen: predict returned means of shape"


class Digits(DigitSpace):
    name = "k3-digits"


class Misshapen(Ridge):
    def predict(self, archs):
        return np.ones((len(archs), 1)), np.ones(len(archs))


@pytest.fixture(autouse=True)
def _registered():
    """This file's plugins, for one test (the conftest drops them after it)."""
    register_search_space(Digits.name)(Digits)
    register_evaluator("k3-sum")(DigitSum)
    register_predictor("k3-ridge")(Ridge)
    register_predictor("k3-misshapen")(Misshapen)


def test_a_blend_with_a_users_misshapen_member_is_refused_before_the_first_evaluation(tmp_path, capsys):
    """It failed the run after the strategy's random start (8 evaluations), where the member alone was refused."""
    run = tmp_path / "run"
    assert cli.main(["search", "--space", "k3-digits", "--evaluator", "k3-sum", "--strategy", "predictor-topk",
                     "--predictor", "blend", "--predictor-opt", 'members=["k3-ridge","k3-misshapen"]', "--budget",
                     "20", "--run-dir", str(run)]) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and MISSHAPEN in error
    assert not run.exists()


def test_predictors_evaluate_tries_a_blend_with_a_users_member_before_any_fit(data_dir):
    records: list[dict] = []
    with pytest.raises(ConfigError, match=MISSHAPEN):
        evaluate_predictors(["random", "blend"], [8], [0], data_dir=data_dir, on_result=records.append,
                            predictor_options={"blend": {"members": ["forest", "k3-misshapen"]}})
    assert records == []


def test_compare_predictors_tries_a_blend_with_a_users_member_before_any_fit(tmp_path, data_dir, capsys):
    study = tmp_path / "predictors"
    assert cli.main(["compare", "--predictors", "random,blend", "--predictor-opt",
                     'blend.members=["forest","k3-misshapen"]', "--train-sizes", "8", "--seeds", "1", "--out",
                     str(study), "--data-dir", str(data_dir), "--quiet"]) == 2
    assert MISSHAPEN in capsys.readouterr().err
    assert not (study / "predictor_records.jsonl").exists()


def test_a_blends_user_member_without_state_of_its_own_is_noted_as_the_run_starts(tmp_path, capsys):
    """Said of a user's predictor alone, not of the same predictor in a blend, which saves the member's state."""
    assert cli.main(["search", "--space", "k3-digits", "--evaluator", "k3-sum", "--strategy", "predictor-topk",
                     "--predictor", "blend", "--predictor-opt", 'members=["k3-ridge","random"]', "--budget", "12",
                     "--run-dir", str(tmp_path / "run")]) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if "does not override" in line]
    assert notes == ["nasloop search: note: predictor 'k3-ridge' (a member of 'blend') does not override state_dict "
                     "and load_state_dict, so a resumed run gets it back from the results it had seen alone, and goes "
                     "on without anything else it kept (its own random generator, what its updates warm-started); if "
                     "it keeps anything, override state_dict and load_state_dict (README: Adding a search space)"]
