"""EmProx: k-nearest-neighbour performance estimates in a learned architecture embedding.

Franken, Singh & Vanschoren (2022) embed architectures with a NAO-style sequence
encoder-decoder (Luo et al., 2018) and estimate an architecture's performance as the
inverse-distance-weighted mean of its nearest evaluated neighbours in that embedding. Its selling
point is speed: once the encoder exists, learning from a new result is appending one vector.

Here the encoder-decoder is pre-trained as an autoencoder on architectures sampled from the space
(no accuracies needed, so it costs seconds and is shared: one pre-training per (space, options,
seed) per process). ``fit`` then fine-tunes the encoder on the labelled architectures with a
soft nearest-neighbour regression loss (NAO keeps a reconstruction term beside its regression;
``finetune_weight`` below 1 does too, and measured worse), which pulls architectures of similar
accuracy together and makes the neighbourhoods informative. ``update`` never re-trains:
it embeds the new architectures and adds them to the neighbour bank.

Architectures become token sequences generically, from the space's first graph encoding: each
node's operation name followed by its incoming-edge bits; positions that never vary in the
pre-training sample (fixed input/output nodes, a fixed topology such as NB201's) are dropped, so
an NB201 cell is the sequence of its six edge operations.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal, Sequence

import numpy as np

from ..engine.errors import ConfigError, UnsupportedError
from ..engine.held_imports import imported
from ..engine.options import PositiveInt, Range, Seed
from ..engine.registry import register_predictor
from ..engine.types import Arch
from ..search_spaces.base import SearchSpace
from .base import Predictor, single_thread
from .recent import Recent, memo_limit
from .saved_state import pack_torch, unpack_torch
from .sizes import EmbeddingWidth, Power, PretrainSamples, Steps, UpdateSteps

if TYPE_CHECKING:  # torch is imported on the first fit
    import torch

FINETUNE_BATCH = 128  # labelled points per fine-tuning step: the cost of a fit stops growing with n
MEMO_LIMIT = 16_384
"""Architectures whose token rows and embeddings are kept (a whole enumerable space up to
:data:`~.recent.WHOLE_SPACE_LIMIT`): a round's training cells and pool of candidates, with room to spare."""
UNKNOWN, START = 0, 1  # reserved token ids: an op never seen in pre-training; the decoder's first input


def _graph_tokens(space: SearchSpace, arch: Arch, max_nodes: int) -> list[str]:
    """Every node's op name then its incoming-edge bits, padded to ``max_nodes`` nodes."""
    graph = space.encode(arch, space.graph_encodings[0])
    if graph.num_nodes > max_nodes:
        raise ConfigError(f"emprox: architecture {space.format(arch)} has {graph.num_nodes} nodes, more than any "
                          f"pre-training sample ({max_nodes}); raise pretrain_samples")
    incoming = {(int(s), int(t)) for s, t in np.asarray(graph.edges).T}
    tokens: list[str] = []
    for node in range(max_nodes):
        tokens.append(graph.ops[node] if node < graph.num_nodes else "<pad>")
        tokens.extend("edge:1" if (src, node) in incoming else "edge:0" for src in range(node))
    return tokens


@dataclass
class Tokenizer:
    """Maps architectures to fixed-length token-id rows; learned from a pre-training sample."""

    space: SearchSpace
    max_nodes: int
    positions: np.ndarray  # the token positions that vary in the sample
    vocab: dict[str, int]
    _cache: Recent[np.ndarray] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._cache = Recent(memo_limit(self.space, MEMO_LIMIT))

    @classmethod
    def learn(cls, space: SearchSpace, archs: list[Arch]) -> "Tokenizer":
        max_nodes = max(space.encode(a, space.graph_encodings[0]).num_nodes for a in archs)
        rows = [_graph_tokens(space, a, max_nodes) for a in archs]
        varying = [i for i in range(len(rows[0])) if len({row[i] for row in rows}) > 1]
        if not varying:
            raise ConfigError(f"emprox: every sampled architecture of space '{space.name}' has the same graph; "
                              "there is nothing to embed")
        # ordered by the space's own op names, so ids do not depend on which ops share a token
        own = {space.token(op): f"{space.name}/{op}" for op in space.graph_ops}
        names = sorted({row[i] for row in rows for i in varying}, key=lambda t: own.get(t, t))
        vocab = {name: index for index, name in enumerate(names, start=START + 1)}
        return cls(space, max_nodes, np.asarray(varying), vocab)

    @property
    def size(self) -> int:
        return len(self.vocab) + START + 1

    def __call__(self, archs: Sequence[Arch]) -> np.ndarray:
        """(n, length) token ids; rows are kept for the architectures read last (ranking a space re-asks often)."""
        out = np.empty((len(archs), len(self.positions)), dtype=np.int64)
        for i, arch in enumerate(archs):
            out[i] = self._cache.get(arch, self._row)
        return out

    def _row(self, arch: Arch) -> np.ndarray:
        tokens = _graph_tokens(self.space, arch, self.max_nodes)
        return np.array([self.vocab.get(tokens[p], UNKNOWN) for p in self.positions], dtype=np.int64)


