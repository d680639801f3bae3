"""The Ray executor on the real NB201 table: parallel search, crashes, hangs, resumption, user errors.

One local Ray session (2 CPUs, loopback) serves the whole module; every executor here reuses it,
and the interrupted search joins it from a subprocess by address.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.search_spaces.nb201 import NB201Benchmark
from nasloop.engine.assemble import build_context
from nasloop.engine.errors import ArchitectureError, ConfigError, NasloopError, UnsupportedError
from nasloop.engine.evaluators.tabular import TabularEvaluator
from nasloop.engine.executors.ray_executor import RayExecutor
from nasloop.engine.executors.ray_setup import import_ray, init_ray, shutdown_ray
from nasloop.engine.loop import Budget, SearchLoop
from nasloop.engine.search import resume, search
from nasloop.engine.store import RunStore
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.strategies.random_search import RandomSearch

from .live_store import count_trials

# Far above a table lookup on a warm worker (milliseconds; test_the_timeout_measures_the_trial_not_the_workers_warm_up
# holds such trials to 0.3 s), far below the hang. Loading the table in a fresh worker (over 4 s on the 2-core machine
# running two other jobs) is warm-up, outside it. Every hang here is waited out to it (four in the module).
TIMEOUT_S = 2.0


@pytest.fixture(scope="module")
def ray_address():
    """One local Ray for the module, on loopback, started as the executor starts one (without the processes of Ray's
    nasloop does not use: engine/executors/ray_lean.py); yields its address for drivers in other processes."""
    os.environ.update(RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0", RAY_USAGE_STATS_ENABLED="0", RAY_AUTH_MODE="disabled")
    ray = import_ray(local=True)
    init_ray(ray, num_cpus=2, object_store_memory=256 * 2**20, include_dashboard=False, logging_level="WARNING")
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import this test file
    yield ray.get_runtime_context().gcs_address
    shutdown_ray(ray)


class FaultyTabular(TabularEvaluator):
    """The real tabular evaluator, whose worker dies on one chosen cell, hangs on another, and refuses a third.

    Each attempt on a faulty cell appends a line to a file in ``log_dir``, so the test counts retries.
    """

    def __init__(self, space: NB201Space, data_dir: Path, crash: tuple, hang: tuple, log_dir: Path,
                 hang_once: bool = False, refuse: tuple | None = None) -> None:
        super().__init__(space, build_context(NB201Space, "cifar10", str(data_dir)))
        self.data_dir = data_dir  # each option under its own name, as config() reads it when the evaluator is built
        self.crash, self.hang, self.log_dir, self.hang_once = crash, hang, str(log_dir), hang_once
        self.refuse = refuse

    def evaluate(self, arch, fidelity=None):
        if arch == self.refuse:
            raise ArchitectureError("this cell is not worth training")
        for kind, cell in (("crash", self.crash), ("hang", self.hang)):
            if arch == cell and not (self.hang_once and os.path.exists(os.path.join(self.log_dir, kind))):
                with open(os.path.join(self.log_dir, kind), "a") as log:
                    log.write("attempt\n")
                if kind == "crash":
                    os._exit(1)  # the worker process dies mid-trial, as on a segfault or an OOM kill
                time.sleep(600)
        return super().evaluate(arch, fidelity)


def evaluated(run_dir: Path) -> dict[str, dict]:
    """arch → metrics of every evaluation (not duplicate) in a run."""
    with RunStore.in_run_dir(run_dir) as store:
        return {t.arch: dict(t.result.metrics) for t in store.evaluations()}


def test_two_worker_search_matches_the_data_and_the_in_process_search(ray_address, tmp_path, data_dir):
    common = dict(strategy="random", seed=3, budget=40, data_dir=str(data_dir))
    serial = search(SearchConfig(**common, run_dir=str(tmp_path / "serial")))
    parallel = search(SearchConfig(**common, run_dir=str(tmp_path / "ray"), executor="ray",
                                   executor_options={"workers": 2}))
    assert parallel["evaluations"] == 40 and parallel["failed"] == 0 and parallel["pending"] == 0
    assert parallel["stop_reason"] == "budget of 40 evaluations spent"
    results = evaluated(tmp_path / "ray")
    assert results == evaluated(tmp_path / "serial")  # random search proposes the same cells in any order
    space, table = NB201Space(), NB201Benchmark(data_dir)
    for arch, metrics in results.items():
        assert metrics == dict(table.query(space.parse(arch), "cifar10").metrics)
    best = max(results, key=lambda arch: results[arch]["val_accuracy"])
    assert parallel["best"]["arch"] == serial["best"]["arch"] == best


def test_results_stream_back_and_a_hung_trial_times_out(ray_address, tmp_path, data_dir):
    space = NB201Space()
    hang, fine = (1, 2, 3, 4, 0, 1), (3, 3, 3, 3, 3, 3)
    evaluator = FaultyTabular(space, data_dir, crash=(0,) * 6, hang=hang, log_dir=tmp_path)
    # The hang's clock runs from its start, but the timeout matters only once the quick trial is back: under load
    # the quick trial took longer than TIMEOUT_S to come back, and the timed-out one came first. Until then the
    # executor's timeout is one no trial here reaches; then it is TIMEOUT_S, as a search's is from its start.
    with RayExecutor(workers=2, timeout_s=600.0, max_retries=0) as executor:
        assert executor.capacity == 2
        # Both workers warm first: on a loaded machine the second one's warm-up outlasted the hang's timeout on
        # the first, and the timed-out trial came back before the quick one had started.
        executor.submit(10, evaluator, (2, 2, 2, 2, 2, 2), None)
        executor.submit(11, evaluator, (4, 4, 4, 4, 4, 4), None)
        warmed = []
        while len(warmed) < 2:
            warmed += executor.wait()
        assert sorted(c.trial_id for c in warmed) == [10, 11] and all(c.result.ok for c in warmed)
        executor.submit(1, evaluator, hang, None)
        executor.submit(2, evaluator, fine, None)
        first = executor.wait()  # the quick trial comes back while the other still runs
        assert [c.trial_id for c in first] == [2] and first[0].result.ok and executor.pending == 1
        executor.timeout_s = TIMEOUT_S
        second = executor.wait()
    assert [c.trial_id for c in second] == [1] and executor.pending == 0
    assert second[0].result.reason == f"timed out after {TIMEOUT_S:g} s (1 attempt)"


class Guarded(TabularEvaluator):
    """A user's evaluator holding a lock, which cannot be pickled for Ray's workers."""

    def __init__(self, space, context):
        super().__init__(space, context)
        self.lock = threading.Lock()


def test_an_evaluator_that_cannot_be_pickled_is_one_line(ray_address, data_dir):
    """Ray's own message ran over dozens of lines; the one shown ended at a colon, before the reason."""
    space = NB201Space()
    evaluator = Guarded(space, build_context(NB201Space, "cifar10", str(data_dir)))
    with RayExecutor(workers=1) as executor:
        with pytest.raises(ConfigError) as error:
            executor.submit(1, evaluator, (1, 2, 3, 4, 0, 1), None)
    message = str(error.value)
    assert message.startswith("evaluator Guarded cannot be sent to Ray's workers: its attribute lock does not pickle "
                              "(TypeError: cannot pickle '_thread.lock' object)") and "\n" not in message
    assert "build what cannot be pickled (a lock, an open file, a CUDA handle)" in message


