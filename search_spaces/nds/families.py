"""The five NAS cell families of NDS and the published variants of each.

"On Network Design Spaces for Visual Recognition" (Radosavovic et al., ICCV 2019) sampled and
trained about 5,000 networks from each of five NAS cell design spaces and published every result
as one JSON file per space (``DARTS.json``, ``ENAS.json``...). A family fixes the op set, the
number of intermediate nodes per cell and what the cell outputs: every node (``all``: DARTS,
PNAS) or only the nodes no other node reads (``loose_end``: NASNet, ENAS, Amoeba). The op sets
and node counts are those of the NDS code (pycls' ``nas/genotypes.py``), which NNI's ``nasnet.py``
reproduces; DARTS drops ``none`` there as here.

Width (the first cell's channels) and depth (the number of cells) are part of the architecture:
NDS sampled them per network. The variants are the published files: CIFAR-10 (``<Family>.json``),
ImageNet (``<Family>_in.json``) and, for DARTS, ENAS and PNAS, CIFAR-10 with width and depth
fixed (``<Family>_fix-w-d.json``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Family:
    """One NDS cell design space: its ops, intermediate nodes per cell and output rule."""

    name: str
    file_stem: str
    ops: tuple[str, ...]
    nodes: int
    output: Literal["all", "loose_end"]


FAMILIES: dict[str, Family] = {f.name: f for f in (
    Family("darts", "DARTS", ("max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3", "sep_conv_5x5",
                              "dil_conv_3x3", "dil_conv_5x5"), 4, "all"),
    Family("enas", "ENAS", ("skip_connect", "sep_conv_3x3", "sep_conv_5x5", "avg_pool_3x3", "max_pool_3x3"), 5,
           "loose_end"),
    Family("pnas", "PNAS", ("sep_conv_3x3", "sep_conv_5x5", "sep_conv_7x7", "conv_7x1_1x7", "skip_connect",
                            "avg_pool_3x3", "max_pool_3x3", "dil_conv_3x3"), 5, "all"),
    Family("nasnet", "NASNet", ("skip_connect", "conv_3x1_1x3", "conv_7x1_1x7", "dil_conv_3x3", "avg_pool_3x3",
                                "max_pool_3x3", "max_pool_5x5", "max_pool_7x7", "conv_1x1", "conv_3x3",
                                "sep_conv_3x3", "sep_conv_5x5", "sep_conv_7x7"), 5, "loose_end"),
    Family("amoeba", "Amoeba", ("skip_connect", "sep_conv_3x3", "sep_conv_5x5", "sep_conv_7x7", "avg_pool_3x3",
                                "max_pool_3x3", "dil_sep_conv_3x3", "conv_7x1_1x7"), 5, "loose_end"),
)}

CIFAR_WIDTHS = (16, 24, 32)
CIFAR_DEPTHS = (4, 8, 12, 16, 20)
"""The width and depth choices NNI's NDS spaces default to; a bound table's own values replace them."""


@dataclass(frozen=True)
class Variant:
    """One published NDS file: a family on CIFAR-10 or ImageNet, width and depth sampled or fixed."""

    family: Family
    imagenet: bool = False
    fixed_width_depth: bool = False

    @property
    def name(self) -> str:
        """The space and benchmark name: ``nds-darts``, ``nds-darts-in``, ``nds-darts-fix-w-d``."""
        return f"nds-{self.family.name}" + ("-in" if self.imagenet else "") + ("-fix-w-d" if self.fixed_width_depth
                                                                               else "")

    @property
    def file_name(self) -> str:
        """The published file: ``DARTS.json``, ``DARTS_in.json``, ``DARTS_fix-w-d.json``."""
        return self.family.file_stem + ("_in" if self.imagenet else "") + ("_fix-w-d" if self.fixed_width_depth
                                                                             else "") + ".json"

    @property
    def dataset(self) -> str:
        return "imagenet" if self.imagenet else "cifar10"


VARIANTS: dict[str, Variant] = {v.name: v for v in (
    *(Variant(f) for f in FAMILIES.values()),
    *(Variant(f, imagenet=True) for f in FAMILIES.values()),
    *(Variant(FAMILIES[name], fixed_width_depth=True) for name in ("darts", "enas", "pnas")),
)}


def variant_of_file(name: str) -> Variant | None:
    """The variant a published file name stands for, in any case (``pnas_in.json`` is PNAS_in.json; ``.gz``
    allowed), or None: a lower-cased copy of an ImageNet file was read as the CIFAR-10 variant of its cells."""
    stem = (name[:-3] if name.lower().endswith(".gz") else name).lower()
    return next((v for v in VARIANTS.values() if v.file_name.lower() == stem), None)


SWEEP_FILES = {"darts_lr-wd.json": "nds-darts", "darts_lr-wd_in.json": "nds-darts-in"}
"""NDS's published learning-rate and weight-decay sweeps, by name, and the variant whose networks they train: refused
on import (each network under several recipes), but named as that variant's, so that ``--space nds`` reads the file
and says why instead of asking which of the DARTS variants it is."""


def sweep_variant(name: str) -> Variant | None:
    """The variant of a published sweep file's networks (``DARTS_lr-wd_in.json``: nds-darts-in), or None."""
    stem = (name[:-3] if name.lower().endswith(".gz") else name).lower()
    return VARIANTS[SWEEP_FILES[stem]] if stem in SWEEP_FILES else None
