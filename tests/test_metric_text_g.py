"""One formatting of a metric for ``show`` and ``report``: a value that is not finite reads – in both.

Before: ``metric_text`` (show's) printed 'nan' and 'inf', and the report wrapped it in a function of its own that
printed –; the report now uses ``metric_text`` itself."""
from __future__ import annotations

import math

import pytest

from nasloop.engine.value_texts import metric_text


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, None])
def test_a_metric_that_is_not_finite_or_unknown_reads_a_dash(value):
    assert metric_text(value) == "–"

