"""A user's own plugins of every kind, written with the mistakes a careless user makes: each is named before the
first evaluation where it can be, in one line with the fix, and nothing is evaluated for nothing."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine import cli
from nasloop.engine.evaluators.base import Evaluator
from nasloop.engine.executors.base import Completed, Executor
from nasloop.engine.executors.inprocess import run_trial
from nasloop.engine.registry import (register_evaluator, register_executor, register_predictor,
                                     register_search_space, register_strategy)
from nasloop.engine.store import RunStore
from nasloop.predictors.base import Predictor
from nasloop.strategies.base import Strategy
from nasloop.engine.types import Result
from nasloop.search_spaces.base import GraphEncoding, SearchSpace

from .digit_space import DigitSpace

EVALUATED: list[object] = []
PLUGINS: list[tuple] = []


def plugin(register, name: str):
    """Keeps a class to register for each test (:func:`_registered`): registered as the module is imported, a
    strategy or predictor joined the lists that other files' tests check ('strategies that work on it: ...')."""
    def keep(cls):
        PLUGINS.append((register, name, cls))
        return cls
    return keep


def register_all() -> None:
    for register, name, cls in PLUGINS:
        register(name)(cls)


@pytest.fixture(autouse=True)
def _registered():
    """This file's plugins, for one test: the conftest's fixture drops them after it."""
    register_all()


@plugin(register_search_space, "walk-digits")
class Digits(DigitSpace):
    name = "walk-digits"


@plugin(register_evaluator, "walk-accuracy-only")
class AccuracyOnly(Evaluator):
    """Reports 'accuracy' and says so in metric_names, but leaves the class's objective at 'val_accuracy'."""

    def metric_names(self, fidelity=None):
        return ["accuracy"]

    def evaluate(self, arch, fidelity=None):
        EVALUATED.append(arch)  # stands for an hour of training
        return Result(metrics={"accuracy": float(sum(arch))}, cost=1.0)


def test_an_evaluators_default_objective_its_metric_names_lack_is_refused_before_any_evaluation(tmp_path, capsys):
    run_dir = tmp_path / "run"
    EVALUATED.clear()
    assert cli.main(["search", "--space", "walk-digits", "--evaluator", "walk-accuracy-only", "--budget", "3",
                     "--run-dir", str(run_dir)]) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error
    assert "walk-accuracy-only evaluator's default objective 'val_accuracy'" in error
    assert "metric_names lists (accuracy)" in error and "--objective" in error
    assert EVALUATED == [] and not run_dir.exists()
    assert cli.main(["search", "--space", "walk-digits", "--evaluator", "walk-accuracy-only", "--budget", "3",
                     "--objective", "accuracy", "--run-dir", str(run_dir), "--quiet"]) == 0
    assert len(EVALUATED) == 3


@plugin(register_evaluator, "walk-fails-on-zero")
class FailsOnZero(Evaluator):
    """Crashes on architectures starting with 0 (out of memory, say), as evaluations do."""

    def evaluate(self, arch, fidelity=None):
        if arch[0] == 0:
            raise RuntimeError("CUDA out of memory on this network")
        return Result(metrics={"val_accuracy": float(sum(arch))}, cost=1.0)


@plugin(register_executor, "walk-queue")
class Queue(Executor):
    """A user's executor that runs each trial by calling evaluate itself, as the interface alone suggests."""

    def __init__(self):
        self.queue = []

    @property
    def capacity(self):
        return 1

    @property
    def pending(self):
        return len(self.queue)

    def submit(self, trial_id, evaluator, arch, fidelity):
        self.queue.append((trial_id, evaluator, arch, fidelity))

    def wait(self):
        trial_id, evaluator, arch, fidelity = self.queue.pop(0)
        return [Completed(trial_id, evaluator.evaluate(arch, fidelity))]


@plugin(register_executor, "walk-queue-run-trial")
class QueueRunTrial(Queue):
    def wait(self):
        trial_id, evaluator, arch, fidelity = self.queue.pop(0)
        return [Completed(trial_id, run_trial(evaluator, arch, fidelity))]


