"""``precompute()`` called from Python with a space instance refuses a ``to_module`` without a default, as the command.

``nasloop proxies --out`` constructs its space through the registry, whose check refuses a ``to_module`` needing
``num_classes`` (or a generator space's ``seed``) before the command starts (tests/test_to_module_default_d16.py).
A space instance handed to :func:`precompute` from Python was never constructed there: the file was written with
``"probe": null``, and every later run refused it ('records no probe').
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nasloop.engine.assemble import build_context
from nasloop.engine.config import construct
from nasloop.engine.errors import ConfigError
from nasloop.engine.proxy_precompute import precompute
from nasloop.engine.registry import EXECUTORS
from nasloop.search_spaces.nago.space import NAGOSpace
from nasloop.search_spaces.nb201.space import NB201Space


class ClassesNeeded(NB201Space):
    """NB201, whose ``to_module`` has no default for the number of classes."""

    def to_module(self, arch, num_classes):
        return super().to_module(arch, num_classes=num_classes)


class SeedNeeded(NAGOSpace):
    """NAGO (a generator space), whose ``to_module`` has no default for the draw."""

    def to_module(self, arch, num_classes=10, *, seed):
        return super().to_module(arch, num_classes=num_classes, seed=seed)


class ClassesDefault(NB201Space):
    """NB201 with the documented signature: the number of classes with a default."""

    def to_module(self, arch, num_classes=10):
        return super().to_module(arch, num_classes=num_classes)


def _precompute(space, out: Path, data_dir: Path) -> dict:
    """The params of one of ``space``'s architectures, written to ``out``."""
    arch = space.parse(space.format(space.sample(np.random.default_rng(0))))
    with construct("executor", "inprocess", EXECUTORS.get("inprocess")) as executor:
        return precompute(space, [arch], ["params"], out, build_context(type(space), "cifar10", str(data_dir)),
                          executor, batch_size=2)


@pytest.mark.parametrize("space, refusal", [
    (ClassesNeeded(), "defines to_module(self, arch, num_classes) without a default for num_classes, which nasloop "
                      "also leaves out (as to_module(self, arch, *, num_classes=10) allows); give it one "
                      "(num_classes=10)"),
    (SeedNeeded(), "defines to_module(self, arch, num_classes=10, *, seed) without a default for seed, which nasloop "
                   "also leaves out (as to_module(self, arch, *, num_classes=10, seed=0) allows); give it one "
                   "(seed=0)")])
def test_precompute_refuses_a_space_instance_whose_to_module_needs_a_default(space, refusal: str, tmp_path: Path,
                                                                           data_dir: Path):
    out = tmp_path / "scores.csv"
    with pytest.raises(ConfigError) as caught:  # before: the file written, its probe null
        _precompute(space, out, data_dir)
    assert str(caught.value) == f"search space '{space.name}' ({type(space).__name__}) {refusal}"
    assert not out.exists()


def test_precompute_writes_the_probe_of_a_space_instance_with_the_documented_signature(tmp_path: Path,
                                                                                     data_dir: Path):
    out = tmp_path / "scores.csv"
    assert _precompute(ClassesDefault(), out, data_dir)["scored"] == 1
    assert '"probe": null' not in out.read_text().splitlines()[0]
