"""Leftovers: a search flag given to SearchConfig from Python, a closed store given to export_trials, and
functional dedup on a user's space that defines no functional_hash."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError
from nasloop.engine.export import export_trials
from nasloop.engine.search import search
from nasloop.engine.store import RunStore


@pytest.mark.parametrize(("key", "keyword", "item"), [
    ("device", "evaluator_options={'device': VALUE}", "'evaluator_options': {'device': VALUE}"),
    ("ray_address", "executor_options={'address': VALUE}", "'executor_options': {'address': VALUE}"),
    ("epochs", "fidelity=VALUE", "'fidelity': VALUE")])
def test_a_flag_given_to_searchconfig_from_python_names_its_options_dict(key: str, keyword: str, item: str) -> None:
    """``SearchConfig(device='cuda')`` said "no field 'device'" and ``from_mapping({'device': ...})`` "unknown key
    'device'", where a config file with the same key is told which options dict takes it."""
    flag = key.replace("_", "-")
    with pytest.raises(ConfigError) as caught:
        SearchConfig(**{key: "cuda"})
    assert str(caught.value) == (f"SearchConfig has no field '{key}', which is the --{flag} flag; from Python, "
                                 f"give {keyword}")
    with pytest.raises(ConfigError) as caught:
        SearchConfig.from_mapping({"space": "nb201", key: "cuda"})
    assert str(caught.value) == (f"unknown key '{key}' in config, which is the --{flag} flag; in a mapping, "
                                 f"write {item}")


def test_export_trials_of_a_closed_store_names_the_fix(tmp_path: Path, data_dir: Path) -> None:
    """A RunStore whose 'with' block had ended failed in sqlite3's words, 'Cannot operate on a closed database';
    it is now refused as summarize refuses it, and the run folder it advises is taken."""
    run, out = tmp_path / "run", tmp_path / "o.csv"
    search(SearchConfig(space="nb201", strategy="random", budget=2, data_dir=str(data_dir), run_dir=str(run)))
    with RunStore.in_run_dir(run, readonly=True) as store:
        pass
    with pytest.raises(ConfigError) as caught:
        export_trials(store, out)
    assert str(caught.value) == (f"the RunStore of {run} given to export_trials is closed (its 'with' block ended, "
                                 f"or close() was called); pass the run folder instead, export_trials('{run}', "
                                 f"'{out}'), or call export_trials inside the 'with' block")
    assert not out.exists()
    assert export_trials(str(run), out) == out
    with out.open() as fh:
        assert len(list(csv.DictReader(fh))) == 2
