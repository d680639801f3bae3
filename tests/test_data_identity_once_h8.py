"""The train evaluator names its image folder once per process (TrainingEvaluator.data_identity), not once per trial:
every trial's checkpoint records it, and naming the folder lists its classes and stats each, twice (ImageNet's
1,000 class folders, per trial). A folder changed between a run's stop and its resume is still refused as other
data: the resume builds a new evaluator, which names the folder again."""
from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

import nasloop.engine.data.imagenet as imagenet
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import DataError
from nasloop.engine.search import resume, search

from .messages import one_line
from .test_training_walk_g import write_image_folder


def _config(images: Path, run: Path, budget: int) -> SearchConfig:
    return SearchConfig(space="nb201", dataset="imagenet", evaluator="train", strategy="random", budget=budget,
                        fidelity=1, run_dir=str(run), space_options={"channels": 2, "cells": 1},
                        evaluator_options={"image_dir": str(images), "resolution": 8, "val_fraction": 0.5,
                                           "batch_size": 4, "device": "cpu"})


def test_an_image_folder_is_named_once_a_process_and_a_changed_one_is_refused_on_resume(tmp_path, monkeypatch):
    images = tmp_path / "images"
    write_image_folder(images)
    listed = []
    real = imagenet.list_classes
    monkeypatch.setattr(imagenet, "list_classes", lambda root: listed.append(root) or real(root))
    counts = {}
    for budget in (1, 4):
        listed.clear()
        assert search(_config(images, tmp_path / f"run{budget}", budget))["evaluations"] == budget
        counts[budget] = len(listed)
    assert counts[1] == counts[4], counts  # three trials more list the folder no more often
    with Image.open(images / "train" / "cat" / "0.png") as image:
        image.save(images / "train" / "cat" / "new.png")  # one training image more since the run stopped
    with pytest.raises(DataError) as exc:
        resume(tmp_path / "run4", budget=5)
    one_line(str(exc.value), "was evaluated on the image folder of 2 classes and 8 training images",
             "would now be on the image folder of 2 classes and 9 training images")
