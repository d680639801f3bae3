"""Mistakes a user's own plugin makes (a space, a proxy), named in one line as that plugin's, with the fix."""
from __future__ import annotations

from typing import Iterator

import pytest
import torch

from nasloop.engine import cli
from nasloop.engine.errors import ArchitectureError
from nasloop.engine.evaluators.base import Evaluator
from nasloop.engine.evaluators.proxies import register_proxy
from nasloop.engine.proxy_registry import PROXIES, resolve
from nasloop.engine.proxy_scoring import score_network
from nasloop.engine.registry import register_evaluator, register_search_space
from nasloop.engine.types import Result
from nasloop.search_spaces.base import SearchSpace


class Blocks(SearchSpace):
    """Four blocks of types 0-3, written '0-1-2-3'."""

    name = "mistake-blocks"

    def parse(self, text):
        parts = text.split("-")
        if len(parts) != 4 or not all(p in "0123" and p for p in parts):
            raise ArchitectureError(f"'{text}' is not 4 block types 0-3 joined by '-'")
        return tuple(int(p) for p in parts)

    def format(self, arch):
        return "-".join(map(str, arch))

    def sample(self, rng):
        return tuple(int(b) for b in rng.integers(0, 4, 4))

    def mutate(self, arch, rng):
        return ((arch[0] + 1) % 4, *arch[1:])


class CommaFormat(Blocks):
    """Writes ',' where parse reads '-'."""

    name = "mistake-comma-format"

    def format(self, arch):
        return ",".join(map(str, arch))


class LossyParse(Blocks):
    """Reads every string as its first block repeated."""

    name = "mistake-lossy-parse"

    def parse(self, text):
        arch = super().parse(text)
        if arch != (arch[0],) * 4:
            raise ArchitectureError(f"'{text}' is not one block type repeated")
        return arch


class Sum(Evaluator):
    """The sum of the block types."""

    def evaluate(self, arch, fidelity=None):
        return Result(metrics={"val_accuracy": float(sum(arch))}, cost=0.0)


@pytest.fixture
def spaces() -> None:
    """This file's spaces and evaluator, for one test (the conftest drops them after it): registered as the file was
    imported, they joined the listings that other files' tests of the same worker check."""
    register_search_space("mistake-comma-format")(CommaFormat)
    register_search_space("mistake-lossy-parse")(LossyParse)
    register_evaluator("mistake-sum")(Sum)


@pytest.mark.usefixtures("spaces")
def test_a_space_whose_parse_cannot_read_its_format_is_named_not_the_strategy(tmp_path, capsys):
    run = ["--evaluator", "mistake-sum", "--strategy", "evolution", "--budget", "4", "--run-dir", str(tmp_path / "r")]
    assert cli.main(["search", "--space", "mistake-comma-format", *run]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "strategy" not in error
    assert "search space 'mistake-comma-format' cannot parse what its format wrote, '" in error
    assert "make parse read format's strings" in error


@pytest.mark.usefixtures("spaces")
def test_a_space_whose_own_samples_do_not_validate_is_named_not_the_strategy(tmp_path, capsys):
    run = ["--evaluator", "mistake-sum", "--strategy", "random", "--budget", "4", "--run-dir", str(tmp_path / "r")]
    assert cli.main(["search", "--space", "mistake-lossy-parse", *run]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "search space 'mistake-lossy-parse' cannot parse" in error
    assert "RandomSearch proposed" not in error


def returns_none(net, inputs, targets):
    return None


def returns_text(net, inputs, targets):
    return "12"


def returns_vector(net, inputs, targets):
    return torch.ones(3)


def returns_tensor(net, inputs, targets):
    return torch.tensor([2.5])


@pytest.fixture
def proxies() -> Iterator[None]:
    """The proxies above, for one test: the conftest leaves proxies alone, so they are dropped here after it."""
    functions = {"mistake_none": returns_none, "mistake_text": returns_text, "mistake_vector": returns_vector,
                 "mistake_tensor": returns_tensor}
    for name, function in functions.items():
        register_proxy(name)(function)
    yield
    for name in functions:
        PROXIES._items.pop(name)


@pytest.mark.usefixtures("proxies")
def test_a_proxy_returning_no_number_is_named_with_what_it_returned():
    proxies = resolve(["mistake_none", "mistake_text", "mistake_vector", "mistake_tensor"])
    out = score_network(lambda: torch.nn.Linear(4, 2), proxies, torch.zeros(2, 4), torch.zeros(2, dtype=torch.int64))
    assert out.scores == {"mistake_tensor": 2.5} and type(out.scores["mistake_tensor"]) is float
    fix = "not a number; a proxy returns one float per network"
    assert out.errors == {"mistake_none": f"mistake_none returned None, {fix} (e.g. float(scores.sum()))",
                          "mistake_text": f"mistake_text returned str '12', {fix} (e.g. float(scores.sum()))",
                          "mistake_vector": f"mistake_vector returned a Tensor of 3 values, {fix} "
                                            "(e.g. float(scores.sum()))"}
