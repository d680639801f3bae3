"""Statistics the benchmark scripts share (they import it as a sibling module)."""
from __future__ import annotations

import math

import numpy as np
from scipy import stats


def mean_ci(values: np.ndarray) -> tuple[float, float]:
    """Mean and half-width of its 95 % t-interval (NaN half-width for fewer than two values)."""
    n = len(values)
    mean = float(np.mean(values))
    if n < 2:
        return mean, math.nan
    return mean, float(stats.t.ppf(0.975, n - 1) * np.std(values, ddof=1) / math.sqrt(n))
