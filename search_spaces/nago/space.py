"""NAGO (Ru et al., NeurIPS 2020): search a hierarchical random-graph network generator.

An architecture is a :class:`~.point.NAGOPoint`, eight numbers that parametrise three graph
generators (top Watts-Strogatz, mid Erdős-Rényi, bottom Watts-Strogatz), written
``g1=nodes,K,P;g2=nodes,P;g3=nodes,K,P``. The space is continuous (no enumeration, no finite
neighbourhood): strategies sample and mutate it, and it is a :class:`~..base.BoxSpace`, so Bayesian
optimisation models its eight numbers directly (``dimensions``, ``to_box``, ``from_box``); the
``unit`` encoding gives predictors the same point scaled into [0, 1]^8 (``to_unit``). A point is a
generator, so ``to_module(point, seed=s)`` builds draw ``s`` of it (:mod:`.graphs`,
:mod:`.network`); its width (the widest stage's channels) is the largest that keeps the network
within ``param_limit`` parameters, counted exactly (:mod:`.sizing`), and
:meth:`NAGOSpace.network_facts` reports that count, the FLOPs and the width without building
anything.

Options: ``param_limit`` (4e6, the reference's), ``stage_ratios`` (how the top graph's nodes split
into the three stages, 1:1:1) and ``channel_ratios`` (the stages' relative widths, 1:2:4), each
three positive numbers up to a million as a list or a string ``"1,2,4"``.
"""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated, Any, Sequence

import numpy as np

from ...engine.errors import ArchitectureError, ConfigError
from ...engine.options import PositiveFloat, Range
from ...engine.registry import register_search_space
from ..base import BoxSpace, Dimension, GeneratorSpace
from ..network_options import checked_classes
from .graphs import draw_graphs
from .point import (HYPERPARAMETERS, NAGOPoint, format_point, from_box, from_unit, mutate_point, parse_point,
                    sample_point, to_box, to_unit)
from .sizing import Plan, fit_width, make_plan, network_size

if TYPE_CHECKING:  # torch only for whoever builds a network
    import torch

LARGEST = "g1=10,5,1;g2=10,1;g3=10,5,1"
"""The generator with the most nodes and edges: the largest network at any width."""
DIMENSIONS = tuple(Dimension(h.name, h.low, h.high, h.integer) for h in HYPERPARAMETERS)
"""The box Bayesian optimisation searches: the eight hyperparameters in their own units."""
Ratios = str | Sequence[PositiveFloat]
"""Three positive numbers, as a list or a comma-separated string (``--space-opt channel_ratios=1,2,4``)."""


def _lattice(nodes: int, k: int, p: float) -> tuple[int, float]:
    """The canonical (K, P) of a Watts-Strogatz level: even K as networkx uses it, P 1 for a complete lattice."""
    even = min(k, nodes - 1) // 2 * 2
    return even, (1.0 if even >= nodes - 1 else p)


MAX_RATIO = 1e6
"""The largest ratio taken: a width times a ratio near the float maximum overflowed, so that channel_ratios of
1e308 each failed every evaluation with an OverflowError, and stage_ratios of 1e308 each (their sum infinite) put
every top node in stage 0 unsaid; ratios are relative, so a million to one is already far beyond any use."""


def _ratios(option: str, value: Ratios, example: str) -> tuple[float, float, float]:
    """``value`` as three positive floats up to :data:`MAX_RATIO`; one ConfigError line otherwise."""
    try:
        numbers = tuple(float(v) for v in (value.split(",") if isinstance(value, str) else value))
    except (TypeError, ValueError):
        numbers = ()
    if len(numbers) != 3 or not all(0 < v <= MAX_RATIO for v in numbers):
        raise ConfigError(f"nago option {option} must be three positive numbers up to {MAX_RATIO:,.0f}, one per "
                          f"stage, such as {option}={example} or [{example.replace(',', ', ')}]; got {value!r}")
    return numbers  # type: ignore[return-value]


