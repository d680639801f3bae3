"""'nasloop train' refusing replicates says what another seed gives: the same network from other weights."""
from __future__ import annotations

import pytest

from nasloop.engine.errors import ConfigError
from nasloop.engine.train_one import train_architecture
from nasloop.search_spaces.nago.space import NAGOSpace

POINT = "g1=6,4,0.545;g2=5,0.9605;g3=3,2,0.4127"
"""A point whose draws 0 and 1 differ in size at param_limit=2e4 (19,533 and 19,440 parameters)."""


def test_the_replicates_refusal_does_not_promise_another_network_for_another_seed() -> None:
    """The refusal said 'give another seed for another network', but --seed only seeds the weights: a generator
    point is always trained as its draw 0, so a search's draw @1 (another graph, another size) was not what another
    seed gave."""
    space = NAGOSpace(param_limit=2e4)
    point = space.parse(POINT)
    assert space.network_facts(point, seed=0)["params"] != space.network_facts(point, seed=1)["params"]
    with pytest.raises(ConfigError) as info:
        train_architecture(space, point, replicates=2, train_images=64, batch_size=32, device="cpu")
    message = str(info.value)
    assert "\n" not in message and "another network" not in message, message
    assert "trains and reports one network (of a generator point, its draw 0): drop it; another --seed trains that " \
        "network from other initial weights" in message, message
