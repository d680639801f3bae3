"""A Ctrl-C landing in an installed plugin's import, or in torch's import as a resume reads a predictor's saved state,
is raised once the import is done, as in a built-in plugin's (tests/test_held_interrupt_e15.py).

Both imports ran unheld: a notebook's interrupt inside left the plugin's package out of ``sys.modules`` with the
parts it had imported left in, and torch half-imported for the process (its operators register once per process).
"""
from __future__ import annotations

import importlib
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from nasloop.engine.registry import Registry

from .interrupting_packages import SELF_INTERRUPT, package_on_path

PACKAGE = "e17_interrupted_plugin"


@pytest.fixture
def installed(tmp_path: Path):
    """An installed package (a .dist-info folder on the path) whose entry point names a class of its ``__init__``,
    which interrupts its own process and then imports a part of its own, as a Ctrl-C arriving while the package
    imports torch; Python's own SIGINT handler set, as in a script or notebook."""
    root = tmp_path / PACKAGE
    root.mkdir()
    (root / "__init__.py").write_text(SELF_INTERRUPT
                                      + "from . import parts\n\n\nclass Thing:\n    value = parts.VALUE\n")
    (root / "parts.py").write_text("VALUE = 7\n")
    dist = tmp_path / "e17_interrupted_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: e17-interrupted-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(f"[nasloop.e17_things]\nmine = {PACKAGE}:Thing\n")
    with package_on_path(tmp_path, PACKAGE):
        yield


@pytest.mark.usefixtures("installed")
def test_an_interrupt_during_an_installed_plugins_import_comes_after_it_and_leaves_the_import_whole():
    things = Registry("e17_things", "thing")
    with pytest.raises(KeyboardInterrupt):
        things.get("mine")
    assert sys.modules[PACKAGE].Thing.value == 7  # before: the package dropped, its part left imported
    assert importlib.import_module(f"{PACKAGE}.parts").VALUE == 7
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert things.get("mine") is sys.modules[PACKAGE].Thing  # the next search of the process takes it


_RESUMED = textwrap.dedent("""
    import os, signal, sys

    class CtrlC:
        '''Sends this process a SIGINT as torch starts importing a module of its own: a Ctrl-C mid-import.'''
        pressed = False
        def find_spec(self, name, path=None, target=None):
            if name == "torch.nn" and not CtrlC.pressed:
                CtrlC.pressed = True
                os.kill(os.getpid(), signal.SIGINT)
            return None

    from nasloop.predictors.saved_state import unpack_torch

    signal.signal(signal.SIGINT, signal.default_int_handler)  # a script's, where the suite runs as a background job
    assert "torch" not in sys.modules
    sys.meta_path.insert(0, CtrlC())
    try:
        unpack_torch(sys.argv[1])
    except KeyboardInterrupt:
        print("interrupted")
    print(unpack_torch(sys.argv[1]).tolist())  # the resume run again in the same process
""")


def test_an_interrupt_during_torchs_import_for_a_resumed_predictors_state_comes_after_it():
    import torch

    from nasloop.predictors.saved_state import pack_torch

    state = pack_torch(torch.tensor([1.5, 2.5]))  # a predictor's saved tensors, as a resumed run reads them
    done = subprocess.run([sys.executable, "-c", _RESUMED, state], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]  # before: torch half-imported, the second read failed
    assert done.stdout.splitlines() == ["interrupted", "[1.5, 2.5]"]
