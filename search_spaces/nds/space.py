"""The NDS search spaces (``--space nds-darts``, ``nds-enas``, ``nds-pnas``, ``nds-nasnet``, ``nds-amoeba``,
each also ``-in`` for ImageNet, and ``nds-darts-fix-w-d``, ``nds-enas-fix-w-d``, ``nds-pnas-fix-w-d``).

An architecture is a normal and a reduction cell of the family plus the network's width and depth
(:mod:`.arch`). With the tabular evaluator a space keeps to its table's networks (``table_only``,
on then by default), and its width and depth choices are the table's; otherwise the whole family
is open and ``widths`` / ``depths`` set the choices (NNI's NDS defaults: 16, 24, 32 and 4 to 20
cells). ``to_module`` builds the network NDS trained (:mod:`..cell_pair_network`), for 1000 classes on
ImageNet.

Encodings: ``onehot`` (per cell and node, each of the two pairs in sorted order: its input and op
one-hot; then width and depth one-hot over the choices) and ``graph``, the unified form of the
DARTS space generalised to any node count: the input, each cell's op nodes and its concatenation
(reading only the cell's output nodes), the output. The graph holds the cells; width and depth
enter a predictor through ``onehot``. Ops that are the same operation as another space's share its
token (the DARTS ops with NB301's, 1x1 and 3x3 convolutions with NB201's...).
"""
from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ...engine.context import RunContext
from ...engine.data.datasets import dataset_facts
from ...engine.errors import ConfigError
from ...engine.options import CellStackDepth, Width
from ...engine.registry import register_search_space
from ..base import GraphEncoding, NetworkSpace
from ..cell_pair_graph import cell_pair_graph
from ..cell_pairs import pairs_onehot
from ..table_bound import TableBoundSpace
from ..network_options import checked_classes
from .arch import (IMAGENET_SMALLEST_WIDTH, NdsArch, canonical_arch, check_arch, format_arch, functional_arch,
                   neighbours, output_nodes, parse_arch, sample_arch)
from .families import CIFAR_DEPTHS, CIFAR_WIDTHS, VARIANTS, Variant

SAME_OPS = {"input": "input", "output": "output", "skip_connect": "skip", "max_pool_3x3": "max_pool3x3",
            "avg_pool_3x3": "avg_pool3x3", "conv_1x1": "conv1x1", "conv_3x3": "conv3x3",
            "sep_conv_3x3": "sep_conv3x3", "sep_conv_5x5": "sep_conv5x5", "dil_conv_3x3": "dil_conv3x3",
            "dil_conv_5x5": "dil_conv5x5", "concat": "concat"}


