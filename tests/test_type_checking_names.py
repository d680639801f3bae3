"""No name imported only under ``if TYPE_CHECKING:`` is read when the code runs.

Modules that a listing or a refusal loads take torch, botorch and their own heavy parts where they use them, naming
them for type hints alone under ``TYPE_CHECKING`` (``from __future__ import annotations`` keeps hints unevaluated).
A function that then reads such a name without binding it first (``torch = imported("torch")``) fails with a
NameError on its first run, and pyflakes, which counts the guarded import as a binding, says nothing: a GPU-only path
(cuDNN's autotuning, restored around a training) did so in a merge, and no CPU test reaches every such path.
"""
from __future__ import annotations

import ast
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIPPED = {".git", ".venv", "build", "shared", "tests", "__pycache__"}


def _sources() -> list[Path]:
    """The package's and its scripts' Python files, not walking into the virtual environment or the tests."""
    found = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = sorted(name for name in subfolders if name not in SKIPPED)
        found += [Path(folder, name) for name in sorted(files) if name.endswith(".py")]
    return found


def _guarded(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.If) and ast.unparse(statement.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")


def _bound(node: ast.AST) -> set[str]:
    """Names an import or an assignment binds."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
        return {node.id}
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, ast.arg):
        return {node.arg}
    return set()


class _RuntimeReads(ast.NodeVisitor):
    """Reads of ``hinted`` names outside annotations and outside a scope that binds them itself."""

    def __init__(self, hinted: set[str]) -> None:
        self.hinted, self.scopes, self.found = hinted, [], []

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for expression in [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]:
            if expression is not None:
                self.visit(expression)
        self.scopes.append(set().union(*(_bound(sub) for sub in ast.walk(node))))
        for statement in node.body:
            self.visit(statement)
        self.scopes.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)

    def visit_If(self, node: ast.If) -> None:
        if not _guarded(node):
            self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load) and node.id in self.hinted and not any(node.id in s for s in self.scopes):
            self.found.append(f"{node.id} at line {node.lineno}")


def test_no_name_imported_for_type_hints_alone_is_read_at_run_time():
    failures = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        hinted = set().union(*(_bound(sub) for statement in tree.body if _guarded(statement) for sub in statement.body))
        hinted -= set().union(*(_bound(statement) for statement in tree.body if not _guarded(statement)),
                              *(_bound(target) for statement in tree.body if isinstance(statement, ast.Assign)
                                for target in statement.targets))
        if hinted:
            reader = _RuntimeReads(hinted)
            reader.visit(tree)
            failures += [f"{path.relative_to(ROOT)}: {found}" for found in reader.found]
    assert not failures, failures
