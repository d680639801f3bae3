"""A strategy's diagnostics that are numbers in another type (a 0-d torch tensor, a 0-d numpy array, a numpy
scalar) are plotted: refused as 'not numbers' since values were checked against numbers.Real, where TensorBoard
took them. Text and truth values stay refused (float() would read '1.5' and True)."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from nasloop.engine.cli import main
from nasloop.engine.errors import PluginFault
from nasloop.engine.registry import register_strategy
from nasloop.engine.tensorboard_log import diagnostic_numbers
from nasloop.strategies.random_search import RandomSearch

from .digit_space import DigitSpace


class Tensors(RandomSearch):
    """Random search whose diagnostics are a torch scalar tensor, a 0-d array and a numpy float."""

    told = 0

    def tell(self, observations):
        self.told += len(observations)

    def diagnostics(self):
        return {"told": torch.tensor(float(self.told)), "arr": np.array(1.5), "f32": np.float32(2.5)}


@pytest.fixture(autouse=True)
def _strategy():
    """The strategy above, registered for each test alone (conftest drops it after it)."""
    register_strategy("n3-tensors")(Tensors)


def test_a_torch_scalar_diagnostic_is_plotted(tmp_path, data_dir, capsys):
    assert main(["search", "--space", "nb201", "--strategy", "n3-tensors", "--budget", "5", "--data-dir",
                 str(data_dir), "--tensorboard", str(tmp_path / "tb"), "--run-dir", str(tmp_path / "run"),
                 "--quiet"]) == 0, capsys.readouterr().err
    events = EventAccumulator(str(tmp_path / "tb"))
    events.Reload()
    assert [e.value for e in events.Scalars("told")] == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert {e.value for e in events.Scalars("arr")} == {1.5} and {e.value for e in events.Scalars("f32")} == {2.5}


@pytest.mark.parametrize("value", ["1.5", b"1", True, np.bool_(True), torch.zeros(2), None])
def test_text_truth_values_and_what_is_no_number_stay_refused(value):
    with pytest.raises(PluginFault, match="its values must be numbers"):
        diagnostic_numbers(Tensors(DigitSpace()), {"v": value})
