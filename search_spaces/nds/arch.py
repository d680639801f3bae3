"""An NDS architecture: a normal and a reduction cell of one family, plus the network's width and depth.

A cell lists two ``(input, op index)`` pairs per intermediate node, in node order: input 0 is the
cell before the previous one, 1 the previous cell, 2 + j intermediate node j; ops index the
family's op list. Unlike DARTS proper, NDS draws each op's input on its own, so a node may read
the same input twice. What a cell outputs follows from its pairs and the family's rule (every
node, or the nodes nothing reads), so it is not stored.

Two public text forms parse: the DARTS-style genotype string with ``width=`` and ``depth=``
after it (the canonical form), and an NDS record's ``net`` object as JSON
(``{"genotype": {"normal": [["sep_conv_3x3", 0], ...], ...}, "width": 16, "depth": 20}``).
Parsing reads literals only; nothing in the text is evaluated.
"""
from __future__ import annotations

import json
import re
import typing
from typing import Any, NamedTuple, Sequence

import numpy as np

from ...engine.errors import ArchitectureError
from ...engine.options import CellStackDepth, Width
from ..cell_numbering import smallest_numbering
from ..cell_pairs import canonical_cell, cell_edits, check_cell, is_int
from ..genotype_text import CELLS, check_concat, genotype_pairs, genotype_string, read_genotype
from .families import FAMILIES, Family

Pair = tuple[int, int]
NdsCell = tuple[Pair, ...]
_WIDTH, _DEPTH = (typing.get_args(hint)[1] for hint in (Width, CellStackDepth))  # the options' own bounds
IMAGENET_SMALLEST_WIDTH = 2
"""pycls' ImageNet stem (which trained NDS) opens with a conv of ``width // 2`` channels: at width 1, none."""


class OtherFamilyError(ArchitectureError):
    """A genotype that fits another family (another node count, an op this family lacks), not a damaged one."""


class NdsArch(NamedTuple):
    normal: NdsCell
    reduce: NdsCell
    width: int
    depth: int


_GENOTYPE = re.compile(r"^\s*(?P<genotype>Genotype\(.*\))\s*(?P<rest>[^)]*)$", re.S)
# either order: "depth=20 width=16" was told to state the width and depth it states
_SIZE = re.compile(r"^[\s,;]*(?:width\s*=\s*(?P<width>\d+)[\s,;]+depth\s*=\s*(?P<depth>\d+)"
                   r"|depth\s*=\s*(?P<depth2>\d+)[\s,;]+width\s*=\s*(?P<width2>\d+))[\s,;]*$")


CONCATENATES = {"all": "all its nodes", "loose_end": "the nodes no pair reads"}
"""The nodes a cell concatenates by each family's output rule, as a refused concat names them."""


def output_nodes(cell: NdsCell, family: Family) -> list[int]:
    """The states (2 + node) the cell concatenates: every node, or only those no pair reads."""
    nodes = range(2, family.nodes + 2)
    if family.output == "all":
        return list(nodes)
    read = {source for source, _ in cell}
    return [n for n in nodes if n not in read]


def check_size(width: Any, depth: Any, where: str = "", imagenet: bool = False) -> None:
    """An ArchitectureError unless width and depth are integers a network can be built with (on ImageNet, a width
    of 1 built a 0-channel stem conv, and every forward pass failed)."""
    if not (is_int(width) and _WIDTH.holds(width) and is_int(depth) and _DEPTH.holds(depth)):
        raise ArchitectureError(f"{where}an NDS architecture's width must be an integer {_WIDTH.describe()} and its "
                                f"depth one {_DEPTH.describe()} (two reduction cells and a normal one at least); got "
                                f"width={width!r}, depth={depth!r}")
    if imagenet and width < IMAGENET_SMALLEST_WIDTH:
        raise ArchitectureError(f"{where}an NDS ImageNet network's width must be {IMAGENET_SMALLEST_WIDTH} or more: "
                                f"its stem opens with width // 2 channels (as in pycls, which trained NDS), none at "
                                f"width={width}")


def check_arch(arch: Any, family: Family, where: str = "", imagenet: bool = False) -> NdsArch:
    """``arch`` as an :class:`NdsArch` of ``family`` with a width and depth that build (on ImageNet if
    ``imagenet``), or an ArchitectureError."""
    if not isinstance(arch, (tuple, list)) or len(arch) != 4:
        raise ArchitectureError(f"an NDS architecture is (normal cell, reduction cell, width, depth), got "
                                f"{str(arch)[:80]}")
    normal, reduce, width, depth = arch
    check_size(width, depth, where, imagenet)
    normal, reduce = (check_cell(cell, name, family.ops, family.nodes, f"an NDS {family.name}",
                                 distinct_inputs=False, first_node=0, where=where)
                      for cell, name in zip((normal, reduce), CELLS))
    return NdsArch(normal, reduce, int(width), int(depth))