def test_a_retried_trial_is_charged_for_the_attempt_that_timed_out(ray_address, tmp_path, data_dir):
    # Its cost was the successful attempt's alone, so a --max-seconds budget overspent by every timeout.
    space, hang = NB201Space(), (1, 2, 3, 4, 0, 1)
    evaluator = FaultyTabular(space, data_dir, crash=(0,) * 6, hang=hang, log_dir=tmp_path, hang_once=True)
    with RayExecutor(workers=1, timeout_s=TIMEOUT_S, max_retries=1) as executor:
        executor.submit(1, evaluator, hang, None)
        done = executor.wait()
        while not done:
            done = executor.wait()
    table_cost = TabularEvaluator(space, build_context(NB201Space, "cifar10", str(data_dir))).evaluate(hang).cost
    assert done[0].result.ok and done[0].result.cost >= table_cost + TIMEOUT_S


def test_crashing_and_hanging_trials_are_retried_then_recorded_as_failed(ray_address, tmp_path, data_dir):
    space, seed, budget = NB201Space(), 8, 12
    proposals = RandomSearch(space, seed=seed).ask(6)  # the search's strategy proposes these first
    crash, hang, refuse = proposals[1], proposals[4], proposals[2]
    evaluator = FaultyTabular(space, data_dir, crash=crash, hang=hang, log_dir=tmp_path, refuse=refuse)
    with RunStore.in_run_dir(tmp_path / "run", create=True) as store:
        executor = RayExecutor(workers=2, timeout_s=TIMEOUT_S, max_retries=1)  # each retry restarts a worker (~5 s)
        loop = SearchLoop(space, RandomSearch(space, seed=seed), evaluator, executor, store, Budget(budget))
        with executor:
            assert loop.run() == f"budget of {budget} evaluations spent"
        trials = {t.arch: t for t in store.evaluations()}
    assert len(trials) == budget
    failed = {arch: t.result.reason for arch, t in trials.items() if not t.result.ok}
    assert failed.keys() == {space.format(crash), space.format(hang), space.format(refuse)}
    assert failed[space.format(refuse)] == ("evaluator FaultyTabular refused this architecture: this cell is not "
                                            "worth training")  # not retried: it would fail the same way
    assert failed[space.format(crash)].startswith("worker crashed: ")
    assert failed[space.format(crash)].endswith("(2 attempts)")
    assert failed[space.format(hang)] == f"timed out after {TIMEOUT_S:g} s (2 attempts)"
    assert (tmp_path / "crash").read_text().count("attempt") == 2  # first try + max_retries
    assert (tmp_path / "hang").read_text().count("attempt") == 2
    assert all(t.score is None for arch, t in trials.items() if arch in failed)
    assert all(t.result.ok for arch, t in trials.items() if arch not in failed)


