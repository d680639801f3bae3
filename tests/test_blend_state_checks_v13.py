"""A blend's state whose member states or scales are not one for each member is refused in one line.

``load_state_dict`` zipped its members with the state's lists, read as far as the shorter went: a state holding one
member state for two members loaded, and the member left unloaded predicted as an unfitted one (a blend of gp and
random predicted -78 where it had predicted 77); one scale for two members failed in numpy's words.
"""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.errors import DataError
from nasloop.predictors.blend import BlendPredictor
from nasloop.search_spaces.nb201.space import NB201Space

MEMBERS = {"gp": {}, "random": {}}


@pytest.fixture(scope="module")
def saved():
    space, rng = NB201Space(), np.random.default_rng(0)
    cells = list(dict.fromkeys(space.sample(rng) for _ in range(30)))
    blend = BlendPredictor(space, members=MEMBERS).fit(cells[:20], np.linspace(60.0, 90.0, 20))
    return space, cells, blend


@pytest.mark.parametrize("damage, words", [
    (lambda s: {**s, "members": s["members"][:1]}, "got 1 member states and 2 scales for its 2 members"),
    (lambda s: {**s, "scales": s["scales"][:1]}, "got 2 member states and 1 scales for its 2 members"),
    (lambda s: {**s, "scales": [[1.0, 0.0], [2.0, float("nan")]]}, "not a finite centre and a spread above 0"),
    (lambda s: {**s, "scales": "x"}, "no list of scales"),
], ids=["short-members", "short-scales", "bad-scales", "scales-no-list"])
def test_a_damaged_blend_state_is_refused_in_one_line(saved, damage, words):
    space, _, blend = saved
    with pytest.raises(DataError, match=words) as refused:
        BlendPredictor(space, members=MEMBERS).load_state_dict(damage(blend.state_dict()))
    assert "\n" not in str(refused.value) and "pass what state_dict() returned" in str(refused.value)


def test_a_whole_blend_state_still_loads_and_predicts_alike(saved):
    space, cells, blend = saved
    loaded = BlendPredictor(space, members=MEMBERS)
    loaded.load_state_dict(blend.state_dict())
    assert np.allclose(loaded.predict(cells[20:])[0], blend.predict(cells[20:])[0])
