"""BANANAS-style predictor: an ensemble of MLPs on the path encoding (White et al., AAAI 2021).

BANANAS showed that a handful of independently initialised MLPs on the path encoding predict
NB201/NB101 accuracy well, and that their disagreement is a usable uncertainty for acquisition
functions. The members are trained together as one batched network (weights of shape
``(members, in, out)``), so an ensemble of five costs about as much as one MLP.

Updates continue training from the current weights (``warm_start=True``) for ``update_epochs``
passes over all data seen: a search refits after every batch, and a few dozen steps from a good
starting point suffice. ``warm_start=False`` retrains from a fresh initialisation.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from ..engine.errors import ConfigError
from ..engine.held_imports import imported
from ..engine.options import PositiveInt, Seed
from ..engine.registry import register_predictor
from ..engine.types import Arch
from ..search_spaces.base import SearchSpace
from .base import Predictor, single_thread, vector_encoding
from .features import encoding_features
from .saved_state import pack_torch, unpack_torch
from .sizes import Depth, PositiveOptimiserFactor, SpreadMembers, Steps, Width
from .uninformed import floored_std, target_scale

if TYPE_CHECKING:  # torch is imported on the first fit
    import torch


@register_predictor("mlp")
class MLPEnsemblePredictor(Predictor):
    """``members`` MLPs (MSE on standardised targets, Adam); mean and spread across members (at least 2).

    ``encoding`` is any vector encoding the space offers (default: its first, NB201's ``path``).
    """

    epistemic_std = True
    # the encoding, members, layers and width shape the weights saved; these only how later fits train them
    state_free_options = ("seed", "epochs", "update_epochs", "batch_size", "lr", "warm_start")

    def __init__(self, space: SearchSpace, seed: Seed = 0, encoding: str | None = None,
                 members: SpreadMembers = 5, layers: Depth = 3, width: Width = 64,
                 epochs: Steps = 200, update_epochs: Steps = 30, batch_size: PositiveInt = 32,
                 lr: PositiveOptimiserFactor = 0.005, warm_start: bool = True) -> None:
        super().__init__(space, seed)
        self.encoding = vector_encoding("mlp", space, encoding)
        self._features = encoding_features(space, self.encoding)
        self.members, self.warm_start = members, warm_start
        self.layers, self.width, self.epochs, self.update_epochs = layers, width, epochs, update_epochs
        self.batch_size, self.lr = batch_size, float(lr)
        self._weights: list = []  # alternating (members, in, out) weights and (members, 1, out) biases
        self._generator = None
        self._y_mean, self._y_std = 0.0, 1.0

    # --- the batched network -----------------------------------------------------------------
    def _init_weights(self, inputs: int) -> None:
        """He-uniform weights per member, drawn from this predictor's own generator."""
        torch = imported("torch")

        sizes = [inputs] + [self.width] * self.layers + [1]
        self._weights = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            bound = math.sqrt(6.0 / fan_in) if fan_out != 1 else math.sqrt(3.0 / fan_in)
            w = (torch.rand(self.members, fan_in, fan_out, generator=self._generator) * 2 - 1) * bound
            self._weights += [w.requires_grad_(), torch.zeros(self.members, 1, fan_out, requires_grad=True)]

    def _forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x``: (members, batch, inputs) → (members, batch)."""
        torch = imported("torch")

        hidden = x
        last = len(self._weights) // 2 - 1
        for i in range(0, len(self._weights), 2):
            hidden = torch.baddbmm(self._weights[i + 1], hidden, self._weights[i])
            if i // 2 < last:
                hidden = torch.relu(hidden)
        return hidden.squeeze(-1)

    def _encode(self, archs: Sequence[Arch]) -> torch.Tensor:
        torch = imported("torch")

        return torch.from_numpy(np.asarray(self._features(archs), dtype=np.float32))

    # --- fitting ------------------------------------------------------------------------------
    def _fit(self, archs: list[Arch], y: np.ndarray) -> None:
        torch = imported("torch")  # torch's first import in a search, at the first fit
        self._generator = torch.Generator().manual_seed(self.seed)
        x = self._encode(archs)
        self._init_weights(x.shape[1])
        self._train(x, y, self.epochs)

    def _update(self, new_archs: list[Arch], new_y: np.ndarray) -> None:
        if not self.warm_start or not self._weights:
            return self._fit(self._archs, self._y)
        self._train(self._encode(self._archs), self._y, self.update_epochs)

    def _train(self, x: torch.Tensor, y: np.ndarray, epochs: int) -> None:
        """Minibatch Adam on MSE; every member sees its own shuffle of the data."""
        torch = imported("torch")

        # targets all equal: in units of their size, so that its stds scale with them (uninformed.py)
        self._y_mean, self._y_std = float(y.mean()), target_scale(y)
        target = torch.from_numpy(((y - self._y_mean) / self._y_std).astype(np.float32))
        optimiser = torch.optim.Adam(self._weights, lr=self.lr)
        n = len(target)
        batch = min(self.batch_size, n)
        with single_thread():
            for _ in range(epochs):
                order = torch.argsort(torch.rand(self.members, n, generator=self._generator), dim=1)
                for start in range(0, n, batch):
                    idx = order[:, start:start + batch]
                    loss = torch.nn.functional.mse_loss(self._forward(x[idx]), target[idx])
                    optimiser.zero_grad()
                    loss.backward()
                    optimiser.step()

    def predict(self, archs: Sequence[Arch]) -> tuple[np.ndarray, np.ndarray]:
        torch = imported("torch")

        if not self._weights:
            raise ConfigError("mlp: predict called before fit; fit it on evaluated architectures first")
        if not archs:  # an encoding of nothing has no width to feed the model
            return np.zeros(0), np.zeros(0)
        x = self._encode(archs)
        with torch.no_grad(), single_thread():
            out = self._forward(x.expand(self.members, -1, -1)).numpy().astype(np.float64)
        out = out * self._y_std + self._y_mean
        # members trained on uninformative data agree to 1e-6: no certainty (uninformed.py)
        return out.mean(axis=0), floored_std(out.std(axis=0), self.space, self._archs, self._y)

    # --- persistence --------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Data, weights and the generator: warm-started weights depend on the whole update history."""
        state = super().state_dict()
        if self._weights:
            state["weights"] = pack_torch([w.detach() for w in self._weights])
            state["generator"] = pack_torch(self._generator.get_state())
            state["target_scale"] = [self._y_mean, self._y_std]
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        torch = imported("torch")

        if "weights" not in state:
            return super().load_state_dict(state)
        self._restore_data(state)
        self._weights = [w.clone().requires_grad_() for w in unpack_torch(state["weights"])]
        self._generator = torch.Generator()
        self._generator.set_state(unpack_torch(state["generator"]))
        self._y_mean, self._y_std = state["target_scale"]
