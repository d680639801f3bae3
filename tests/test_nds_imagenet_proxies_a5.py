"""``nasloop proxies --space nds-darts-in`` was told to give --dataset imagenet, which the command then refused (no
proxy is computed for an ImageNet network), and that refusal's --dataset cifar10 led back to the first: the space's
refusal now says what each use gives, and for proxies names the space of NDS's CIFAR-10 networks, which scores."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("isolated_cache")

PARAMS = ["--sample", "1", "--proxies", "params", "--seed", "3"]


def test_the_imagenet_space_sends_proxies_to_its_cifar_space_which_scores(tmp_path, nasloop_in_process):
    refused = nasloop_in_process(["proxies", "--space", "nds-darts-in", *PARAMS], tmp_path)
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1
    assert ("give --dataset imagenet to look them up in its table or train them (training reads an image_dir option); "
            "zero-cost proxies score no ImageNet network, so for them (nasloop proxies, --evaluator proxy) use --space "
            "nds-darts, its CIFAR-10 networks") in refused.stderr
    followed = nasloop_in_process(["proxies", "--space", "nds-darts", *PARAMS], tmp_path)
    assert followed.returncode == 0 and followed.stderr == ""
    assert " width=" in followed.stdout and "params=" in followed.stdout


def test_imagenet_given_to_proxies_is_refused_without_a_way_back_to_it(tmp_path, nasloop_in_process):
    """Giving --dataset imagenet anyway is refused in one line; its advice (--dataset cifar10) meets the refusal
    above, which names nds-darts for proxies instead of --dataset imagenet again."""
    refused = nasloop_in_process(["proxies", "--space", "nds-darts-in", "--dataset", "imagenet", *PARAMS], tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.strip() == ("nasloop proxies: error: zero-cost proxies need a fixed class count, and "
                                      "'imagenet' takes it from an image folder, so nasloop computes none for its "
                                      "networks; score a space of CIFAR-10 networks with --dataset cifar10")
