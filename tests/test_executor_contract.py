"""A user's executor that breaks the contract of ``capacity``, ``wait`` or ``pending`` is named in one line.

Each executor below is the in-process executor with one mistake a plugin author makes. Before these checks
the search spun forever at full CPU (``wait`` answering nothing while trials were pending), failed inside
nasloop's loop with a KeyError or AttributeError after the evaluation was spent, or ended as "finished"
having evaluated nothing (capacity 0) or with a submitted trial that never came back.
"""
from __future__ import annotations

import errno
import re

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError, PluginFault
from nasloop.engine.evaluators.tabular import TabularEvaluator
from nasloop.engine.executors.base import Completed
from nasloop.engine.executors.inprocess import InProcessExecutor, run_trial
from nasloop.engine.loop import Budget, SearchLoop
from nasloop.engine.objectives import Objective
from nasloop.engine.registry import register_executor
from nasloop.engine.search import resume, search, summarize
from nasloop.engine.store import RunStore
from nasloop.engine.types import Result
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.strategies.random_search import RandomSearch


class Queued(InProcessExecutor):
    """Never answers at once, so every trial goes through submit and wait, as on a cluster."""

    def evaluate_now(self, evaluator, arch, fidelity):
        return None


class NoCapacity(Queued):
    @property
    def capacity(self):
        return 0


class DropsTheThird(Queued):
    def __init__(self):
        super().__init__()
        self.submitted = 0

    def submit(self, trial_id, evaluator, arch, fidelity):
        self.submitted += 1
        if self.submitted != 3:
            super().submit(trial_id, evaluator, arch, fidelity)


class AnswersTwice(Queued):
    def wait(self):
        done = super().wait()
        return done + done


class AnswersAnotherId(Queued):
    def wait(self):
        return [Completed(done.trial_id + 1000, done.result) for done in super().wait()]


class AnswersBareResults(Queued):
    def wait(self):
        return [done.result for done in super().wait()]


class NeverBlocks(Queued):
    def wait(self):
        return []


@pytest.mark.parametrize("executor, message", [
    (NoCapacity, "executor NoCapacity: capacity is 0; it must be how many trials may run at once"),
    (DropsTheThird, "executor DropsTheThird: pending is 0 but trial(s) 3 never came back from wait"),
    (AnswersTwice, "executor AnswersTwice: wait returned trial 1 twice; return each submitted trial once"),
    (AnswersAnotherId, "executor AnswersAnotherId: wait returned trial 1001 though no such trial is running"),
    (AnswersBareResults, "executor AnswersBareResults: wait returned a list holding Result; return a list of "
                         "Completed(trial_id, result)"),
    (NeverBlocks, "executor NeverBlocks: wait returned no trial 10,000 times in a row with 1 pending"),
])
def test_an_executor_breaking_its_contract_is_named_in_one_line(tmp_path, nb201_context, executor, message):
    space = NB201Space()
    with RunStore.in_run_dir(tmp_path, create=True) as store:
        loop = SearchLoop(space, RandomSearch(space, seed=0), TabularEvaluator(space, nb201_context), executor(),
                          store, Budget(queries=5))
        with pytest.raises(ConfigError, match=re.escape(message)):
            loop.run()


def test_the_same_executor_keeping_the_contract_runs_the_search(tmp_path, nb201_context):
    space = NB201Space()
    with RunStore.in_run_dir(tmp_path, create=True) as store:
        loop = SearchLoop(space, RandomSearch(space, seed=0), TabularEvaluator(space, nb201_context), Queued(),
                          store, Budget(queries=5))
        assert loop.run() == "budget of 5 evaluations spent"
        assert len(store.evaluations()) == 5


class CloseFails(InProcessExecutor):
    def close(self):
        raise RuntimeError("the cluster was already gone")


def test_an_executor_failing_to_close_leaves_its_finished_run_finished(tmp_path, data_dir):
    """Every evaluation was stored, then the run was recorded 'interrupted' with advice to resume it. The error is
    the executor's, named (it was the bare RuntimeError: tests/test_user_plugins_e12.py)."""
    register_executor("close-fails")(CloseFails)
    run_dir = tmp_path / "run"
    with pytest.raises(PluginFault, match="executor close-fails: close raised RuntimeError: the cluster was already "
                       "gone"):
        search(SearchConfig(executor="close-fails", budget=5, data_dir=str(data_dir), run_dir=str(run_dir)))
    summary = summarize(run_dir)
    assert (summary["status"], summary["stop_reason"], summary["evaluations"]) == (
        "finished", "budget of 5 evaluations spent", 5)


