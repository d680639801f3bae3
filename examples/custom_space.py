"""A search space of your own, in your own file: a macro CNN of stages with op, width and skip choices.

Load it into the CLI without packaging it, and every strategy, predictor and evaluator that the
space's capabilities allow works on it:

    nasloop --plugin examples/custom_space.py search --space macro-cnn --evaluator proxy --proxies synflow \\
        --strategy evolution --strategy-opt population_size=20 --budget 50 --space-opt stages=3
    nasloop --plugin examples/custom_space.py search --space macro-cnn --evaluator proxy --proxies synflow \\
        --strategy predictor-topk --predictor flan --budget 30
    nasloop --plugin examples/custom_space.py search --space macro-cnn --evaluator train --epochs 1 \\
        --evaluator-opt train_images=1000 --strategy bananas --predictor gp --budget 12

What each part needs: ``sample`` and ``mutate`` (every strategy), ``neighbours`` via
``NeighbourhoodSpace`` (local search), a vector encoding (gp, mlp), a graph encoding with its
``graph_ops`` (flan, emprox), ``to_module`` via ``NetworkSpace`` (proxies, training). The space is
too large to enumerate (24^4 = 331,776 networks), so guided strategies rank sampled pools.
"""
from __future__ import annotations

import sys
from typing import Annotated

import numpy as np
import torch
from torch import nn

from nasloop.engine.errors import ArchitectureError
from nasloop.engine.options import Range
from nasloop.engine.registry import register_search_space
from nasloop.search_spaces.base import GraphEncoding, NeighbourhoodSpace, NetworkSpace

OPS = ("conv3x3", "conv5x5", "sepconv3x3", "dilconv3x3")
WIDTHS = (16, 32, 64)
SKIPS = ("plain", "residual")


def block(op: str, c_in: int, c_out: int, stride: int) -> nn.Module:
    """One stage's op: convolution(s), batch norm, ReLU."""
    if op == "sepconv3x3":
        conv = nn.Sequential(nn.Conv2d(c_in, c_in, 3, stride, 1, groups=c_in, bias=False), nn.Conv2d(c_in, c_out, 1))
    else:
        kernel, dilation = (5, 1) if op == "conv5x5" else (3, 2 if op == "dilconv3x3" else 1)
        conv = nn.Conv2d(c_in, c_out, kernel, stride, dilation * (kernel // 2), dilation=dilation, bias=False)
    return nn.Sequential(conv, nn.BatchNorm2d(c_out), nn.ReLU())


class Stage(nn.Module):
    def __init__(self, op: str, c_in: int, c_out: int, stride: int, residual: bool) -> None:
        super().__init__()
        self.body = block(op, c_in, c_out, stride)
        self.shortcut = nn.Conv2d(c_in, c_out, 1, stride, bias=False) if residual else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.body(x)
        return out if self.shortcut is None else out + self.shortcut(x)


@register_search_space("macro-cnn")
class MacroCNNSpace(NeighbourhoodSpace, NetworkSpace):
    """``stages`` stages, each an op, a width and a skip choice; every other stage halves the resolution."""

    name = "macro-cnn"
    vector_encodings = ("onehot",)
    graph_encodings = ("graph",)
    graph_ops = ("input", *(f"{op}_{w}" for op in OPS for w in WIDTHS), "output")

    def __init__(self, stages: Annotated[int, Range(1, 10)] = 4) -> None:  # ten halve a 32-pixel image to one
        self.stages = stages

    def parse(self, text: str) -> tuple[int, ...]:
        try:
            parts = [p.split("-") for p in text.split("|")]
            arch = tuple(i for op, width, skip in parts
                         for i in (OPS.index(op), WIDTHS.index(int(width)), SKIPS.index(skip)))
        except ValueError:
            raise ArchitectureError(f"'{text}' is not a macro-cnn architecture: write one op-width-skip per stage "
                                    f"joined by '|', e.g. conv3x3-32-plain|sepconv3x3-64-residual") from None
        if len(parts) != self.stages:  # named as written, with the option that reads it
            raise ArchitectureError(f"'{text}' has {len(parts)} stages and this macro-cnn space {self.stages}; write "
                                    f"{self.stages}, or set --space-opt stages={len(parts)}")
        return self.validate(arch)

    def format(self, arch: tuple[int, ...]) -> str:
        arch = self.validate(arch)
        return "|".join(f"{OPS[o]}-{WIDTHS[w]}-{SKIPS[s]}" for o, w, s in zip(arch[0::3], arch[1::3], arch[2::3]))

    def validate(self, arch) -> tuple[int, ...]:
        arch = tuple(arch)
        limits = (len(OPS), len(WIDTHS), len(SKIPS)) * self.stages
        if len(arch) != len(limits) or not all(isinstance(v, int) and 0 <= v < n for v, n in zip(arch, limits)):
            raise ArchitectureError(f"{arch!r} is not a macro-cnn architecture of {self.stages} stages")
        return arch

    def sample(self, rng: np.random.Generator) -> tuple[int, ...]:
        limits = (len(OPS), len(WIDTHS), len(SKIPS)) * self.stages
        return tuple(int(rng.integers(n)) for n in limits)

    def neighbours(self, arch: tuple[int, ...]) -> list[tuple[int, ...]]:
        limits = (len(OPS), len(WIDTHS), len(SKIPS)) * self.stages
        return [arch[:i] + (v,) + arch[i + 1:] for i, n in enumerate(limits) for v in range(n) if v != arch[i]]

    def mutate(self, arch: tuple[int, ...], rng: np.random.Generator) -> tuple[int, ...]:
        near = self.neighbours(arch)
        return near[int(rng.integers(len(near)))]

    @property
    def size(self) -> int:
        return (len(OPS) * len(WIDTHS) * len(SKIPS)) ** self.stages

    def _encode(self, arch: tuple[int, ...], kind: str):
        if kind == "onehot":
            return np.concatenate([np.eye(n, dtype=np.float32)[v]
                                   for v, n in zip(arch, (len(OPS), len(WIDTHS), len(SKIPS)) * self.stages)])
        ops = ["input"] + [f"{OPS[o]}_{WIDTHS[w]}" for o, w in zip(arch[0::3], arch[1::3])] + ["output"]
        edges = [(i, i + 1) for i in range(len(ops) - 1)]
        edges += [(i, i + 2) for i, skip in enumerate(arch[2::3]) if SKIPS[skip] == "residual"]  # bypass stage i
        return GraphEncoding(tuple(self.token(op) for op in ops), np.asarray(sorted(edges), dtype=np.int64).T)

    def to_module(self, arch: tuple[int, ...], num_classes: int = 10) -> nn.Module:
        layers: list[nn.Module] = [block("conv3x3", 3, 16, 1)]
        c_in = 16
        for stage, (o, w, s) in enumerate(zip(arch[0::3], arch[1::3], arch[2::3])):
            layers.append(Stage(OPS[o], c_in, WIDTHS[w], 2 if stage % 2 else 1, SKIPS[s] == "residual"))
            c_in = WIDTHS[w]
        return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c_in, num_classes))


if __name__ == "__main__":  # run directly, the file printed nothing and exited 0, as if it had done something
    print(f"custom_space.py: error: this file is a plugin that registers the search space 'macro-cnn', not a "
          f"command; load it into nasloop, e.g. nasloop --plugin {sys.argv[0]} search --space macro-cnn "
          "--evaluator proxy --proxies synflow --budget 50", file=sys.stderr)
    sys.exit(2)
