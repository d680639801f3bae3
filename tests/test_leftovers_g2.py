"""Leftovers: a search flag given to SearchConfig from Python, a closed store given to export_trials, and
functional dedup on a user's space that defines no functional_hash."""
from __future__ import annotations

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError


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
