"""An option a run cannot store (a function, a lock, any object JSON cannot hold) is refused in one line naming it
and the fix as the configuration is made, before a run folder or an evaluation: a lambda given as FLAN's
supplementary features stopped a search in json's TypeError ("Object of type function is not JSON serializable"),
its run folder already made."""
from __future__ import annotations

import threading

import numpy as np
import pytest

from nasloop import SearchConfig, resume, search
from nasloop.engine.errors import ConfigError

FIX = ": it records its options as JSON, to resume with them; give data"


def features(archs):
    return np.zeros((len(archs), 1))


@pytest.mark.parametrize("field, options, named", [
    ("predictor_options", {"supplementary": lambda archs: np.zeros((len(archs), 1))},
     "--predictor-opt supplementary is a function (<lambda>), which a run cannot store"),
    ("predictor_options", {"members": {"flan": {"supplementary": features}, "forest": {}}},
     "--predictor-opt members['flan']['supplementary'] is a function (features), which a run cannot store"),
    ("evaluator_options", {"lock": threading.Lock()}, "--evaluator-opt lock is a _thread.lock, which a run cannot"),
    ("space_options", {"widths": np.array([16, 32])}, "--space-opt widths is a numpy.ndarray, which a run cannot"),
    ("strategy_options", {"warmup": [features]}, "--strategy-opt warmup[0] is a function (features)"),
    ("executor_options", {"resources": {1: 2}}, "--executor-opt resources has the int key 1, which a run would give "
                                                "back as text")])
def test_an_option_a_run_cannot_store_is_refused_as_the_configuration_is_made(tmp_path, field, options, named):
    with pytest.raises(ConfigError) as refused:
        SearchConfig(strategy="predictor-topk", predictor="flan", run_dir=str(tmp_path / "run"), **{field: options})
    assert str(refused.value).startswith(named) and FIX in str(refused.value) and "\n" not in str(refused.value)
    assert not (tmp_path / "run").exists()


def test_a_resume_given_one_is_refused_and_leaves_the_run_as_it_was(tmp_path, data_dir):
    search(SearchConfig(strategy="random", budget=2, data_dir=str(data_dir), run_dir=str(tmp_path / "run")))
    before = (tmp_path / "run" / "nasloop.sqlite").read_bytes()
    with pytest.raises(ConfigError, match=r"^--executor-opt hook is a function \(features\), which a run cannot "):
        resume(tmp_path / "run", budget=4, executor_options={"hook": features})
    assert (tmp_path / "run" / "nasloop.sqlite").read_bytes() == before
