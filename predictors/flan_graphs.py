"""The graphs FLAN reads: PyG graphs of a space's architectures, cached per space, vocabulary and view."""
from __future__ import annotations

import json
from typing import Callable, Sequence

import numpy as np
import torch
from torch_geometric.data import Batch, Data

from ..engine.space_checks import enumerated
from ..engine.types import Arch
from ..search_spaces.base import SearchSpace, enumerable
from .flan_network import longest_path
from .recent import WHOLE_SPACE_LIMIT, Recent
from .vocabulary import Vocabulary


class GraphCache:
    """PyG graphs of one space's architectures in one graph encoding, with the batched graph of the whole space.

    Encoding and collating all 15,625 NB201 cells takes 0.5-0.9 CPU s (both views); ranking them with a
    warm cache is then a few forward passes per ensemble member, one per chunk (:data:`RANK_CHUNK`).
    Graphs and canonical forms are memoised for the :data:`CACHE_LIMIT` architectures read last, or for the
    whole space once it is batched (a space of at most :data:`WHOLE_SPACE_LIMIT`, ranked whole every round).
    """

    def __init__(self, space: SearchSpace, vocab: Vocabulary, canonical: bool, view: str) -> None:
        self.space, self.vocab, self.canonical, self.view = space, vocab, canonical, view
        self._graphs: Recent[Data] = Recent(CACHE_LIMIT)
        self._read: Recent[Arch] = Recent(CACHE_LIMIT)  # arch → the arch the model reads (its canonical form)
        self._all: tuple[list[Batch], dict[Arch, int]] | None = None

    def graph(self, arch: Arch) -> Data:
        """``arch``'s graph, kept for the next batch that holds it (training reads the same cells at every step)."""
        return self._graphs.get(arch, self._encoded)

    def graphs(self, archs: Sequence[Arch]) -> list[Data]:
        """The graphs of ``archs``, for a fit to hold while it steps on subsets of more than :data:`CACHE_LIMIT`."""
        return [self.graph(a) for a in archs]

    def _encoded(self, arch: Arch) -> Data:
        encoding = self.space.encode(arch, self.view)
        edges = np.asarray(encoding.edges, dtype=np.int64).reshape(2, -1)
        return Data(x=torch.from_numpy(self.vocab.ids(encoding.ops)), edge_index=torch.from_numpy(edges),
                    depth=torch.tensor([longest_path(encoding.num_nodes, edges)]))

    def read(self, archs: Sequence[Arch]) -> list[Arch]:
        """Archs as the model reads them: with ``canonical``, equivalent cells become one (memoised)."""
        return [self._read.get(a, self.space.canonical) for a in archs] if self.canonical else list(archs)

    def chunks(self, archs: Sequence[Arch]) -> list[Batch]:
        """``archs`` batched in order, :data:`RANK_CHUNK` graphs a batch, for ranking many at once."""
        return self._chunked(archs, self.graph)

    @staticmethod
    def _chunked(archs: Sequence[Arch], graph: Callable[[Arch], Data]) -> list[Batch]:
        return [Batch.from_data_list([graph(a) for a in archs[i:i + RANK_CHUNK]])
                for i in range(0, len(archs), RANK_CHUNK)]

    def whole_space(self) -> tuple[list[Batch], dict[Arch, int]] | None:
        """The batched graphs of every architecture (every canonical one), in chunks, with each one's row;
        for spaces small enough to enumerate."""
        if self._all is None and enumerable(self.space) and self.space.size <= WHOLE_SPACE_LIMIT:
            written = enumerated(self.space, "predictor flan")
            self._read.limit = self._graphs.limit = max(CACHE_LIMIT, len(written))  # read whole every round
            archs = list(dict.fromkeys(self.read(written)))
            # collated without keeping each arch's graph: the batches hold their tensors, and a Data per arch
            # besides (four objects each) held 64 MB more on NB201's 15,625 cells, for up to the limit's archs
            chunks = [self._collated(archs[i:i + RANK_CHUNK]) for i in range(0, len(archs), RANK_CHUNK)]
            self._all = (chunks, {a: i for i, a in enumerate(archs)})
        return self._all

    def _collated(self, archs: Sequence[Arch]) -> Batch:
        """The batch ``Batch.from_data_list`` makes of ``archs``' graphs, made from their encodings' arrays at once.

        A ``Data`` a graph, then their collation, was most of building a whole space's batches: 2.6 CPU s of NB101's
        30,001 cells (its canonical forms known), 0.6 s collated from the arrays, NB201's two views 1.2-1.6 s, 0.5-0.9
        s; a predictor of another vocabulary (a pretrained file's, a blend member's) builds them again."""
        encodings = [self.space.encode(a, self.view) for a in archs]
        edges = [np.asarray(e.edges, dtype=np.int64).reshape(2, -1) for e in encodings]
        nodes = np.fromiter((e.num_nodes for e in encodings), dtype=np.int64, count=len(encodings))
        starts = np.concatenate([[0], np.cumsum(nodes)])
        edge_starts = np.concatenate([[0], np.cumsum([e.shape[1] for e in edges])])
        batch = Batch(_base_cls=Data)  # the class from_data_list makes (a DataBatch)
        batch.x = torch.from_numpy(self.vocab.ids([op for e in encodings for op in e.ops]))
        batch.edge_index = torch.from_numpy(np.concatenate([e + start for e, start in zip(edges, starts)], axis=1))
        batch.depth = torch.tensor([longest_path(int(n), e) for n, e in zip(nodes, edges)])
        batch.batch = torch.repeat_interleave(torch.arange(len(archs)), torch.from_numpy(nodes))
        batch.ptr = torch.from_numpy(starts)
        # what from_data_list records to split the batch again (to_data_list, index_select)
        batch._num_graphs = len(archs)
        batch._slice_dict = {"x": batch.ptr, "edge_index": torch.from_numpy(edge_starts),
                             "depth": torch.arange(len(archs) + 1)}
        batch._inc_dict = {"x": torch.zeros(len(archs), dtype=torch.long), "edge_index": batch.ptr[:-1],
                           "depth": torch.zeros(len(archs), dtype=torch.long)}
        return batch