@register_search_space("nago")
class NAGOSpace(BoxSpace, GeneratorSpace):
    """The NAGO generator space: eight hyperparameters of a three-level random-graph network generator."""

    name = "nago"
    vector_encodings = ("unit",)

    def __init__(self, param_limit: Annotated[float, Range(0, 1e9, low_open=True)] = 4e6,
                 stage_ratios: Ratios = (1.0, 1.0, 1.0), channel_ratios: Ratios = (1.0, 2.0, 4.0)) -> None:
        self.param_limit, self.stage_ratios, self.channel_ratios = param_limit, stage_ratios, channel_ratios
        self._stage_split = _ratios("stage_ratios", stage_ratios, "1,1,1")
        self._channel_split = _ratios("channel_ratios", channel_ratios, "1,2,4")
        self._check_param_limit()

    def _check_param_limit(self) -> None:
        """Refuse, before any evaluation, a limit too small for the space's largest generator at width 1."""
        largest = parse_point(LARGEST)
        smallest = network_size(self.plan(largest), 1, num_classes=10)[0]
        if smallest > self.param_limit:
            raise ConfigError(f"nago param_limit={self.param_limit:g} is too small: the largest generator "
                              f"({LARGEST}) at width 1 already has {smallest:,} parameters; set "
                              f"--space-opt param_limit={smallest} or more (1e5 suits CPU runs)")

    # --- string form and identity ------------------------------------------------------------
    def parse(self, text: str) -> NAGOPoint:
        return parse_point(text)

    def format(self, arch: NAGOPoint) -> str:
        return format_point(self.validate(arch))

    def validate(self, arch: Any) -> NAGOPoint:
        if not isinstance(arch, NAGOPoint):  # a NAGOPoint checked itself when it was built
            raise ArchitectureError(f"a NAGO architecture is a NAGOPoint (parse one from a string like "
                                    f"g1=8,4,0.75;g2=5,0.3;g3=7,3,0.5), got {type(arch).__name__}")
        return arch

    def hash(self, arch: NAGOPoint) -> str:
        return self.format(arch)

    def functional_hash(self, arch: NAGOPoint) -> str:
        return self.format(self.canonical(arch))

    def canonical(self, arch: NAGOPoint) -> NAGOPoint:
        """The point with the same networks for every draw seed whose Watts-Strogatz K and P are canonical.

        networkx joins ``K // 2`` neighbours on each side of the ring after K is clamped below the
        node count, so K = 4 and 5 (or every K on 4 nodes) draw the same graphs; and a ring lattice
        that already joins every pair (3 nodes, or 5 with K >= 4) is never rewired, so its P does
        not matter. ``--dedup functional`` then evaluates such points once, and predictors share
        what they learn about them.
        """
        point = self.validate(arch)
        g1_k, g1_p = _lattice(point.g1_nodes, point.g1_k, point.g1_p)
        g3_k, g3_p = _lattice(point.g3_nodes, point.g3_k, point.g3_p)
        return dataclasses.replace(point, g1_k=g1_k, g1_p=g1_p, g3_k=g3_k, g3_p=g3_p)

    # --- drawing and moving ------------------------------------------------------------------
    def sample(self, rng: np.random.Generator) -> NAGOPoint:
        return sample_point(rng)

    def mutate(self, arch: NAGOPoint, rng: np.random.Generator) -> NAGOPoint:
        return mutate_point(self.validate(arch), rng)

    # --- the box (Bayesian optimisation) and the unit box ------------------------------------
    @property
    def dimensions(self) -> tuple[Dimension, ...]:
        return DIMENSIONS

    def to_box(self, arch: NAGOPoint) -> np.ndarray:
        return to_box(self.validate(arch))

    def from_box(self, x: Sequence[float]) -> NAGOPoint:
        return from_box(x)

    def to_unit(self, arch: NAGOPoint) -> np.ndarray:
        """The point scaled into [0, 1]^8 (float64; integers at the centre of their value's bin)."""
        return to_unit(self.validate(arch))

    def from_unit(self, vector: Sequence[float]) -> NAGOPoint:
        """The point at a unit-box vector (clipped into the box, integers by bin, floats on the 4-decimal grid)."""
        return from_unit(vector)

    def _encode(self, arch: NAGOPoint, kind: str) -> np.ndarray:
        return self.to_unit(arch).astype(np.float32)

    # --- networks ----------------------------------------------------------------------------
    def plan(self, arch: NAGOPoint, seed: int = 0) -> Plan:
        """Draw ``seed`` of generator ``arch``, without its width: graphs, stages and channel ratios."""
        return make_plan(draw_graphs(self.validate(arch), int(seed)), self._stage_split, self._channel_split)

    def network_facts(self, arch: NAGOPoint, seed: int = 0, num_classes: int = 10,
                      image_size: int = 32) -> dict[str, int]:
        """Exact facts about the network ``to_module(arch, num_classes, seed)`` builds, without building it.

        ``params``: its parameter count; ``flops``: per-image FLOPs at ``image_size`` px under the
        ``flops`` proxy's rules (multiply-adds count once; the proxy reports this / 1e6);
        ``width``: the channels of its widest stage, the largest that keeps it within ``param_limit``
        (the other stages follow the channel ratios); ``ops``: its ReLU-conv3x3-BN ops.
        """
        num_classes = checked_classes(num_classes)
        plan = self.plan(arch, seed)
        width = fit_width(plan, self.param_limit, num_classes, self.format(arch))
        params, flops = network_size(plan, width, num_classes, image_size)
        graphs = plan.graphs
        return {"params": params, "flops": flops, "width": width,
                "ops": graphs.top.size * graphs.mid.size * graphs.bottom.size}

    def to_module(self, arch: NAGOPoint, num_classes: int = 10, seed: int = 0) -> "torch.nn.Module":
        from .network import build_network

        num_classes = checked_classes(num_classes)
        plan = self.plan(arch, seed)
        width = fit_width(plan, self.param_limit, num_classes, self.format(arch))
        return build_network(plan, width, num_classes)
