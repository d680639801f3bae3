"""A pretrained FLAN member's weights written into a fresh member, and a saved state's maps read, each refused in one
line where they do not fit."""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ..engine.errors import ConfigError, DataError, one_line
from .flan_network import FlanNet


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


def started_weights(weights: dict[str, torch.Tensor], members: list[dict[str, torch.Tensor]], index: int,
                    pretrained: str | None) -> dict[str, torch.Tensor]:
    """Member ``index``'s start from a pretrained file's ``members``: the file's member ``index`` modulo their count
    written into ``weights`` (the member's fresh ones, of its own seed). A member past the file's count keeps its own
    fresh ``head`` and reads the graphs with the file's weights: started whole from the same file member as member
    ``index - count``, the two fitted alike and agreed, so the ensemble's spread was that of the file's count."""
    fresh = {key: value.clone() for key, value in weights.items() if key.startswith("head.")}
    started = fitted_weights(weights, members[index % len(members)], pretrained)
    return {**started, **fresh} if index >= len(members) else started


def check_recorded_shape(start: dict[str, Any], pretrained: str | None) -> None:
    """A pretrained file's recorded options (``shape``: op_dim, hidden, time_steps) against its own weights, before
    they are compared with this FLAN's: a file edited by hand (version 1 has no checksum) recording hidden 50 over
    48-wide weights was answered 'trained with hidden 50 (here 48); set those options to match', and following that,
    'does not fit this FLAN'. Tensors the file's network lacks are left to :func:`fitted_weights`."""
    with torch.device("meta"):  # shapes only: a file recording hidden 10**6 allocates nothing
        probe = FlanNet(len(start["vocab"]), start["features"], **start["shape"]).state_dict()
    for member in start["members"]:
        for key, value in member.items():
            if key in probe and probe[key].shape != value.shape:
                recorded = ", ".join(f"{name} {size}" for name, size in start["shape"].items())
                raise DataError(f"pretrained file {pretrained} is damaged: it records {recorded}, which its weights do "
                                f"not have ({key} is {tuple(value.shape)}, not {tuple(probe[key].shape)}); pretrain "
                                "again")


def saved_maps(maps: Any, members: int, name: str) -> list[tuple[float, float]]:
    """A saved state's maps of member scores onto targets (slope, intercept), one of finite numbers per member, else
    one line naming the predictor (``name``): read as far as they went, one map for two members predicted from the
    first member alone, with stds of 0, and none failed in numpy's words ("need at least one array to stack")."""
    try:
        pairs = np.array(maps, dtype=np.float64)
    except (TypeError, ValueError):
        pairs = np.zeros((0, 2))
    if pairs.shape != (members, 2) or not np.isfinite(pairs).all():
        raise DataError(f"predictor {name}: load_state_dict got maps {one_line(repr(maps), 80)} for its {members} "
                        "members, not a finite slope and intercept for each; pass what state_dict() returned, "
                        "unchanged")
    return [tuple(m) for m in maps]