KILLED_SEARCH = """
import sys
from nasloop import SearchConfig, search
data_dir, run_dir, address, budget = sys.argv[1:]
search(SearchConfig(strategy="random", seed=21, budget=int(budget), data_dir=data_dir, run_dir=run_dir,
                    executor="ray", executor_options={"workers": 2, "address": address}))
"""


def stored_trials(db: Path) -> int:
    """Trials finished so far, read while the search writes."""
    return count_trials(db, "status IS NOT NULL")


def test_a_killed_ray_search_resumes_with_nothing_lost(ray_address, tmp_path, data_dir):
    budget, run = 90, tmp_path / "killed"
    reference = search(SearchConfig(strategy="random", seed=21, budget=budget, data_dir=str(data_dir),
                                    run_dir=str(tmp_path / "reference")))
    cmd = [sys.executable, "-c", KILLED_SEARCH, str(data_dir), str(run), ray_address, str(budget)]
    with open(tmp_path / "stderr.log", "wb") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.monotonic() + 60
        while proc.poll() is None and stored_trials(run / "nasloop.sqlite") < 30 and time.monotonic() < deadline:
            time.sleep(0.001)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, (tmp_path / "stderr.log").read_text()
    assert stored_trials(run / "nasloop.sqlite") >= 30, "the search was killed before it stored anything"
    with RunStore.in_run_dir(run) as store:
        assert store.counts()["evaluations"] < budget, "the search finished before it was killed"

    summary = resume(run)
    assert summary["evaluations"] == budget and summary["failed"] == 0 and summary["pending"] == 0
    with RunStore.in_run_dir(run) as store:
        keys = [t.key for t in store.trials() if t.state != "duplicate"]
        assert len(keys) == len(set(keys)) == budget  # no cell evaluated as two trials, none left over
        assert all(t.result is not None for t in store.trials())
    assert evaluated(run) == evaluated(tmp_path / "reference")  # the same cells, none lost
    assert summary["best"]["arch"] == reference["best"]["arch"]


