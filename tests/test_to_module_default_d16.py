"""A user's space whose ``to_module`` needs ``num_classes`` is refused before the command, in one line.

``NetworkSpace.to_module(self, arch, *, num_classes=10)`` gives the number of classes a default, and nasloop leaves
it out where it wants the space's own network: ``nasloop proxies --out`` builds its probe (the network size a later
read of the file checks) as ``to_module(arch)``. A space written ``def to_module(self, arch, num_classes)`` passed
the method check, scored its rows, and wrote ``"probe": null`` without a word: every run then refused the file
('records no probe, so the network size of its scores cannot be checked').
"""
from __future__ import annotations

from pathlib import Path

import pytest

import nasloop
from nasloop.engine.registry import register_search_space
from nasloop.search_spaces.nago.space import NAGOSpace
from nasloop.search_spaces.nb201.space import NB201Space


class ClassesNeeded(NB201Space):
    """NB201, whose ``to_module`` has no default for the number of classes."""

    def to_module(self, arch, num_classes):
        return super().to_module(arch, num_classes=num_classes)


class SeedNeeded(NAGOSpace):
    """NAGO (a generator space, whose base declares ``seed=0`` by name), whose ``to_module`` has no default for the
    draw."""

    def to_module(self, arch, num_classes=10, *, seed):
        return super().to_module(arch, num_classes=num_classes, seed=seed)


class ClassesDefault(NB201Space):
    """NB201, whose ``to_module`` is written as the README's example: the number of classes with a default."""

    def to_module(self, arch, num_classes=10):
        return super().to_module(arch, num_classes=num_classes)


@pytest.fixture
def registered():
    register_search_space("d16-classes-needed")(ClassesNeeded)  # dropped after the test (conftest)
    register_search_space("d16-seed-needed")(SeedNeeded)
    register_search_space("d16-classes-default")(ClassesDefault)


def _proxy_file(nasloop_in_process, space: str, out: Path, data_dir: Path):
    """``nasloop proxies`` writing the params of two of ``space``'s cells to ``out``."""
    return nasloop_in_process(["proxies", "--space", space, "--proxies", "params", "--sample", "2", "--out", str(out),
                               "--data-dir", str(data_dir)])


@pytest.mark.usefixtures("registered")
def test_proxies_refuse_a_to_module_without_a_default_before_writing_the_file(nasloop_in_process, tmp_path: Path,
                                                                             data_dir: Path):
    out = tmp_path / "scores.csv"
    proc = _proxy_file(nasloop_in_process, "d16-classes-needed", out, data_dir)
    assert proc.returncode == 2, proc.stderr  # before: 0, and a file with '"probe": null' no run could read
    assert proc.stderr.splitlines() == [
        "nasloop proxies: error: search space 'd16-classes-needed' (ClassesNeeded) defines to_module(self, arch, "
        "num_classes) without a default for num_classes, which nasloop also leaves out (as to_module(self, arch, *, "
        "num_classes=10) allows); give it one (num_classes=10)"]
    assert not out.exists()


@pytest.mark.usefixtures("registered")
def test_a_search_refuses_it_too_and_a_generator_space_needing_its_seed(tmp_path: Path, data_dir: Path):
    for space, needed in (("d16-classes-needed", "num_classes=10"), ("d16-seed-needed", "seed=0")):
        run = tmp_path / space
        config = nasloop.SearchConfig(space=space, evaluator="proxy", evaluator_options={"proxies": ["params"]},
                                      budget=2, data_dir=str(data_dir), run_dir=str(run))
        with pytest.raises(nasloop.NasloopError) as caught:
            nasloop.search(config)
        assert str(caught.value).endswith(f"give it one ({needed})")
        assert "\n" not in str(caught.value) and not run.exists()


@pytest.mark.usefixtures("registered")
def test_the_probe_of_a_space_with_the_documented_signature_is_written(nasloop_in_process, tmp_path: Path,
                                                                     data_dir: Path):
    out = tmp_path / "scores.csv"
    proc = _proxy_file(nasloop_in_process, "d16-classes-default", out, data_dir)
    assert proc.returncode == 0, proc.stderr
    assert '"probe": null' not in out.read_text().splitlines()[0]
