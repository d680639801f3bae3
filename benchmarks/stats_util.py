"""Statistics the benchmark scripts share (they import it as a sibling module)."""
from __future__ import annotations

import math

import numpy as np
from script_args import not_a_script


def mean_ci(values: np.ndarray) -> tuple[float, float]:
    """Mean and half-width of its 95 % t-interval (NaN half-width for fewer than two values)."""
    n = len(values)
    mean = float(np.mean(values))
    if n < 2:
        return mean, math.nan
    from scipy import stats  # here: 0.6 s of CPU each --jobs worker paid, importing this module with the script

    return mean, float(stats.t.ppf(0.975, n - 1) * np.std(values, ddof=1) / math.sqrt(n))


def format_mean(values: np.ndarray | list[float], digits: int) -> str:
    """``mean ± half-width`` of :func:`mean_ci`; the mean alone for one value, whose spread is undefined."""
    mean, half = mean_ci(np.asarray(values))
    return f"{mean:.{digits}f} ± {half:.{digits}f}" if math.isfinite(half) else f"{mean:.{digits}f}"


if __name__ == "__main__":
    not_a_script("the statistics the benchmark scripts share", "one of the scripts beside it (see the README's "
                 "'Benchmarks' section)")
