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
from typing import Any, Sequence

import numpy as np

from ..engine.errors import ConfigError
from ..engine.registry import register_predictor
from ..engine.types import Arch
from ..search_spaces.base import SearchSpace
from .base import Predictor, check_vector_encoding, pack_torch, single_thread, unpack_torch


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"mlp: {name} must be a positive integer, got {value!r}")
    return value


def _positive_float(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0 or not math.isfinite(value):
        raise ConfigError(f"mlp: {name} must be a positive number, got {value!r}")
    return float(value)


@register_predictor("mlp")
class MLPEnsemblePredictor(Predictor):
    """``members`` MLPs (MSE on standardised targets, Adam); mean and spread across members."""

    epistemic_std = True

    def __init__(self, space: SearchSpace, seed: int = 0, encoding: str = "path", members: int = 5,
                 layers: int = 3, width: int = 64, epochs: int = 200, update_epochs: int = 30,
                 batch_size: int = 32, lr: float = 0.005, warm_start: bool = True) -> None:
        super().__init__(space, seed)
        check_vector_encoding("mlp", space, encoding)
        if isinstance(members, bool) or not isinstance(members, int) or members < 2:
            raise ConfigError(f"mlp: members must be an integer of at least 2 (the spread is the std), got {members!r}")
        if not isinstance(warm_start, bool):
            raise ConfigError(f"mlp: warm_start must be true or false, got {warm_start!r}")
        self.encoding, self.members, self.warm_start = encoding, members, warm_start
        self.layers, self.width = _positive_int("layers", layers), _positive_int("width", width)
        self.epochs, self.update_epochs = _positive_int("epochs", epochs), _positive_int("update_epochs", update_epochs)
        self.batch_size, self.lr = _positive_int("batch_size", batch_size), _positive_float("lr", lr)
        self._weights: list = []  # alternating (members, in, out) weights and (members, 1, out) biases
        self._generator = None
        self._y_mean, self._y_std = 0.0, 1.0

    def config(self) -> dict[str, Any]:
        return {"encoding": self.encoding, "members": self.members, "layers": self.layers, "width": self.width,
                "epochs": self.epochs, "update_epochs": self.update_epochs, "batch_size": self.batch_size,
                "lr": self.lr, "warm_start": self.warm_start}

    # --- the batched network -----------------------------------------------------------------
    def _init_weights(self, inputs: int) -> None:
        """He-uniform weights per member, drawn from this predictor's own generator."""
        import torch

        sizes = [inputs] + [self.width] * self.layers + [1]
        self._weights = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            bound = math.sqrt(6.0 / fan_in) if fan_out != 1 else math.sqrt(3.0 / fan_in)
            w = (torch.rand(self.members, fan_in, fan_out, generator=self._generator) * 2 - 1) * bound
            self._weights += [w.requires_grad_(), torch.zeros(self.members, 1, fan_out, requires_grad=True)]

    def _forward(self, x):
        """``x``: (members, batch, inputs) → (members, batch)."""
        import torch

        hidden = x
        last = len(self._weights) // 2 - 1
        for i in range(0, len(self._weights), 2):
            hidden = torch.baddbmm(self._weights[i + 1], hidden, self._weights[i])
            if i // 2 < last:
                hidden = torch.relu(hidden)
        return hidden.squeeze(-1)

    def _encode(self, archs: Sequence[Arch]):
        import torch

        return torch.from_numpy(np.asarray(self.space.encode_many(list(archs), self.encoding), dtype=np.float32))

    # --- fitting ------------------------------------------------------------------------------
    def _fit(self, archs: list[Arch], y: np.ndarray) -> None:
        import torch

        self._generator = torch.Generator().manual_seed(self.seed)
        x = self._encode(archs)
        self._init_weights(x.shape[1])
        self._train(x, y, self.epochs)

    def _update(self, new_archs: list[Arch], new_y: np.ndarray) -> None:
        if not self.warm_start or not self._weights:
            return self._fit(self._archs, self._y)
        self._train(self._encode(self._archs), self._y, self.update_epochs)

    def _train(self, x, y: np.ndarray, epochs: int) -> None:
        """Minibatch Adam on MSE; every member sees its own shuffle of the data."""
        import torch

        self._y_mean, self._y_std = float(y.mean()), float(y.std()) or 1.0
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
        import torch

        if not self._weights:
            raise ConfigError("mlp: predict called before fit; fit it on evaluated architectures first")
        x = self._encode(archs)
        with torch.no_grad(), single_thread():
            out = self._forward(x.expand(self.members, -1, -1)).numpy().astype(np.float64)
        out = out * self._y_std + self._y_mean
        return out.mean(axis=0), out.std(axis=0)

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
        import torch

        if "weights" not in state:
            return super().load_state_dict(state)
        self._restore_data(state)
        self._weights = [w.clone().requires_grad_() for w in unpack_torch(state["weights"])]
        self._generator = torch.Generator()
        self._generator.set_state(unpack_torch(state["generator"]))
        self._y_mean, self._y_std = state["target_scale"]
