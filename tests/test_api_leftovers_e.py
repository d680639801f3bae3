"""Leftovers of the API walk: a study given for a run, a closed store, and the config file's shorthand keys."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError, DataError
from nasloop.engine.search import resume, search, summarize
from nasloop.engine.store import RunStore


def _compare(data_dir: Path, study: Path, *form: str) -> None:
    assert main(["compare", *form, "--seeds", "1", "--out", str(study), "--data-dir", str(data_dir), "--quiet"]) == 0


def test_a_study_given_for_a_run_is_named_with_how_to_continue_it(tmp_path: Path, data_dir: Path, capsys) -> None:
    """``nasloop search --resume STUDY`` and ``resume(STUDY)`` said 'no nasloop run ... check the run directory'."""
    study = tmp_path / "studies" / "x"
    _compare(data_dir, study, "--space", "nb201", "--methods", "random", "--budget", "3")
    capsys.readouterr()
    said = (f"{study} is a study written by 'nasloop compare', not one run; continue it by running the same "
            f"'nasloop compare ... --out {study}' command again, or name one of its runs: "
            f"{study / 'runs' / 'random' / 'seed-0'}")
    assert main(["search", "--resume", str(study)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and said in err[0]
    for call in (resume, summarize):
        with pytest.raises(DataError) as caught:
            call(str(study))
        assert str(caught.value) == said


def test_a_predictor_study_given_for_a_run_is_named(tmp_path: Path, data_dir: Path, capsys) -> None:
    study = tmp_path / "pred"
    _compare(data_dir, study, "--predictors", "zero-cost", "--train-sizes", "8")
    capsys.readouterr()
    assert main(["search", "--resume", str(study)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and (f"{study} is a predictor study written by 'nasloop compare --predictors', not a run; "
                              f"continue it by running the same 'nasloop compare --predictors ... --out {study}' "
                              f"command again, or read it with 'nasloop report {study}'") in err[0]


def test_summarize_of_a_closed_store_names_the_fix(tmp_path: Path, data_dir: Path) -> None:
    """A store whose 'with' block had ended failed in sqlite3's words: 'Cannot operate on a closed database'."""
    run = tmp_path / "run"
    search(SearchConfig(space="nb201", strategy="random", budget=2, data_dir=str(data_dir), run_dir=str(run)))
    with RunStore.in_run_dir(run, readonly=True) as store:
        assert summarize(store)["evaluations"] == 2
    said = (f"the RunStore of {run} given to summarize is closed (its 'with' block ended, or close() was called); "
            f"pass the run folder instead, summarize('{run}'), or call summarize inside the 'with' block")
    with pytest.raises(ConfigError) as caught:
        summarize(store)
    assert str(caught.value) == said
    store = RunStore.in_run_dir(run)
    store.close()
    with pytest.raises(ConfigError, match="given to summarize is closed"):
        summarize(store)


@pytest.mark.parametrize(("key", "written"), [("device", "evaluator_options: {device: VALUE}"),
                                              ("ray-address", "executor_options: {address: VALUE}"),
                                              ("epochs", "fidelity: VALUE")])
def test_from_yaml_names_how_a_file_writes_a_flag(tmp_path: Path, capsys, key: str, written: str) -> None:
    """``SearchConfig.from_yaml`` of a file with ``device: cuda`` said "unknown key 'device'", where ``nasloop
    search --config`` of the same file said how to write it."""
    path = tmp_path / "run.yaml"
    path.write_text(f"space: nb201\n{key}: 1\n")
    flag = key.replace("_", "-")
    said = f"{path} sets {key.replace('-', '_')}, which is the --{flag} flag; in a config file, write {written}"
    with pytest.raises(ConfigError) as caught:
        SearchConfig.from_yaml(path)
    assert str(caught.value) == said
    assert main(["search", "--config", str(path)]) == 2
    assert capsys.readouterr().err.strip() == f"nasloop search: error: {said}"
