"""What a blend's members resolved is recorded with the run and given back on resume, as a plugin's own resolved
options are (engine/resolved_options.py): a zero-cost member's default proxy, a forest member's default feature set.
A recorded option a later plugin no longer takes is dropped with a note, where one the user gave is refused."""
from __future__ import annotations

import json
import sqlite3

import pytest

from nasloop import SearchConfig, resume, search
from nasloop.engine.errors import ConfigError
from nasloop.engine.store import RunStore
from nasloop.search_spaces.darts.benchmark import NB301Benchmark

FAST = {"num_init": 3, "batch_size": 2, "warmup": None}
"""Three cells at random, then rounds of two ranked by the predictor (from the fourth evaluation on)."""


def _config(data_dir, run_dir, budget, predictor="blend", **predictor_options):
    return SearchConfig(space="darts", strategy="predictor-topk", predictor=predictor, budget=budget, seed=3,
                        data_dir=str(data_dir), run_dir=str(run_dir), strategy_options=dict(FAST),
                        predictor_options=predictor_options)


def _archs(run_dir):
    with RunStore.in_run_dir(run_dir, readonly=True) as store:
        return [trial.arch for trial in store.evaluations()]


def _meta(run_dir, key):
    with RunStore.in_run_dir(run_dir, readonly=True) as store:
        return store.get_meta(key)


def _set_meta(run_dir, key, value):
    db = sqlite3.connect(run_dir / "nasloop.sqlite")
    with db:
        db.execute("UPDATE meta SET value = ? WHERE key = ?", (json.dumps(value), key))
    db.close()


def test_a_blend_resumes_with_the_proxy_its_zero_cost_member_had_when_it_began(data_dir, tmp_path, monkeypatch):
    members, weights = {"zero-cost": {}, "random": {}}, [1, 0]  # ranked by the zero-cost member alone
    search(_config(data_dir, tmp_path / "params", 10, members={"zero-cost": {"proxy": "params"}, "random": {}},
                   weights=weights))
    search(_config(data_dir, tmp_path / "nwot", 10, members=members, weights=weights))
    assert _archs(tmp_path / "nwot") != _archs(tmp_path / "params")  # the proxies pick apart within the budget
    with monkeypatch.context() as older:  # a nasloop whose NB301 default was params: its run records it
        older.setattr(NB301Benchmark, "ranking_proxy", "params")
        search(_config(data_dir, tmp_path / "older", 5, members=members, weights=weights))
    resume(tmp_path / "older", budget=10)  # today's default is nwot
    assert _archs(tmp_path / "older") == _archs(tmp_path / "params")
    assert _meta(tmp_path / "older", "resolved_options")["predictor"] == {
        "blend": {"members": {"zero-cost": {"proxy": "params"}}}}
    assert _meta(tmp_path / "older", "config")["predictor_options"] == {"members": members, "weights": weights}


def test_a_blend_records_its_members_where_the_run_names_none_and_a_forest_its_features(data_dir, tmp_path):
    search(_config(data_dir, tmp_path / "forest", 3, predictor="forest", trees=5))
    features = _meta(tmp_path / "forest", "resolved_options")["predictor"]["forest"]["features"]
    assert "proxies" in features  # NB301 stores proxies: the default feature set reads them
    search(_config(data_dir, tmp_path / "blend", 3, members=["zero-cost", "forest"]))
    assert _meta(tmp_path / "blend", "resolved_options")["predictor"]["blend"]["members"] == {
        "zero-cost": {"proxy": "nwot"}, "forest": {"features": features}}


def test_a_recorded_option_the_plugin_no_longer_takes_is_dropped_with_a_note(data_dir, tmp_path):
    search(_config(data_dir, tmp_path / "params", 8, predictor="zero-cost", proxy="params"))
    search(_config(data_dir, tmp_path / "run", 3, predictor="zero-cost"))  # the cells drawn before any ranking
    _set_meta(tmp_path / "run", "resolved_options", {"predictor": {"zero-cost": {"proxy": "params", "ranker": 2}}})
    notes: list[str] = []
    resume(tmp_path / "run", budget=8, on_note=notes.append)
    assert _archs(tmp_path / "run") == _archs(tmp_path / "params")  # the option it still takes is given back
    assert [note for note in notes if "ranker" in note] == [
        "predictor 'zero-cost' no longer takes option 'ranker', which this run recorded as resolved when it began "
        "(ranker=2); it is dropped, and the run goes on without it"]


def test_a_blend_members_recorded_option_it_no_longer_takes_is_dropped_with_a_note(data_dir, tmp_path):
    search(_config(data_dir, tmp_path / "run", 4, members=["zero-cost", "random"]))
    _set_meta(tmp_path / "run", "resolved_options",
              {"predictor": {"blend": {"members": {"zero-cost": {"proxy": "params", "ranker": 2}}}}})
    notes: list[str] = []
    resume(tmp_path / "run", budget=6, on_note=notes.append)
    assert any(note.startswith("predictor 'blend' member 'zero-cost' no longer takes option 'ranker'")
               for note in notes)


def test_an_option_the_configuration_gives_is_still_refused(data_dir, tmp_path):
    search(_config(data_dir, tmp_path / "run", 4, predictor="zero-cost"))
    config = _meta(tmp_path / "run", "config")
    _set_meta(tmp_path / "run", "config", {**config, "predictor_options": {"ranker": 2}})
    _set_meta(tmp_path / "run", "resolved_options", {"predictor": {"zero-cost": {"ranker": 2}}})
    with pytest.raises(ConfigError, match="has no option 'ranker'"):
        resume(tmp_path / "run", budget=6)
