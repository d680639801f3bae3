"""EmProx on the real NB201 table: a pre-trained sequence autoencoder and kNN in its embedding."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from nasloop.engine.errors import ConfigError
from nasloop.engine.registry import PREDICTORS
from nasloop.predictors.emprox import START, EmProxPredictor, Tokenizer, _build_model, pretrained
from nasloop.search_spaces.nb201 import NB201Space

SMALL = {"pretrain_samples": 1500, "pretrain_epochs": 10, "finetune_steps": 60}  # within the time budget


@pytest.fixture(scope="module")
def split(nb201_split):
    """200 training cells, 10 more to update with, 2,000 test cells; CIFAR-10 validation accuracy."""
    return nb201_split(200, 10, 2000)


@pytest.fixture(scope="module")
def fitted(split):
    space, (train_x, train_y), _, _ = split
    return EmProxPredictor(space, seed=0, **SMALL).fit(train_x, train_y)


def test_nb201_cells_become_their_six_edge_operations():
    space = NB201Space()
    rng = np.random.default_rng(0)
    tokenizer = Tokenizer.learn(space, [space.sample(rng) for _ in range(200)])
    rows = tokenizer([(0, 1, 2, 3, 4, 0), (0, 1, 2, 3, 4, 1)])
    assert rows.shape == (2, 6)  # fixed input/output nodes and the fixed topology carry no information
    assert (rows[0, :5] == rows[1, :5]).all() and rows[0, 5] != rows[1, 5]
    assert len(set(rows[0])) == 5  # the five operations get distinct tokens


def test_ranks_held_out_cells_better_than_chance_with_positive_spread(fitted, split):
    *_, (test_x, test_y) = split
    mean, std = fitted.predict(test_x)
    assert stats.kendalltau(mean, test_y).statistic > 0.25  # chance is 0; it reaches about 0.6
    assert (std > 0).all() and np.isfinite(mean).all()
    assert _reconstruction_accuracy(fitted) > 0.5  # decodes the cell from its embedding (chance: 0.2)


def _reconstruction_accuracy(predictor: EmProxPredictor) -> float:
    """Share of the pre-training sample's tokens the pre-trained decoder gets right, decoding greedily from the
    embedding alone."""
    import torch

    entry = predictor._pretrained
    model = _build_model(entry.tokenizer.size, predictor.dim)
    model.load_state_dict(entry.weights)
    tokens = torch.from_numpy(entry.tokens)
    with torch.no_grad():
        embedding = model.encode(tokens)
        state = (embedding.unsqueeze(0), torch.zeros_like(embedding).unsqueeze(0))
        previous, correct = torch.full_like(tokens[:, :1], START), 0
        for position in range(tokens.shape[1]):
            output, state = model.decoder(model.embed(previous), state)
            previous = model.out(output).argmax(dim=-1)
            correct += int((previous[:, 0] == tokens[:, position]).sum())
    return correct / tokens.numel()


def test_update_adds_the_new_point_to_the_neighbours(split):
    space, (train_x, train_y), (new_x, new_y), _ = split
    predictor = EmProxPredictor(space, seed=0, **SMALL).fit(train_x, train_y)
    before, _ = predictor.predict(new_x)
    predictor.update(new_x[:1], new_y[:1])
    after, std = predictor.predict(new_x[:1])
    # an evaluated cell is its own nearest neighbour (distance 0): its prediction becomes its result
    assert after[0] == pytest.approx(new_y[0], abs=1e-3) and abs(before[0] - new_y[0]) > 1e-3
    assert len(predictor.state_dict()["archs"]) == 201


def test_equivalent_cells_share_one_embedding_unless_canonical_is_off(fitted, split):
    """A cell whose node 1 gets no input computes the same as with any ops on node 1's outputs."""
    space, (train_x, train_y), _, _ = split
    a, b = (0, 3, 3, 3, 3, 3), (0, 3, 1, 3, 2, 3)
    assert space.canonical(a) == space.canonical(b)
    mean, _ = fitted.predict([a, b])
    assert mean[0] == mean[1]
    raw = EmProxPredictor(space, seed=0, canonical=False, **SMALL).fit(train_x, train_y)
    raw_mean, _ = raw.predict([a, b])
    assert raw_mean[0] != raw_mean[1]


def test_pretraining_is_cached_and_repeatable(fitted, split):
    space, (train_x, train_y), _, (test_x, _) = split
    again = EmProxPredictor(space, seed=0, **SMALL).fit(train_x, train_y)
    settings = (SMALL["pretrain_samples"], SMALL["pretrain_epochs"], 0)
    assert again._pretrained is fitted._pretrained is pretrained(space, fitted.dim, *settings)  # trained once
    assert np.array_equal(again.predict(test_x)[0], fitted.predict(test_x)[0])


def test_state_dict_round_trip_keeps_the_tuned_encoder_and_later_updates(fitted, split):
    space, (train_x, train_y), (new_x, new_y), (test_x, _) = split
    predictor = EmProxPredictor(space, seed=0, **SMALL).fit(train_x, train_y).update(new_x, new_y)
    restored = PREDICTORS.get("emprox")(space, seed=0, **predictor.config())
    restored.load_state_dict(predictor.state_dict())
    assert np.array_equal(restored.predict(test_x)[0], predictor.predict(test_x)[0])
    assert np.array_equal(restored.predict(test_x)[1], predictor.predict(test_x)[1])


@pytest.mark.parametrize("options,problem", [
    ({"k": 0}, "k must be an integer >= 1, got 0"),
    ({"power": -1.0}, "power must be a number >= 0 and <= 32, got -1.0"),
    ({"finetune_weight": 2.0}, "finetune_weight must be a number >= 0 and <= 1, got 2.0"),
    ({"finetune_loss": "hinge"}, "finetune_loss must be one of knn, head, got 'hinge'"),
    ({"canonical": "no"}, "option canonical must be true or false, got 'no'"),
])
def test_bad_options_are_refused_in_one_line(options, problem):
    with pytest.raises(ConfigError, match=problem):
        EmProxPredictor(NB201Space(), **options)


@pytest.mark.parametrize("archs,y,problem", [
    ([], [], "at least one evaluated architecture"),
    ([(3,) * 6, (2,) * 6], [90.0, float("nan")], "1 target is NaN"),
])
def test_bad_training_data_is_refused_in_one_line(archs, y, problem):
    predictor = EmProxPredictor(NB201Space(), **SMALL)
    with pytest.raises(ConfigError, match=problem):
        predictor.fit(archs, y)
    with pytest.raises(ConfigError, match="predict called before fit"):
        predictor.predict([(3,) * 6])
