"""What a Python caller of ``search()`` and ``resume()`` catches when a user's plugin raises: ``nasloop.PluginFault``
(a ConfigError naming the plugin), with the plugin's own exception as its ``__cause__``, as README's Python API
says. Before plugins were named the caller got the plugin's ValueError itself; the fault is exported at the root so
that the caller can catch it where the README points, and reach its ValueError there."""
from __future__ import annotations

import pytest

import nasloop
from nasloop.engine.errors import ConfigError
from nasloop.engine.registry import register_strategy
from nasloop.strategies.evolution import RegularizedEvolution


class OddOnly(ValueError):
    """The user's own error category."""


class FailingAsk(RegularizedEvolution):
    """Evolution whose own ``ask`` raises once its random start is over, after evaluations are stored."""

    def ask(self, n: int) -> list:
        if self.asked_random >= self.population_size:
            raise OddOnly("the user's own bug")
        return super().ask(n)


class RefusingInit(RegularizedEvolution):
    """Evolution whose constructor refuses an option in Python's words."""

    def __init__(self, space, seed: int = 0, k: int = 4, **options) -> None:
        if k % 2 == 0:
            raise ValueError("k must be odd")
        super().__init__(space, seed, **options)


@pytest.fixture
def registered():
    register_strategy("b13-failing-ask")(FailingAsk)  # dropped after the test (conftest)
    register_strategy("b13-refusing-init")(RefusingInit)


@pytest.mark.usefixtures("registered")
def test_a_plugin_raising_mid_run_is_a_plugin_fault_whose_cause_is_the_plugins_error(tmp_path, data_dir):
    run = tmp_path / "run"
    config = nasloop.SearchConfig(strategy="b13-failing-ask", budget=6, data_dir=str(data_dir), run_dir=str(run),
                                  strategy_options={"population_size": 3, "sample_size": 2})
    with pytest.raises(nasloop.PluginFault) as caught:
        nasloop.search(config)
    assert isinstance(caught.value, ConfigError) and isinstance(caught.value, nasloop.NasloopError)
    assert isinstance(caught.value.__cause__, OddOnly) and str(caught.value.__cause__) == "the user's own bug"
    assert "strategy b13-failing-ask: ask raised OddOnly: the user's own bug" in str(caught.value)
    with pytest.raises(nasloop.PluginFault) as again:  # the run stands interrupted; the resume meets the same bug
        nasloop.resume(run)
    assert isinstance(again.value.__cause__, OddOnly)


@pytest.mark.usefixtures("registered")
def test_a_plugins_constructor_refusing_is_a_plugin_fault_whose_cause_is_its_value_error(tmp_path, data_dir):
    config = nasloop.SearchConfig(strategy="b13-refusing-init", budget=4, data_dir=str(data_dir),
                                  run_dir=str(tmp_path / "run"), strategy_options={"k": 4})
    with pytest.raises(nasloop.PluginFault, match="__init__ raised ValueError: k must be odd") as caught:
        nasloop.search(config)
    assert type(caught.value.__cause__) is ValueError and str(caught.value.__cause__) == "k must be odd"
