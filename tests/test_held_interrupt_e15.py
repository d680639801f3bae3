"""A Ctrl-C in a notebook while nasloop imports a plugin's libraries, then a resume in the same process.

FLAN's module imports torch_geometric (seconds, on first use): interrupted inside, the import left its submodules
without their package, and every later search or resume of the process failed in ``AttributeError: partially
initialized module 'torch_geometric' has no attribute 'typing'``. The interrupt is now raised once the import is
done (engine/held_imports.py). Here a package of the test's own sends itself the SIGINT halfway through its import.
"""
from __future__ import annotations

import importlib
import signal
import sys
from pathlib import Path

import pytest

from nasloop.engine.registry import Registry

from .interrupting_packages import SELF_INTERRUPT, package_on_path

PACKAGE = "e15_interrupted_package"


@pytest.fixture
def package(tmp_path: Path):
    """A package whose ``__init__`` interrupts its own process, then imports a submodule, as a Ctrl-C arriving while
    torch_geometric imports its ``typing``; Python's own SIGINT handler set, as in a script or notebook."""
    root = tmp_path / PACKAGE
    root.mkdir()
    (root / "__init__.py").write_text(SELF_INTERRUPT + "from . import typing\n\nCOMPLETE = typing.VALUE\n")
    (root / "typing.py").write_text("VALUE = 7\n")
    with package_on_path(tmp_path, PACKAGE):
        yield


@pytest.mark.usefixtures("package")
def test_an_interrupt_during_a_plugins_import_comes_after_it_and_leaves_the_import_whole():
    things = Registry("e15-things", "thing", {"mine": PACKAGE})
    with pytest.raises(KeyboardInterrupt):
        things.get("mine")
    assert sys.modules[PACKAGE].COMPLETE == 7  # imported whole before the interrupt was raised
    assert importlib.import_module(f"{PACKAGE}.typing").VALUE == 7
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
