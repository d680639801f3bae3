"""A proxy that a script or a plugin file registers, run in the tests' own process, is dropped after it as its spaces
and strategies are: kept, it joined every later listing of proxies in that worker, and the README's proxy block ran
in a Python of its own for that reason alone."""
from __future__ import annotations

from pathlib import Path

from nasloop.engine.proxy_registry import PROXIES

PROXY_FILE = '''from nasloop.engine.evaluators.proxies import register_proxy


@register_proxy("h13-width", needs_data=False)
def width(net, inputs, targets):
    return float(inputs.shape[1])
'''


def test_a_proxy_a_script_registers_is_dropped_after_it(tmp_path: Path, script_in_process):
    (tmp_path / "mine.py").write_text(PROXY_FILE + "\nassert 'h13-width' in __import__('nasloop').engine.proxy_registry"
                                      ".PROXIES\n")
    out = script_in_process(tmp_path / "mine.py", [], cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "h13-width" not in PROXIES


def test_a_proxy_a_plugin_file_registers_is_dropped_after_its_command(tmp_path: Path, fresh_nasloop):
    (tmp_path / "mine.py").write_text(PROXY_FILE)
    listed = fresh_nasloop(["--plugin", "mine.py", "proxies", "--sample", "1", "--proxies", "h13-width,nosuch"],
                           tmp_path)  # refused before any network is built, naming the known proxies
    assert listed.returncode == 2 and "h13-width, jacov" in listed.stderr, listed.stderr
    assert "h13-width" not in PROXIES
