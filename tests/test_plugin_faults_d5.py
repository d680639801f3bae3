"""A user's executor handing on a result that breaks the contract, a user's space whose ``enumerate`` fails when a
strategy reads it mid-run, and a blend's user member that crashes are each named as the user's own code: the
executor's bad result was blamed on nasloop's evaluator ('evaluator tabular: evaluate returned dict') and the run
stored failed; the enumerate's crash stopped the run as an unexpected error and its garbage was blamed on nasloop's
predictor, stored failed; the member's crash was named as the blend's. The first two now leave the run to resume
once the plugin is fixed, as any PluginFault does."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from nasloop.engine.cli import main
from nasloop.engine.executors.base import Completed
from nasloop.engine.executors.inprocess import InProcessExecutor
from nasloop.engine.registry import register_evaluator, register_executor, register_predictor, register_search_space
from nasloop.engine.store import RunStore
from nasloop.predictors.base import Predictor
from nasloop.search_spaces.base import EnumerableSpace

from .digit_space import DigitSpace, DigitSum

OUTSIDE = (9, 9, 9, 9, 9)


class Broken:
    """Whether the plugins below misbehave; the user's fix sets it False."""

    now = True


class Queued(InProcessExecutor):
    """Runs every trial through submit and wait, as on a cluster, counting its waits."""

    waits = 0

    def evaluate_now(self, evaluator, arch, fidelity):
        return None


class HandsOnMetrics(Queued):
    """Hands on its 6th result's metrics dict instead of the Result (while broken)."""

    def wait(self):
        self.waits += 1
        done = super().wait()
        return [Completed(d.trial_id, d.result.metrics) for d in done] if Broken.now and self.waits == 6 else done


class AnswersAnotherTrial(Queued):
    """Answers its 6th wait under a trial id it was never given (while broken)."""

    def wait(self):
        self.waits += 1
        done = super().wait()
        return [Completed(d.trial_id + 1000, d.result) for d in done] if Broken.now and self.waits == 6 else done


class EagerMetrics(InProcessExecutor):
    """Answers at once, its 6th answer the metrics dict of the Result (while broken)."""

    answers = 0

    def evaluate_now(self, evaluator, arch, fidelity):
        self.answers += 1
        result = super().evaluate_now(evaluator, arch, fidelity)
        return result.metrics if Broken.now and self.answers == 6 else result


class Listed(DigitSpace, EnumerableSpace):
    """The digit space, listed whole; while broken its enumerate raises, or yields one architecture outside it."""

    name, how = "d5-listed", "raise"

    @property
    def size(self):
        return 4 ** 5

    def enumerate(self):
        if Broken.now and Listed.how == "raise":
            raise RuntimeError("the listing broke")
        for arch in itertools.product(range(4), repeat=5):
            yield OUTSIDE if Broken.now and arch == (3, 3, 3, 3, 3) else arch


class Crashing(Predictor):
    """A user's predictor whose predict crashes (while broken)."""

    def _fit(self, archs, y):
        self.seen = len(archs)

    def predict(self, archs):
        if Broken.now:
            raise RuntimeError("the member broke")
        return np.arange(len(archs), dtype=float), np.ones(len(archs))


@pytest.fixture(autouse=True)
def _registered():
    """This file's plugins, for one test (the conftest drops them after it), broken until the test fixes them."""
    for name, executor in (("d5-hands-on", HandsOnMetrics), ("d5-another-trial", AnswersAnotherTrial),
                           ("d5-eager", EagerMetrics)):
        register_executor(name)(executor)
    register_search_space(Listed.name)(Listed)
    register_evaluator("d5-sum")(DigitSum)
    register_predictor("d5-crashing")(Crashing)
    Broken.now, Listed.how = True, "raise"
    yield
    Broken.now = True


def _stands_and_resumes(run, said: str, budget: int, capsys) -> None:
    """The run is interrupted with ``said`` and how to continue, holds evaluations, and finishes once fixed."""
    again = f"once fixed, continue with 'nasloop search --resume {run}'"
    error = capsys.readouterr().err.splitlines()[-1]
    assert error.startswith(f"nasloop search: error: {said}") and error.endswith(f"; {again}"), error
    with RunStore.in_run_dir(run, readonly=True) as store:
        assert store.get_meta("status") == "interrupted" and store.get_meta("stop_reason").endswith(again)
        assert 0 < store.counts()["evaluations"] < budget
    Broken.now = False
    assert main(["search", "--resume", str(run), "--quiet"]) == 0, capsys.readouterr().err
    with RunStore.in_run_dir(run, readonly=True) as store:
        assert store.get_meta("status") == "finished" and store.counts()["evaluations"] == budget


@pytest.mark.parametrize("executor, said", [
    ("d5-hands-on", "executor d5-hands-on: wait returned dict, not a Result; return Result("),
    ("d5-another-trial", "executor d5-another-trial: wait returned trial 1006 though no such trial is running"),
    ("d5-eager", "executor d5-eager: evaluate_now returned dict; return the Result of ")])
def test_a_users_executor_breaking_the_contract_mid_run_is_its_fault_and_the_run_resumes(executor, said, tmp_path,
                                                                                         data_dir, capsys):
    run = tmp_path / "run"
    assert main(["search", "--space", "nb201", "--executor", executor, "--strategy", "random", "--budget", "10",
                 "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]) == 2
    _stands_and_resumes(run, said, 10, capsys)


@pytest.mark.parametrize("how, said", [
    ("raise", "search space 'd5-listed': enumerate raised RuntimeError: the listing broke (at "),
    ("garbage", "search space 'd5-listed': enumerate returned (9, 9, 9, 9, 9), which parse refuses as '9-9-9-9-9'")])
def test_a_users_enumerate_failing_mid_run_is_the_spaces_fault_and_the_run_resumes(how, said, tmp_path, capsys):
    """A new run's trial of the moves reads only the first few, and takes no failure from the run: the strategy met
    them after its random start."""
    Listed.how = how
    run = tmp_path / "run"
    assert main(["search", "--space", Listed.name, "--evaluator", "d5-sum", "--strategy", "predictor-topk",
                 "--predictor", "random", "--budget", "12", "--run-dir", str(run), "--quiet"]) == 2
    _stands_and_resumes(run, said, 12, capsys)


def test_a_blends_user_member_crashing_is_named_as_the_member(tmp_path, data_dir, capsys):
    assert main(["search", "--space", "nb201", "--strategy", "predictor-topk", "--predictor", "blend",
                 "--predictor-opt", "members=[random, d5-crashing]", "--budget", "12", "--data-dir", str(data_dir),
                 "--run-dir", str(tmp_path / "run"), "--quiet"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("nasloop search: error: predictor 'd5-crashing' (a member of 'blend') fails when tried, "
                            "before the run, on 8 sampled architectures with made-up scores: RuntimeError: the member "
                            "broke (at ") and error.count("\n") == 1


def test_a_bad_result_from_a_users_evaluator_through_a_users_executor_names_both(tmp_path, capsys):
    """Either may have given it: the executor handing on the evaluator's Result's metrics, or the evaluator."""
    run = tmp_path / "run"
    assert main(["search", "--space", Listed.name, "--evaluator", "d5-sum", "--executor", "d5-hands-on", "--strategy",
                 "random", "--budget", "10", "--run-dir", str(run), "--quiet"]) == 2
    _stands_and_resumes(run, "evaluator d5-sum's evaluate, or executor d5-hands-on's wait, which handed its result on, "
                        "returned dict, not a Result", 10, capsys)
