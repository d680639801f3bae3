"""The blend of predictors on the real NB201 table."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from nasloop.engine.errors import ConfigError, RegistryError
from nasloop.engine.registry import PREDICTORS

MEMBERS = {"flan": {"ensemble": 1, "steps": 40}, "forest": {"features": ["proxies"]}}


@pytest.fixture(scope="module")
def split(nb201_split):
    return nb201_split(64, 8, 2000)


def test_the_blend_ranks_at_least_as_well_as_its_weaker_member(split, nb201_context):
    space, (train_x, train_y), (new_x, new_y), (test_x, test_y) = split
    tau = {}
    for name, options in MEMBERS.items():
        member = PREDICTORS.get(name)(space, seed=2, context=nb201_context, **options).fit(train_x, train_y)
        tau[name] = stats.kendalltau(member.predict(test_x)[0], test_y).statistic
    blend = PREDICTORS.get("blend")(space, seed=2, context=nb201_context, members=MEMBERS).fit(train_x, train_y)
    mean, std = blend.predict(test_x)
    assert stats.kendalltau(mean, test_y).statistic >= min(tau.values())
    assert (std > 0).all() and abs(np.median(mean) - np.median(test_y)) < 5  # target units
    blend.update(new_x, new_y)
    restored = PREDICTORS.get("blend")(space, seed=2, context=nb201_context, members=MEMBERS)
    restored.load_state_dict(blend.state_dict())
    assert np.allclose(restored.predict(test_x[:100])[0], blend.predict(test_x[:100])[0])
    heavy = PREDICTORS.get("blend")(space, seed=2, context=nb201_context, members=MEMBERS, weights=[0, 1])
    forest_only = heavy.fit(train_x, train_y).predict(test_x)[0]
    assert stats.kendalltau(forest_only, test_y).statistic == pytest.approx(tau["forest"])


def test_bad_members_and_weights_are_one_line(nb201_context):
    from nasloop.search_spaces.nb201 import NB201Space

    space = NB201Space()
    with pytest.raises(ConfigError, match="names at least two predictors"):
        PREDICTORS.get("blend")(space, members=["flan"])
    with pytest.raises(ConfigError, match="blend member 'forest': predictor 'forest' has no option 'bogus'"):
        PREDICTORS.get("blend")(space, context=nb201_context, members={"forest": {"bogus": 1}})  # was: 'two'
    with pytest.raises(ConfigError, match=r"lists 'forest' twice; label a second one to hold two, e.g. forest#other"):
        PREDICTORS.get("blend")(space, members=["forest", "forest"])  # said 'at least two', given two
    with pytest.raises(ConfigError, match=r"blend member 'forest': its options must be a mapping .*got 3$"):
        PREDICTORS.get("blend")(space, context=nb201_context, members={"forest": 3, "flan": {}})  # a TypeError
    with pytest.raises(RegistryError, match="unknown predictor 'flam'"):
        PREDICTORS.get("blend")(space, members=["flam", "forest"])
    with pytest.raises(RegistryError, match="unknown predictor 'forst'"):  # named before members are counted
        PREDICTORS.get("blend")(space, members={"forst": {}})
    with pytest.raises(ConfigError, match="one non-negative number per member"):
        PREDICTORS.get("blend")(space, context=nb201_context, members=MEMBERS, weights=[1, -1])


def test_two_members_of_one_predictor_are_told_apart_by_label(split, nb201_context):
    space, (train_x, train_y), _, (test_x, test_y) = split
    members = {"forest#proxies": {"features": ["proxies"]}, "forest#graph": {"features": ["graph"]}}
    blend = PREDICTORS.get("blend")(space, seed=2, context=nb201_context, members=members, weights=[1, 0])
    alone = PREDICTORS.get("forest")(space, seed=2, context=nb201_context, features=["proxies"])
    expected = alone.fit(train_x, train_y).predict(test_x)[0]
    assert stats.kendalltau(blend.fit(train_x, train_y).predict(test_x)[0], expected).statistic == pytest.approx(1.0)
    with pytest.raises(ConfigError, match="a blend cannot be a member of a blend"):
        PREDICTORS.get("blend")(space, members={"blend#inner": {}, "forest": {}})
