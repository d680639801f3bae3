"""The zero-cost proxy registry sits below the evaluators and names the module of each built-in proxy, as the other
registries do: the run context and the proxy-file reader ask it without importing the evaluators (which import the
context), and it imports a built-in's module when the proxy is looked up."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from nasloop.engine.errors import RegistryError
from nasloop.engine.proxy_registry import PROXIES, register_proxy

BUILT_IN = Path(__file__).resolve().parents[1] / "engine" / "evaluators" / "proxies"


def test_each_built_in_proxy_is_listed_with_the_module_that_registers_it():
    """A list kept by hand beside the decorators (read from the source: importing them is torch's seconds): a new
    built-in left out of it would be refused as a plugin taking a built-in's name, or one listed under the wrong
    module never found."""
    decorated = {}
    for path in sorted(BUILT_IN.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "register_proxy":
                decorated[node.args[0].value] = f"nasloop.engine.evaluators.proxies.{path.stem}"
    assert decorated == PROXIES._builtins and len(decorated) == 19


def test_a_plugin_proxy_named_as_a_built_in_in_another_case_is_refused_in_one_line():
    def my_synflow(net, inputs, targets):
        return 1.0

    with pytest.raises(RegistryError) as refused:
        register_proxy("SynFlow", needs_data=False)(my_synflow)
    assert str(refused.value) == ("zero-cost proxy 'SynFlow' differs only in case from the built-in 'synflow'; "
                                  "register my_synflow under another name")
    assert "SynFlow" not in PROXIES.names_at_hand()
