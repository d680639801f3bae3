"""gpytorch's note that it added jitter to a covariance that was not positive definite (its own remedy, applied)
reached the terminal of a bo search on NB101, and fails a test here, where warnings are errors."""
from __future__ import annotations

import nasloop
from nasloop.engine.config import SearchConfig


def test_a_bo_search_on_nb101_resumes_without_gpytorchs_jitter_note(tmp_path, data_dir):
    run = tmp_path / "run"
    nasloop.search(SearchConfig(space="nb101", strategy="bo", budget=8, data_dir=str(data_dir), run_dir=str(run)))
    assert nasloop.resume(run, budget=11)["evaluations"] == 11
