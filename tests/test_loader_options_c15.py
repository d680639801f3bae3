"""An option only the other dataset's loader reads is refused at any value given, its default's too, as the README
says ('refused rather than ignored'): ``--evaluator-opt resolution=64`` on CIFAR-10 started a training at 32x32
without a word, since the train evaluator refused only a value other than the default (``resolution=16``); the proxy
evaluator and ``nasloop proxies --resolution 64`` alike scored CIFAR-10 batches, the option ignored."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from nasloop.engine.assemble import build_context
from nasloop.engine.config import construct
from nasloop.engine.errors import ConfigError
from nasloop.engine.evaluators.proxy import ProxyEvaluator
from nasloop.engine.evaluators.train import TrainingEvaluator
from nasloop.search_spaces.nb201 import NB201Space

CELL = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
SMALL = ["--epochs", "1", "--space-opt", "channels=4", "--space-opt", "cells=1"]
"""A training of seconds where the option was let through, so the old code's failure shows soon."""


@pytest.mark.parametrize("option", ["resolution=64", "crop_fraction=1.0", "loader_workers=8", "resolution=16"])
def test_a_search_on_cifar10_refuses_an_image_folder_option_at_any_value(nasloop_in_process, tmp_path: Path,
                                                                         data_dir: Path, option: str):
    run = tmp_path / "run"
    out = nasloop_in_process(["search", "--space", "nb201", "--evaluator", "train", "--evaluator-opt", option,
                              "--evaluator-opt", "train_images=100", *SMALL, "--budget", "1", "--data-dir",
                              str(data_dir), "--run-dir", str(run), "--quiet"])
    assert out.returncode == 2, out.stderr
    assert out.stderr.strip() == (f"nasloop search: error: {option} is an option of --dataset imagenet's loader and "
                                  "training reads cifar10; drop it or use --dataset imagenet")
    assert not run.exists()


def test_nasloop_train_refuses_one_at_its_default_too(nasloop_in_process, data_dir: Path):
    out = nasloop_in_process(["train", "--space", "nb201", "--arch", CELL, "--train-opt", "loader_workers=8",
                              "--train-opt", "train_images=100", *SMALL, "--data-dir", str(data_dir)])
    assert out.returncode == 2 and out.stderr.count("\n") == 1, out.stderr
    assert "loader_workers=8 is an option of --dataset imagenet's loader" in out.stderr


def test_an_evaluator_records_the_options_it_was_given_and_not_its_defaults(data_dir: Path):
    context = build_context(NB201Space, "cifar10", str(data_dir))
    evaluator = construct("evaluator", "train", TrainingEvaluator, NB201Space(), wiring={"context": context},
                          epochs=1, resolution=64)
    assert evaluator.options_given == {"epochs", "resolution"}
    plain = construct("evaluator", "train", TrainingEvaluator, NB201Space(), wiring={"context": context}, epochs=1)
    assert plain.options_given == {"epochs"} and plain.resolution == evaluator.resolution == 64
    plain.check_new(1)  # the defaults alone are no option of the other loader's


@pytest.mark.parametrize("flags", [["--resolution", "64"], ["--crop-fraction", "1.0"]])
def test_nasloop_proxies_on_cifar10_refuses_an_image_folder_flag_at_its_default_too(nasloop_in_process,
                                                                                    data_dir: Path, flags: list[str]):
    out = nasloop_in_process(["proxies", "--space", "nb201", "--sample", "1", "--proxies", "params", *flags,
                              "--data-dir", str(data_dir)])
    assert out.returncode == 2 and not out.stdout, (out.stdout, out.stderr)
    assert out.stderr.strip() == (f"nasloop proxies: error: {' '.join(flags)} is an option of an image folder "
                                  "(--dataset imagenet), and the proxies read cifar10; drop it or use --dataset "
                                  "imagenet")


def test_the_proxy_evaluator_refuses_one_for_a_new_run_and_resumes_a_run_that_holds_one(data_dir: Path):
    context = build_context(NB201Space, "cifar10", str(data_dir))
    with pytest.raises(ConfigError, match=r"^resolution=64 is an option of an image folder"):
        construct("evaluator", "proxy", ProxyEvaluator, NB201Space(), wiring={"context": context}, resolution=64)
    resumed = construct("evaluator", "proxy", ProxyEvaluator, NB201Space(),
                        wiring={"context": replace(context, resumed=True)}, resolution=64)
    assert resumed.resolution == 64  # a run an older nasloop began with it goes on as it began
    construct("evaluator", "proxy", ProxyEvaluator, NB201Space(), wiring={"context": context})  # no option given