def test_sigterm_stops_a_search_on_its_own_ray_as_ctrl_c_does(tmp_path, data_dir):
    # Ray's handler in the driver dumped a native stack and aborted (exit 134), and the run read "stopped". A
    # signal arriving in ray.wait (the driver's place while workers score proxies) read "stopped by the user":
    # Ray turns what a signal handler raises there into a plain KeyboardInterrupt. One search on its own Ray has
    # both: the proxy evaluator's (a table lookup's search had the first alone).
    run = tmp_path / "run"
    evaluator = ["--evaluator", "proxy", "--proxies", "synflow"]
    cmd = [sys.executable, "-m", "nasloop.engine.cli", "search", "--strategy", "random", "--budget", "15000",
           *evaluator, "--executor", "ray", "--workers", "1", "--data-dir", str(data_dir), "--run-dir", str(run),
           "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while proc.poll() is None and stored_trials(run / "nasloop.sqlite") < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1)  # into a proxy's scoring: the driver waits in ray.wait
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err.strip() == f"nasloop search: interrupted; continue with 'nasloop search --resume {run}'"
    with RunStore.in_run_dir(run) as store:
        assert store.get_meta("status") == "interrupted"
        assert store.get_meta("stop_reason").startswith("stopped by SIGTERM (a scheduler's preemption or a kill)")


def test_a_user_error_in_a_worker_stops_the_search_with_one_line(ray_address, tmp_path, nb201_context):
    space = NB201Space()
    evaluator = TabularEvaluator(space, nb201_context)  # the table has 12 and 200 epochs, not 7
    with RunStore.in_run_dir(tmp_path / "run", create=True) as store, RayExecutor(workers=2) as executor:
        loop = SearchLoop(space, RandomSearch(space, seed=0), evaluator, executor, store, Budget(10), fidelity=7)
        with pytest.raises(UnsupportedError) as error:
            loop.run()
    assert "7-epoch" in str(error.value) and "\n" not in str(error.value)


def test_the_timeout_measures_the_trial_not_the_workers_warm_up(ray_address, tmp_path, nb201_context):
    """0.3 s is a little above a table lookup; a fresh worker's imports and table load take seconds.

    Every worker here is fresh, and the first trials on them must not time out; a replaced worker
    (after a real timeout) warms up again outside the next trial's clock.
    """
    space = NB201Space()
    evaluator = TabularEvaluator(space, nb201_context)
    with RunStore.in_run_dir(tmp_path / "run", create=True) as store:
        executor = RayExecutor(workers=2, timeout_s=0.3, max_retries=0)
        loop = SearchLoop(space, RandomSearch(space, seed=3), evaluator, executor, store, Budget(8))
        with executor:
            loop.run()
        trials = store.evaluations()
    assert len(trials) == 8
    assert [t.result.reason for t in trials if not t.result.ok] == []  # no first trial timed out on a warm-up


def test_a_worker_that_cannot_warm_up_stops_the_search_saying_so(ray_address, tmp_path):
    """The workers' data folder is gone: the error names it, and no trial is charged for it."""
    space = NB201Space()
    (tmp_path / "empty").mkdir()  # a context is built for a folder that exists, here
    context = build_context(NB201Space, "cifar10", str(tmp_path / "empty"))
    (tmp_path / "empty").rmdir()  # and on the workers it is not
    evaluator = TabularEvaluator(space, context)  # check() is skipped: only the workers meet the missing file
    with RunStore.in_run_dir(tmp_path / "run", create=True) as store, RayExecutor(workers=2, timeout_s=0.3) as executor:
        loop = SearchLoop(space, RandomSearch(space, seed=0), evaluator, executor, store, Budget(4))
        with pytest.raises(NasloopError) as error:
            loop.run()
        assert store.counts()["failed"] == 0
    assert "empty" in str(error.value) and "\n" not in str(error.value)


@pytest.mark.parametrize("address,message", [
    ("127.0.0.1:1", "cannot reach the Ray cluster at '127.0.0.1:1' (Connection refused); start one with"),
    ("head-node", "--ray-address must be auto, HOST:PORT or ray://HOST:PORT, got 'head-node'"),
])
def test_a_bad_cluster_address_is_one_line(address, message):
    with pytest.raises(ConfigError) as error:
        RayExecutor(address=address)
    assert str(error.value).startswith(message) and "\n" not in str(error.value)


@pytest.mark.parametrize("options,message", [
    ({"workers": 3}, "the Ray cluster has 2 CPUs and 0 GPUs: room for 2 trials of 1 CPU and 0 GPU, not 3; lower"),
    ({"gpus_per_trial": 0.25, "workers": 1}, "the Ray cluster has 2 CPUs and 0 GPUs: not one trial of 1 CPU and "
                                             "0.25 GPU fits; lower --gpus-per-trial"),
    ({"timeout_s": 0}, "executor RayExecutor option timeout_s must be a number > 0 or null, got 0"),
])
def test_asking_for_more_than_the_cluster_holds_is_one_line(ray_address, options, message):
    with pytest.raises(ConfigError) as error:
        RayExecutor(**options)
    assert str(error.value).startswith(message) and "\n" not in str(error.value)


def test_bo_keeps_every_ray_worker_busy_with_pending_points(ray_address, tmp_path, nb201_context):
    """Two workers: bo's first ask is a batch of two; afterwards each freed worker gets one new point
    chosen with the other still pending in the acquisition, and no point is asked twice."""
    from nasloop.strategies.bo import BayesianOptimisation

    space = NB201Space()
    strategy = BayesianOptimisation(space, seed=2, num_init=4, pool_size=200, mc_samples=16)
    with RunStore.in_run_dir(tmp_path / "run", create=True) as store:
        executor = RayExecutor(workers=2)
        loop = SearchLoop(space, strategy, TabularEvaluator(space, nb201_context), executor, store, Budget(10))
        with executor:
            loop.run()
        trials = store.trials()
    per_step: dict[int, int] = {}
    for t in trials:
        per_step[t.step] = per_step.get(t.step, 0) + 1
    assert per_step[1] == 2 and len(trials) == 10 and len({t.arch for t in trials}) == 10
    assert all(t.result is not None and t.result.ok for t in trials)
