"""evaluate_predictors called from a script with what the command line cannot send: one nasloop error line, not a
Python TypeError nor rows measured twice."""
from __future__ import annotations

import pytest

from nasloop import NasloopError


@pytest.mark.parametrize("sizes, seeds, refusal", [
    ([8, 8], [0], "train size 8 is given twice; give each train size once"),
    ([8], [0, 1, 0], "seed 0 is given twice; give each seed once")])
def test_a_repeated_size_or_seed_is_refused_as_the_cli_refuses_it(sizes, seeds, refusal, data_dir):
    """--train-sizes 8,8 is refused by the CLI; from Python each repeat was fitted and recorded again, so a mean over
    the records counted it twice."""
    from nasloop.engine.predictor_evaluation import evaluate_predictors

    with pytest.raises(NasloopError, match=refusal):
        evaluate_predictors(["random"], sizes, seeds, space="nb201", data_dir=data_dir)


def test_options_that_are_not_a_mapping_and_a_space_object_are_named(data_dir):
    """predictor_options={'random': 5} failed as "'int' object is not iterable"; a space object was looked up by
    its repr ("unknown search space '<nasloop...NB201Space object at 0x...>'")."""
    from nasloop.engine.predictor_evaluation import evaluate_predictors
    from nasloop.search_spaces.nb201 import NB201Space

    with pytest.raises(NasloopError, match=r"predictor_options maps each predictor to its options, .*got 5 for "):
        evaluate_predictors(["random"], [8], [0], predictor_options={"random": 5}, data_dir=data_dir)
    with pytest.raises(NasloopError, match=r"space takes a search space's name, e.g. space='nb201', got <"):
        evaluate_predictors(["random"], [8], [0], space=NB201Space(), data_dir=data_dir)
    records = evaluate_predictors(["random"], [8], [0, 1], predictor_options={"random": {}}, data_dir=data_dir)
    assert [(r["train_size"], r["seed"]) for r in records] == [(8, 0), (8, 1)]
