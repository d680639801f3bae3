"""Evaluation by benchmark lookup: the space's registered benchmark answers each query."""
from __future__ import annotations

from typing import Sequence

from ...search_spaces.base import SearchSpace, enumerable
from ..context import RunContext, refuse_resized
from ..errors import DataError, UnsupportedError
from ..registry import register_evaluator
from ..types import Arch, Result
from .base import Evaluator, users_refusal


@register_evaluator("tabular")
class TabularEvaluator(Evaluator):
    """Answers from the benchmark table of the space (``--dataset`` names the task).

    The objective is the task's metric (NB201: validation accuracy; TransNAS room_layout: the
    negated loss), in the direction the benchmark defines. The table loads on first use in each
    process and is cached there; the evaluator itself pickles in bytes.
    """

    uses_benchmark = True
    answers_table = True
    reads_dataset = True
    instant = True
    repeatable = True

    def __init__(self, space: SearchSpace, context: RunContext | None = None) -> None:
        super().__init__(space, context)
        self.benchmark = self.context.require_benchmark("--evaluator tabular", space)
        refuse_resized(space, "the tabular evaluator reads",
                       ", or evaluate the networks it builds with --evaluator proxy or train")
        self.task = self.benchmark.task(self.context.dataset)
        self.objective, self.minimize = self.task.metric, self.task.minimize

    def check(self, fidelity: int | None = None) -> None:
        self.benchmark.check(self.task.name, fidelity)  # loads the table: missing file, bad task or fidelity
        size = self.space.size if enumerable(self.space) else None
        gap = None if self.space.keeps_to_table else self.benchmark.search_gap(self.task.name, size, fidelity)
        if gap is not None:  # else nearly every evaluation of the run failed, one by one
            raise DataError(gap)
        self.warm_up()  # and what lookups read besides (NB201's hardware costs), before a run's clock starts: its
        # first lookup took 1.8 s, so a study's 'wall s/run' was highest for whichever method ran first in a worker

    def untimed(self) -> str | None:
        if self.benchmark.times_training:
            return None
        return f"the {self.benchmark.name} table records no training times, so every lookup costs 0 s"

    def warm_up(self) -> None:
        self.benchmark.warm_up(self.task.name)

    def metric_names(self, fidelity: int | None = None) -> Sequence[str] | None:
        """What the table reports: as its benchmark declares it, else read off its first cell (None for a table
        that does not list its cells, or holds none), built alone where the benchmark can (Benchmark.cell): the
        whole list of cells was built to read one."""
        declared = self.benchmark.metric_names(self.task.name, fidelity)
        if declared is not None:
            return declared
        try:
            first = self.benchmark.cell(0)
        except (UnsupportedError, IndexError):
            return None
        result = self.evaluate(first, fidelity)
        return list(result.metrics) if result.ok else None

    def metric_source(self, metric: str) -> str:
        return self.benchmark.metric_source(metric)

    def evaluate(self, arch: Arch, fidelity: int | None = None) -> Result:
        result = self.benchmark.query(arch, self.task.name, fidelity)
        if not isinstance(result, Result):  # else refused as the tabular evaluator's: a user's benchmark is at fault
            refusal = users_refusal(self)  # a user's benchmark's fix lets the run continue
            raise refusal(f"benchmark '{self.benchmark.name}': query returned {type(result).__name__}, not a "
                          "Result; return Result(metrics={...}, cost=SECONDS)")
        return result