class LaterFirst(Queued):
    """Two trials at a time, the later submitted finishing first, as on a faster Ray worker."""

    @property
    def capacity(self):
        return 2

    def wait(self):
        trial_id, evaluator, arch, fidelity = self._queue.pop()
        return [Completed(trial_id, run_trial(evaluator, arch, fidelity))]


class SecondObjectiveSometimes(TabularEvaluator):
    """Declares no metric names; every second evaluation lacks test accuracy."""

    def metric_names(self, fidelity=None):
        return None

    def evaluate(self, arch, fidelity=None):
        result = super().evaluate(arch, fidelity)
        self.calls = getattr(self, "calls", 0) + 1
        if self.calls % 2 == 0:
            return Result(metrics={k: v for k, v in result.metrics.items() if k != "test_accuracy"}, cost=result.cost)
        return result


def test_a_run_whose_first_trial_lacks_an_objective_resumes_when_a_later_one_had_it(tmp_path, nb201_context):
    """The run finished (a trial lacking the objective after one that had it is taken), but trials are replayed
    by id on resume, and trial 1, finished second, was judged as the evaluator's first result: no resume."""
    space = NB201Space()
    objectives = [Objective("val_accuracy", False), Objective("test_accuracy", False)]
    with RunStore.in_run_dir(tmp_path, create=True) as store:
        first = SearchLoop(space, RandomSearch(space, seed=0), SecondObjectiveSometimes(space, nb201_context),
                           LaterFirst(), store, Budget(queries=6), objectives=objectives)
        assert first.run() == "budget of 6 evaluations spent"
        assert "test_accuracy" not in store.trials("id = 1")[0].result.metrics
        again = SearchLoop(space, RandomSearch(space, seed=0), SecondObjectiveSometimes(space, nb201_context),
                           LaterFirst(), store, Budget(queries=8), objectives=objectives)
        assert again.run() == "budget of 8 evaluations spent"


class CountsCloses(InProcessExecutor):
    built = closed = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        type(self).built += 1

    def close(self):
        type(self).closed += 1


def test_the_executor_is_closed_when_storing_how_the_run_ended_fails(tmp_path, data_dir, monkeypatch):
    """A full disk at the last status write left the executor open (Ray's workers running on)."""
    register_executor("counts-closes")(CountsCloses)
    CountsCloses.closed = 0
    write = RunStore.set_meta

    def full_disk_at_the_end(store, key, value):
        if (key, value) == ("status", "finished"):
            raise OSError(errno.ENOSPC, "No space left on device")
        write(store, key, value)

    monkeypatch.setattr(RunStore, "set_meta", full_disk_at_the_end)
    with pytest.raises(OSError, match="No space left"):
        search(SearchConfig(executor="counts-closes", budget=5, data_dir=str(data_dir), run_dir=str(tmp_path / "r")))
    assert CountsCloses.closed == 1


def test_the_executor_of_a_refused_run_is_closed(tmp_path, data_dir):
    """A check refusing a new run after the plugins were built left the executor open: with Ray, a local cluster
    outliving the refusal in a notebook. A resume builds the run's executor only once its checks pass."""
    register_executor("counts-closes")(CountsCloses)
    CountsCloses.built = CountsCloses.closed = 0
    with pytest.raises(ConfigError, match="exceeds the 15625 architectures"):
        search(SearchConfig(executor="counts-closes", budget=20_000, data_dir=str(data_dir),
                            run_dir=str(tmp_path / "new")))
    assert CountsCloses.closed == 1 and not (tmp_path / "new").exists()
    run = search(SearchConfig(executor="counts-closes", budget=3, data_dir=str(data_dir),
                              run_dir=str(tmp_path / "run")))["run_dir"]
    assert CountsCloses.closed == 2
    with pytest.raises(ConfigError, match="exceeds the 15625 architectures"):
        resume(run, budget=20_000)
    assert CountsCloses.built == CountsCloses.closed == 2
