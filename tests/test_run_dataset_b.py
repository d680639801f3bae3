"""A search of a user's space that builds networks but has no benchmark records a dataset only where something
reads one: its evaluator, or a predictor or warm-up scoring its networks by proxies. Searched at random with an
evaluator that reads none, it recorded and showed CIFAR-10."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from nasloop.engine.assemble import reads_dataset
from nasloop.engine.cli import main
from nasloop.engine.registry import register_evaluator, register_search_space
from nasloop.engine.search import summarize

from .digit_space import DigitSum, NetDigits


@pytest.fixture(autouse=True)
def _plugins():
    """Registered for one test; the conftest drops them after it."""
    register_search_space("rd-netdigits")(NetDigits)
    register_evaluator("rd-sum")(DigitSum)


def search(run: Path, *extra: str) -> int:
    return main(["search", "--space", "rd-netdigits", "--evaluator", "rd-sum", "--budget", "3", "--run-dir", str(run),
                 "--quiet", *extra])


def test_a_network_space_searched_at_random_records_no_dataset(tmp_path, capsys):
    run = tmp_path / "run"
    assert search(run, "--strategy", "random") == 0
    assert summarize(run)["dataset"] is None
    capsys.readouterr()
    assert main(["show", str(run)]) == 0
    shown = capsys.readouterr().out
    assert "rd-netdigits / none" in shown and "cifar10" not in shown
    assert main(["search", "--resume", str(run), "--budget", "4", "--quiet"]) == 0
    assert summarize(run)["dataset"] is None and summarize(run)["evaluations"] == 4


def test_a_dataset_named_for_it_is_refused(tmp_path, capsys):
    assert search(tmp_path / "run", "--strategy", "random", "--dataset", "cifar100") == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "--dataset cifar100 would be read by nothing" in error


def test_a_predictor_reading_the_run_context_records_the_dataset(tmp_path):
    """The forest looks for proxies stored for the dataset (a precomputed file) and computes any it is given."""
    assert search(tmp_path / "run", "--strategy", "bananas", "--predictor", "forest") == 0
    assert summarize(tmp_path / "run")["dataset"] == "cifar10"


def test_a_warm_up_on_proxies_reads_the_dataset():
    assert reads_dataset("rd-netdigits", "rd-sum", [("bananas", {"warmup": ["params"]}, "mlp", {})])
    assert not reads_dataset("rd-netdigits", "rd-sum", [("bananas", {}, "mlp", {})])
    assert not reads_dataset("rd-netdigits", "rd-sum", [("local", {}, None, {})])


def test_a_study_gives_the_dataset_to_the_methods_that_read_it(tmp_path):
    out = tmp_path / "study"
    assert main(["compare", "--space", "rd-netdigits", "--evaluator", "rd-sum", "--methods", "random,bananas:forest",
                 "--seeds", "1", "--budget", "3", "--out", str(out), "--quiet"]) == 0
    assert json.loads((out / "study.json").read_text())["grid"]["dataset"] == "cifar10"
    datasets = {run.parent.name: summarize(run)["dataset"] for run in (out / "runs").glob("*/seed-0")}
    assert datasets == {"random": None, "bananas-forest": "cifar10"}  # and the report compares both
    assert "| bananas:forest | 1 |" in (out / "report.md").read_text()
