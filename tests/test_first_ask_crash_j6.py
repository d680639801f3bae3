"""A strategy crashing in its very first ``ask`` (nothing evaluated), or an evaluator's first result refused (a
pending trial alone), was stored failed with no word of ``--resume``, which a crash after some evaluations gets,
though a resume after the fix finishes the run: the stored reason and the command's line now say so."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.registry import register_evaluator, register_search_space, register_strategy
from nasloop.engine.store import RunStore
from nasloop.strategies.random_search import RandomSearch

from .digit_space import DigitSpace, DigitSum


class Broken:
    """Whether the strategy below crashes; the user's fix sets it False."""

    now = True


class FirstDict(DigitSum):
    """Returns the metrics dict, not the Result (while broken)."""

    def evaluate(self, arch, fidelity=None):
        result = super().evaluate(arch, fidelity)
        return result.metrics if Broken.now else result


class AsksNothing(RandomSearch):
    """Crashes in its first ask (while broken)."""

    def ask(self, n):
        if Broken.now:
            raise RuntimeError("the first ask broke")
        return super().ask(n)


@pytest.fixture(autouse=True)
def _registered():
    """This file's plugins, for one test (the conftest drops them after it)."""
    register_search_space("j6a-digits")(type("J6ADigits", (DigitSpace,), {"name": "j6a-digits"}))
    register_strategy("j6a-asks-nothing")(AsksNothing)
    register_evaluator("j6a-sum")(DigitSum)
    register_evaluator("j6a-first-dict")(FirstDict)
    Broken.now = True
    yield
    Broken.now = True


def _failed_saying_how_to_resume(run: Path, said: str, capsys) -> None:
    """The run stopped in ``said`` with how to continue once fixed, and stored failed with no evaluation done, in
    the same words; fixed, its resume finishes it."""
    again = f"once fixed, continue with 'nasloop search --resume {run}'"
    assert capsys.readouterr().err.splitlines()[-1] == f"nasloop search: error: {said}; {again}"
    with RunStore.in_run_dir(run, readonly=True) as store:
        assert store.get_meta("status") == "failed" and store.counts()["evaluations"] == store.counts()["pending"]
        assert store.get_meta("stop_reason") == f"{said}; {again}"
    Broken.now = False
    assert main(["search", "--resume", str(run), "--quiet"]) == 0, capsys.readouterr().err
    with RunStore.in_run_dir(run, readonly=True) as store:
        assert store.get_meta("status") == "finished" and store.counts()["evaluations"] == 5


def test_a_crash_in_the_first_ask_says_that_a_resume_continues_once_fixed(tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["search", "--space", "j6a-digits", "--evaluator", "j6a-sum", "--strategy", "j6a-asks-nothing",
                 "--budget", "5", "--run-dir", str(run), "--quiet"]) == 2
    line = next(n for n, text in enumerate(Path(__file__).read_text().splitlines(), 1) if "first ask broke" in text)
    _failed_saying_how_to_resume(run, f"strategy j6a-asks-nothing: ask raised RuntimeError: the first ask broke (at "
                                      f"{__file__}:{line}); fix it", capsys)


def test_a_first_result_refused_says_that_a_resume_continues_once_fixed(tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["search", "--space", "j6a-digits", "--evaluator", "j6a-first-dict", "--strategy", "random",
                 "--budget", "5", "--run-dir", str(run), "--quiet"]) == 2
    _failed_saying_how_to_resume(run, "evaluator j6a-first-dict: evaluate returned dict, not a Result; return "
                                      "Result(metrics={...}, cost=SECONDS)", capsys)