class NdsSpace(TableBoundSpace, NetworkSpace):
    """One NDS variant's cells, width and depth; ``table_only`` keeps to the networks its table holds."""

    variant: ClassVar[Variant]
    vector_encodings = ("onehot",)
    near_encoding = "onehot"
    edits_are_neighbours = True
    graph_encodings = ("graph",)
    table_is_a_sliver = True

    def __init__(self, context: RunContext | None = None, table_only: bool | None = None,
                 widths: list[Width] | None = None, depths: list[CellStackDepth] | None = None) -> None:
        if context is not None and self.variant.imagenet and not _names_dataset(context.dataset, "imagenet"):
            # each use its own flag: training and proxies read an image folder, which each is given its own way
            raise ConfigError(f"{self.name} holds NDS's ImageNet networks (a 224-px stem, 1000 classes), and --dataset "
                              f"{context.dataset} would build other networks: give --dataset imagenet to look them up "
                              "in its table, train them or score them with zero-cost proxies (both read an image "
                              "folder: --evaluator-opt image_dir=DIR, nasloop proxies --image-dir DIR), or use --space "
                              f"nds-{self.variant.family.name} for its CIFAR-10 networks")
        context = context or RunContext()
        self.family = self.variant.family
        self._fidelity = context.fidelity  # bound to the table, the space is its networks with a result there
        self._fidelity_cells: list[NdsArch] | None = None  # those networks, listed at first use
        self._bind_table(context, table_only, lambda: _benchmark(self.variant.name, context.data_dir))
        held = self._table_cells() if self._table is not None else []
        unset = [name for name, value in (("widths", widths), ("depths", depths)) if value is None]
        if unset and not held and self.variant.fixed_width_depth:
            raise ConfigError(f"{self.name} fixes width and depth to its table's, which only a run that looks the "
                              "table up reads (--evaluator tabular); for proxies or training give them: "
                              + " ".join(f"--space-opt {name}=[...]" for name in unset))
        empty = [name for name, value in (("widths", widths), ("depths", depths)) if value == []]
        if empty:
            raise ConfigError(f"option {empty[0]} is empty; give at least one choice (e.g. --space-opt "
                              f"{empty[0]}=[16, 32]) or leave it out for the table's or NDS's choices")
        if self.variant.imagenet and widths and min(widths) < IMAGENET_SMALLEST_WIDTH:  # a 0-channel stem conv
            raise ConfigError(f"{self.name} builds NDS's ImageNet stem, whose first conv has width // 2 channels (as "
                              f"in pycls, which trained NDS), none at width {min(widths)}; give widths of "
                              f"{IMAGENET_SMALLEST_WIDTH} or more (e.g. --space-opt widths=[16, 32])")
        for name, field, given in (("widths", "width", widths), ("depths", "depth", depths)):
            table = sorted({getattr(a, field) for a in held})
            if held and given is not None and sorted(set(given)) != table:  # a table-bound space samples its cells
                raise ConfigError(f"{self.name} is bound to its table, whose {name} are {table}, so {name}={given} "
                                  f"would be ignored; drop the option, or search the whole space with --space-opt "
                                  "table_only=false (evaluated by training or proxies)")
        if widths is None:
            widths = sorted({a.width for a in held}) or list(CIFAR_WIDTHS)
        if depths is None:
            depths = sorted({a.depth for a in held}) or list(CIFAR_DEPTHS)
        self.widths, self.depths = tuple(sorted(set(widths))), tuple(sorted(set(depths)))
        several = [name for name, values in (("widths", self.widths), ("depths", self.depths)) if len(values) > 1]
        if several and self.variant.fixed_width_depth:  # as import refuses such data for this space's table
            raise ConfigError(f"{self.name} fixes width and depth, and {several[0]} gives "
                              f"{list(getattr(self, several[0]))}; give one of each (e.g. --space-opt widths=[16]), "
                              f"or search them with --space nds-{self.family.name}")

    # --- string form and identity ----------------------------------------------------------------
    def parse(self, text: str) -> NdsArch:
        return self.validate(parse_arch(text, self.family))  # a width this variant's network cannot be built at

    def format(self, arch: NdsArch) -> str:
        return format_arch(self.validate(arch), self.family)

    def validate(self, arch: Any) -> NdsArch:
        return check_arch(arch, self.family, imagenet=self.variant.imagenet)

    def hash(self, arch: NdsArch) -> str:
        return self.format(arch)

    def functional_hash(self, arch: NdsArch) -> str:
        """The string with each node's pairs sorted and the nodes in the smallest of their orders that build the
        same network (:mod:`..cell_numbering`); encodings keep the written order, in which one edit is one change."""
        return format_arch(functional_arch(self.validate(arch)), self.family)

    def canonical(self, arch: NdsArch) -> NdsArch:
        """Each node's two (input, op) pairs in sorted order: the node sums them."""
        return canonical_arch(self.validate(arch))

    # --- the whole space (TableBoundSpace keeps to the table when bound) ------------------------
    def _sample_anywhere(self, rng: np.random.Generator) -> NdsArch:
        return sample_arch(rng, self.family, self.widths, self.depths)

    def _edit(self, arch: NdsArch, rng: np.random.Generator) -> NdsArch:
        """An op, an input, the width or the depth: a uniform neighbour. The table holds ~5,000 networks
        of a space of ~10^20, so bound to it a mutation draws from the held neighbours, or takes one of
        the table's nearest where it holds none."""
        near = self._neighbours_anywhere(arch)
        return near[int(rng.integers(len(near)))]

    def _neighbours_anywhere(self, arch: NdsArch) -> list[NdsArch]:
        return neighbours(arch, self.family, self.widths, self.depths)

    def _table_cells(self) -> list[NdsArch]:
        """The table's networks with a result at the run's fidelity (a run that stopped early has none after it)."""
        if self._fidelity_cells is None:
            self._fidelity_cells = self._table.cells_at(self._fidelity)
        return self._fidelity_cells

    def _held(self, archs: list[NdsArch]) -> np.ndarray:
        return np.asarray(self._table.holds(archs, self._fidelity), dtype=bool)

    # --- encodings and networks ------------------------------------------------------------------
    def _encode(self, arch: NdsArch, kind: str) -> Any:
        arch = self.canonical(arch)
        if kind == "onehot":
            cells = pairs_onehot(arch[:2], self.family.nodes, len(self.family.ops))
            size = np.zeros(len(self.widths) + len(self.depths), dtype=np.float32)
            if arch.width in self.widths:
                size[self.widths.index(arch.width)] = 1.0
            if arch.depth in self.depths:
                size[len(self.widths) + self.depths.index(arch.depth)] = 1.0
            return np.concatenate([cells, size])
        return self._graph(arch)

    def _graph(self, arch: NdsArch) -> GraphEncoding:
        return cell_pair_graph(arch[:2], self.family.ops.__getitem__, lambda cell: output_nodes(cell, self.family),
                               self.token)

    def to_module(self, arch: NdsArch, num_classes: int | None = None):
        """The network NDS trained for ``arch``; classes default to its dataset's (1000 on ImageNet, where DARTS-V2
        at 48x14 has 4,718,752 parameters, the published 4.7 M)."""
        from ..cell_pair_network import CellPairNetwork

        if num_classes is None:
            num_classes = 1000 if self.variant.imagenet else 10
        classes = checked_classes(num_classes)
        arch = self.validate(arch)
        return CellPairNetwork(arch[:2], self.family.ops, lambda cell: output_nodes(cell, self.family), arch.width,
                               arch.depth, num_classes=classes, imagenet=self.variant.imagenet)


