"""'nasloop proxies' names an image folder's flags as it takes them. Given with a dataset of no image folder, they
were refused as the proxy evaluator's options ('resolution=32 is an option of an image folder ...; drop it'), and
a --crop-fraction out of range as 'crop_fraction must be from 0.1 to 1': flags the command does not have."""
from __future__ import annotations

import pytest

SMALL_NB201 = ["--space", "nb201", "--space-opt", "channels=4", "--space-opt", "cells=1"]


@pytest.mark.parametrize("flags, said", [
    (["--resolution", "32"], "--resolution 32 is an option of an image folder (--dataset imagenet), and the proxies "
                             "read cifar10; drop it or use --dataset imagenet"),
    (["--crop-fraction", "0.5"], "--crop-fraction 0.5 is an option of an image folder (--dataset imagenet), and "
                                 "the proxies read cifar10; drop it or use --dataset imagenet")])
def test_a_folder_flag_beside_cifar10_is_refused_by_its_own_name(flags, said, tmp_path, data_dir,
                                                                  nasloop_in_process):
    done = nasloop_in_process(["proxies", *SMALL_NB201, "--sample", "1", "--proxies", "params", "--data-dir",
                               str(data_dir), *flags], tmp_path)
    assert done.returncode == 2 and done.stderr == f"nasloop proxies: error: {said}\n", done.stderr


def test_a_crop_fraction_out_of_range_is_refused_as_the_flag(tmp_path, data_dir, nasloop_in_process):
    done = nasloop_in_process(["proxies", *SMALL_NB201, "--sample", "1", "--proxies", "params", "--dataset",
                               "imagenet", "--image-dir", str(tmp_path), "--crop-fraction", "5"], tmp_path)
    assert done.returncode == 2, done.stderr
    assert "argument --crop-fraction: must be from 0.1 to 1, got 5" in done.stderr, done.stderr
    assert "crop_fraction" not in done.stderr
