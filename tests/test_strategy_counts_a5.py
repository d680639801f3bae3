"""A strategy's counts that allocate or loop per unit are refused above their bound in one line naming the option and
its range, as the option is read: bo's mc_samples=10**9 asked for 40 GB at its first proposal, its raw_samples,
num_restarts and Sobol num_init grew with the value on a box, predictor-topk's batch_size=10**9 asked for 8 GB and
bananas' max_edits or random_candidates of 10**9 never finished a round. The bounds are counts.py's."""
from __future__ import annotations

import pytest

from nasloop.engine.errors import ConfigError
from nasloop.engine.options import check_options
from nasloop.engine.registry import STRATEGIES
from nasloop.strategies import counts

pytestmark = pytest.mark.usefixtures("isolated_cache")

HUGE = 10**9
REFUSED = [  # (strategy, option, its range)
    ("bo", "mc_samples", f">= 1 and <= {counts.MAX_MC_SAMPLES}"),
    ("bo", "num_init", f">= 1 and <= {counts.MAX_INIT}"),
    ("bo", "raw_samples", f">= 1 and <= {counts.MAX_RAW_SAMPLES}"),
    ("bo", "num_restarts", f">= 1 and <= {counts.MAX_RESTARTS}"),
    ("bananas", "num_init", f">= 0 and <= {counts.MAX_INIT}"),
    ("bananas", "batch_size", f">= 1 and <= {counts.MAX_BATCH}"),
    ("bananas", "max_edits", f">= 1 and <= {counts.MAX_EDITS}"),
    ("bananas", "random_candidates", f">= 0 and <= {counts.MAX_RANDOM_CANDIDATES}"),
    ("predictor-topk", "num_init", f">= 0 and <= {counts.MAX_INIT}"),
    ("predictor-topk", "batch_size", f">= 1 and <= {counts.MAX_BATCH}"),
    ("predictor-topk", "enumerate_limit", f">= 0 and <= {counts.MAX_POOL} or null"),
]


def test_the_search_command_refuses_a_sample_count_no_machine_runs(tmp_path, nasloop_in_process):
    """As the user met it: bo on NAGO's box (no table to load) with raw_samples of 10**9."""
    refused = nasloop_in_process(["search", "--space", "nago", "--strategy", "bo", "--evaluator", "proxy",
                                  "--strategy-opt", f"raw_samples={HUGE}", "--budget", "2", "--run-dir",
                                  str(tmp_path / "run"), "--quiet"], tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.strip() == ("nasloop search: error: strategy 'bo' option raw_samples must be an integer "
                                      f">= 1 and <= {counts.MAX_RAW_SAMPLES}, got {HUGE}")
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("strategy, option, bounds", REFUSED)
def test_a_count_no_machine_runs_is_refused_in_one_line(strategy, option, bounds):
    with pytest.raises(ConfigError) as refused:
        check_options(f"strategy '{strategy}'", STRATEGIES.get(strategy), {option: HUGE})
    assert str(refused.value) == f"strategy '{strategy}' option {option} must be an integer {bounds}, got {HUGE}"


def test_the_bounds_pass_generous_values():
    """A user's legitimate large value passes: each bound is above botorch's and the papers' usual values."""
    for strategy, options in (("bo", {"mc_samples": 4096, "raw_samples": 100_000, "num_restarts": 100,
                                      "num_init": 1000}),
                              ("bananas", {"num_init": 0, "batch_size": 1000, "max_edits": 100,
                                           "random_candidates": 5000}),
                              ("predictor-topk", {"enumerate_limit": 423_624, "batch_size": 1000})):
        check_options(f"strategy '{strategy}'", STRATEGIES.get(strategy), options)
