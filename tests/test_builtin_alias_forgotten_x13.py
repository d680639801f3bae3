"""A plugin file or script that registers a built-in under a name of its own (an alias) is forgotten after its
command without the built-in: dropped with the alias, 'evolution' was unknown to every later test of the process."""
from __future__ import annotations

from nasloop.engine.registry import PREDICTORS, STRATEGIES


def test_a_plugin_files_alias_of_a_builtin_is_forgotten_alone(tmp_path, fresh_nasloop):
    plugin = tmp_path / "alias.py"
    plugin.write_text("from nasloop.engine.registry import STRATEGIES, register_strategy\n"
                      "register_strategy('evo-alias-x13')(STRATEGIES.get('evolution'))\n")
    listed = fresh_nasloop(["--plugin", str(plugin), "strategies"])
    assert listed.returncode == 0 and "evo-alias-x13" in listed.stdout, listed.stderr
    assert STRATEGIES.get("evolution").__module__ == "nasloop.strategies.evolution"  # was 'unknown strategy'
    assert "evo-alias-x13" not in STRATEGIES


def test_a_scripts_alias_of_a_builtin_is_forgotten_alone(tmp_path, script_in_process):
    script = tmp_path / "alias_script.py"
    script.write_text("from nasloop.engine.registry import PREDICTORS, register_predictor\n"
                      "register_predictor('gp-alias-x13')(PREDICTORS.get('gp'))\n")
    assert script_in_process(script, []).returncode == 0
    assert PREDICTORS.get("gp").__module__ == "nasloop.predictors.gp"
    assert "gp-alias-x13" not in PREDICTORS
