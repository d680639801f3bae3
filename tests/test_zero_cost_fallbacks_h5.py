"""The zero-cost predictor where a fit gives no spread to map its scores onto, and where its default proxy, Zen, is
not stored while others are (NB301's CIFAR-10 cells): predictions in target units, and no network built unasked."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from nasloop.engine.assemble import build_context
from nasloop.predictors.baselines import ZeroCostPredictor
from nasloop.search_spaces.darts.space import DartsSpace


@pytest.fixture(scope="module")
def cells(nb201_split):
    space, (train_x, train_y), (test_x, _) = nb201_split(20, 200)
    return space, train_x, train_y, test_x


@pytest.mark.parametrize("fit", [
    lambda train_x, train_y: (train_x[:1], [78.45]),  # one cell: it predicted -81.5 and 12.7
    lambda train_x, train_y: (train_x, [70.0] * len(train_x)),  # all alike: 9.8, 104.0 and 35.7
], ids=["one-cell", "identical-targets"])
def test_a_fit_without_spread_predicts_the_targets_mean_in_the_proxys_order(cells, nb201_context, fit):
    space, train_x, train_y, test_x = cells
    predictor = ZeroCostPredictor(space, context=nb201_context)
    scores, _ = predictor.predict(test_x)  # before any fit: the proxy itself
    archs, y = fit(train_x, train_y)
    mean, std = predictor.fit(archs, y).predict(test_x)
    assert np.allclose(mean, y[0], rtol=0, atol=1e-4 * y[0])  # the target's mean, not far outside its units
    assert stats.kendalltau(scores, mean).statistic == pytest.approx(1.0)  # the ranking is the proxy's still
    assert (std == y[0]).all()  # no spread seen: as wide as the mean itself, where it said 0


def test_scores_all_alike_give_the_targets_spread_as_std(cells):
    space, train_x, train_y, test_x = cells
    flat = ZeroCostPredictor(space, scorer=lambda archs: np.full(len(archs), 3.0))  # a proxy blind to these cells
    mean, std = flat.fit(train_x, train_y).predict(test_x)
    assert np.allclose(mean, np.mean(train_y)) and np.allclose(std, np.std(train_y))


def test_darts_ranks_by_a_stored_proxy_when_zen_is_not_stored(data_dir):
    """NB301 stores no Zen for CIFAR-10: the default built every DARTS network to compute it (13 s each here)."""
    context = build_context(DartsSpace, "cifar10", str(data_dir), lookup=True)
    space = DartsSpace(context=context)
    predictor = ZeroCostPredictor(space, context=context)
    assert predictor.proxy == "nwot" and not predictor.builds_networks  # it was zen, built for each cell
    assert context.benchmark.ranking_proxy == "nwot"  # named by the benchmark: the generic code names no space
    cells = context.benchmark.cells()
    accuracy = context.benchmark.metric_values(cells, "cifar10")
    held = np.isfinite(accuracy)
    assert held.sum() == 725
    mean, _ = predictor.predict([c for c, h in zip(cells, held) if h])
    assert stats.kendalltau(mean, accuracy[held]).statistic > 0.35  # 0.392: the best of the stored ones
    svhn = build_context(DartsSpace, "svhn", str(data_dir), lookup=True)  # a task that stores Zen keeps it
    assert ZeroCostPredictor(DartsSpace(context=svhn), context=svhn).proxy == "zen"
    assert ZeroCostPredictor(space, context=context, proxy="params").proxy == "params"  # named: as named
