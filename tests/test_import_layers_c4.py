"""Layering of the engine's packages, read from the source (no import, so it takes milliseconds).

The executors import the evaluators' base, so an evaluator that imports an executor module, even inside a
function, closes an import cycle (context -> proxies -> scoring -> replicates -> executors.base ->
evaluators.base -> context) that only the deferral kept from failing. More generally no function-level import may
close a cycle between layers: the shared piece goes to the lower layer instead.
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


LAYERS = ("engine.data", "engine.evaluators", "engine.executors")
"""Subpackages that are one layer each: a cycle between two of them, or between one and an engine module, is one."""
REMAINING: set[tuple[str, str]] = set()
"""Function-level imports that still close a cycle: none. The run context and the proxy-file reader asked the
zero-cost proxy registry in the evaluators (names, needs_data; the context also its computation); the registry and
the scoring are now below them (:mod:`nasloop.engine.proxy_registry`, :mod:`nasloop.engine.proxy_scoring`)."""


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> tuple[set[str], set[str]]:
    """(modules imported at module level, modules imported inside a function) by ``path``, relative ones resolved,
    nasloop's without the package's name and others' as written (``torch``, ``torch.nn``); ``if TYPE_CHECKING`` and
    ``if __name__ == "__main__"`` blocks are left out (they run at no import)."""
    here = _module(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    top: set[str] = set()
    deferred: set[str] = set()

    def visit(nodes: list[ast.AST], in_function: bool) -> None:
        for child in nodes:  # statements (and the handlers and cases holding some): an import is one
            if isinstance(child, ast.If) and {n.id for n in ast.walk(child.test) if isinstance(n, ast.Name)} & {
                    "TYPE_CHECKING", "__name__"}:
                continue
            if isinstance(child, ast.ImportFrom) and child.level:
                base = package[:len(package) - child.level + 1] + ([child.module] if child.module else [])
                (deferred if in_function else top).add(".".join(base))
            elif isinstance(child, ast.ImportFrom):
                (deferred if in_function else top).add(str(child.module).removeprefix("nasloop."))
            elif isinstance(child, ast.Import):
                (deferred if in_function else top).update(alias.name.removeprefix("nasloop.") for alias in child.names)
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                visit(getattr(child, field, []), inner)

    visit(ast.parse(path.read_text(encoding="utf-8")).body, False)
    return top, deferred


def _layer(module: str) -> str:
    return next((layer for layer in LAYERS if module == layer or module.startswith(layer + ".")), module)


def test_no_function_level_import_closes_an_import_cycle_between_layers():
    """A module that imports another inside a function, where that one's layer imports the first's at module level,
    closes a cycle only the deferral keeps from failing (the proxy-file reader imported to_module from the evaluators,
    which read data); the shared piece belongs in the lower layer (:mod:`nasloop.engine.space_networks`)."""
    graph: dict[str, set[str]] = {}
    deferred: dict[str, set[str]] = {}
    for path in sorted((PACKAGE / "engine").rglob("*.py")):
        top, deferred[_module(path)] = _imports(path)
        graph.setdefault(_layer(_module(path)), set()).update(_layer(m) for m in top)

    def reaches(start: str, goal: str) -> bool:
        seen, todo = {start}, [start]
        while todo:
            for nxt in graph.get(todo.pop(), set()) - seen:
                seen.add(nxt)
                todo.append(nxt)
        return goal in seen

    closing = {(module, target) for module, targets in deferred.items() for target in targets
               if _layer(target) != _layer(module) and reaches(_layer(target), _layer(module))}
    assert closing == REMAINING


def test_the_run_context_and_the_proxy_registry_import_no_torch():
    """A tabular search never pays for torch: the modules that the context, the search and the proxy registry import
    at module level, and theirs, import none of it (the registry imports its built-in proxies when one is looked
    up, and the context the scoring when it computes one)."""
    def path_of(module: str) -> Path | None:
        base = PACKAGE.joinpath(*module.split("."))
        return next((p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()), None)

    seen: set[str] = set()
    todo = ["engine.context", "engine.search", "engine.proxy_registry", "engine.data.proxy_file"]
    torch_importers = []
    while todo:
        module = todo.pop()
        parents = [".".join(module.split(".")[:i]) for i in range(1, module.count(".") + 1)]
        for name in [module, *parents]:  # importing a module runs its packages' __init__ first
            path = path_of(name)
            if name in seen or path is None:
                continue
            seen.add(name)
            top, _ = _imports(path)
            torch_importers += [name] * any(m == "torch" or m.startswith("torch.") for m in top)
            todo += sorted(top)
    assert {"engine.context", "engine.proxy_registry", "engine.registry"} <= seen and torch_importers == []