def _build_model(vocab_size: int, dim: int) -> torch.nn.Module:
    """The encoder-decoder of :mod:`.emprox_model` (imported here: torch loads on the first fit)."""
    from .emprox_model import EncoderDecoder

    return EncoderDecoder(vocab_size, dim)


def _leave_one_out_loss(embedding: torch.Tensor, target: torch.Tensor, log_scale: torch.Tensor) -> torch.Tensor:
    """MSE of predicting each labelled point from all the others by soft nearest neighbours.

    A differentiable stand-in for the kNN estimate used at prediction time (weights decay with
    squared embedding distance), so fine-tuning shapes exactly the neighbourhoods EmProx reads.
    """
    torch = imported("torch")

    distance = torch.cdist(embedding, embedding).pow(2) * log_scale.exp()
    distance = distance + torch.diag(torch.full((len(embedding),), float("inf")))
    weights = torch.softmax(-distance, dim=1)
    return torch.nn.functional.mse_loss(weights @ target, target)


@dataclass
class Pretrained:
    """A pre-trained encoder-decoder with its tokenizer and the pre-training sample."""

    tokenizer: Tokenizer
    weights: dict
    tokens: np.ndarray


_PRETRAINED: dict[tuple, Pretrained] = {}


def pretrained(space: SearchSpace, dim: int, samples: int, epochs: int, seed: int) -> Pretrained:
    """The autoencoder for these settings, trained on first use and cached for the process."""
    key = (space.name, json.dumps(space.config(), sort_keys=True, default=str), dim, samples, epochs, seed)
    if key in _PRETRAINED:
        return _PRETRAINED[key]
    torch = imported("torch")

    from ..engine.devices import seed_torch

    rng = np.random.default_rng(seed)
    archs = [space.sample(rng) for _ in range(samples)]
    tokenizer = Tokenizer.learn(space, archs)
    tokens = torch.from_numpy(tokenizer(archs))
    with single_thread(), torch.random.fork_rng(devices=[]):
        seed_torch(seed)
        model = _build_model(tokenizer.size, dim)
        optimiser = torch.optim.Adam(model.parameters(), lr=0.01)
        generator = torch.Generator().manual_seed(seed)
        for _ in range(epochs):
            for batch in torch.randperm(samples, generator=generator).split(100):
                loss = model.reconstruction_loss(tokens[batch], model.encode(tokens[batch]))
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
    entry = Pretrained(tokenizer, {k: v.detach().clone() for k, v in model.state_dict().items()}, tokens.numpy())
    _PRETRAINED[key] = entry
    return entry


