"""TransNAS-Bench-101 (Duan et al., CVPR 2021): its micro (cell) and macro (skeleton) spaces.

* ``tnb101-micro``: a 4-node cell with one of 4 ops (none, skip, conv1x1, conv3x3) on each of its
  6 edges (4,096 cells), stacked on the fixed skeleton ``41414``; written as the benchmark does,
  ``64-41414-a_bc_def``, whose first number is the base width: a space at another ``base_channels``
  builds other networks, which the table does not hold, and writes its own width there. The cell's
  shape is NB201's, so sampling, neighbours, the functional identity and the encodings are the
  shared :class:`~..cell_space.CellSpace`.
* ``tnb101-macro``: 4 to 6 modules of ResNet basic blocks, one digit each (1 keeps the shape, 2
  doubles the channels, 3 halves the resolution, 4 does both; 3,256 skeletons), written
  ``64-<digits>-basic``.

Both build the benchmark's encoder with a classification head (:mod:`.network`), so zero-cost
proxies and real training run on CIFAR-10 or an image folder; ``base_channels`` and
``stem_stride`` are space options (the benchmark used 64 and a stride-4 stem for 256 px images;
1 keeps 32 px images from shrinking to nothing).
"""
from __future__ import annotations

from typing import Annotated, Any, Iterator, Literal

import numpy as np

from ...engine.errors import ArchitectureError
from ...engine.options import Range
from ...engine.registry import register_search_space
from ..base import EnumerableSpace, GraphEncoding, NeighbourhoodSpace, NetworkSpace
from ..cell_space import Cell, CellSpace
from .codes import (MACRO_MODULES, MICRO_OPS, MICRO_SKELETON, MICRO_SPEC, check_base_channels, check_macro,
                    enumerate_macro, format_macro, macro_neighbours, micro_text, mutate_macro, parse_macro,
                    parse_micro, sample_macro)

StemWidth = Annotated[int, Range(2, 4096)]
"""``base_channels``: the stem halves it, so it must also be even (checked when the space is built)."""


MODULES = ("keep", "double_channels", "halve_resolution", "halve_and_double")
"""What each macro digit 1..4 does, as graph-encoding op names."""


@register_search_space("tnb101-micro")
class TNB101MicroSpace(CellSpace):
    """TransNAS-Bench-101's cell-level space (4,096 cells on the ``41414`` skeleton)."""

    name = "tnb101-micro"
    size_options = ("base_channels", "stem_stride")
    spec = MICRO_SPEC
    graph_ops = ("input", *MICRO_OPS, "output")
    same_ops = {"input": "input", "output": "output", "none": "none", "skip_connect": "skip", "nor_conv_1x1": "conv1x1",
                "nor_conv_3x3": "conv3x3"}
    benchmark = "tnb101-micro"

    def __init__(self, base_channels: StemWidth = 64, stem_stride: Literal[1, 2, 4] = 1) -> None:
        self.base_channels, self.stem_stride = check_base_channels(base_channels), stem_stride

    def parse(self, text: str) -> Cell:
        return parse_micro(text, self.base_channels)

    def format(self, arch: Cell) -> str:
        return micro_text(self.validate(arch), self.base_channels)

    def to_module(self, arch: Cell, num_classes: int = 10):
        from .network import build_micro_network

        return build_micro_network(self.validate(arch), num_classes=num_classes, base_channels=self.base_channels,
                                   skeleton=MICRO_SKELETON, stem_stride=self.stem_stride)


@register_search_space("tnb101-macro")
class TNB101MacroSpace(EnumerableSpace, NeighbourhoodSpace, NetworkSpace):
    """TransNAS-Bench-101's macro-level space (3,256 skeletons of residual modules)."""

    name = "tnb101-macro"
    size_options = ("base_channels", "stem_stride")
    vector_encodings = ("onehot",)
    graph_encodings = ("graph",)
    graph_ops = ("input", *MODULES, "output")
    same_ops = {"input": "input", "output": "output"}  # its residual modules have no counterpart elsewhere
    benchmark = "tnb101-macro"

    def __init__(self, base_channels: StemWidth = 64, stem_stride: Literal[1, 2, 4] = 1) -> None:
        self.base_channels, self.stem_stride = check_base_channels(base_channels), stem_stride

    def parse(self, text: str) -> tuple[int, ...]:
        return parse_macro(text, self.base_channels)

    def format(self, arch: tuple[int, ...]) -> str:
        return format_macro(self.validate(arch), self.base_channels)

    def validate(self, arch: Any) -> tuple[int, ...]:
        try:
            return check_macro(tuple(arch))
        except TypeError:
            raise ArchitectureError(f"a tnb101-macro architecture is a tuple of 4 to 6 module digits, got {arch!r}"
                                    ) from None

    def hash(self, arch: tuple[int, ...]) -> str:
        return self.format(arch)

    def sample(self, rng: np.random.Generator) -> tuple[int, ...]:
        return sample_macro(rng)

    def mutate(self, arch: tuple[int, ...], rng: np.random.Generator) -> tuple[int, ...]:
        return mutate_macro(self.validate(arch), rng)

    def neighbours(self, arch: tuple[int, ...]) -> list[tuple[int, ...]]:
        return macro_neighbours(self.validate(arch))

    @property
    def size(self) -> int:
        return len(enumerate_macro())

    def enumerate(self) -> Iterator[tuple[int, ...]]:
        return iter(enumerate_macro())

    def _encode(self, arch: tuple[int, ...], kind: str) -> Any:
        arch = self.validate(arch)  # None or a string failed inside numpy
        if kind == "onehot":  # one slot per possible module: its digit one-hot, all zeros when absent
            out = np.zeros((MACRO_MODULES[1], len(MODULES)), dtype=np.float32)
            out[np.arange(len(arch)), np.asarray(arch) - 1] = 1.0
            return out.ravel()
        ops = (self.token("input"), *(self.token(MODULES[d - 1]) for d in arch), self.token("output"))
        chain = np.arange(len(ops) - 1, dtype=np.int64)
        return GraphEncoding(ops=ops, edges=np.stack([chain, chain + 1]))

    def to_module(self, arch: tuple[int, ...], num_classes: int = 10):
        from .network import build_macro_network

        return build_macro_network(self.validate(arch), num_classes=num_classes, base_channels=self.base_channels,
                                   stem_stride=self.stem_stride)
