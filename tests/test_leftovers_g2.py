"""Leftovers: a search flag given to SearchConfig from Python, a closed store given to export_trials, and
functional dedup on a user's space that defines no functional_hash."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError
from nasloop.engine.export import export_trials
from nasloop.engine.search import resume, search
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


def _digit_plugins(functional: bool) -> str:
    """A user's digit space (with its own functional_hash or not) and its evaluator, registered under new names."""
    from nasloop.engine.registry import register_evaluator, register_search_space

    from .digit_space import DigitSpace, DigitSum

    class Own(DigitSpace):
        name = "g2-own"

        def functional_hash(self, arch):  # the last digit computes nothing: '0-1-2-3-0' is '0-1-2-3-3'
            return self.format(arch[:4])

    space = Own if functional else type("Plain", (DigitSpace,), {"name": "g2-digits"})
    name = register_search_space(space.name)(space).name
    register_evaluator(f"{name}-sum")(type("Sum", (DigitSum,), {}))
    return name


def test_functional_dedup_on_a_space_without_functional_hash_is_noted(tmp_path: Path) -> None:
    """``--dedup functional`` on a user's space that keeps the base class's functional_hash (its exact hash) ran
    as exact dedup, and nothing said so; it is noted at the start of the run, and again on resume."""
    space = _digit_plugins(functional=False)
    said = (f"search space '{space}' defines no functional_hash, so --dedup functional counts only architectures "
            "written alike as repeats, as --dedup exact does; to count those that compute the same network as one, "
            "define functional_hash(arch) returning one string for all of them (README: Adding a search space)")
    config = SearchConfig(space=space, evaluator=f"{space}-sum", strategy="random", budget=3, dedup="functional")
    for dedup, expected in (("functional", [said]), ("exact", [])):
        notes: list[str] = []
        search(config.replace(dedup=dedup, run_dir=str(tmp_path / dedup)), on_note=notes.append)
        assert [n for n in notes if "functional_hash" in n] == expected
    notes = []
    resume(str(tmp_path / "functional"), budget=4, on_note=notes.append)
    assert said in notes


def test_a_space_with_its_own_functional_hash_is_not_noted(tmp_path: Path) -> None:
    space = _digit_plugins(functional=True)
    notes: list[str] = []
    search(SearchConfig(space=space, evaluator=f"{space}-sum", strategy="random", budget=3, dedup="functional",
                        run_dir=str(tmp_path / "r")), on_note=notes.append)
    assert not [n for n in notes if "functional_hash" in n]