def _names_dataset(name: str, dataset: str) -> bool:
    """Whether ``name`` is ``dataset`` or an alias of it (a benchmark task that is no image dataset is not)."""
    try:
        return dataset_facts(name).name == dataset
    except ConfigError:
        return False


def _benchmark(name: str, data_dir: str | None):
    from .benchmark import BENCHMARK_CLASSES

    return BENCHMARK_CLASSES[name](data_dir)


def _variant_space(variant: Variant) -> type[NdsSpace]:
    class_name = "NdsSpace_" + variant.name[4:].replace("-", "_")  # a module attribute, so instances pickle
    data = "ImageNet" if variant.imagenet else "CIFAR-10"
    fixed = ", width and depth fixed" if variant.fixed_width_depth else ""
    attrs = {"__doc__": f"NDS {variant.family.file_stem} cells with width and depth, on {data}{fixed}.",
             "__module__": __name__, "__qualname__": class_name, "name": variant.name, "variant": variant,
             "benchmark": variant.name, "whole_space": f"the whole {variant.name} space",
             "graph_ops": ("input", *variant.family.ops, "concat", "output"),
             "same_ops": {k: v for k, v in SAME_OPS.items() if k in ("input", "output", "concat", *variant.family.ops)}}
    cls = globals()[class_name] = type(class_name, (NdsSpace,), attrs)
    return register_search_space(variant.name)(cls)


for _variant in VARIANTS.values():
    _variant_space(_variant)
