"""``nasloop proxies --space nds-darts-in`` was told to give --dataset imagenet, which the command then refused (no
proxy is computed for an ImageNet network), and that refusal's --dataset cifar10 led back to the first: the space's
refusal now says what each use gives. Proxies now score ImageNet networks on an image folder (--image-dir), so
--dataset imagenet leads on to the folder; and the space of NDS's CIFAR-10 networks still scores."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("isolated_cache")

PARAMS = ["--sample", "1", "--proxies", "params", "--seed", "3"]


def test_the_imagenet_space_sends_proxies_to_its_cifar_space_which_scores(tmp_path, nasloop_in_process):
    refused = nasloop_in_process(["proxies", "--space", "nds-darts-in", *PARAMS], tmp_path)
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1
    assert ("give --dataset imagenet to look them up in its table, train them or score them with zero-cost proxies "
            "(both read an image folder: --evaluator-opt image_dir=DIR, nasloop proxies --image-dir DIR), or use "
            "--space nds-darts for its CIFAR-10 networks") in refused.stderr
    followed = nasloop_in_process(["proxies", "--space", "nds-darts", *PARAMS], tmp_path)
    assert followed.returncode == 0 and followed.stderr == ""
    assert " width=" in followed.stdout and "params=" in followed.stdout


def test_imagenet_given_to_proxies_without_a_folder_names_the_flag_that_gives_one(tmp_path, nasloop_in_process):
    """Giving --dataset imagenet with no image folder in reach is refused in one line naming this command's flag for
    one (its advice had been --dataset cifar10, which the refusal above meets)."""
    refused = nasloop_in_process(["proxies", "--space", "nds-darts-in", "--dataset", "imagenet", *PARAMS,
                                  "--data-dir", str(tmp_path)], tmp_path)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert refused.stderr.strip().endswith("; give --image-dir DIR a folder with train/<class>/ and val/<class>/")
