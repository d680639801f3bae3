"""A user's predictor declares the space capabilities it reads in ``requires``, as a strategy or an evaluator does:
one reading ``space.vector_encodings`` on a space that declares none failed as it was tried, in its own code ('
IndexError: tuple index out of range (at myplugins.py:57)'), naming neither the capability nor a predictor that
works, and it had no way to say what it needs."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.cli import main
from nasloop.engine.errors import ConfigError, UnsupportedError
from nasloop.engine.registry import register_predictor, register_search_space
from nasloop.predictors.base import Predictor
from nasloop.search_spaces.base import VectorEncoded
from nasloop.search_spaces.nb201.space import NB201Space


class NoVectors(NB201Space):
    """NB201 cells declaring no vector encoding (its graph one kept)."""

    name, vector_encodings = "c8-no-vectors", ()


class VectorMean(Predictor):
    """The mean target, after reading each architecture's first vector encoding."""

    requires = (VectorEncoded,)

    def _fit(self, archs, y):
        np.stack([self.space.encode(a, self.space.vector_encodings[0]) for a in archs])
        self.mean = float(np.mean(y))

    def predict(self, archs):
        return np.full(len(archs), self.mean), np.ones(len(archs))


def test_a_search_refuses_a_space_without_what_the_predictor_requires(tmp_path, data_dir, capsys):
    register_search_space("c8-no-vectors")(NoVectors)
    register_predictor("c8-vector-mean")(VectorMean)
    run = tmp_path / "run"
    assert main(["search", "--space", "c8-no-vectors", "--strategy", "predictor-topk", "--predictor",
                 "c8-vector-mean", "--budget", "12", "--data-dir", str(data_dir), "--run-dir", str(run)]) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith("nasloop search: error: predictor 'c8-vector-mean' needs a search space that declares a "
                            "vector encoding (vector_encodings); 'c8-no-vectors' does not. Predictors that work on "
                            "it: "), error
    assert "flan" in error.split("work on it: ")[1] and "c8-vector-mean" not in error.split("work on it: ")[1]
    assert not run.exists()


def test_built_directly_it_is_refused_as_built_and_works_where_the_space_has_it():
    register_predictor("c8-vector-mean")(VectorMean)
    with pytest.raises(UnsupportedError, match="predictor c8-vector-mean needs a search space that declares a "
                                               "vector encoding"):
        VectorMean(NoVectors())
    space = NB201Space()
    cells = [space.sample(np.random.default_rng(seed)) for seed in range(4)]
    mean, _ = VectorMean(space).fit(cells, [1.0, 2.0, 3.0, 4.0]).predict(cells[:1])
    assert mean.tolist() == [2.5]


def test_a_requires_that_is_no_tuple_is_refused_as_the_class_is_defined():
    with pytest.raises(ConfigError, match="predictor Untupled: requires is <class .*VectorEncoded'>, not a tuple"):
        class Untupled(VectorMean):
            requires = VectorEncoded
