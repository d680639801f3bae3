"""FLAN fine-tuned from a pretrained file with more members than the file holds: a member past the file's count
starts from the file's graph weights with a head of its own, so it is no copy of the member that shares its start."""
from __future__ import annotations

import pytest
import torch

from nasloop.engine.context import RunContext
from nasloop.predictors.flan import FlanPredictor
from nasloop.predictors.flan_transfer import load_pretrained

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def started(pretrained, nb201_split) -> list:
    """The members of a 4-member FLAN fitted from the 2-member file with a learning rate of 0: their start."""
    space, (train, y) = nb201_split(8)
    predictor = FlanPredictor(space, seed=0, ensemble=4, pretrained=str(pretrained), lr=0.0, weight_decay=0.0,
                              steps=1, context=RunContext())
    predictor.fit(train, y)
    return predictor.members


def test_a_member_past_the_files_count_has_its_own_head_and_the_files_graph_weights(pretrained, nb201_split):
    members = [m.state_dict() for m in started(pretrained, nb201_split)]
    file_members = load_pretrained(pretrained)["members"]
    assert len(file_members) == 2 and len(members) == 4
    for index in (2, 3):
        twin, own = members[index - 2], members[index]
        heads = [key for key in own if key.startswith("head.") and key.endswith("weight")]
        assert heads and not any(torch.equal(own[key], twin[key]) for key in heads)
        graph = [key for key in own if not key.startswith("head.") and key != "embedding.weight"]
        assert all(torch.equal(own[key], file_members[index - 2][key]) for key in graph)
    for index in (0, 1):  # the file's own members start whole from it, as before
        assert all(torch.equal(members[index][key], file_members[index][key]) for key in file_members[index]
                   if key != "embedding.weight")
