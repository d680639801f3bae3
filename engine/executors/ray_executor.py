"""The Ray executor: trials run in parallel on Ray actors, locally or across a cluster.

Each worker is one Ray actor holding the resources of one trial (``num_cpus``, fractional
``num_gpus``), so Ray places and isolates trials while this driver decides what runs where. An
actor keeps the evaluators it has been sent, so lazily loaded state (a benchmark table, a dataset
already on the GPU) survives from one trial to the next. Results stream back through ``wait`` as
each trial finishes, and a freed worker gets the next queued trial at once.

A fresh worker first fetches the evaluator and warms it up (imports, the benchmark table, the
dataset) before it is given a trial, so ``timeout_s`` measures the trial on a warm worker, not
Ray's start-up: a worker replaced after a timeout warms up again outside the next trial's clock.
A trial whose worker dies (``os._exit``, a segfault, an OOM kill), whose evaluator raises, or that
runs past ``timeout_s`` is retried up to ``max_retries`` times and then returned as a failed
result naming what happened; the search goes on. Workers that keep failing to start or to warm
up (past ``warmup_timeout_s``) stop the search with one line saying so. A :class:`NasloopError` raised by the evaluator
is the user's input being wrong, so it is re-raised here and stops the search with its one line.
Ray is imported only when an executor is built: ``import nasloop`` never starts it.
"""
from __future__ import annotations

import math
import os
import pickle
import sys
import time
from collections import deque
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from typing import Any, Sequence

from ..errors import ArchitectureError, ConfigError, NasloopError, describe_exception
from ..evaluators.base import Evaluator, refused
from ..held_imports import imported
from ..options import PositiveFloat, PositiveInt
from ..plugins import file_plugin_modules, import_plugin_files, plugin_files, plugin_folders
from ..registry import register_executor
from ..types import Arch, Result
from .base import Completed, Executor, sigterm_interrupts
from .ray_cluster_watch import LOST_AFTER_S, ClusterWatch, joined_cluster_watch, lost_after_s
from .shipping import ship_cached_properties, unshippable
from .ray_options import Retries, TrialShare, Workers, check_resources
from .ray_setup import check_reachable, first_line, import_ray, init_ray, shutdown_ray, slots_allowed, worker_options

_STARTUP_FAILURES = 3  # workers that die before their first trial, in a row, before we give up


@dataclass(frozen=True)
class _Outcome:
    """What a worker sends back: a result, or why there is none."""

    result: Result | None = None
    error: str | None = None  # the evaluator raised: worth a retry
    user_error: NasloopError | None = None  # bad input: stops the search


class _Worker:
    """One trial slot (a Ray actor); remembers each evaluator it was sent, by the driver's token."""

    def __init__(self, import_paths: Sequence[str] = (), plugins: Sequence[tuple[str, str]] = ()) -> None:
        sys.path[:0] = [p for p in import_paths if p not in sys.path]  # modules beside the driver's plugin files
        import_plugin_files(plugins)
        self._evaluators: dict[int, Evaluator] = {}

    def ready(self) -> bool:
        """Resolves once the actor process is up, so startup never counts against a trial's timeout."""
        return True

    def warm(self, token: int, boxed: list[Any]) -> _Outcome:
        """Fetch the evaluator (``boxed`` holds its object ref) and load what it loads lazily."""
        try:
            ray = imported("ray")

            evaluator = self._evaluators[token] = ray.get(boxed[0])
            evaluator.warm_up()
            return _Outcome()
        except NasloopError as exc:
            return _Outcome(user_error=exc)
        except Exception as exc:
            return _Outcome(error=describe_exception(exc))

    def evaluate(self, token: int, arch: Arch, fidelity: int | None) -> _Outcome:
        """Evaluate with the evaluator :meth:`warm` fetched."""
        started = time.perf_counter()
        try:
            return _Outcome(result=self._evaluators[token].evaluate(arch, fidelity))
        except ArchitectureError as exc:  # this architecture's failure, not worth a retry
            return _Outcome(result=refused(self._evaluators[token], exc, time.perf_counter() - started))
        except NasloopError as exc:
            return _Outcome(user_error=exc)
        except Exception as exc:  # reported to the driver, which retries or records the failure
            return _Outcome(error=describe_exception(exc))


@dataclass
class _Trial:
    trial_id: int
    token: int
    arch: Arch
    fidelity: int | None
    attempts: int = 0
    seconds: float = 0.0  # wall time of every attempt so far: the cost of a trial that fails


