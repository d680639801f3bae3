"""--metric of predictors evaluate and compare --predictors: a malformed one is named with --metric's own form."""
from __future__ import annotations

import pytest

from nasloop import NasloopError


@pytest.mark.parametrize("metric", [":min", "params_m:nope", "a,b"])
def test_a_malformed_metric_names_metric_not_objectives(metric, data_dir):
    """':min' and 'params_m:nope' were refused with "write e.g. --objectives val_accuracy:max,params_m:min", a flag
    neither command has."""
    from nasloop.engine.predictor_evaluation import evaluate_predictors

    with pytest.raises(NasloopError) as caught:
        evaluate_predictors(["random"], [8], [0], space="nb201", data_dir=data_dir, metric=metric)
    assert str(caught.value).startswith(f"--metric takes one metric, got {metric!r}; write METRIC, or METRIC:min")
    assert "--objectives" not in str(caught.value)