def test_an_evaluation_crash_a_users_executor_lets_through_names_the_executor_and_run_trial(tmp_path, capsys):
    run = ["search", "--space", "walk-digits", "--evaluator", "walk-fails-on-zero", "--strategy", "random",
           "--budget", "12", "--seed", "0"]
    assert cli.main([*run, "--executor", "walk-queue", "--run-dir", str(tmp_path / "a")]) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "unexpected" not in error
    assert error.startswith("nasloop search: error: executor walk-queue: wait raised what an evaluation raised, "
                            "RuntimeError: CUDA out of memory on this network")
    assert "run_trial(evaluator, arch, fidelity)" in error
    # the fix the message names: the crash is a failed trial and the search goes on
    assert cli.main([*run, "--executor", "walk-queue-run-trial", "--run-dir", str(tmp_path / "b"), "--quiet"]) == 0
    with RunStore.in_run_dir(tmp_path / "b") as store:
        trials = store.evaluations()
    assert len(trials) == 12 and any(not t.result.ok for t in trials) and any(t.result.ok for t in trials)


@plugin(register_evaluator, "walk-counted")
class Counted(Evaluator):
    def evaluate(self, arch, fidelity=None):
        EVALUATED.append(arch)
        return Result(metrics={"val_accuracy": float(sum(arch))}, cost=1.0)


@plugin(register_predictor, "walk-singular")
class Singular(Predictor):
    """A least-squares fit on the one-hot encoding that forgets the encoding has more columns than rows."""

    def _fit(self, archs, y):
        x = np.array([self.space.encode(a, "onehot") for a in archs])
        self.w = np.linalg.solve(x.T @ x, x.T @ y)  # singular with fewer architectures than columns

    def predict(self, archs):
        x = np.array([self.space.encode(a, "onehot") for a in archs])
        return x @ self.w, np.ones(len(archs))


@plugin(register_predictor, "walk-lstsq")
class LeastSquares(Singular):
    def _fit(self, archs, y):
        x = np.array([self.space.encode(a, "onehot") for a in archs])
        self.w = np.linalg.lstsq(x, y, rcond=None)[0]

    def update(self, new_archs, new_y):  # returns None, as nothing reads what update returns
        super().update(new_archs, new_y)


def test_a_users_predictor_that_fails_is_refused_before_the_strategys_random_start(tmp_path, capsys):
    run = ["search", "--space", "walk-digits", "--evaluator", "walk-counted", "--strategy", "bananas", "--budget", "12"]
    EVALUATED.clear()
    assert cli.main([*run, "--predictor", "walk-singular", "--run-dir", str(tmp_path / "a")]) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "unexpected" not in error
    assert error.startswith("nasloop search: error: predictor 'walk-singular' fails when tried, before the run, on 10 "
                            "sampled architectures with made-up scores: LinAlgError: Singular matrix (at ")
    assert EVALUATED == [] and not (tmp_path / "a").exists()
    assert cli.main([*run, "--predictor", "walk-lstsq", "--run-dir", str(tmp_path / "b"), "--quiet"]) == 0
    assert len(EVALUATED) == 12


@plugin(register_strategy, "walk-own-init")
class OwnInit(Strategy):
    """Sets what it thinks it needs instead of calling the base class's __init__."""

    def __init__(self, space, seed: int = 0, width: int = 2):
        self.space, self.width = space, width

    def ask(self, n):
        return [self.space.sample(np.random.default_rng(self.width)) for _ in range(n)]

    def tell(self, observations):
        pass


@plugin(register_predictor, "walk-own-init")
class OwnInitPredictor(LeastSquares):
    def __init__(self, space, seed: int = 0, ridge: float = 0.0):
        self.space, self.ridge = space, ridge


@plugin(register_evaluator, "walk-own-init")
class OwnInitEvaluator(Counted):
    def __init__(self, space, scale: float = 1.0):
        self.scale = scale


