"""Reading a whole space at once gives what reading it one architecture at a time gave: NB201's table rows of many
cells (:func:`cell_indices`), and FLAN's batched graphs of a whole space (``GraphCache._collated``)."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch_geometric.data import Batch

from nasloop.engine.errors import ArchitectureError
from nasloop.predictors.flan import FlanPredictor
from nasloop.search_spaces.cell_space import cell_index, cell_indices
from nasloop.search_spaces.nb101.space import NB101Space
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.search_spaces.nb201.cell import SPEC, cell_codes


def test_the_rows_of_many_cells_are_each_cells_row():
    cells = list(NB201Space().enumerate())
    assert cell_codes(cells).tolist() == [cell_index(SPEC, c) for c in cells] == list(range(len(cells)))
    assert cell_codes(cells).dtype == np.int64 and cell_codes([]).tolist() == []
    # numpy ints, lists and bools are read as one cell's ints are
    assert cell_codes([(np.int64(1), 1, 2, 3, 4, 0), [1, 1, 2, 3, 4, 0], (True, 1, 2, 3, 4, 0)]).tolist() == [4095] * 3


@pytest.mark.parametrize("bad", [(1.0,) * 6, (5,) * 6, (-1, 1, 1, 1, 1, 1), (1, 2, 3), "012345", None,
                                 (2 ** 70, 1, 1, 1, 1, 1)])
def test_a_bad_cell_among_many_is_refused_as_it_is_alone(bad):
    with pytest.raises(ArchitectureError) as alone:
        cell_index(SPEC, bad)
    for cells in ([bad], [(0,) * 6, bad], [bad, (1,) * 5]):
        with pytest.raises(ArchitectureError) as many:
            cell_indices(SPEC, cells)
        assert str(many.value) == str(alone.value)


def _same(made: Batch, collated: Batch) -> bool:
    return (type(made) is type(collated) and made.keys() == collated.keys() and made.num_graphs == collated.num_graphs
            and all(made[k].dtype == collated[k].dtype and torch.equal(made[k], collated[k]) for k in made.keys())
            and all(torch.equal(made._slice_dict[k], collated._slice_dict[k])
                    and torch.equal(made._inc_dict[k], collated._inc_dict[k]) for k in made._slice_dict))


@pytest.mark.parametrize("space", [NB201Space(), NB101Space()], ids=["nb201", "nb101"])
def test_a_whole_space_batch_is_the_batch_of_its_graphs(space):
    """Every view, graphs of several sizes and depths (NB101's 2 to 7 nodes) batched together; split again, each
    graph is the one encoded alone."""
    rng = np.random.default_rng(0)
    predictor = FlanPredictor(space)
    cells = list(dict.fromkeys(predictor._canonical([space.sample(rng) for _ in range(300)])))
    for view in predictor.views:
        cache = predictor._cache(view)
        graphs = [cache._encoded(c) for c in cells]
        collated = cache._collated(cells)
        assert _same(Batch.from_data_list(graphs), collated)
        if space.name == "nb101":
            assert len({g.num_nodes for g in graphs}) > 2 and len({int(g.depth) for g in graphs}) > 2
        split = collated.to_data_list()
        assert all(torch.equal(a[k], b[k]) for a, b in zip(graphs, split) for k in ("x", "edge_index", "depth"))
