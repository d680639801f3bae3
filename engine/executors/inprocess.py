"""The default executor: runs each evaluation in this process, one at a time."""
from __future__ import annotations

import time
from collections import deque

from ..evaluators.base import Evaluator, crashed
from ..registry import register_executor
from ..types import Arch, Result
from .base import Completed, Executor


def run_trial(evaluator: Evaluator, arch: Arch, fidelity: int | None) -> Result:
    """Evaluate, turning a crash into a failed result that says why.

    A NasloopError is the user's input being wrong (e.g. a fidelity the table lacks): every trial
    would fail the same way, so it propagates and stops the search with its one-line message. An
    ArchitectureError is about this architecture alone: its trial fails (see :func:`refused`).
    """
    start = time.perf_counter()
    try:
        return evaluator.evaluate(arch, fidelity)
    except Exception as exc:  # a crashing evaluation must not end the search
        failed = crashed(evaluator, exc, time.perf_counter() - start)
        if failed is None:
            raise
        return failed


@register_executor("inprocess")
class InProcessExecutor(Executor):
    """Serial, deterministic, no setup: right for tabular and proxy searches and for tests."""

    def __init__(self) -> None:
        self._queue: deque[tuple[int, Evaluator, Arch, int | None]] = deque()

    @property
    def capacity(self) -> int:
        return 1

    @property
    def pending(self) -> int:
        return len(self._queue)

    def submit(self, trial_id: int, evaluator: Evaluator, arch: Arch, fidelity: int | None) -> None:
        self._queue.append((trial_id, evaluator, arch, fidelity))

    def evaluate_now(self, evaluator: Evaluator, arch: Arch, fidelity: int | None) -> Result | None:
        if self._queue:  # keep the order: queued trials first
            return None
        return run_trial(evaluator, arch, fidelity)

    def wait(self) -> list[Completed]:
        trial_id, evaluator, arch, fidelity = self._queue.popleft()
        return [Completed(trial_id, run_trial(evaluator, arch, fidelity))]
