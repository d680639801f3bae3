"""The DARTS / NAS-Bench-301 architecture: a normal and a reduction cell of four intermediate nodes.

Each intermediate node k (0..3) sums two inputs, each passed through an op: an input is one of the
cell's two inputs (0: the cell before the previous one, 1: the previous cell) or an earlier
intermediate node (2 + its index), and a node's two inputs differ. The cell's output
concatenates the four intermediate nodes. An architecture is a pair of cells, each a tuple of
eight ``(input, op index)`` pairs, two per node in node order: exactly NASLib's compact NB301
form (``((normal pairs), (reduce pairs))``, ops numbered as in :data:`OPS`).

Both public text forms parse: the DARTS genotype string
``Genotype(normal=[('sep_conv_3x3', 0), ...], normal_concat=[2, 3, 4, 5], reduce=[...], reduce_concat=...)``
and the compact form ``[[(0,0),(1,5),...],[...]]``. The canonical string is the genotype, the
form DARTS code reads. Parsing never evaluates the text; only literals are read.
"""
from __future__ import annotations

import ast

import numpy as np

from ...engine.errors import ArchitectureError
from ..cell_numbering import smallest_numbering
from ..cell_pairs import canonical_cell, cell_edits, check_cell
from ..genotype_text import CELLS, check_concat, genotype_pairs, genotype_string, plain_ints, read_genotype

OPS: tuple[str, ...] = ("max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3", "sep_conv_5x5",
                        "dil_conv_3x3", "dil_conv_5x5")
"""The DARTS op set without ``none``, in NASLib's compact numbering."""
NODES = 4
Pair = tuple[int, int]  # (input, op index)
DartsCell = tuple[Pair, ...]
DartsArch = tuple[DartsCell, DartsCell]


def check_arch(arch: object) -> DartsArch:
    """``arch`` as a DARTS architecture of Python ints, or an ArchitectureError saying what is wrong."""
    if not isinstance(arch, (tuple, list)) or len(arch) != 2:
        raise ArchitectureError(f"a DARTS architecture is (normal cell, reduction cell), got {arch!r}")
    return tuple(check_cell(cell, name, OPS, NODES, "a DARTS", distinct_inputs=True, first_node=2)
                 for cell, name in zip(arch, CELLS))  # type: ignore[return-value]


def parse_arch(text: str) -> DartsArch:
    """A genotype string or a compact-form string as an architecture."""
    if not isinstance(text, str):
        raise ArchitectureError(f"a DARTS architecture string is text, got {text!r}")
    if not text.strip().startswith("Genotype"):
        try:
            compact = ast.literal_eval(plain_ints(text.strip()))
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            raise ArchitectureError(f"{text[:80]!r} is neither a DARTS genotype string (Genotype(normal=[("
                                    "'sep_conv_3x3', 0), ...], reduce=[...])) nor NASLib's compact form ([[(0, 3), "
                                    f"(1, 3), ...], [...]])") from None
        return check_arch(compact)
    fields = read_genotype(text)
    cells = tuple(tuple(genotype_pairs(fields[name], name, OPS, "the DARTS space")) for name in CELLS)
    for name, cell in zip(CELLS, cells):
        check_concat(fields.get(f"{name}_concat"), name, output_nodes(cell), "a DARTS", "all four nodes")
    return check_arch(cells)


def format_arch(arch: DartsArch) -> str:
    """The DARTS genotype string (concatenating all four nodes of both cells)."""
    return genotype_string(arch, OPS, output_nodes)


def canonical_arch(arch: DartsArch) -> DartsArch:
    """Each node's two pairs in sorted order: a node sums its inputs, so the order is not part of the network."""
    return tuple(canonical_cell(cell) for cell in arch)  # type: ignore[return-value]


def functional_arch(arch: DartsArch) -> DartsArch:
    """One form for every way of writing the same network: each cell's pairs sorted and its nodes in the smallest of
    their orders that build it (:mod:`..cell_numbering`). The space's functional hash and the NB301 table's lookup
    both read it, so a cell written with its nodes in another order finds the row its written form finds."""
    return tuple(smallest_numbering(cell) for cell in arch)  # type: ignore[return-value]


def output_nodes(cell: DartsCell) -> list[int]:
    """The states (2 + node) a cell concatenates: all four nodes, whatever the cell."""
    return list(range(2, NODES + 2))


def sample_arch(rng: np.random.Generator) -> DartsArch:
    """Uniform over the space: per node two different inputs and an op for each."""
    cells = []
    for _ in CELLS:
        pairs: list[Pair] = []
        for node in range(NODES):
            sources = rng.choice(node + 2, size=2, replace=False)
            pairs += [(int(s), int(rng.integers(len(OPS)))) for s in sources]
        cells.append(tuple(pairs))
    return tuple(cells)  # type: ignore[return-value]


def neighbours(arch: DartsArch) -> list[DartsArch]:
    """Every architecture one edit away: one pair's op changed, or its input moved to another allowed one (never to
    the input its node's other pair reads)."""
    return [(cell, arch[1]) if c == 0 else (arch[0], cell)
            for c, cell in cell_edits(arch, len(OPS), distinct_inputs=True)]


def mutate_arch(arch: DartsArch, rng: np.random.Generator) -> DartsArch:
    """One random edit of :func:`neighbours` (NASLib's DARTS mutation: an op or an input of one pair)."""
    near = neighbours(arch)
    return near[int(rng.integers(len(near)))]


EXAMPLE: DartsArch = (((0, 3), (1, 3), (0, 3), (1, 3), (1, 3), (0, 2), (0, 2), (2, 5)),
                      ((0, 0), (1, 0), (2, 2), (1, 0), (0, 0), (2, 2), (2, 2), (1, 0)))
"""DARTS-V2 (Liu et al., 2019), the cell the DARTS paper reports at 2.76 % CIFAR-10 test error."""
