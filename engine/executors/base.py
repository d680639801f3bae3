"""The executor interface: where evaluations run.

The loop submits trials and collects whichever finish first, so an asynchronous executor (Ray)
keeps every worker busy; the in-process executor simply runs each trial when asked to wait.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from ..evaluators.base import Evaluator
from ..options import Configurable
from ..types import Arch, Result


@dataclass(frozen=True)
class Completed:
    trial_id: int
    result: Result


class Executor(Configurable, ABC):
    """Base class for executors; subclass and register with ``@register_executor``."""

    plugin_kind = "executor"

    @property
    @abstractmethod
    def capacity(self) -> int:
        """How many trials may run at once."""

    @abstractmethod
    def submit(self, trial_id: int, evaluator: Evaluator, arch: Arch, fidelity: int | None) -> None:
        """Start (or queue) one evaluation."""

    @abstractmethod
    def wait(self) -> list[Completed]:
        """Block until at least one submitted trial finishes; return every finished one."""

    @property
    @abstractmethod
    def pending(self) -> int:
        """Trials submitted and not yet returned by :meth:`wait`."""

    def close(self) -> None:
        """Release workers; called once when the search ends."""

    def __enter__(self) -> "Executor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
