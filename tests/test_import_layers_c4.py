"""Layering of the engine's packages, read from the source (no import, so it takes milliseconds).

The executors import the evaluators' base, so an evaluator that imports an executor module, even inside a
function, closes an import cycle (context -> proxies -> scoring -> replicates -> executors.base ->
evaluators.base -> context) that only the deferral kept from failing.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]


def _imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth (function-level imports included), relative ones as written."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_evaluator_module_imports_an_executor_module_even_inside_a_function():
    evaluators = sorted((PACKAGE / "engine" / "evaluators").rglob("*.py"))
    assert evaluators
    offenders = {str(path.relative_to(PACKAGE)): sorted(name for name in _imported_modules(path)
                                                        if "executors" in name.split("."))
                 for path in evaluators}
    assert {path: names for path, names in offenders.items() if names} == {}