def from_genotype(genotype: Any, width: Any, depth: Any, family: Family, where: str = "") -> NdsArch:
    """An architecture from NDS' genotype mapping (``normal``/``reduce`` lists of [op name, input])."""
    if not isinstance(genotype, dict) or not all(isinstance(genotype.get(c), list) for c in CELLS):
        raise ArchitectureError(f"{where}an NDS genotype has 'normal' and 'reduce' lists of [op, input]")
    cells = []
    for name in CELLS:
        if len(genotype[name]) != 2 * family.nodes:  # another family's genotype: say so as it was typed
            raise OtherFamilyError(f"{where}the {name} cell of an NDS {family.name} architecture lists "
                                   f"{2 * family.nodes} [op, input] entries, two per node; got "
                                   f"{len(genotype[name])}: {str(genotype[name])[:80]}")
        cells.append(genotype_pairs(genotype[name], name, family.ops, f"the {family.name} family", where,
                                    _family_error))
    arch = check_arch((*cells, width, depth), family, where)
    for name, cell in zip(CELLS, arch[:2]):  # a concat of the other output rule: that rule's family
        check_concat(genotype.get(f"{name}_concat"), name, output_nodes(cell, family), f"an NDS {family.name}",
                     CONCATENATES[family.output], where, OtherFamilyError)
    return arch


def _family_error(op: Any) -> type[ArchitectureError]:
    """How a genotype entry's op that is not the family's is refused: as another family's genotype where some
    family has it, as damage where none does ('none', a typo)."""
    return OtherFamilyError if any(op in f.ops for f in FAMILIES.values()) else ArchitectureError


def parse_arch(text: str, family: Family) -> NdsArch:
    """An architecture from the genotype string with width and depth, or from an NDS ``net`` JSON object."""
    if not isinstance(text, str):
        raise ArchitectureError(f"an NDS architecture string is text, got {text!r}")
    stripped = text.strip()
    try:
        if stripped.startswith("{"):
            net = json.loads(stripped)
            if not isinstance(net, dict):
                raise ArchitectureError("an NDS net object is a JSON mapping")
            return from_genotype(net.get("genotype"), net.get("width"), net.get("depth"), family)
        match = _GENOTYPE.match(stripped)
        if match is None:
            raise ArchitectureError(f"{stripped[:80]!r} is not an NDS architecture; write Genotype(normal=[('op', "
                                    "input), ...], reduce=[...]) width=16 depth=20, or give an NDS net object")
        sizes = _SIZE.match(match.group("rest"))
        if sizes is None:
            raise ArchitectureError("an NDS architecture states its width and depth after the genotype: "
                                    "Genotype(...) width=16 depth=20")
        fields = read_genotype(match.group("genotype"))
        genotype = {name: [list(e) if isinstance(e, tuple) else e for e in value] if name in CELLS else value
                    for name, value in fields.items()}
        width, depth = (sizes.group(name) or sizes.group(name + "2") for name in ("width", "depth"))
        return from_genotype(genotype, int(width), int(depth), family)
    except ArchitectureError:
        raise
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        raise ArchitectureError(f"{stripped[:80]!r} is not a readable NDS architecture; write Genotype(normal=[('op', "
                                "input), ...], reduce=[...]) width=16 depth=20") from None


def format_arch(arch: NdsArch, family: Family) -> str:
    """The genotype string (with the cells' output nodes) followed by ``width=W depth=D``."""
    cells = genotype_string(arch[:2], family.ops, lambda cell: output_nodes(cell, family))
    return f"{cells} width={arch.width} depth={arch.depth}"


def canonical_arch(arch: NdsArch) -> NdsArch:
    """Each node's two pairs in sorted order: a node sums its two ops, so their order is not function."""
    return arch._replace(normal=canonical_cell(arch.normal), reduce=canonical_cell(arch.reduce))


def functional_arch(arch: NdsArch) -> NdsArch:
    """One form for every way of writing the same network: each cell's pairs sorted and its nodes in the smallest of
    their orders that build it (:mod:`..cell_numbering`; in a loose-end family the output, the nodes nothing reads,
    follows the numbering). The space's functional hash, and its table's lookup and import, read it."""
    return arch._replace(normal=smallest_numbering(tuple(map(tuple, arch.normal))),
                         reduce=smallest_numbering(tuple(map(tuple, arch.reduce))))


def sample_arch(rng: np.random.Generator, family: Family, widths: Sequence[int], depths: Sequence[int]) -> NdsArch:
    """Uniform over the family: each op and each op's input drawn independently, as NDS sampled."""
    cells = [tuple((int(rng.integers(i // 2 + 2)), int(rng.integers(len(family.ops))))
                   for i in range(2 * family.nodes)) for _ in CELLS]
    return NdsArch(cells[0], cells[1], int(rng.choice(widths)), int(rng.choice(depths)))


def neighbours(arch: NdsArch, family: Family, widths: Sequence[int], depths: Sequence[int]) -> list[NdsArch]:
    """Every architecture one edit away: one pair's op or input (a node may read one input twice), or the width or
    depth, changed."""
    out = [arch._replace(normal=cell) if c == 0 else arch._replace(reduce=cell)
           for c, cell in cell_edits(arch[:2], len(family.ops), distinct_inputs=False)]
    out += [arch._replace(width=int(w)) for w in widths if w != arch.width]
    out += [arch._replace(depth=int(d)) for d in depths if d != arch.depth]
    return out