def test_a_plugin_whose_init_skips_its_base_class_is_named_before_the_run(tmp_path, capsys):
    run = ["search", "--space", "walk-digits", "--budget", "12", "--run-dir", str(tmp_path / "run")]
    for flags, kind, call in ((["--strategy", "walk-own-init"], "strategy", "(space, seed)"),
                              (["--strategy", "bananas", "--predictor", "walk-own-init"], "predictor", "(space, seed)"),
                              (["--evaluator", "walk-own-init"], "evaluator", "(space, context)")):
        EVALUATED.clear()
        assert cli.main([*run, *flags]) == 2
        error = capsys.readouterr().err.strip()
        assert "\n" not in error and "unexpected" not in error and "AttributeError" not in error
        assert f"error: {kind} walk-own-init:" in error and f"does not call super().__init__{call}" in error
        assert EVALUATED == [] and not (tmp_path / "run").exists()


def test_a_requires_without_its_tuple_is_named_as_the_plugin_file_loads(tmp_path, capsys):
    plugin = tmp_path / "walk_requires.py"
    plugin.write_text("from nasloop.engine.registry import register_strategy\n"
                      "from nasloop.search_spaces.base import NeighbourhoodSpace\n"
                      "from nasloop.strategies.base import Strategy\n\n"
                      "@register_strategy('walk-requires')\n"
                      "class Hill(Strategy):\n"
                      "    requires = NeighbourhoodSpace\n"
                      "    def ask(self, n): return [self.space.sample(self.rng) for _ in range(n)]\n"
                      "    def tell(self, observations): pass\n")
    assert cli.main(["--plugin", str(plugin), "search", "--space", "walk-digits", "--strategy", "walk-requires",
                     "--evaluator", "walk-counted", "--budget", "3", "--run-dir", str(tmp_path / "run")]) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "unexpected" not in error and not (tmp_path / "run").exists()
    assert "strategy Hill: requires is <class 'nasloop.search_spaces.base.NeighbourhoodSpace'>, not a tuple" in error
    assert "write requires = (NeighbourhoodSpace,)" in error


@plugin(register_search_space, "walk-bare-ops")
class BareOps(Digits):
    """A chain graph whose _encode writes each op's bare name, not self.token(op)."""

    name, graph_encodings, graph_ops = "walk-bare-ops", ("graph",), ("input", "a", "b", "c", "d", "output")

    def _encode(self, arch, kind):
        if kind != "graph":
            return super()._encode(arch, kind)
        ops = ("input", *("abcd"[x] for x in arch), "output")
        return GraphEncoding(ops, np.array([[i, i + 1] for i in range(len(ops) - 1)]).T)


def test_a_graph_op_written_without_its_token_is_named_with_that_fix(tmp_path, capsys):
    assert cli.main(["search", "--space", "walk-bare-ops", "--evaluator", "walk-counted", "--strategy", "bananas",
                     "--predictor", "emprox", "--budget", "12", "--run-dir", str(tmp_path / "run")]) == 2
    error = capsys.readouterr().err.strip()
    assert error.endswith("with the op 'input', a bare name where its token belongs; write self.token(op) in _encode "
                          "('walk-bare-ops/input')")
    assert "add 'input' to graph_ops" not in error  # it is there: adding it again changed nothing


@plugin(register_evaluator, "walk-status-done")
class StatusDone(Evaluator):
    """Marks its results 'done', a status of its own."""

    def evaluate(self, arch, fidelity=None):
        return Result(metrics={"val_accuracy": float(sum(arch))}, cost=1.0, status="done")


def test_a_result_status_of_ones_own_is_refused_and_leaves_the_run_readable(tmp_path, capsys):
    run_dir = tmp_path / "run"
    assert cli.main(["search", "--space", "walk-digits", "--evaluator", "walk-status-done", "--budget", "3",
                     "--run-dir", str(run_dir)]) == 2
    error = capsys.readouterr().err.strip()
    assert error == ("nasloop search: error: evaluator walk-status-done: evaluate returned status 'done'; a Result's "
                     "status is 'ok' (the default) or 'failed' (Result.failed(reason) makes one); once fixed, "
                     f"continue with 'nasloop search --resume {run_dir}'")  # its one pending trial evaluated again
    assert cli.main(["show", str(run_dir)]) == 0  # it said the store was damaged: the run could not be read or resumed
    assert "damaged" not in capsys.readouterr().err