CACHE_LIMIT = 16_384
"""Architectures whose graph and canonical form are kept where the space is not batched whole: a round's training
cells and pool of candidates (predictor-topk's 5,000) with room to spare (DARTS cells: 75 MB of Python objects, their
tensors besides). Every one ranked was kept: 40 rounds of 5,000 DARTS candidates grew RSS by 927 MB, 343 MB now."""
RANK_CHUNK = 2048
"""Graphs per forward pass when ranking. One pass over all 30,001 NB101 cells (205k nodes) took 4.2 CPU s
per member, passes over chunks of 2,048 (or 512) 1.3 s with the same scores: each step of a flow allocates
activations of every node, which for the whole table are fresh 40 MB tensors the allocator hands back to
the system and faults in again at every step, while a chunk's stay in the allocator and the caches."""
_CACHES: dict[tuple, GraphCache] = {}
_MAX_CACHES = 4  # two views of two spaces


def graph_cache(space: SearchSpace, vocab: Vocabulary, canonical: bool, view: str) -> GraphCache:
    """The process-wide cache for (space, vocabulary, view): predictors built for the same space share it."""
    key = (type(space).__qualname__, space.name, json.dumps(space.config(), sort_keys=True, default=str),
           tuple(vocab.tokens()), canonical, view)
    if key not in _CACHES:
        while len(_CACHES) >= _MAX_CACHES:
            _CACHES.pop(next(iter(_CACHES)))
        _CACHES[key] = GraphCache(space, vocab, canonical, view)
    return _CACHES[key]