@dataclass
class _Slot:
    """A worker actor and what it is doing: starting (``ready``), warming up for an evaluator
    (``warm``), idle, or running ``trial``."""

    actor: Any
    ready: Any = None
    warm: Any = None
    warm_token: int | None = None
    warmed: set[int] = field(default_factory=set)
    trial: _Trial | None = None
    ref: Any = None
    started: float = 0.0

    @property
    def busy(self) -> bool:
        return self.ready is not None or self.warm is not None or self.trial is not None

    @property
    def watched(self) -> Any:
        """The object ref whose completion moves this slot on, if any."""
        return self.ready if self.ready is not None else self.warm if self.warm is not None else self.ref


@register_executor("ray")
class RayExecutor(Executor):
    """Trials in parallel on Ray actors, on this machine or a cluster, with retries and timeouts.

    ``address`` None starts a local Ray on loopback (or reuses the session this process already
    has); ``"auto"``, ``"host:port"`` or ``"ray://host:port"`` joins an existing cluster, which is
    how a search goes beyond one machine. ``workers`` defaults to as many trials as the cluster's
    resources hold. ``object_store_memory`` (bytes) sizes the store of a Ray we start; a cluster we
    join keeps its own. ``timeout_s`` counts from the moment a warm worker starts the trial;
    ``warmup_timeout_s`` bounds a worker's start and warm-up.
    """

    def __init__(self, workers: Workers | None = None, cpus_per_trial: TrialShare = 1,
                 gpus_per_trial: TrialShare = 0, address: str | None = None, max_retries: Retries = 2,
                 timeout_s: PositiveFloat | None = None, object_store_memory: PositiveInt | None = None,
                 warmup_timeout_s: PositiveFloat = 600.0) -> None:
        self._sigterm = ExitStack()  # the SIGTERM handler this executor holds until close
        self._watch: ClusterWatch | None = None  # a cluster joined at an address: asked whether it is still there
        self._slots: list[_Slot] = []  # close() kills these: it is called below on a refused worker count
        check_resources(cpus_per_trial, gpus_per_trial, object_store_memory)
        self.workers, self.address, self.object_store_memory = workers, address, object_store_memory
        self.cpus_per_trial, self.gpus_per_trial = float(cpus_per_trial), float(gpus_per_trial)
        self.max_retries, self.timeout_s, self.warmup_timeout_s = max_retries, timeout_s, warmup_timeout_s
        lost_after = LOST_AFTER_S
        if address is not None:
            lost_after = lost_after_s()  # a bad setting refused before Ray starts, as an unreachable address is
            check_reachable(address)
        self._ray = ray = import_ray(local=address is None)
        self._owns_ray = not ray.is_initialized()
        if self._owns_ray:  # SIGTERM stops as Ctrl-C does from here on, in Ray's start too (which holds it)
            self._sigterm.enter_context(sigterm_interrupts())
            try:
                self._start(address, workers, object_store_memory)
            except BaseException:
                self._sigterm.close()
                raise
            self._watch = None if address is None else joined_cluster_watch(ray, address, lost_after)
        total = ray.cluster_resources()
        allowed = slots_allowed(total, self.cpus_per_trial, self.gpus_per_trial)
        workers = workers or allowed
        if workers < 1 or workers > allowed:
            self.close()
            held = f"the Ray cluster has {total.get('CPU', 0):g} CPUs and {total.get('GPU', 0):g} GPUs"
            trial = f"{self.cpus_per_trial:g} CPU and {self.gpus_per_trial:g} GPU"
            if not allowed:
                raise ConfigError(f"{held}: not one trial of {trial} fits; lower --gpus-per-trial (or the executor's "
                                  "cpus_per_trial), or join a cluster that has them with --ray-address")
            raise ConfigError(f"{held}: room for {allowed} trials of {trial}, not {workers}; lower --workers")
        for module in file_plugin_modules():  # workers cannot import a plugin file only this process loaded
            ray.cloudpickle.register_pickle_by_value(module)
        ship_cached_properties(ray)
        self._actor_class = ray.remote(_Worker).options(num_cpus=self.cpus_per_trial, num_gpus=self.gpus_per_trial,
                                                         max_restarts=0, max_concurrency=1, **worker_options(address))
        self._workers = workers  # actors start as trials arrive: none for a resumed run with nothing to do
        self._queue: deque[_Trial] = deque()
        self._evaluators: dict[int, tuple[Evaluator, Any]] = {}  # token → (evaluator kept alive, its object ref)
        self._startup_failures = 0

    def _start(self, address: str | None, workers: int | None, object_store_memory: int | None) -> None:
        """Start a local Ray, or connect to ``address``; an unreachable cluster is one line."""
        ray = self._ray
        if address is not None:
            try:
                init_ray(ray, address=address, logging_level="WARNING")
            except Exception as exc:  # ConnectionError, or a bad address format deep inside Ray
                raise ConfigError(f"cannot connect to the Ray cluster at '{address}' ({first_line(exc)}); "
                                  "start one with 'ray start --head' or fix --ray-address") from None
            return
        cpus = os.cpu_count() or 1
        if workers is not None:  # Ray's CPUs are logical: let the asked-for workers all run
            cpus = max(cpus, math.ceil(workers * self.cpus_per_trial))
        try:
            init_ray(ray, num_cpus=cpus, object_store_memory=object_store_memory, include_dashboard=False,
                     logging_level="WARNING")
        except ValueError as exc:  # e.g. an object store smaller than Ray's minimum
            raise ConfigError(f"cannot start a local Ray: {exc}") from None

    def _new_slot(self) -> _Slot:
        if self._watch is not None:  # an actor created where the cluster has gone waits for it, for good
            self._watch.check(self.pending)
        actor = self._actor_class.remote(plugin_folders(), plugin_files())
        return _Slot(actor, ready=actor.ready.remote(), started=time.monotonic())

    # --- the executor interface -----------------------------------------------------------------
    @property
    def capacity(self) -> int:
        return self._workers

    @property
    def pending(self) -> int:
        return len(self._queue) + sum(slot.trial is not None for slot in self._slots)

    def submit(self, trial_id: int, evaluator: Evaluator, arch: Arch, fidelity: int | None) -> None:
        token = id(evaluator)
        if token not in self._evaluators:  # shipped once; each worker fetches it on its first trial
            self._evaluators[token] = (evaluator, self._shipped(evaluator))
        self._queue.append(_Trial(trial_id, token, arch, fidelity))
        self._dispatch()

    def _shipped(self, evaluator: Evaluator) -> Any:
        """The evaluator in Ray's object store; one line when it cannot be pickled (Ray's own message ran over
        dozens of lines, of which the one shown ended at a colon)."""
        try:
            return self._ray.put(evaluator)
        except (TypeError, pickle.PicklingError) as exc:
            lines = [line.strip(" !") for line in str(exc).splitlines()]
            reason = next((line for line in lines if "pickle" in line.lower()), None) or first_line(exc)
            raise ConfigError(unshippable(evaluator, self._ray.cloudpickle.dumps, reason)) from None

    def wait(self) -> list[Completed]:
        """Block until at least one trial finishes (or finally fails); return every one that has."""
        ray = self._ray
        done: list[Completed] = []
        while not done and self.pending:
            self._dispatch()
            watched = {slot.watched: slot for slot in self._slots if slot.watched is not None}
            ready, _ = ray.wait(list(watched), num_returns=1, timeout=self._wait_slice())
            if ready:  # take everything that has finished meanwhile, not just the first
                ready, _ = ray.wait(list(watched), num_returns=len(watched), timeout=0)
            elif self._watch is not None:
                self._watch.check(self.pending)
            for ref in ready:
                slot = watched[ref]
                if ref is slot.ready:
                    self._started(slot)
                elif ref is slot.warm:
                    self._warmed(slot)
                else:
                    done += self._finished(slot)
            done += self._expire()
        self._dispatch()
        return done

    def close(self) -> None:
        """Stop our workers; shut Ray down only if this executor started it."""
        ray = self._ray
        if self._watch is None or not self._watch.lost:  # a lost cluster's actors went with it, and ray.kill of one
            for slot in self._slots:  # whose creation it never confirmed waited for it until Ray ended the process
                ray.kill(slot.actor)
        self._slots = []
        if self._owns_ray:  # and if Ray stopped by other hands, its watcher leaves all the same (ray_reaper)
            shutdown_ray(ray)
        self._owns_ray = False
        self._sigterm.close()

    # --- scheduling -------------------------------------------------------------------------------
    def _dispatch(self) -> None:
        """Give queued trials (retries first) to idle workers, warming a worker up for the
        trial's evaluator first if it has not met that evaluator yet. A worker starts only for a trial that no
        worker has coming: a finished run resumed, or a budget below --workers, started actors it then killed as
        they came up (GCS printed 'Failed to kill actor' errors)."""
        free = sum(slot.trial is None for slot in self._slots)  # idle, or starting or warming up for the queue
        for _ in range(min(self._workers - len(self._slots), len(self._queue) - free)):
            self._slots.append(self._new_slot())
        for slot in self._slots:
            if not self._queue:
                return
            if slot.busy:
                continue
            token = self._queue[0].token
            if token not in slot.warmed:
                boxed = [self._evaluators[token][1]]  # in a list, so Ray does not resolve it in the call
                slot.warm, slot.warm_token = slot.actor.warm.remote(token, boxed), token
                slot.started = time.monotonic()
                continue
            trial = slot.trial = self._queue.popleft()
            trial.attempts += 1
            slot.ref = slot.actor.evaluate.remote(trial.token, trial.arch, trial.fidelity)
            slot.started = time.monotonic()

    def _wait_slice(self) -> float | None:
        """How long one ``ray.wait`` may block: to the next deadline, and a joined cluster is asked after a second
        at most whether it is still there (see :mod:`.ray_cluster_watch`)."""
        deadline = self._seconds_to_deadline()
        if self._watch is None:
            return deadline
        return 1.0 if deadline is None else min(deadline, 1.0)

    def _seconds_to_deadline(self) -> float | None:
        deadlines = [slot.started + self.warmup_timeout_s for slot in self._slots
                     if slot.ready is not None or slot.warm is not None]
        if self.timeout_s is not None:
            deadlines += [slot.started + self.timeout_s for slot in self._slots if slot.trial is not None]
        return max(0.0, min(deadlines) - time.monotonic()) if deadlines else None

    def _started(self, slot: _Slot) -> None:
        """A worker came up, or died trying (e.g. nasloop does not import on that node)."""
        try:
            self._ray.get(slot.ready)
        except self._ray.exceptions.RayError as exc:
            self._warm_up_failed(slot, f"Ray workers die on start-up ({first_line(exc)}); make nasloop importable "
                                       "on every node of the cluster (pip install it there)")
            return
        slot.ready = None

    def _warmed(self, slot: _Slot) -> None:
        """A worker has the evaluator loaded and warm, or failed to (which no trial is charged for)."""
        try:
            outcome: _Outcome = self._ray.get(slot.warm)
        except self._ray.exceptions.RayError as exc:
            outcome = _Outcome(error=f"worker crashed: {first_line(exc)}")
        if outcome.user_error is not None:
            raise outcome.user_error
        if outcome.error is not None:
            self._warm_up_failed(slot, f"Ray workers fail to warm up the evaluator ({outcome.error})")
            return
        slot.warmed.add(slot.warm_token)
        slot.warm = slot.warm_token = None
        self._startup_failures = 0

    def _warm_up_failed(self, slot: _Slot, message: str) -> None:
        """Replace the worker; after several in a row the cluster cannot run trials: say why and stop (a cluster that
        has gone, said as such, was told to make nasloop importable on every node)."""
        if self._watch is not None:
            self._watch.check(self.pending)
        self._startup_failures += 1
        if self._startup_failures >= _STARTUP_FAILURES:
            raise ConfigError(message)
        self._ray.kill(slot.actor)
        self._replace(slot)

    def _finished(self, slot: _Slot) -> list[Completed]:
        trial, ref = slot.trial, slot.ref
        earlier = trial.seconds  # attempts that timed out or crashed before this one: spent all the same
        trial.seconds += time.monotonic() - slot.started
        slot.trial = slot.ref = None
        try:
            outcome: _Outcome = self._ray.get(ref)
        except self._ray.exceptions.RayError as exc:  # the worker process died (crash, OOM kill, ...)
            self._replace(slot)
            return self._retry_or_fail(trial, f"worker crashed: {first_line(exc)}")
        if outcome.user_error is not None:
            raise outcome.user_error
        if outcome.error is not None:
            return self._retry_or_fail(trial, outcome.error)
        result = outcome.result
        if earlier:
            result = replace(result, cost=result.cost + earlier)
        return [Completed(trial.trial_id, result)]

    def _expire(self) -> list[Completed]:
        """Kill the workers of trials past their timeout (an actor task cannot be force-cancelled),
        and those that take longer than ``warmup_timeout_s`` to start or warm up."""
        now, expired = time.monotonic(), []
        for slot in self._slots:
            if (slot.ready is not None or slot.warm is not None) and now - slot.started >= self.warmup_timeout_s:
                self._warm_up_failed(slot, f"Ray workers take over {self.warmup_timeout_s:g} s to start and warm "
                                           "up the evaluator; raise the executor's warmup_timeout_s or check the "
                                           "cluster")
            elif (self.timeout_s is not None and slot.trial is not None
                  and now - slot.started >= self.timeout_s):
                trial = slot.trial
                trial.seconds += now - slot.started
                self._ray.kill(slot.actor)
                self._replace(slot)
                expired += self._retry_or_fail(trial, f"timed out after {self.timeout_s:g} s")
        return expired

    def _replace(self, slot: _Slot) -> None:
        """A fresh worker in place of a dead or killed one."""
        fresh = self._new_slot()
        slot.actor, slot.ready, slot.started = fresh.actor, fresh.ready, fresh.started
        slot.warm = slot.warm_token = slot.trial = slot.ref = None
        slot.warmed = set()

    def _retry_or_fail(self, trial: _Trial, reason: str) -> list[Completed]:
        if trial.attempts <= self.max_retries:
            self._queue.appendleft(trial)
            return []
        attempts = f"{trial.attempts} attempt{'s' if trial.attempts > 1 else ''}"
        return [Completed(trial.trial_id, Result.failed(f"{reason} ({attempts})", cost=trial.seconds))]
