"""A user's executor whose ``evaluate_now`` calls ``evaluator.evaluate`` itself (not nasloop's ``run_trial``) had an
evaluation's crash named a fault of the evaluator's, stopping the whole run: it now fails that trial alone, as
through ``run_trial`` (a ``wait`` that lets one through still names the executor, as test_walk_user_plugins checks:
nasloop cannot tell whose trial it was)."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.errors import ArchitectureError
from nasloop.engine.executors.inprocess import InProcessExecutor
from nasloop.engine.registry import register_evaluator, register_executor, register_search_space
from nasloop.engine.store import RunStore
from nasloop.engine.types import Result

from .digit_space import DigitSpace, DigitSum


class Fragile(DigitSum):
    """An instant evaluator (answered through evaluate_now) crashing on architectures starting with 0 and refusing
    those starting with 1, as evaluations do on a network too big for the device or one they cannot build."""

    instant = True

    def evaluate(self, arch, fidelity=None):
        if arch[0] == 0:
            raise RuntimeError("CUDA out of memory on this network")
        if arch[0] == 1:
            raise ArchitectureError("no input-output path")
        return Result(metrics={"score": float(sum(arch))}, cost=1.0)


class Direct(InProcessExecutor):
    """Evaluates at once by calling evaluate itself, as the interface alone suggests."""

    def evaluate_now(self, evaluator, arch, fidelity):
        return None if self.pending else evaluator.evaluate(arch, fidelity)


@pytest.fixture(autouse=True)
def _registered():
    """This file's plugins, for one test (the conftest drops them after it)."""
    register_search_space("j6e-digits")(type("J6EDigits", (DigitSpace,), {"name": "j6e-digits"}))
    register_evaluator("j6e-fragile")(Fragile)
    register_executor("j6e-direct")(Direct)


def _results(run: Path) -> list[tuple[str, bool, str | None]]:
    with RunStore.in_run_dir(run, readonly=True) as store:
        return [(t.arch, t.result.ok, t.result.reason) for t in store.evaluations()]


def test_an_evaluation_crash_through_a_users_evaluate_now_fails_that_trial_alone(tmp_path, capsys):
    search = ["search", "--space", "j6e-digits", "--evaluator", "j6e-fragile", "--strategy", "random", "--budget",
              "30", "--seed", "0", "--quiet"]
    assert main([*search, "--executor", "j6e-direct", "--run-dir", str(tmp_path / "direct")]) == 0, \
        capsys.readouterr().err
    assert main([*search, "--run-dir", str(tmp_path / "run-trial")]) == 0, capsys.readouterr().err
    direct = _results(tmp_path / "direct")
    assert direct == _results(tmp_path / "run-trial")  # as nasloop's own executor, through run_trial, stores them
    reasons = {reason for _, ok, reason in direct if not ok}
    line = next(n for n, text in enumerate(Path(__file__).read_text().splitlines(), 1) if "CUDA out of" in text)
    assert reasons == {f"RuntimeError: CUDA out of memory on this network (at {__file__}:{line})",
                       "evaluator j6e-fragile refused this architecture: no input-output path"}, reasons
    assert len(direct) == 30 and any(ok for _, ok, _ in direct)
