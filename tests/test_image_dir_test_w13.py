"""``nasloop test RUN`` reads a relative ``image_dir`` from the folder the run was started in, as its search's resume
does (and as it reads a relative ``--data-dir``): run from another folder, it read the image folder of that name
there and was refused ('checkpoint ... was trained on other data'), or measured another folder's images."""
from __future__ import annotations

import json

import pytest

from .image_folder_f8 import write_folder

pytestmark = pytest.mark.usefixtures("isolated_cache")

SEARCH = ["search", "--space", "nb201", "--space-opt", "channels=2", "--space-opt", "cells=1", "--dataset",
          "imagenet", "--strategy", "random", "--evaluator", "train", "--device", "cpu", "--epochs", "1",
          "--evaluator-opt", "resolution=8", "--evaluator-opt", "val_fraction=0.5", "--evaluator-opt", "batch_size=4",
          "--evaluator-opt", "test=false", "--evaluator-opt", "image_dir=imgs", "--budget", "1", "--run-dir", "run",
          "--quiet"]


def test_nasloop_test_from_another_folder_reads_the_image_folder_the_run_began_with(nasloop_in_process, data_dir,
                                                                                    tmp_path):
    began, elsewhere = tmp_path / "began", tmp_path / "elsewhere"
    write_folder(began / "imgs", data_dir, per_class=2, classes=2)
    write_folder(elsewhere / "imgs", data_dir, per_class=2, classes=3)  # another folder of the same name
    searched = nasloop_in_process([*SEARCH, "--data-dir", str(data_dir)], began)
    assert searched.returncode == 0, searched.stderr
    tested = nasloop_in_process(["test", str(began / "run"), "--json"], elsewhere)
    assert tested.returncode == 0, tested.stderr
    [record] = json.loads(tested.stdout)
    assert record["from_checkpoint"] is True  # the network the search trained, on the data it trained on
