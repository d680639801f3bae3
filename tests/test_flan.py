"""FLAN and the unified operation vocabulary, on the real NB201 table."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from scipy import stats

from nasloop.engine.assemble import build_context
from nasloop.engine.errors import ArchitectureError, ConfigError
from nasloop.engine.registry import PREDICTORS, SEARCH_SPACES
from nasloop.predictors.flan import FlanPredictor
from nasloop.predictors.vocabulary import VOCABULARY, Vocabulary, register_tokens
from nasloop.search_spaces.darts.space import DartsSpace
from nasloop.search_spaces.nb101.space import NB101Space
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.search_spaces.nb201.cell import OPS

# Small but real settings, so the module stays fast; the benchmark measures the defaults.
FAST = {"ensemble": 2, "steps": 80, "update_steps": 15}


@pytest.fixture(scope="module")
def split(nb201_split):
    """200 training cells, 50 later results and 2,000 test cells with their CIFAR-10 validation accuracy."""
    return nb201_split(200, 50, 2000)


@pytest.fixture(scope="module")
def fitted(split):
    space, (train_x, train_y), _, _ = split
    return FlanPredictor(space, seed=0, **FAST).fit(train_x, train_y)


def _weights(predictor: FlanPredictor) -> torch.Tensor:
    return torch.cat([p.detach().ravel() for m in predictor._members for p in m.parameters()]).clone()


def test_flan_is_registered_and_ranks_unseen_cells_far_better_than_chance(split, fitted):
    assert PREDICTORS.get("flan") is FlanPredictor
    *_, (test_x, test_y) = split
    mean, std = fitted.predict(test_x)
    assert stats.kendalltau(mean, test_y).statistic > 0.45  # chance is 0; one-hot MLP reaches about 0.6 here
    assert (std > 0).all()  # independently initialised members disagree
    assert abs(np.median(mean) - np.median(test_y)) < 5  # means are in accuracy units, usable by EI


def test_warm_update_refits_from_the_previous_weights(split, fitted):
    space, _, (new_x, new_y), (test_x, _) = split
    restored = FlanPredictor(space, seed=0, **FAST)
    restored.load_state_dict(json.loads(json.dumps(fitted.state_dict())))
    before, weights = restored.predict(test_x)[0], _weights(restored)
    restored.update(new_x, new_y)
    assert len(restored._archs) == 250
    assert not np.allclose(before, restored.predict(test_x)[0])
    warm_shift = float((_weights(restored) - weights).norm())

    # a reset starts from fresh weights however long it trains: 10 steps move them 5.0 from the old, 80 steps 5.5
    cold = FlanPredictor(space, seed=0, warm_start=False, **{**FAST, "steps": 10})
    cold.load_state_dict(json.loads(json.dumps(fitted.state_dict())))
    cold.update(new_x, new_y)
    cold_shift = float((_weights(cold) - weights).norm())
    # the warm refit moved a little from where it was; the reset did not start there
    assert warm_shift < 0.5 * cold_shift


def test_state_dict_round_trip_predicts_and_resumes_identically(split, fitted):
    space, _, (new_x, new_y), (test_x, _) = split
    state = json.loads(json.dumps(fitted.state_dict()))  # what a run's store keeps
    restored = FlanPredictor(space, seed=0, **FAST)
    restored.load_state_dict(state)
    assert np.array_equal(fitted.predict(test_x)[0], restored.predict(test_x)[0])
    again = FlanPredictor(space, seed=0, **FAST)
    again.load_state_dict(state)
    restored.update(new_x[:10], new_y[:10])
    again.update(new_x[:10], new_y[:10])
    assert np.array_equal(restored.predict(test_x)[0], again.predict(test_x)[0])


def test_mse_loss_and_stored_zen_features_also_learn(split, data_dir):
    space, (train_x, train_y), _, (test_x, test_y) = split
    context = build_context(NB201Space, "cifar10", str(data_dir))
    predictor = FlanPredictor(space, context=context, loss="mse", supplementary=["zen"], ensemble=1, steps=80)
    mean, std = predictor.fit(train_x, train_y).predict(test_x)
    assert stats.kendalltau(mean, test_y).statistic > 0.3
    assert (std == 0).all()  # one member: no spread to report
    assert predictor.config()["supplementary"] == ["zen"] and predictor.config()["loss"] == "mse"


def test_fits_larger_than_the_batch_step_on_random_subsets_and_still_rank(split, fitted):
    """Pretraining on a whole 30k table must not hold n² pairs: above ``batch_size`` every step
    reads a seeded random subset, and the ranking still learns and repeats exactly."""
    space, (train_x, train_y), _, (test_x, test_y) = split
    options = {**FAST, "batch_size": 64}
    predictor = FlanPredictor(space, seed=0, **options).fit(train_x, train_y)
    mean, _ = predictor.predict(test_x)
    assert stats.kendalltau(mean, test_y).statistic > 0.7  # 0.80 measured; the full-batch fit reaches 0.82
    short = {**options, "steps": 10}  # each step's subset drawn again alike: 10 of them show it, as 80 did
    once, again = (FlanPredictor(space, seed=0, **short).fit(train_x, train_y).predict(test_x)[0] for _ in range(2))
    assert np.array_equal(once, again)
    assert not np.allclose(mean, fitted.predict(test_x)[0])  # the subsets, not the whole set, drove the steps


@pytest.mark.parametrize("archs,y,problem", [
    ([], [], "at least one evaluated architecture"),
    ([(3,) * 6, (2,) * 6], [90.0, float("nan")], "1 target is NaN"),
])
def test_bad_training_data_is_one_clear_error(archs, y, problem):
    with pytest.raises(ConfigError, match=problem):
        FlanPredictor(NB201Space()).fit(archs, y)


def test_bad_options_and_misuse_are_clear_errors(split, data_dir):
    space, (train_x, _), _, _ = split
    with pytest.raises(ConfigError, match="loss must be one of hinge, mse, got 'rank'"):
        FlanPredictor(space, loss="rank")
    with pytest.raises(ConfigError, match="ensemble must be an integer >= 1"):
        FlanPredictor(space, ensemble=0)
    with pytest.raises(ConfigError, match="has no option 'data_dir'; it takes: ensemble, loss"):
        FlanPredictor(space, data_dir=data_dir)
    with pytest.raises(ConfigError, match="unknown zero-cost proxy 'synflw'"):  # neither stored nor computable
        FlanPredictor(NB201Space(), context=build_context(NB201Space, "cifar10", str(data_dir)),
                      supplementary="synflw")
    with pytest.raises(ConfigError, match="only after fit"):
        FlanPredictor(space).predict(train_x)
    wrong = FlanPredictor(space, supplementary=lambda archs: np.zeros((len(archs) + 1, 2)), steps=1)
    with pytest.raises(ConfigError, match=r"\(n, d\) array"):
        wrong.fit(train_x[:5], np.arange(5.0))


def test_members_read_the_space_graph_views_in_turn(split, fitted):
    space, (train_x, train_y), _, (test_x, test_y) = split
    mixed = fitted  # fit with the default views
    assert mixed.config()["views"] == ["graph", "dataflow"]  # every graph encoding NB201 offers, by default
    assert [mixed._view(i) for i in range(3)] == ["graph", "dataflow", "graph"]
    written = FlanPredictor(space, seed=0, views="graph", **FAST).fit(train_x, train_y)
    # Member 0 reads the written graph in both, from the same init and dropout draws; member 1 reads
    # the dataflow view only in the mixed ensemble, so only its scores differ.
    graphs = {v: written._cache(v).chunks(written._canonical(test_x)) for v in ("graph", "dataflow")}
    features = written._feature_tensor(test_x)
    ours, theirs = mixed._member_scores(graphs, features), written._member_scores(graphs, features)
    assert np.allclose(ours[0], theirs[0]) and not np.allclose(ours[1], theirs[1])
    alone = FlanPredictor(space, seed=0, views=["dataflow"], **{**FAST, "ensemble": 1})  # one member: no mean of two
    tau = stats.kendalltau(alone.fit(train_x, train_y).predict(test_x)[0], test_y).statistic
    assert tau > 0.5  # a member reading only the dataflow view learns too (0.83 measured)
    old = json.loads(json.dumps(written.state_dict()))
    del old["flan"]["views"]  # saved before members took views: they all read the written graph
    del old["built_with"]  # and before states recorded their options, which the views now are
    resumed = FlanPredictor(space, seed=0, **FAST)
    resumed.load_state_dict(old)
    assert resumed.config()["views"] == ["graph"]
    assert np.allclose(resumed.predict(test_x)[0], written.predict(test_x)[0])
    with pytest.raises(ConfigError, match="views must name graph encodings of 'nb201' \\(graph, dataflow\\)"):
        FlanPredictor(space, views=["path"])


def test_vocabulary_ids_are_stable_and_grow_for_new_spaces():
    space = NB201Space()  # constructing a space registers its ops (another test may not have built one yet)
    nb201 = [space.token(op) for op in ("input", *OPS, "output")]
    ids = VOCABULARY.ids(nb201).tolist()
    assert register_tokens(nb201) == ids  # registering again changes nothing
    assert len(set(ids)) == len(ids) == 7
    # What a model trained on NB201 alone knows, extended for NB101: the ops both spaces have (a 3x3
    # and a 1x1 convolution, the input and output) are the same tokens; only max pooling is new.
    trained = Vocabulary(nb201)
    grown = Vocabulary(trained.tokens())
    nb101 = NB101Space()
    grown.extend(nb101.token(op) for op in nb101.graph_ops)
    assert grown.ids(nb201).tolist() == trained.ids(nb201).tolist()  # old tokens keep their rows
    assert len(grown) == len(trained) + 1 and grown.tokens()[-1] == "shared/max_pool3x3"
    assert nb101.token("conv3x3-bn-relu") == space.token("nor_conv_3x3") == "shared/conv3x3"
    assert DartsSpace().token("sep_conv_3x3") == "shared/sep_conv3x3"  # the NDS families have it too
    assert SEARCH_SPACES.get("nds-nasnet")(widths=[8], depths=[4]).token("max_pool_7x7") == "nds-nasnet/max_pool_7x7"
    with pytest.raises(ArchitectureError, match="search space 'nb301' must list every op .* in its graph_ops"):
        VOCABULARY.ids(["nb301/sep_conv_3x3"])
    with pytest.raises(ConfigError, match="'<space>/<op>'"):
        Vocabulary(["conv3x3"])