@register_predictor("emprox")
class EmProxPredictor(Predictor):
    """Inverse-distance-weighted kNN over encoder embeddings of the evaluated architectures."""

    # the seed, dim, pre-training and canonical shape the encoder (its tokenizer comes from the seed's sample)
    state_free_options = ("k", "power", "finetune_steps", "finetune_weight", "finetune_loss")

    def __init__(self, space: SearchSpace, seed: Seed = 0, k: PositiveInt = 20, power: Power = 2.0,
                 dim: EmbeddingWidth = 32, pretrain_samples: PretrainSamples = 3000,
                 pretrain_epochs: Steps = 20, finetune_steps: UpdateSteps = 200,
                 finetune_weight: Annotated[float, Range(0, 1)] = 1.0, finetune_loss: Literal["knn", "head"] = "knn",
                 canonical: bool = True) -> None:
        super().__init__(space, seed)
        if not space.graph_encodings:  # gp and mlp were advised on a space that has no vector encoding either
            instead = ("use gp or mlp on this space" if space.vector_encodings else "declare one (the README's 'Adding "
                       "a search space'), or search with a strategy that uses no predictor")
            raise UnsupportedError(f"emprox: search space '{space.name}' declares no graph encoding, which EmProx "
                                   f"reads architectures from; {instead}")
        self.k, self.power, self.dim = k, float(power), dim
        self.pretrain_samples, self.pretrain_epochs = pretrain_samples, pretrain_epochs
        self.finetune_steps, self.finetune_weight = finetune_steps, float(finetune_weight)
        self.finetune_loss, self.canonical = finetune_loss, canonical
        self._pretrained: Pretrained | None = None
        self._model = None
        self._tuned = False
        self._embeddings = self._memo()  # arch -> embedding under the current encoder
        self._bank = np.zeros((0, dim), dtype=np.float32)

    def prepare(self) -> None:
        """Pre-train (or fetch the cached encoder) now, so the first ``fit`` is not charged for it."""
        pretrained(self.space, self.dim, self.pretrain_samples, self.pretrain_epochs, self.seed)

    # --- the encoder --------------------------------------------------------------------------
    def _memo(self) -> Recent[np.ndarray]:
        """Embeddings under the current encoder, for the architectures read last: every candidate of a pool was kept,
        and each round of 5,000 DARTS candidates grew the process by 18 MB, for good."""
        return Recent(memo_limit(self.space, MEMO_LIMIT))

    def _load_pretrained(self) -> None:
        torch = imported("torch")  # torch's first import in a search, at the first fit
        from ..engine.devices import seed_torch

        self._pretrained = pretrained(self.space, self.dim, self.pretrain_samples, self.pretrain_epochs, self.seed)
        with torch.random.fork_rng(devices=[]):
            seed_torch(self.seed)
            self._model = _build_model(self._pretrained.tokenizer.size, self.dim)
        self._model.load_state_dict(self._pretrained.weights)
        self._tuned, self._embeddings = False, self._memo()

    def _read(self, archs: Sequence[Arch]) -> list[Arch]:
        """Archs as the encoder reads them: with ``canonical``, equivalent cells share one embedding."""
        return [self.space.canonical(a) for a in archs] if self.canonical else list(archs)

    def _embed(self, archs: Sequence[Arch]) -> np.ndarray:
        """Embeddings under the current encoder, computed once per architecture."""
        torch = imported("torch")

        found = {a: self._embeddings.find(a) for a in dict.fromkeys(archs)}
        missing = [a for a, vector in found.items() if vector is None]
        if missing:
            tokens = torch.from_numpy(self._pretrained.tokenizer(self._read(missing)))
            with torch.no_grad(), single_thread():
                vectors = self._model.encode(tokens).numpy()
            for arch, vector in zip(missing, vectors):
                found[arch] = vector
                self._embeddings.keep(arch, vector)
        if not archs:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[a] for a in archs])

    def _finetune(self, archs: list[Arch], y: np.ndarray) -> None:
        """NAO's joint objective: ``finetune_weight`` x regression on the labelled points plus the
        rest x reconstruction of labelled and sampled architectures.

        The default weight, 1, fine-tunes on the regression alone: on NB201 (5 seeds) that, with
        k = 20, took tau from 0.336 / 0.501 / 0.623 / 0.727 (weight 0.8, k = 10) to 0.350 / 0.524 /
        0.676 / 0.756 at 8 / 40 / 128 / 512 cells, NB101's from 0.300 / 0.463 to 0.312 / 0.497 at
        72 / 364, and left TNB101-micro's within 0.02. The pretrained autoencoder already places
        similar cells together; keeping the decoder able to rebuild them pulled the neighbourhoods
        away from what the kNN reads."""
        torch = imported("torch")

        labelled = torch.from_numpy(self._pretrained.tokenizer(self._read(archs)))
        unlabelled = torch.from_numpy(self._pretrained.tokens)
        target = torch.from_numpy(((y - y.mean()) / (y.std() or 1.0)).astype(np.float32))
        generator = torch.Generator().manual_seed(self.seed)
        optimiser = torch.optim.Adam(self._model.parameters(), lr=0.005)
        weight = self.finetune_weight
        batch = min(len(labelled), FINETUNE_BATCH)
        with single_thread():
            for _ in range(self.finetune_steps):
                pick = torch.randperm(len(labelled), generator=generator)[:batch]
                # drawn at every step, so that the labelled batches are the same whatever the weight
                sample = unlabelled[torch.randint(len(unlabelled), (batch,), generator=generator)]
                embedding = self._model.encode(labelled[pick])
                if self.finetune_loss == "knn":
                    regression = _leave_one_out_loss(embedding, target[pick], self._model.log_scale)
                else:
                    regression = torch.nn.functional.mse_loss(self._model.head(embedding).squeeze(-1), target[pick])
                loss = weight * regression
                if weight < 1:
                    both = torch.cat([labelled[pick], sample])
                    loss = loss + (1 - weight) * self._model.reconstruction_loss(both, self._model.encode(both))
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
        self._tuned, self._embeddings = True, self._memo()

    # --- predictor interface ------------------------------------------------------------------
    def _fit(self, archs: list[Arch], y: np.ndarray) -> None:
        self._load_pretrained()
        if self.finetune_steps > 0 and len(archs) > 1 and y.std() > 0:
            self._finetune(archs, y)
        self._bank = self._embed(archs)

    def _update(self, new_archs: list[Arch], new_y: np.ndarray) -> None:
        """EmProx's cheap refit: embed the new architectures and add them to the neighbour bank."""
        if self._model is None:
            return self._fit(self._archs, self._y)
        self._bank = np.concatenate([self._bank, self._embed(new_archs)])

    def predict(self, archs: Sequence[Arch]) -> tuple[np.ndarray, np.ndarray]:
        """IDW mean of the k nearest evaluated neighbours; std = their IDW spread (floored above 0).

        Written out, not sklearn's KNeighborsRegressor(weights=callable): that one took 396 ms against 204 to rank
        NB201's 15,625 cells from 200 (260 against 62 from 20), and where the k-th and next neighbour are at one
        distance (equivalent cells share an embedding) it keeps another of them: 937 of the 15,625 means moved, by
        up to 0.03."""
        if self._model is None:
            raise ConfigError("emprox: predict called before fit; fit it on evaluated architectures first")
        archs = list(archs)
        if not archs:
            return np.zeros(0), np.zeros(0)
        query = self._embed(archs).astype(np.float64)
        bank = self._bank.astype(np.float64)
        k = min(self.k, len(bank))
        squared = (query ** 2).sum(1)[:, None] + (bank ** 2).sum(1)[None, :] - 2.0 * query @ bank.T
        distance = np.sqrt(np.maximum(squared, 0.0))
        nearest = np.argpartition(distance, k - 1, axis=1)[:, :k] if k < len(bank) else \
            np.broadcast_to(np.arange(len(bank)), (len(query), len(bank)))
        near_distance = np.take_along_axis(distance, nearest, axis=1)
        weights = 1.0 / (near_distance + 1e-6) ** self.power
        weights /= weights.sum(axis=1, keepdims=True)
        targets = self._y[nearest]
        mean = (weights * targets).sum(axis=1)
        spread = np.sqrt((weights * (targets - mean[:, None]) ** 2).sum(axis=1))
        floor = 1e-3 * (float(self._y.std()) or 1.0)
        return mean, np.maximum(spread, floor)

    # --- persistence --------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Data plus the fine-tuned encoder: updates add points without re-tuning, so a refit would differ."""
        state = super().state_dict()
        if self._tuned:
            state["encoder"] = pack_torch(self._model.state_dict())
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._restore_data(state)
        if not self._archs:
            return
        self._load_pretrained()
        if "encoder" in state:
            self._model.load_state_dict(unpack_torch(state["encoder"]))
            self._tuned = True
        self._bank = self._embed(self._archs)
