"""A metric's name with its unit, for the heads of the tables and the axes of the figures that show its values.

The figures' axes gave the unit ('best val_accuracy so far (%)') while the tables beside them did not: ``nasloop
show``'s rows, a report's columns and a study's columns read 89.2 and 7.5 with nothing to say that one was a
percentage and the other milliseconds. Both ask here, of the one source of units (the plugins' ``metric_units``).
"""
from __future__ import annotations

from .assemble import metric_unit


def with_unit(label: str, space: str, evaluator: str, metric: str) -> str:
    """``label`` with the unit ``metric`` is reported in, where the run's plugins name one: 'best val_accuracy so
    far (%)'; ``label`` alone where none does (a user's plugin that lists no units, a plugin not at hand)."""
    unit = metric_unit(space, evaluator, metric)
    return f"{label} ({unit})" if unit else label


def metric_heads(metrics: list[str], space: str, evaluator: str) -> list[str]:
    """Each of ``metrics`` as a table's head: its name and, where the run's plugins name one, its unit."""
    return [with_unit(metric, space, evaluator, metric) for metric in metrics]
