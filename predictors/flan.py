"""FLAN: Flow Attention for NAS (Akhauri & Abdelfattah, ICML 2024), our implementation.

An architecture is read as an ops-on-nodes DAG: the space's ``graph`` encoding (the cell as
written) and, where the space offers it, its ``dataflow`` encoding (the same nodes, joined only
where data flows); ensemble members take the views in turn, because members reading different
views err differently: on NB201 their mean ranks as well as the better view at every training
size, while neither view is the better one at every size. Each node starts from
a learned embedding of its operation, taken from the unified vocabulary so one model can later
learn from several spaces. Two branches read the graph, and their readouts are
concatenated (FLAN's ensemble of a dense-graph-flow and a graph-attention encoder):

* dense graph flow (DGF): a node sums its predecessors' transformed states, gated elementwise by
  a sigmoid of its *own* operation embedding, so an op decides how much of what flows in it
  passes on (``none`` learns to block, a convolution to transform);
* graph attention: PyG's ``GATConv`` weighs predecessors by learned attention.

Each branch runs a forward flow over the DAG (inputs towards output, like a forward pass) and a
backward flow over the reversed DAG (like gradients), then refines the operation embeddings from
the backward states and repeats for a few time steps, so an op's embedding comes to depend on
where it sits. Mean readouts of both branches, plus optional supplementary features (zero-cost
proxy scores: the paper's score-based encoding), go through an MLP to one score.

Why it is fast: every fit up to 2,048 cells is full-batch (one PyG ``Batch`` of all training
graphs, the pairwise hinge loss over all ordered pairs at once), so about 30-230 AdamW steps
with a cosine schedule replace 150 epochs of batch 8; online updates warm-start from the previous weights and take a few
dozen steps; ranking a whole enumerable space is a forward pass per ensemble member over each
chunk of 2,048 batched graphs, built once per process and space.

Rank losses are scale-free, so each member's scores are mapped to target units by matching the
training targets' mean and spread (an increasing affine map: the member's ranking is kept), and
the ensemble of independently initialised members gives ``std`` for acquisition functions.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Callable, Literal, Mapping, Sequence

import numpy as np

from ..engine.context import RunContext
from ..engine.errors import ConfigError, UnsupportedError
from ..engine.held_imports import imported
from ..engine.options import FileName, name_list, NonNegativeFloat, Seed, TORCH_SEEDS
from ..engine.registry import PREDICTORS, register_predictor
from ..engine.types import Arch
from ..search_spaces.base import SearchSpace
from .base import Predictor, single_thread
from .saved_state import pack_torch, unpack_torch
from .sizes import Depth, Members, OptimiserFactor, PairBatch, Steps, UpdateSteps, Width
from .features import FeatureScaler, FeatureSet, Missing, features_read_dataset
from .flan_inputs import FlanInputs, Supplementary
from .flan_transfer import (SHAPE_OPTIONS, FlanPretraining, check_shared_tokens, check_start_features, diverged,
                            file_tokens, load_pretrained)
from .uninformed import floored_std
from .vocabulary import Vocabulary

if TYPE_CHECKING:  # imported where FLAN first builds or fits a network: see _NETWORK
    import torch
    from torch_geometric.data import Batch

    from .flan_graphs import GraphCache
    from .flan_network import FlanNet

LOSSES = ("hinge", "mse")


_NETWORK, _GRAPHS, _WEIGHTS = (f"{__package__}.{name}" for name in ("flan_network", "flan_graphs", "flan_weights"))
"""FLAN's modules that import torch and PyG as they load (its network, graphs and saved weights: seconds), imported
where first used (:func:`..engine.held_imports.imported`), so that listing the predictors or refusing a bad
option does not wait for them."""


# --- the predictor ----------------------------------------------------------------------------

@register_predictor("flan")
class FlanPredictor(Predictor, FlanPretraining, FlanInputs):
    """FLAN: an ensemble of graph networks with flow attention over the architecture's graph, ranking-loss trained.

    ``steps`` is the number of full-batch optimiser steps of a fit from scratch; by default it
    grows with the training set (``auto_steps``), since more data supports more steps before
    overfitting and more pairs need more steps to fit. ``update_steps`` is the length of a warm
    refit after :meth:`update`. ``supplementary`` is a callable mapping architectures to an
    (n, d) array, or a feature set of :mod:`.features`: proxy names (stored, else computed),
    ``proxies`` (every proxy the benchmark stores), ``graph`` (structural graph features).
    An undefined supplementary feature (NaN) is flagged beside its imputed value
    (``missing=impute``) or named in one line (``missing=error``).
    ``views`` are the graph encodings members read in turn (default: every one the space offers).
    ``pretrained`` names a file of ``nasloop predictors pretrain``: fits start from its weights
    (:mod:`.flan_transfer`) instead of random ones. ``space_id`` adds FLAN's alternative to
    relying on shared tokens alone: a one-hot of the architecture's space among the spaces the
    model learned from (a mix's members, or those of the pretrained file) plus one slot for any
    other. On a mix of spaces (``space.member_spaces``) the rank loss pairs cells of one space only.
    A fit on more than ``batch_size`` architectures (pretraining on a whole 30k-cell table) steps
    on a fresh random subset of that many each time, since the full-batch pairwise loss would
    hold n² pairs; smaller fits stay full-batch.
    """

    epistemic_std = True
    state_free_options = ("seed", "loss", "steps", "update_steps", "lr", "weight_decay", "margin", "warm_start",
                          "batch_size", "missing", "pretrained")  # how later fits train; the file's digest is checked

    @classmethod
    def reads_dataset_with(cls, space: type[SearchSpace], options: Mapping[str, Any]) -> bool:
        """Its supplementary features name proxies, or are a function of the user's; the graphs read no dataset."""
        chosen = options.get("supplementary")
        return chosen is not None and (callable(chosen) or features_read_dataset(space, chosen))

    def __init__(self, space: SearchSpace, seed: Seed = 0, context: RunContext | None = None,
                 ensemble: Members = 4, loss: Literal[LOSSES] = "hinge", steps: Steps | None = None,
                 update_steps: UpdateSteps = 20, lr: OptimiserFactor = 3e-3,
                 weight_decay: OptimiserFactor = 1e-2, margin: NonNegativeFloat = 0.05, op_dim: Width = 32,
                 hidden: Width = 48, time_steps: Depth = 2, warm_start: bool = True,
                 canonical: bool = True, views: str | Sequence[str] | None = None,
                 supplementary: str | Sequence[str] | Supplementary | None = None,
                 pretrained: FileName | None = None, space_id: bool = False, batch_size: PairBatch = 2048,
                 missing: Missing = "impute") -> None:
        super().__init__(space, seed)
        offered = list(space.graph_encodings)
        if not offered:
            instead = "a predictor on vectors (gp, mlp)" if space.vector_encodings else "a space with one"
            raise UnsupportedError(f"FLAN reads architectures as graphs, and search space '{space.name}' declares no "
                                   f"graph encoding; declare one (the README's 'Adding a search space'), or use "
                                   f"{instead} instead")
        views = offered if views is None else list(name_list(views))
        if not views or not all(isinstance(v, str) and v in offered for v in views):
            raise ConfigError(f"FLAN option views must name graph encodings of '{space.name}' "
                              f"({', '.join(offered)}), got {views!r}")
        self.ensemble, self.loss, self.steps, self.update_steps = ensemble, loss, steps, update_steps
        self.lr, self.weight_decay, self.margin = float(lr), float(weight_decay), float(margin)
        self.op_dim, self.hidden, self.time_steps, self.batch_size = op_dim, hidden, time_steps, batch_size
        self.warm_start, self.canonical, self.views, self.space_id = warm_start, canonical, views, space_id
        self.supplementary, self.missing, self.pretrained = supplementary, missing, pretrained
        context = context or RunContext()
        self._supplementary = self._resolve_supplementary(supplementary, context)
        supplementary_set = self._supplementary if isinstance(self._supplementary, FeatureSet) else None
        self.computed_proxies = tuple(supplementary_set.computed_proxies) if supplementary_set else ()
        self.builds_networks = bool(self.computed_proxies)
        self._start: dict[str, Any] | None = None  # the pretrained file's contents, when fitting starts from it
        # the spaces the one-hot of ``space_id`` names (one more slot: any other space)
        self.space_ids: list[str] = list(space.member_spaces)
        self.vocab = Vocabulary(space.token(op) for op in space.graph_ops)
        if pretrained is not None:
            self._start = load_pretrained(context.user_path(pretrained), context)
            self.pretrained_on = tuple(self._start["spaces"])
            imported(_WEIGHTS).check_recorded_shape(self._start, pretrained)
            differs = [f"{k} {self._start['shape'][k]} (here {getattr(self, k)})" for k in SHAPE_OPTIONS
                       if self._start["shape"][k] != getattr(self, k)]
            if differs:
                raise ConfigError(f"pretrained file {pretrained} was trained with {', '.join(differs)}; set those "
                                  "options to match, or pretrain again")
            check_shared_tokens(self._start, space, pretrained)
            # the file's tokens keep their rows; this space's new ops are appended
            self.vocab = Vocabulary(file_tokens(self._start["vocab"], space))
            self.vocab.extend(space.token(op) for op in space.graph_ops)
            self.space_ids = list(self._start["space_ids"]) or self.space_ids
            if self._supplementary is None or isinstance(self._supplementary, FeatureSet):  # width known now
                ids = len(self.space_ids) + 1 if space_id else 0
                width = 2 * (len(self.supplementary_names) + ids)
                check_start_features(self._start, pretrained, width, self.supplementary_names, ids, space.name)
                # weights that do not fit failed at the first fit, after a search's first evaluations
                probe = imported(_NETWORK).FlanNet(len(self.vocab), width, self.op_dim, self.hidden,
                                                      self.time_steps).state_dict()
                for saved in self._start["members"]:
                    imported(_WEIGHTS).fitted_weights(probe, saved, pretrained)
        self._members: list[FlanNet] = []
        self._maps: list[tuple[float, float]] = []  # per member: target ≈ slope * score + intercept
        self._scaler: FeatureScaler | None = None

    # --- configuration ---
    @staticmethod
    def auto_steps(n: int) -> int:
        """Full-batch steps for a fit from scratch on ``n`` architectures: 28 at 8, 88 at 78, 226 at 512.

        On NB201 (5 seeds) these steps with a 0.05 hinge margin took tau at 78 / 128 / 512 cells
        from 0.760 / 0.792 / 0.862 (``15 + 4.5 sqrt(n)`` steps, margin 0.1) to 0.769 / 0.800 / 0.866;
        ``13 sqrt(n)`` steps gained nothing more.
        """
        return int(min(800, 10 * math.sqrt(n)))

    def prepare(self) -> None:
        """Build the batched graphs of the whole space now, so the first ranking of it is not the slow one."""
        for view in self.views:
            self._cache(view).whole_space()

    def _cache(self, view: str) -> GraphCache:
        return imported(_GRAPHS).graph_cache(self.space, self.vocab, self.canonical, view)

    def _view(self, member: int) -> str:
        views = self.views
        return views[member % len(views)]

    def _canonical(self, archs: Sequence[Arch]) -> list[Arch]:
        return self._cache(self.views[0]).read(archs)

    def _tokens(self, archs: Sequence[Arch]) -> set[str]:
        return {t for view in self.views for a in archs for t in self.space.encode(a, view).ops}

    # --- fitting ---
    def _new_member(self, index: int, features: int) -> FlanNet:
        torch = imported("torch")
        with torch.random.fork_rng(devices=[]):  # independent, repeatable inits; the caller's RNG is untouched
            torch.manual_seed((self.seed * 7919 + index) % TORCH_SEEDS)
            return imported(_NETWORK).FlanNet(len(self.vocab), features, self.op_dim, self.hidden, self.time_steps)

    def _fit(self, archs: list[Arch], y: np.ndarray) -> None:
        self.vocab.extend(sorted(self._tokens(archs)))
        raw = self._features(self._canonical(archs), archs)
        self._scaler = FeatureScaler.fit(raw) if raw.shape[1] else None
        width = 2 * raw.shape[1]
        self._members = [self._new_member(i, width) for i in range(self.ensemble)]
        if self._start is not None:
            self._load_start(width)
        self._train(archs, y, self.steps or self.auto_steps(len(archs)), self.lr)

    def _load_start(self, width: int) -> None:
        """Start every member from a pretrained one (member i from the file's i mod its count, with a head of its
        own past that count: :func:`.flan_weights.started_weights`)."""
        check_start_features(self._start, self.pretrained, width, self.supplementary_names, 0, self.space.name)
        saved = self._start["members"]
        for index, member in enumerate(self._members):
            member.load_state_dict(imported(_WEIGHTS).started_weights(member.state_dict(), saved, index,
                                                                        self.pretrained))

    def _update(self, new_archs: list[Arch], new_y: np.ndarray) -> None:
        unknown = any(t not in self.vocab for t in self._tokens(new_archs))
        if not self.warm_start or not self._members or unknown:
            self._fit(self._archs, self._y)
        elif self.update_steps:
            self._train(self._archs, self._y, self.update_steps, self.lr / 3)

    def _train(self, archs: list[Arch], y: np.ndarray, steps: int, lr: float) -> None:
        torch, network = imported("torch"), imported(_NETWORK)
        Batch = imported("torch_geometric.data").Batch
        read = self._canonical(archs)
        held = {view: self._cache(view).graphs(read) for view in self.views}  # for the fit, whatever the cache drops
        graphs = {view: Batch.from_data_list(data) for view, data in held.items()}
        features = self._feature_tensor(read, archs)
        target = torch.as_tensor((y - y.mean()) / (y.std() or 1.0), dtype=torch.float32)
        # different benchmarks' accuracies are not comparable: on a mix, pairs stay within a space
        origin = torch.from_numpy(self.space.space_of(read)) if len(self.space.member_spaces) > 1 else None
        full_batch = len(read) <= self.batch_size
        better = network.better_pairs(target, origin) if full_batch else None
        for index, member in enumerate(self._members):
            view = self._view(index)

            def draw() -> tuple[Batch, torch.Tensor, torch.Tensor, torch.Tensor]:
                if full_batch:
                    return graphs[view], features, target, better
                rows = torch.randperm(len(read))[:self.batch_size]
                return (Batch.from_data_list([held[view][i] for i in rows.tolist()]), features[rows], target[rows],
                        network.better_pairs(target[rows], None if origin is None else origin[rows]))

            member.train()
            if self.loss == "mse" or better is None or better.any():
                with single_thread(), torch.random.fork_rng(devices=[]):
                    # Dropout and subset draws depend only on (seed, member, data size), so a restored
                    # predictor refits exactly as the original would have, and the caller's RNG is untouched.
                    torch.manual_seed(((self.seed * 7919 + index) * 1_000_003 + len(archs)) % TORCH_SEEDS)
                    self._optimise(member, draw, steps, lr)
            member.eval()
        scores = self._member_scores({view: [batch] for view, batch in graphs.items()}, features)
        if not all(np.isfinite(s).all() for s in scores):
            raise diverged(self._start, self.pretrained, lr)
        self._maps = [network.target_map(s, y) for s in scores]

    def _optimise(self, member: FlanNet, draw: Callable[[], tuple[Batch, torch.Tensor, torch.Tensor, torch.Tensor]],
                  steps: int, lr: float) -> None:
        """``steps`` AdamW steps on a cosine schedule, each on what ``draw`` gives (graphs, features,
        targets, better-than pairs): the whole training set, or a random subset of a large one.

        ``foreach``: torch's CPU default updates one tensor at a time; the multi-tensor update cut
        an 8-cell fit from 1.2 to 0.84 s.
        """
        torch, hinge_loss = imported("torch"), imported(_NETWORK).hinge_loss
        optimiser = torch.optim.AdamW(member.parameters(), lr=lr, weight_decay=self.weight_decay,
                                      foreach=True)
        schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=steps)
        for _ in range(steps):
            graphs, features, target, better = draw()
            optimiser.zero_grad()
            scores = member(graphs, features)
            loss = (hinge_loss(scores, better, self.margin) if self.loss == "hinge"
                    else torch.mean((scores - target) ** 2))
            loss.backward()
            optimiser.step()
            schedule.step()

    # --- predicting ---
    def _member_scores(self, graphs: dict[str, list[Batch]], features: torch.Tensor) -> list[np.ndarray]:
        """Each member's scores of the same architectures (batched in chunks), read in that member's view."""
        # One thread: a chunk's steps are small tensors, on which OpenMP threads spin-wait for each other on
        # a busy CPU (all NB101 cells, 2 cores under load: one member 3.6-5.0 s on one thread, 40-45 s on two).
        chunked_scores = imported(_NETWORK).chunked_scores
        with single_thread():
            return [chunked_scores(m, graphs[self._view(i)], features) for i, m in enumerate(self._members)]

    def predict(self, archs: Sequence[Arch]) -> tuple[np.ndarray, np.ndarray]:
        if not self._members:
            raise ConfigError("FLAN predicts only after fit(); fit it on evaluated architectures first")
        archs = list(archs)
        if not archs:
            return np.zeros(0), np.zeros(0)
        views = self.views
        read = self._canonical(archs)
        unique = list(dict.fromkeys(read))  # equivalent cells are scored once
        wholes = ({view: self._cache(view).whole_space() for view in views}
                  if len(unique) * 4 >= (self.space.size or math.inf) else {})
        if wholes and None not in wholes.values():
            # most of the space: score all of it at once and pick the rows asked for; every view
            # lists the space in the same order, read from the same canonical forms
            position = wholes[views[0]][1]
            graphs = {view: whole[0] for view, whole in wholes.items()}
        else:
            position = {a: i for i, a in enumerate(unique)}
            graphs = {view: self._cache(view).chunks(unique) for view in views}
        rows = np.fromiter((position[a] for a in read), dtype=np.int64, count=len(read))
        written = {canonical: arch for canonical, arch in zip(reversed(read), reversed(archs))}  # the first given
        # supplementary features of the cells asked for alone (each graph's score is its own, so the rows dropped
        # read zeros): every cell's were computed, a network built for each of NB101's 30,001 for a computed proxy
        # where 7,800 were asked, a user's function called on cells never given it (README)
        asked = self._feature_tensor(unique, [written[a] for a in unique])
        features = asked.new_zeros((len(position), asked.shape[1]))
        features[[position[a] for a in unique]] = asked
        scores = [s[rows] for s in self._member_scores(graphs, features)]
        mapped = np.stack([slope * s + intercept for s, (slope, intercept) in zip(scores, self._maps)])
        # members mapped with no slope (uninformative data) agree exactly: no certainty (uninformed.py)
        return mapped.mean(axis=0), floored_std(mapped.std(axis=0), self.space, self._archs, self._y)

    @property
    def members(self) -> list[FlanNet]:
        """The fitted ensemble (empty before the first fit)."""
        return list(self._members)

    # --- exact resume ---
    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        if self._members:
            state["flan"] = {"vocab": self.vocab.tokens(), "maps": [list(m) for m in self._maps], "views": self.views,
                             "space_ids": self.space_ids, "pretrained": self._start["digest"] if self._start else None,
                             "scaler": self._scaler.state() if self._scaler else None,
                             "members": pack_torch([m.state_dict() for m in self._members])}
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._restore_data(state)
        saved = state.get("flan")
        if saved is None:
            self._members = []
            return
        started = saved.get("pretrained")
        if started is not None and (self._start is None or self._start["digest"] != started):
            raise ConfigError(f"the pretrained file {self.pretrained} is not the one this run started from (its "
                              "contents changed); put the original back, or start a new run")
        self.vocab = Vocabulary(file_tokens(saved["vocab"], self.space))  # ops the space shares since, renamed
        self.views = saved.get("views", ["graph"])  # members saved before views existed read the written graph
        self.space_ids = saved.get("space_ids", self.space_ids)
        scaler = saved["scaler"]
        self._scaler = None if scaler is None else FeatureScaler.from_state(scaler)
        weights = unpack_torch(saved["members"])
        maps = imported(_WEIGHTS).saved_maps(saved["maps"], len(weights), PREDICTORS.label(self))
        width = 0 if scaler is None else 2 * len(scaler["mean"])
        self._members = []
        for index, member_state in enumerate(weights):
            member = self._new_member(index, width)
            member.load_state_dict(member_state)
            member.eval()
            self._members.append(member)
        self._maps = maps
