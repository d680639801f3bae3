"""Where ``SearchConfig.from_yaml`` read a ``data_dir`` is a field the configuration neither takes, compares, shows nor
stores, where it was a class variable each configuration read from a file shadowed; what it does is pinned here."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from nasloop import NasloopError, SearchConfig
from nasloop.engine.search import resume


@pytest.fixture
def from_file(tmp_path: Path) -> tuple[SearchConfig, Path]:
    path = tmp_path / "search.yaml"
    path.write_text("strategy: random\nbudget: 2\ndata_dir: /no-such-nasloop-folder-e6\n")
    return SearchConfig.from_yaml(path), path


def test_it_is_a_field_no_argument_comparison_or_repr_holds() -> None:
    field = {item.name: item for item in dataclasses.fields(SearchConfig)}["read_from"]
    assert (field.init, field.compare, field.repr, field.default) == (False, False, False, None)


def test_a_file_read_config_keeps_where_it_came_from_through_replace_alone(from_file) -> None:
    config, path = from_file
    assert config.read_from == (str(path), "/no-such-nasloop-folder-e6")
    assert config.replace(seed=3).read_from == config.read_from
    assert SearchConfig(strategy="random").read_from is None
    plain = SearchConfig(strategy="random", budget=2, data_dir="/no-such-nasloop-folder-e6")
    assert config == plain and repr(config) == repr(plain) and config.to_dict() == plain.to_dict()
    assert "read_from" not in config.to_dict()


@pytest.mark.parametrize("make, said", [
    (lambda: SearchConfig(read_from=("a.yaml", "data")), "SearchConfig has no field 'read_from'; it takes: space, "),
    (lambda: SearchConfig.from_mapping({"read_from": ["a.yaml", "data"]}),
     "unknown key 'read_from' in config; known keys: budget, "),
])
def test_no_one_gives_it(make, said: str) -> None:
    with pytest.raises(NasloopError) as refused:
        make()
    assert str(refused.value).startswith(said) and ", read_from" not in str(refused.value)


def test_resume_takes_it_for_no_configuration_field(tmp_path: Path) -> None:
    with pytest.raises(NasloopError, match="^resume\\(\\) got read_from=1, which it does not take; it takes budget"):
        resume(tmp_path, read_from=1)


def test_a_missing_folder_is_still_named_with_its_file(from_file, tmp_path: Path) -> None:
    config, path = from_file
    with pytest.raises(NasloopError, match=f"^{path}: data_dir: /no-such-nasloop-folder-e6 does not exist"):
        config.replace(run_dir=str(tmp_path / "run")).check_data_dir()
    config.replace(data_dir=str(tmp_path)).check_data_dir()  # another folder is the script's: not the file's