@plugin(register_evaluator, "walk-exception-reason")
class ExceptionReason(Evaluator):
    """Reports a failure with the exception that caused it as the reason, as Result.failed accepts."""

    def evaluate(self, arch, fidelity=None):
        if arch[0] == 0:
            return Result(status="failed", reason=ValueError("no path from input to output"))
        return Result(metrics={"val_accuracy": float(sum(arch))}, cost=1.0)


def test_an_exception_as_a_failures_reason_is_stored_as_its_text(tmp_path):
    run_dir = tmp_path / "run"
    assert cli.main(["search", "--space", "walk-digits", "--evaluator", "walk-exception-reason", "--strategy",
                     "random", "--budget", "12", "--run-dir", str(run_dir), "--quiet"]) == 0
    with RunStore.in_run_dir(run_dir) as store:
        failed = [t.result for t in store.evaluations() if not t.result.ok]
    assert failed and all(r.reason == "no path from input to output" for r in failed)


@plugin(register_strategy, "walk-named-option")
class NamedOption(Strategy):
    """Options called what nasloop's own builder calls its parameters."""

    def __init__(self, space, seed: int = 0, name: str = "run", kind: str = "plain", factory: int = 1):
        super().__init__(space, seed)
        self.name, self.kind, self.factory = name, kind, factory

    def ask(self, n):
        return [self.space.sample(self.rng) for _ in range(n)]

    def tell(self, observations):
        pass


def test_a_plugin_option_called_name_or_kind_is_given_to_the_plugin(tmp_path):
    run_dir = tmp_path / "run"
    assert cli.main(["search", "--space", "walk-digits", "--evaluator", "walk-counted", "--strategy",
                     "walk-named-option", "--strategy-opt", "name=mine", "--strategy-opt", "kind=fancy",
                     "--strategy-opt", "factory=3", "--budget", "3", "--run-dir", str(run_dir), "--quiet"]) == 0
    with RunStore.in_run_dir(run_dir) as store:
        assert store.get_meta("config")["strategy_options"] == {"name": "mine", "kind": "fancy", "factory": 3}


def test_a_ray_flag_on_the_inprocess_executor_reads_as_english(tmp_path, capsys):
    assert cli.main(["search", "--space", "walk-digits", "--evaluator", "walk-counted", "--budget", "3",
                     "--trial-timeout", "3", "--run-dir", str(tmp_path / "run")]) == 2
    assert capsys.readouterr().err.strip().endswith("add --executor ray (an executor of your own takes it as its "
                                                    "parameter timeout_s)")


def test_a_plugin_proxy_may_not_take_a_built_in_proxys_name(tmp_path, capsys):
    plugin = tmp_path / "walk_proxy.py"
    plugin.write_text("from nasloop.engine.evaluators.proxies import register_proxy\n\n"
                      "@register_proxy('synflow')\n"
                      "def my_synflow(net, inputs, targets):\n"
                      "    return 1.0\n")
    assert cli.main(["--plugin", str(plugin), "proxies", "--space", "nb201", "--sample", "1",
                     "--proxies", "synflow"]) == 2
    error = capsys.readouterr().err.strip()
    assert "zero-cost proxy 'synflow' is built into nasloop; register my_synflow under another name" in error


@plugin(register_search_space, "walk-nameless")
class Nameless(SearchSpace):
    """Implements everything a search needs but its name."""

    parse, format, sample, mutate = Digits.parse, Digits.format, Digits.sample, Digits.mutate


def test_a_space_that_does_not_set_its_name_is_refused_before_the_run(tmp_path, capsys):
    assert cli.main(["search", "--space", "walk-nameless", "--evaluator", "walk-counted", "--budget", "3",
                     "--run-dir", str(tmp_path / "run")]) == 2
    assert capsys.readouterr().err.strip() == (
        "nasloop search: error: search space 'walk-nameless' (Nameless) does not set its name; add name = "
        "'walk-nameless' to the class (it names the space in messages, in its graph tokens and in its proxy files)")
