"""How ``show`` and ``report`` write a run's values (metrics, options, cost, space and dataset) as text.

Its own module, importing nothing of nasloop's, so that the summaries (pareto_summary), the CLI, the reports and
the plots share one wording without importing each other (pareto_summary and export imported each other).
"""
from __future__ import annotations

import math
from typing import Any


def metric_text(value: Any) -> str:
    """A metric as ``show`` prints it: a count as a count, else four decimals, or four significant digits below 1,
    where four decimals read NAGO's params (0.018285 and 0.018294 million) alike and their spread, 6e-06, as 0.0000;
    – where it is unknown (None) or not finite, as ``report`` gives it (``show`` read 'nan' where it read –)."""
    if value is None:  # unknown, as a Result may give a metric: shown as 'None'
        return "–"
    if not isinstance(value, float):
        return str(value)
    if not math.isfinite(value):
        return "–"
    if value.is_integer():
        return f"{value:.0f}"
    return f"{value:.4f}" if abs(value) >= 1 else f"{value:.4g}"


def option_text(value: Any) -> str:
    """An option's value as --strategy-opt KEY=VALUE and YAML write it (null, true, [a, b]), not as Python's repr
    (None, True): what `nasloop show` lists as a run's options can be typed back."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(option_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {option_text(v)}" for k, v in value.items()) + "}"
    return "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


def same_option_value(first: Any, second: Any) -> bool:
    """Whether two values given one key are the same as written (a KEY=VALUE flag given twice, a method's +k=v):
    Python's == alone took 1 and true (and 0 and false) as one value, so ``sample_size=1 sample_size=true`` kept
    true unsaid and was refused as 'got True', and an option taking either kept whichever came last."""
    return bool(first == second) and option_text(first) == option_text(second)


def cost_text(seconds: float | None, estimated: int, budget: float | None = None) -> str:
    """What a run's evaluations cost, as ``show`` prints it, against its ``--max-seconds`` budget if it has one (the
    table showed the budget nowhere: a running or interrupted run's 'evaluations 20 of ∞' and its cost left the time
    limit it runs to unsaid). A table with no training times at all (TransNAS, NB301, NDS) costs 0 s a lookup:
    '0 s (100 of them estimated)' read as an estimate that training takes no time."""
    limit = "" if budget is None else f" of {seconds_text(budget)} (--max-seconds)"
    if estimated and seconds == 0:
        return f"0 s{limit} (the table records no training times)"
    lacking = f" ({estimated} of them estimated: the table lacks their measured training time)" if estimated else ""
    return f"{seconds_text(seconds)}{limit}{lacking}"


def seconds_text(seconds: float | None) -> str:
    """A count of seconds: whole seconds up to a trillion, three significant digits past it (--max-seconds 1e300
    was shown in 301 digits), and what no float counts (a sum past float's range, stored as null) said to be so,
    where formatting None ended ``show`` in a TypeError."""
    if seconds is None or not math.isfinite(seconds):
        return "more seconds than can be counted"
    return f"{seconds:.0f} s" if abs(seconds) < 1e12 else f"{seconds:.3g} s"


def space_and_dataset(space: object, dataset: object, fidelity: object = None) -> str:
    """'nb201 / cifar10' for a run's tables and titles; 'digits / none' for a run that read no dataset; with the
    run's fidelity, 'nb101 / cifar10, fidelity 4': a report of 4-epoch accuracies read as final ones."""
    at = "" if fidelity is None else f", fidelity {fidelity}"
    return f"{space} / {'none' if dataset is None else dataset}{at}"


def interval_text(mean: float, low: float, high: float, digits: int, interval: str = "t") -> str:
    """A mean over seeds and its 95 % interval, as every table over seeds writes it (a study's report, a predictor
    study's and ``predictors evaluate``'s, which gave '± population std' beside the study's '± t half-width' of the
    same fits): mean ± half-width of a t interval, which is symmetric; a percentile bootstrap's bounds as they are
    (as a half-width, 91.11 ± 0.35 gave 91.46 for an upper bound of 91.36, above every seed's value); the mean alone
    where there is no interval (one seed), and – where there is no mean."""
    if not math.isfinite(mean):
        return "–"
    if not math.isfinite(high):
        return f"{mean:.{digits}f}"
    if interval == "bootstrap":
        return f"{mean:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"
    return f"{mean:.{digits}f} ± {(high - low) / 2:.{digits}f}"


def of_seeds(text: str, have: int, seeds: int) -> str:
    """A cell over fewer seeds than its row's says how many: a mean over a changing set of seeds (those with a
    value) must not read as one over all of them."""
    return text if have == seeds else f"{text} ({have}/{seeds} seeds)"
