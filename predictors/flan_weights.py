"""Writing a pretrained FLAN member's weights into a fresh member, refused in one line where they do not fit."""
from __future__ import annotations

import torch

from ..engine.errors import ConfigError


def fitted_weights(weights: dict[str, torch.Tensor], saved: dict[str, torch.Tensor],
                   pretrained: str | None) -> dict[str, torch.Tensor]:
    """``weights`` (a fresh member's) with a pretrained member's written in: the embedding rows of the ops
    the file knows (new ops keep their fresh rows, since a space's own ops are appended to the file's
    vocabulary), every other tensor whole; one line naming the file ``pretrained`` when they do not fit."""
    lacking = sorted(set(weights) - set(saved))
    if lacking:
        raise ConfigError(f"pretrained file {pretrained} lacks weights this FLAN has ({lacking[0]}); "
                          "pretrain again with this nasloop")
    for key, value in saved.items():
        if key not in weights or (key != "embedding.weight" and weights[key].shape != value.shape):
            raise ConfigError(f"pretrained file {pretrained} does not fit this FLAN ({key}); "
                              "pretrain again with this nasloop")
        if key == "embedding.weight":
            weights[key][:len(value)] = value
        else:
            weights[key] = value
    return weights
