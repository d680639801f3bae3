"""A user's search space whose ``to_module`` takes nasloop's call by keyword is built, not refused.

nasloop builds a network as ``space.to_module(arch, num_classes=...)`` (and ``seed=`` for a generator space), by
name. f7a4c60's check bound every argument positionally, so a space forwarding them (``def to_module(self, arch,
**options)``) or taking them keyword-only was refused before the run ("defines to_module(self, arch,
num_classes=10), which nasloop calls as to_module(self, arch, num_classes=10)"), though nasloop's call worked; one
whose parameter has another name passed the check and failed at every network built.
"""
from __future__ import annotations

from pathlib import Path

import pytest

import nasloop
from nasloop.engine.registry import register_search_space
from nasloop.search_spaces.nb201.space import NB201Space


class Forwarding(NB201Space):
    """NB201, whose ``to_module`` forwards what nasloop passes."""

    def to_module(self, arch, **options):
        return super().to_module(arch, **options)


class KeywordOnly(NB201Space):
    """NB201, whose ``to_module`` takes the number of classes by name only."""

    def to_module(self, arch, *, num_classes=10):
        return super().to_module(arch, num_classes=num_classes)


class Renamed(NB201Space):
    """NB201, whose ``to_module`` calls the number of classes something nasloop does not pass."""

    def to_module(self, arch, classes=10):
        return super().to_module(arch, num_classes=classes)


@pytest.fixture
def registered():
    for name, space in {"x15-forwarding": Forwarding, "x15-keyword-only": KeywordOnly, "x15-renamed": Renamed}.items():
        register_search_space(name)(space)  # dropped after the test (conftest)


@pytest.mark.usefixtures("registered")
@pytest.mark.parametrize("space", ["x15-forwarding", "x15-keyword-only"])
def test_a_to_module_taking_nasloops_keywords_scores_networks(tmp_path: Path, data_dir: Path, space: str):
    config = nasloop.SearchConfig(space=space, evaluator="proxy", evaluator_options={"proxies": ["params"]},
                                  budget=2, data_dir=str(data_dir), run_dir=str(tmp_path / "run"))
    result = nasloop.search(config)
    assert (result["status"], result["evaluations"]) == ("finished", 2)


@pytest.mark.usefixtures("registered")
def test_a_to_module_naming_its_parameter_otherwise_is_refused_before_the_run(tmp_path: Path, data_dir: Path):
    run = tmp_path / "run"
    config = nasloop.SearchConfig(space="x15-renamed", budget=2, data_dir=str(data_dir), run_dir=str(run))
    with pytest.raises(nasloop.NasloopError) as caught:
        nasloop.search(config)
    assert str(caught.value) == ("search space 'x15-renamed' (Renamed) defines to_module(self, arch, classes=10), "
                                 "which nasloop calls as to_module(self, arch, *, num_classes=10); give it those "
                                 "parameters")
    assert not run.exists()
