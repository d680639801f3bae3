"""A checkpoint of another network (the same architecture trained at another size) is refused naming what differs
and what to do: it was reported as "unreadable (RuntimeError: Error(s) in loading state_dict for Sequential:)",
which sent users to delete a sound file or to look for damage."""
from __future__ import annotations

import pytest

from nasloop.engine.errors import DataError
from nasloop.engine.train_one import train_architecture

BEST_CELL = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.mark.parametrize("other,differs", [({"channels": 8, "cells": 1}, "its 0.weight is 4x3x3x3, this network's "
                                                                          "8x3x3x3"),
                                           ({"channels": 4, "cells": 2}, "20,710 stored values, this one 36,390")])
def test_a_checkpoint_of_another_size_names_the_mismatch(tmp_path, data_dir, other, differs):
    options = {"data_dir": data_dir, "device": "cpu", "run_dir": tmp_path / "run", "train_images": 200,
               "batch_size": 64, "epochs": 1}
    first = train_architecture("nb201", BEST_CELL, channels=4, cells=1, **options)
    with pytest.raises(DataError) as refused:
        train_architecture("nb201", BEST_CELL, **other, **options)
    message = str(refused.value)
    assert "\n" not in message and "unreadable" not in message and "holds another network" in message
    assert differs in message and "another size or for another architecture" in message
    again = train_architecture("nb201", BEST_CELL, channels=4, cells=1, **options)  # the same size still resumes
    assert again["start_epoch"] == 1 and again["val_accuracy"] == first["val_accuracy"]
