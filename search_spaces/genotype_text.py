"""Reading and writing DARTS's ``Genotype(...)`` text, the form the DARTS and NDS spaces share.

The text is parsed as a Python expression with :mod:`ast` and only literals are read from it,
so nothing in it runs: a call of ``Genotype`` with the namedtuple's fields (by keyword, or
positionally in its order); a concat may be a list, a tuple or ``range(a, b)``, as DARTS's own
genotypes write it. An unknown or repeated field, or a value that is not a literal, is refused in
one line: a field silently skipped would make the network built differ from the one written.
Written, a genotype lists each cell's ``(op name, input)`` pairs and the nodes it concatenates. Read, its entries
become a cell's ``(input, op index)`` pairs and its concats are checked against the nodes the cell outputs, alike for
both spaces (:func:`genotype_pairs`, :func:`check_concat`), each naming its own ops and output rule.
"""
from __future__ import annotations

import ast
import re
from typing import Any, Callable, Sequence

from ..engine.errors import ArchitectureError
from .cell_numbering import Cell
from .cell_pairs import is_int

FIELDS = ("normal", "normal_concat", "reduce", "reduce_concat")
_NUMPY_INT = re.compile(r"\b(?:np|numpy)\.u?int(?:8|16|32|64)\(\s*([+-]?\d+)\s*\)")
CELLS = ("normal", "reduce")


def plain_ints(text: str) -> str:
    """``text`` with numpy's integers written as plain ones: NASLib samples DARTS cells with numpy, and under
    numpy 2 its compact form and genotypes print as ``[(np.int64(0), np.int64(3)), ...]``."""
    return _NUMPY_INT.sub(r"\1", text)


def genotype_string(cells: Sequence[Cell], ops: Sequence[str], outputs: Callable[[Cell], list[int]]) -> str:
    """``Genotype(normal=[('op', input), ...], normal_concat=[...], reduce=[...], reduce_concat=[...])`` of the
    normal and reduction cell's (input, op index) pairs, each concat the states ``outputs`` says the cell joins."""
    parts = []
    for name, cell in zip(CELLS, cells):
        pairs = ", ".join(f"('{ops[op]}', {source})" for source, op in cell)
        parts.append(f"{name}=[{pairs}], {name}_concat={outputs(cell)}")
    return f"Genotype({', '.join(parts)})"


def read_genotype(text: str) -> dict[str, Any]:
    """The fields ``text`` gives a ``Genotype(...)``: cells as lists of (op, input) tuples, concats as int lists."""
    try:
        call = ast.parse(plain_ints(text.strip()), mode="eval").body
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        raise ArchitectureError(f"{text.strip()[:80]!r} is not readable as Genotype(normal=[...], normal_concat=[...], "
                                "reduce=[...], reduce_concat=[...])") from None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "Genotype"):
        raise ArchitectureError(f"{text.strip()[:80]!r} is not a Genotype(normal=[...], normal_concat=[...], "
                                "reduce=[...], reduce_concat=[...])")
    if len(call.args) > len(FIELDS):
        raise ArchitectureError(f"a Genotype has {len(FIELDS)} fields ({', '.join(FIELDS)}); got {len(call.args)} "
                                "values")
    fields: dict[str, Any] = {}
    for name, node in [*zip(FIELDS, call.args), *((k.arg, k.value) for k in call.keywords)]:
        if name not in FIELDS:
            raise ArchitectureError(f"a Genotype has no field {name or '**'!r}; its fields are {', '.join(FIELDS)}")
        if name in fields:
            raise ArchitectureError(f"the Genotype gives {name} twice; give each field once")
        fields[name] = _concat(node, name) if name.endswith("_concat") else _literal(node, name)
    missing = [name for name in CELLS if name not in fields]
    if missing:
        raise ArchitectureError(f"the Genotype lacks {' and '.join(missing)}; it needs normal=[...] and reduce=[...]")
    for name in CELLS:
        if not isinstance(fields[name], (list, tuple)):
            raise ArchitectureError(f"the Genotype's {name} must be a list of (op, input) pairs, got "
                                    f"{str(fields[name])[:60]}")
    return fields


def _literal(node: ast.expr, name: str) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise ArchitectureError(f"the Genotype's {name} is not a literal ({ast.unparse(node)[:60]})") from None


def _concat(node: ast.expr, name: str) -> list[int]:
    """A concat's node list: a literal list or tuple of ints, or ``range(a, b)`` of small int literals."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range" \
            and not node.keywords and 1 <= len(node.args) <= 2:
        bounds = [_literal(arg, name) for arg in node.args]
        if all(isinstance(b, int) and not isinstance(b, bool) and 0 <= b <= 64 for b in bounds):
            return list(range(*bounds))
    value = _literal(node, name)
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise ArchitectureError(f"the Genotype's {name} must list node numbers, e.g. [2, 3, 4, 5]; got "
                                f"{ast.unparse(node)[:60]}")
    return list(value)


def genotype_pairs(entries: Sequence[Any], name: str, ops: Sequence[str], owner: str, where: str = "",
                   op_error: Callable[[Any], type[ArchitectureError]] = lambda op: ArchitectureError
                   ) -> list[tuple[int, int]]:
    """The (input, op index) pairs of a genotype's ``name`` cell from its (op name, input) entries, or one line
    (after ``where``) naming the first entry that is not such a pair, or whose op is none of ``ops`` (``owner``'s:
    "the darts family"), raised as the class ``op_error(op)`` gives (NDS: another family's op tells another family's
    genotype, not a damaged one)."""
    pairs = []
    for entry in entries:
        shown = str(entry)[:40]
        if not isinstance(entry, (list, tuple)) or len(entry) != 2 or not is_int(entry[1]):
            raise ArchitectureError(f"{where}{name} entry {shown} is not an (op, input) pair with an integer input")
        if entry[0] not in ops:
            raise op_error(entry[0])(f"{where}{name} entry {shown} names no op of {owner} ({', '.join(ops)})")
        pairs.append((int(entry[1]), ops.index(entry[0])))
    return pairs


def check_concat(stated: Any, name: str, outputs: list[int], owner: str, rule: str, where: str = "",
                 error: type[ArchitectureError] = ArchitectureError) -> None:
    """One line (after ``where``, raised as ``error``) where a genotype's ``{name}_concat`` (``stated``; None: not
    given) is not the nodes its cell outputs, ``outputs``, by ``owner``'s ``rule`` ("all four nodes"): read as
    written, it built a network other than the one the genotype describes."""
    if stated is None:
        return
    if not (isinstance(stated, list) and all(map(is_int, stated))):
        raise ArchitectureError(f"{where}{name}_concat must be a list of node numbers, got {str(stated)[:40]}")
    if sorted(stated) != outputs:
        raise error(f"{where}{name}_concat is {stated}, but {owner} cell outputs {outputs}: it concatenates {rule}")
