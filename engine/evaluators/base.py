"""The evaluator interface.

An evaluator turns an architecture into a :class:`Result`: by a table lookup, by scoring a
zero-cost proxy, or by training. Evaluators hold only configuration (names, paths, numbers) and
load heavy things lazily, so they pickle cheaply and an executor can ship them to worker
processes or Ray nodes.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from ...search_spaces.base import SearchSpace
from ..types import Arch, Result


class Evaluator(ABC):
    """Base class for evaluators; subclass and register with ``@register_evaluator``."""

    objective: ClassVar[str] = "val_accuracy"
    """The metric a search optimises by default (higher is better unless ``minimize``)."""
    minimize: ClassVar[bool] = False

    def __init__(self, space: SearchSpace, **options: Any) -> None:
        self.space = space

    @abstractmethod
    def evaluate(self, arch: Arch, fidelity: int | None = None) -> Result:
        """Evaluate one architecture at ``fidelity`` (epochs; None means the evaluator's default)."""

    def check(self, fidelity: int | None = None) -> None:
        """Fail now, with one clear line, if evaluation cannot work (missing data, bad dataset or fidelity)."""

    def config(self) -> dict[str, Any]:
        """Constructor options that recreate this evaluator (stored with each run)."""
        return {}
