"""nasloop used as a library, from a script or a notebook: what a researcher's Python values do to its plugins.

A seed taken from a numpy array (``for seed in np.arange(5)``) fits the ``int`` hint and was kept as numpy's
``int64``: the MLP ensemble and EmProx then failed at their first fit in a TypeError ("an integer is required") and
FLAN and a blend in an OverflowError, tracebacks naming neither the seed nor the fix, where ``seed=3`` worked.
Complex targets were cut to their real parts, under a warning, where other targets that are no scores are refused.
"""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.errors import ConfigError
from nasloop.predictors.flan import FlanPredictor
from nasloop.predictors.mlp import MLPEnsemblePredictor
from nasloop.search_spaces.nb201.space import NB201Space
from nasloop.strategies.evolution import RegularizedEvolution


def _cells_and_scores(space: NB201Space, count: int) -> tuple[list, np.ndarray]:
    """``count`` sampled cells and a score each: how many of its six edges are 3x3 convolutions."""
    rng = np.random.default_rng(0)
    cells = [space.sample(rng) for _ in range(count)]
    return cells, np.array([space.format(cell).count("conv_3x3") for cell in cells], dtype=float)


@pytest.mark.parametrize("build", [
    lambda space, seed: MLPEnsemblePredictor(space, seed=seed, members=2, epochs=5),
    lambda space, seed: FlanPredictor(space, seed=seed, ensemble=2, steps=5),
], ids=["mlp", "flan"])
def test_a_numpy_seed_builds_the_predictor_a_python_seed_builds(build):
    space = NB201Space()
    cells, scores = _cells_and_scores(space, 12)
    from_numpy, from_python = build(space, np.int64(3)), build(space, 3)
    assert type(from_numpy.seed) is int and from_numpy.config() == from_python.config()
    mean, std = from_numpy.fit(cells[:8], scores[:8]).predict(cells[8:])
    expected_mean, expected_std = from_python.fit(cells[:8], scores[:8]).predict(cells[8:])
    np.testing.assert_array_equal(mean, expected_mean)
    np.testing.assert_array_equal(std, expected_std)


def test_numpy_numbers_inside_a_plugins_options_become_pythons():
    strategy = RegularizedEvolution(NB201Space(), seed=np.uint8(2), population_size=np.int32(6),
                                    sample_size=np.int64(3))
    assert [type(value) for value in (strategy.population_size, strategy.sample_size)] == [int, int]
    assert strategy.rng.integers(10**9) == RegularizedEvolution(NB201Space(), seed=2).rng.integers(10**9)


def test_complex_targets_are_refused_not_cut_to_their_real_parts():
    """numpy's cast kept 78.45 of 78.45+1j under a ComplexWarning, and the predictor fitted on that."""
    space = NB201Space()
    cells, scores = _cells_and_scores(space, 5)
    with pytest.raises(ConfigError, match="targets must be numbers, one for each architecture"):
        MLPEnsemblePredictor(space, members=2, epochs=5).fit(cells, scores + 1j)
