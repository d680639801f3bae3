"""A user's plugin that overrides a method and calls ``super()`` is not blamed for what nasloop's inherited code
raises: the innermost line that raised was nasloop's, so it stays nasloop's "unexpected" error with its traceback,
where the override's ``super().ask(n)`` line was named as the user's fault (reviewer V6)."""
from __future__ import annotations

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import PluginFault
from nasloop.engine.registry import register_strategy
from nasloop.engine.search import search
from nasloop.strategies.evolution import RegularizedEvolution


class EmptyTournaments(RegularizedEvolution):
    """Evolution whose override asks nasloop's own ``ask`` with tournaments of no member: nasloop's ``_winner``
    raises (``max`` of nothing) inside nasloop's file, under the user's frame."""

    def ask(self, n: int) -> list:
        self.sample_size = 0
        return super().ask(n)


class RaisingOverride(RegularizedEvolution):
    """Evolution whose own override raises once the random start is over: the user's line raised."""

    def ask(self, n: int) -> list:
        if self.asked_random >= self.population_size:
            raise ValueError("the user's own bug")
        return super().ask(n)


@pytest.fixture
def registered():
    names = {"v6-empty-tournaments": EmptyTournaments, "v6-raising-override": RaisingOverride}
    for name, cls in names.items():  # dropped after the test with what this module registered (conftest)
        register_strategy(name)(cls)


@pytest.mark.usefixtures("registered")
def test_nasloops_inherited_code_raising_under_a_users_override_stays_nasloops(tmp_path, data_dir):
    config = SearchConfig(strategy="v6-empty-tournaments", strategy_options={"population_size": 3, "sample_size": 2},
                          budget=6, data_dir=str(data_dir), run_dir=str(tmp_path / "run"))
    with pytest.raises(ValueError, match="max") as caught:
        search(config)
    assert not isinstance(caught.value, PluginFault)


@pytest.mark.usefixtures("registered")
def test_the_users_own_line_raising_in_the_override_is_still_its_fault(tmp_path, data_dir):
    config = SearchConfig(strategy="v6-raising-override", strategy_options={"population_size": 3, "sample_size": 2},
                          budget=6, data_dir=str(data_dir), run_dir=str(tmp_path / "run"))
    with pytest.raises(PluginFault, match="strategy v6-raising-override: ask raised ValueError: the user's own bug"):
        search(config)
