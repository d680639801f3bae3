"""A run stored by an older nasloop whose feature list gave a column twice (``features=[proxies, synflow]``, where
``proxies`` holds synflow) still resumes, with the columns it began with.

Older nasloop accepted such a list (the column weighed double in the forest's draws); a new run is now refused it,
and the refusal, made where the predictor builds its features, refused the stored run's ``--resume`` too, with no
option to drop it by (a resume cannot be given other predictor options)."""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError
from nasloop.engine.search import search, summarize
from nasloop.engine.store import RunStore


def _config(data_dir, run, features):
    """A forest-guided search whose later evaluations (3 on) are ranked by the forest on ``features``."""
    return SearchConfig(strategy="bananas", strategy_options={"num_init": 2, "batch_size": 1}, predictor="forest",
                        predictor_options={"features": features, "trees": 8}, budget=3, seed=1,
                        data_dir=str(data_dir), run_dir=str(run))


@pytest.mark.parametrize("features", [["proxies", "synflow"], ["graph", "graph:graph"]])
def test_an_older_run_giving_a_column_twice_resumes(tmp_path, data_dir, features):
    older = tmp_path / "older"
    search(_config(data_dir, older, ["proxies"]))
    with RunStore.in_run_dir(older) as store:  # as an older nasloop stored it
        config = store.get_meta("config")
        store.set_meta("config", {**config, "predictor_options": {"features": features, "trees": 8}})
    assert main(["search", "--resume", str(older), "--budget", "5", "--quiet"]) == 0
    assert summarize(older)["evaluations"] == 5
    with RunStore.in_run_dir(older, readonly=True) as store:  # the stored configuration is kept as it was
        assert store.get_meta("config")["predictor_options"] == {"features": features, "trees": 8}


def test_a_new_run_giving_a_column_twice_is_still_refused(tmp_path, data_dir):
    with pytest.raises(ConfigError, match="give the column 'synflow' twice"):
        search(_config(data_dir, tmp_path / "run", ["proxies", "synflow"]))
    assert not (tmp_path / "run").exists()
