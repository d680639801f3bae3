"""A relative ``image_dir`` is read from the folder the run was started in, as ``data_dir`` and FLAN's ``pretrained``
are (the run records that folder, ``workdir``): ``nasloop search --resume RUN`` from another folder read the image
folder of that name there ('image folder 'imgs' does not exist', or another folder's images, refused as other data)
and stopped, for the train evaluator and the proxy evaluator alike."""
from __future__ import annotations

import json

import pytest

from .image_folder_f8 import write_folder

pytestmark = pytest.mark.usefixtures("isolated_cache")

SMALL = ["--space", "nb201", "--space-opt", "channels=2", "--space-opt", "cells=1", "--dataset", "imagenet",
         "--strategy", "random", "--quiet", "--json"]
EVALUATORS = {"train": ["--evaluator", "train", "--device", "cpu", "--epochs", "1", "--evaluator-opt", "resolution=8",
                        "--evaluator-opt", "val_fraction=0.5", "--evaluator-opt", "batch_size=4"],
              "proxy": ["--evaluator", "proxy", "--proxies", "nwot", "--evaluator-opt", "resolution=8",
                        "--evaluator-opt", "batch_size=4"]}


@pytest.mark.parametrize("evaluator", EVALUATORS)
def test_a_run_resumed_from_another_folder_reads_the_image_folder_it_began_with(evaluator, nasloop_in_process,
                                                                               data_dir, tmp_path):
    began, elsewhere = tmp_path / "began", tmp_path / "elsewhere"
    write_folder(began / "imgs", data_dir, per_class=2, classes=2)
    write_folder(elsewhere / "imgs", data_dir, per_class=2, classes=3)  # another folder of the same name
    first = nasloop_in_process(["search", *SMALL, *EVALUATORS[evaluator], "--evaluator-opt", "image_dir=imgs",
                                "--budget", "1", "--run-dir", "run", "--data-dir", str(data_dir)], began)
    assert first.returncode == 0, first.stderr
    resumed = nasloop_in_process(["search", "--resume", str(began / "run"), "--budget", "2", "--quiet", "--json"],
                                 elsewhere)
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout)
    assert summary["evaluations"] == 2 and summary["failed"] == 0, summary
    assert summary["options"]["evaluator"]["image_dir"] == "imgs"  # recorded as given
