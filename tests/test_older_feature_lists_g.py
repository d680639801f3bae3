"""A run stored by an older nasloop with ``features=[proxies, proxies]`` still resumes, as it began.

Older nasloop read a feature named twice once, without a word; a new run is now refused it, and the refusal (made
where the predictor builds its features) refused the stored run's resume too, with no option to drop it by. A resume
now reads such a list as older nasloop did; a new run is still refused it."""
from __future__ import annotations

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError
from nasloop.engine.search import resume, search
from nasloop.engine.store import RunStore


def _config(data_dir, run, features):
    """A forest-guided search whose later evaluations (3 on) are ranked by the forest on ``features``."""
    return SearchConfig(strategy="bananas", strategy_options={"num_init": 2, "batch_size": 1}, predictor="forest",
                        predictor_options={"features": features, "trees": 8}, budget=3, seed=1,
                        data_dir=str(data_dir), run_dir=str(run))


def _archs(run):
    with RunStore.in_run_dir(run, readonly=True) as store:
        return [t.arch for t in store.evaluations()]


def test_an_older_run_naming_a_feature_twice_resumes_as_one_naming_it_once(tmp_path, data_dir):
    older, plain = tmp_path / "older", tmp_path / "plain"
    search(_config(data_dir, older, ["proxies"]))
    with RunStore.in_run_dir(older) as store:  # as an older nasloop stored it
        config = store.get_meta("config")
        store.set_meta("config", {**config, "predictor_options": {"features": ["proxies", "proxies"], "trees": 8}})
    assert resume(older, budget=4)["evaluations"] == 4
    search(_config(data_dir, plain, ["proxies"]).replace(budget=4))  # a resumed run evaluates what one run does
    assert _archs(older) == _archs(plain)
    with RunStore.in_run_dir(older, readonly=True) as store:  # the stored configuration is kept as it was
        assert store.get_meta("config")["predictor_options"] == {"features": ["proxies", "proxies"], "trees": 8}


def test_a_new_run_naming_a_feature_twice_is_still_refused(tmp_path, data_dir):
    with pytest.raises(ConfigError, match="name 'proxies' twice; name each once"):
        search(_config(data_dir, tmp_path / "run", ["proxies", "proxies"]))
    assert not (tmp_path / "run").exists()
