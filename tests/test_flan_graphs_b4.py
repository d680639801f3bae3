"""FLAN's batched graphs of a whole space are collated without keeping a graph per architecture.

``GraphCache.whole_space`` kept one PyG ``Data`` per architecture besides the batches it collated them into:
15,625 Data (62,500 live objects, 64 MB) on NB201, for spaces of up to 200,000 architectures.
"""
from __future__ import annotations

import torch

from nasloop.engine.assemble import build_context
from nasloop.predictors.flan_graphs import GraphCache
from nasloop.predictors.vocabulary import Vocabulary
from nasloop.search_spaces.nb101.space import NB101Space

from .nb101_small_e import small_nb101


def test_whole_space_batches_keep_no_graph_per_arch_and_match_the_cached_ones(data_dir, tmp_path):
    small_nb101(data_dir, tmp_path)  # three cells: the whole table takes seconds to load
    space = NB101Space(context=build_context(NB101Space, "cifar10", str(tmp_path), lookup=True))
    vocab = Vocabulary(space.token(o) for o in space.graph_ops)
    cache = GraphCache(space, vocab, canonical=False, view=space.graph_encodings[0])
    batches, rows = cache.whole_space()
    assert len(rows) == 3 and not cache._graphs
    cached = cache.chunks(list(rows))  # one kept graph per arch, as training reads them
    assert len(cache._graphs) == 3 and len(cached) == len(batches)
    for whole, kept in zip(batches, cached):
        for key in ("x", "edge_index", "depth", "batch", "ptr"):
            assert torch.equal(whole[key], kept[key])
